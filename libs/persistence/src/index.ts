// Public API: configuration, the DataSource factory, migrations, repositories and the plain domain
// objects they return. Entity classes stay inside: the ORM does not leak out of this lib.
export * from './database.config';
export * from './snake-naming.strategy';
export * from './data-source.factory';
export * from './migrations.runner';
export * from './database-readiness.check';
export * from './database.module';
export * from './database-handle.helper';
export * from './persistence.errors';
export * from './page-limit.helper';
export * from './line.repository';
export * from './frame.repository';
export * from './frame-retention.repository';
export * from './detection.repository';
export * from './alert.repository';
export * from './review.repository';
export * from './model-registry.repository';
export * from './audit-log.repository';
export * from './user.repository';
export * from './session.repository';
export * from './service-token.repository';
export * from './camera-alert-history.repository';
export * from './inspection-stats.repository';
export * from './throwaway-database.helper';
export * from './embedded-postgres.server';

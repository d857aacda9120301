// Public API: configuration, the opaque `Database` and its factory, migrations, repositories and the
// plain domain objects they return. Entities, managers and the ORM's types stay inside: nothing
// outside this lib sees TypeORM.
export * from './database';
export * from './database.config';
export * from './data-source.factory';
export * from './migrations.runner';
export * from './database-readiness.check';
export * from './database.module';
export * from './repository.providers';
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
export * from './frame-label.repository';
export * from './dataset-version.repository';
export * from './training-job.repository';
export * from './line-learning-state.query';
export * from './shadow-model.repository';
export * from './shadow-stats.query';
export * from './line-learning-policy.repository';
export * from './search-candidate-lineage.repository';
export * from './architecture-search.repository';

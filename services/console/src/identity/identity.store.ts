import { AuditLogRepository, type Database, ServiceTokenRepository, SessionRepository, UserRepository } from '@argus/persistence';

/** The repositories identity works with, all on one handle (the pool, or one transaction). */
export interface IdentityRepositories {
  readonly users: UserRepository;
  readonly sessions: SessionRepository;
  readonly serviceTokens: ServiceTokenRepository;
  readonly audit: AuditLogRepository;
}

/**
 * Identity's persistence: its repositories on the pool, and `transaction()` for a change that
 * must commit together with its audit entry (or not at all).
 */
export class IdentityStore implements IdentityRepositories {
  readonly users: UserRepository;
  readonly sessions: SessionRepository;
  readonly serviceTokens: ServiceTokenRepository;
  readonly audit: AuditLogRepository;

  constructor(private readonly db: Database) {
    this.users = new UserRepository(db);
    this.sessions = new SessionRepository(db);
    this.serviceTokens = new ServiceTokenRepository(db);
    this.audit = new AuditLogRepository(db);
  }

  transaction<T>(work: (repositories: IdentityRepositories) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) =>
      work({
        users: new UserRepository(tx),
        sessions: new SessionRepository(tx),
        serviceTokens: new ServiceTokenRepository(tx),
        audit: new AuditLogRepository(tx),
      }),
    );
  }
}

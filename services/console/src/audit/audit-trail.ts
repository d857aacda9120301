import type { AuditLogRepository } from '@argus/persistence';
import type { AccessDenial, AccessDenialRecorder } from '../identity/credential-resolver.port';

/** Audit actions identity writes (the contract lists them; reviews and promotions write their own). */
export const AuditActions = {
  accessDenied: 'access.denied',
  login: 'auth.login',
  loginFailed: 'auth.login-failed',
  logout: 'auth.logout',
  userCreated: 'user.created',
  userChanged: 'user.changed',
  serviceTokenCreated: 'service-token.created',
  serviceTokenRevoked: 'service-token.revoked',
} as const;

/** Writes the audit entries of refused requests (the auth guard's `access.denied`). */
export class AccessDenialAudit implements AccessDenialRecorder {
  constructor(private readonly audit: AuditLogRepository) {}

  async recordDenial(denial: AccessDenial): Promise<void> {
    await this.audit.append({
      actor: denial.principal.name,
      action: AuditActions.accessDenied,
      subjectType: 'route',
      subjectId: `${denial.method} ${denial.path}`.slice(0, 500),
      after: { method: denial.method, path: denial.path, role: denial.principal.role, requiredRoles: [...denial.requiredRoles] },
    });
  }
}

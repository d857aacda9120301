/** The AuditLogRepository on the service's database (Nest token). */
export const AUDIT_LOG = Symbol('AUDIT_LOG');

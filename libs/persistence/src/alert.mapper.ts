import type { Severity } from '@argus/contracts';
import type { AlertEntity } from './entities/alert.entity';
import type { Alert, AlertStatus, AuditReason } from './alert.repository';

/** Row → domain object. Internal (not exported from the lib): shared by the alert and review repositories. */
export function toAlert(row: AlertEntity): Alert {
  return {
    id: row.id,
    frameId: row.frameId,
    lineId: row.lineId,
    cameraId: row.cameraId,
    modelVersionId: row.modelVersionId,
    severity: row.severity as Severity,
    status: row.status as AlertStatus,
    detections: row.detections,
    ...kindOf(row.kind, row.auditReason, row.uncertainty),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** The kind columns as the domain sees them (the table's checks keep audit facts and kind together). */
export function kindOf(kind: string, auditReason: string | null, uncertainty: number | string | null): Pick<Alert, 'kind' | 'audit'> {
  if (kind === 'audit' && auditReason !== null && uncertainty !== null) {
    return { kind: 'audit', audit: { reason: auditReason as AuditReason, uncertainty: Number(uncertainty) } };
  }
  return { kind: 'defect', audit: null };
}

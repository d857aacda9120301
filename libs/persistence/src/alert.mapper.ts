import type { Severity } from '@argus/contracts';
import type { AlertEntity } from './entities/alert.entity';
import type { Alert, AlertStatus } from './alert.repository';

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
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

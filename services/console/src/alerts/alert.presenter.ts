import type { Detection } from '@argus/contracts';
import type { AlertStatus, AlertWithFrame, NamedReview } from '@argus/persistence';

/** One alert in the review queue (the contract's `AlertSummary`). */
export interface AlertSummary {
  readonly id: string;
  readonly frameId: string;
  readonly lineId: string;
  readonly cameraId: string;
  readonly severity: string;
  readonly status: AlertStatus;
  /** The distinct classes of its detections, in order of first appearance. */
  readonly classes: string[];
  readonly detections: readonly Detection[];
  readonly modelVersionId: string;
  readonly capturedAt: string;
  readonly createdAt: string;
  readonly frame: { readonly width: number; readonly height: number };
}

export interface ReviewView {
  readonly id: string;
  readonly reviewer: string;
  readonly decision: string;
  readonly boxes: readonly { readonly className: string; readonly box: Detection['box'] }[];
  readonly comment: string | null;
  readonly createdAt: string;
}

/** One alert on its review page (the contract's `AlertDetail`). */
export interface AlertDetail extends AlertSummary {
  readonly imageUrl: string;
  readonly templateUrl: string | null;
  /** The classes the alert's model knows: what a correction may relabel a box to. */
  readonly modelClasses: readonly string[];
  readonly reviews: ReviewView[];
}

export function frameImageUrl(frameId: string): string {
  return `/api/v1/frames/${frameId}/image`;
}

export function frameTemplateUrl(frameId: string): string {
  return `/api/v1/frames/${frameId}/template`;
}

export function toAlertSummary(alert: AlertWithFrame): AlertSummary {
  return {
    id: alert.id,
    frameId: alert.frameId,
    lineId: alert.lineId,
    cameraId: alert.cameraId,
    severity: alert.severity,
    status: alert.status,
    classes: [...new Set(alert.detections.map((d) => d.className))],
    detections: alert.detections,
    modelVersionId: alert.modelVersionId,
    capturedAt: alert.frame.capturedAt.toISOString(),
    createdAt: alert.createdAt.toISOString(),
    frame: { width: alert.frame.width, height: alert.frame.height },
  };
}

export function toReviewView(review: NamedReview): ReviewView {
  return {
    id: review.id,
    reviewer: review.reviewerName,
    decision: review.decision,
    boxes: review.boxes,
    comment: review.comment,
    createdAt: review.createdAt.toISOString(),
  };
}

export function toAlertDetail(
  alert: AlertWithFrame,
  extra: { hasTemplate: boolean; modelClasses: readonly string[]; reviews: readonly NamedReview[] },
): AlertDetail {
  return {
    ...toAlertSummary(alert),
    imageUrl: frameImageUrl(alert.frameId),
    templateUrl: extra.hasTemplate ? frameTemplateUrl(alert.frameId) : null,
    modelClasses: extra.modelClasses,
    reviews: extra.reviews.map(toReviewView),
  };
}

import type { Detection, ReviewDecision, Severity } from '@argus/contracts';
import type { AlertKind, AlertRule, AlertStatus, AlertWithFrame, AuditFacts, ModelVersion, NamedReview } from '@argus/persistence';
import type { ModelThresholds } from './model-thresholds.reader';

/** One alert in the review queue (the contract's `AlertSummary`). */
export interface AlertSummary {
  readonly id: string;
  readonly frameId: string;
  readonly lineId: string;
  readonly cameraId: string;
  readonly severity: Severity;
  readonly status: AlertStatus;
  /** The distinct classes of its detections, in order of first appearance. */
  readonly classes: string[];
  readonly detections: readonly Detection[];
  readonly modelVersionId: string;
  readonly capturedAt: string;
  readonly createdAt: string;
  readonly frame: { readonly width: number; readonly height: number };
  /**
   * The latest review (the one `status` follows): its boxes are the frame's ground truth as
   * reviewed (the alert's detections when confirmed, none when rejected); null while open.
   */
  readonly review: ReviewView | null;
  /** `audit`: a frame without an alert, sampled for review; its detections are the model's boxes under the threshold. */
  readonly kind: AlertKind;
  /** Why an audit item was sampled; null for a defect alert. */
  readonly audit: AuditFacts | null;
}

export interface ReviewView {
  readonly id: string;
  readonly reviewer: string;
  readonly decision: ReviewDecision;
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
  /** The model version that produced the detections, with the thresholds its package declares. */
  readonly model: ModelView | null;
  /** The line's alert rules for the alert's classes (as they are now: rules can change after the alert). */
  readonly alertRules: AlertRuleView[];
}

export interface ModelView {
  readonly id: string;
  readonly name: string;
  readonly version: string;
  /** The model reports no detection scoring below this (`postprocessing.scoreThreshold`); null when unknown. */
  readonly scoreThreshold: number | null;
  readonly deploymentThreshold: number | null;
}

export interface AlertRuleView {
  readonly className: string;
  readonly minScore: number;
  readonly minBoxAreaPx2: number;
  readonly severity: Severity;
}

export function frameImageUrl(frameId: string): string {
  return `/api/v1/frames/${frameId}/image`;
}

export function frameTemplateUrl(frameId: string): string {
  return `/api/v1/frames/${frameId}/template`;
}

export function toAlertSummary(alert: AlertWithFrame, latestReview: NamedReview | null = null): AlertSummary {
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
    review: latestReview ? toReviewView(latestReview) : null,
    kind: alert.kind,
    audit: alert.audit,
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
  extra: {
    hasTemplate: boolean;
    reviews: readonly NamedReview[];
    model: ModelVersion | null;
    thresholds: ModelThresholds | null;
    rules: readonly AlertRule[];
  },
): AlertDetail {
  const classes = new Set(alert.detections.map((d) => d.className));
  return {
    ...toAlertSummary(alert, extra.reviews[extra.reviews.length - 1] ?? null),
    imageUrl: frameImageUrl(alert.frameId),
    templateUrl: extra.hasTemplate ? frameTemplateUrl(alert.frameId) : null,
    modelClasses: extra.model?.classes ?? [],
    reviews: extra.reviews.map(toReviewView),
    model: extra.model
      ? {
          id: extra.model.id,
          name: extra.model.name,
          version: extra.model.version,
          scoreThreshold: extra.thresholds?.scoreThreshold ?? null,
          deploymentThreshold: extra.thresholds?.deploymentThreshold ?? null,
        }
      : null,
    alertRules: rulesApplying(extra.rules, classes).map((r) => ({
      className: r.className,
      minScore: r.minScore,
      minBoxAreaPx2: r.minBoxAreaPx2,
      severity: r.severity,
    })),
  };
}

/** The rule each class is judged by (its own, else the line's catch-all "*"), each rule once. */
function rulesApplying(rules: readonly AlertRule[], classes: ReadonlySet<string>): AlertRule[] {
  const applying = new Map<string, AlertRule>();
  for (const className of classes) {
    const rule = rules.find((r) => r.className === className) ?? rules.find((r) => r.className === '*');
    if (rule) applying.set(rule.className, rule);
  }
  return [...applying.values()];
}

import type { Box, Severity } from '@argus/contracts';

/**
 * The console API's answers as services/console/README.md describes them. That README is the
 * contract between the API and this UI; keep both in line with it.
 */
export type Role = 'operator' | 'ml-engineer' | 'admin';
export const ROLES: readonly Role[] = ['operator', 'ml-engineer', 'admin'];

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
}

export interface Session {
  user: User;
  expiresAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface ServiceToken {
  id: string;
  name: string;
  kind: 'camera' | 'service';
  role?: Role | null;
  createdAt?: string;
  revokedAt?: string | null;
  lastUsedAt?: string | null;
}

export interface AuditEntry {
  id: string;
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string | null;
  before: unknown;
  after: unknown;
  at: string;
}

export interface ProductionModel {
  modelVersionId: string;
  name: string;
  version: number | string;
  promotedAt: string;
}

export interface Line {
  id: string;
  name: string;
  cameras: { id: string; name: string }[];
  hasTemplate: boolean;
  production: ProductionModel | null;
}

export type AlertStatus = 'open' | 'confirmed' | 'rejected' | 'corrected';

export interface ScoredDetection {
  className: string;
  score: number;
  box: Box;
}

export interface AlertSummary {
  id: string;
  frameId: string;
  lineId: string;
  cameraId: string;
  severity: Severity;
  status: AlertStatus;
  classes: string[];
  detections: ScoredDetection[];
  modelVersionId: string;
  capturedAt: string;
  createdAt: string;
  frame: { width: number; height: number };
  /** The latest review (the reviewed ground truth: its boxes, labelled); null while open. */
  review: Review | null;
}

/** How many alerts match a filter: exact up to 10,000, else an estimate (`exact: false`). */
export interface AlertCount {
  count: number;
  exact: boolean;
}

export type Decision = 'confirmed' | 'rejected' | 'corrected';

export interface Review {
  id: string;
  reviewer: string;
  decision: Decision;
  boxes: { className: string; box: Box }[];
  comment: string | null;
  createdAt: string;
}

export interface AlertDetail extends AlertSummary {
  imageUrl: string;
  templateUrl: string | null;
  modelClasses: string[];
  reviews: Review[];
  /** The model version that produced the detections, with its package's score thresholds. */
  model: { id: string; name: string; version: string; scoreThreshold: number | null; deploymentThreshold: number | null } | null;
  /** The line's alert rules the alert's classes are judged by (as they are now). */
  alertRules: { className: string; minScore: number; minBoxAreaPx2: number; severity: Severity }[];
}

export interface ReviewAnswer {
  review: Review;
  alert: AlertSummary;
  conflictsWith: string | null;
}

export type BulkResult = { alertId: string; reviewId: string } | { alertId: string; error: { code: string; message: string } };

export interface AlertReviewedEvent {
  alertId: string;
  status: AlertStatus;
  reviewId: string;
  reviewer: string;
}

export interface ModelRef {
  id: string;
  name: string;
  version: number | string;
}

export interface ModelSummary extends ModelRef {
  backend: string;
  classes: string[];
  usesTemplate: boolean;
  createdAt: string;
  metrics: Record<string, number>;
  parentVersionId: string | null;
  productionOn: string[];
}

export interface PrCurve {
  recall: number[];
  precision: number[];
}

export interface ClassEvaluation {
  className: string;
  ap50: number;
  ap: number;
  curve50: PrCurve | null;
}

/** What an evaluation scored (`argus eval`'s data source and split) and what identifies the images. */
export interface EvaluationData {
  source: string;
  split: string;
  imageCount: number;
  fingerprint: string | null;
  /** `evaluation`: recorded over the scored images; `training-data`: the version's training-data fingerprint, which fixes its held-out split. */
  fingerprintOf: 'evaluation' | 'training-data' | null;
}

/** How a version was trained, from its package's metadata. */
export interface TrainingRecord {
  command: string;
  resumedWith: string[];
  backend: string | null;
  epochsRun: number | null;
  bestEpoch: number | null;
  stopReason: string | null;
  trainingSeconds: number | null;
  trainImages: number | null;
  validationImages: number | null;
  hyperparameters: Record<string, unknown>;
}

export interface ModelDetail extends ModelSummary {
  spec: unknown;
  trainingDataFingerprint: string | null;
  lineage: {
    parent: ModelRef | null;
    trainingData: { source: string; fingerprint: string; split: unknown; trainedOn?: string } | null;
  };
  /** Null when the package records none (and always in a comparison, which does not read it). */
  training: TrainingRecord | null;
  evaluation: {
    data: EvaluationData;
    imageCount: number;
    map50: number;
    map: number;
    perClass: ClassEvaluation[];
    latencyMs: { p50: number; p95: number } | null;
  } | null;
}

export interface ClassComparison {
  className: string;
  a: { ap50: number; ap: number } | null;
  b: { ap50: number; ap: number } | null;
  deltaAp50: number | null;
}

export interface OverallMetrics {
  map50: number | null;
  map: number | null;
}

export interface ModelComparison {
  a: ModelDetail;
  b: ModelDetail;
  perClass: ClassComparison[];
  /** Falls back to the registered metrics; null when a version has neither. */
  overall: { a: OverallMetrics | null; b: OverallMetrics | null };
  /** Whether both evaluations scored the same images; deltas mean something only when `comparable`. */
  evaluationData: EvaluationComparability;
}

export interface EvaluationComparability {
  verdict: 'same' | 'different' | 'unverified';
  comparable: boolean;
  /** Why, naming the data each version was evaluated on. */
  reason: string;
  a: EvaluationData | null;
  b: EvaluationData | null;
}

export interface Promotion {
  id: string;
  kind: 'promotion' | 'rollback';
  from: ModelRef | null;
  to: ModelRef;
  promotedBy: string;
  reason: string;
  promotedAt: string;
}

/** A line's promotion timeline and the version a rollback would restore (null: nothing to roll back to). */
export interface PromotionTimelineAnswer {
  items: Promotion[];
  rollbackTo: ModelRef | null;
}

/** A promotion or rollback to or from one version, on any line. */
export interface VersionPromotion extends Promotion {
  lineId: string;
}

export interface PromotionAnswer {
  promotion: Promotion;
  changed: boolean;
}

export interface DashboardLine {
  lineId: string;
  name: string;
  production: ProductionModel | null;
  framesPerMinute: number;
  alertsPerMinute: number;
  /** null when no frame arrived in the window. */
  defectRate: number | null;
  series: { minute: string; frames: number; alerts: number }[];
  /** Open alerts waiting for review. */
  backlog: AlertCount;
}

export interface Dashboard {
  generatedAt: string;
  minutes: number;
  lines: DashboardLine[];
  pipeline: {
    consumerGroups: { groupId: string; topic: string; lag: number }[];
    deadLetters: { topic: string; count: number }[];
    /** Set (and the lists empty) when Kafka could not be asked. */
    error?: string;
  };
}

import type { components, operations } from './console-api.generated';

/**
 * The console API's answers under the names the UI uses. Each is the component schema of the
 * console's OpenAPI document (console-api.generated.ts, generated from services/console/openapi.json
 * by `npm run api:generate -w @argus/console`); the server's response schemas are the source
 * (services/console/src/http/api-responses.schemas.ts), and the request bodies' are the zod schemas
 * that validate them. Nothing here is written by hand but names.
 */
type Schemas = components['schemas'];

/** The JSON body an operation takes. */
type JsonBody<Operation extends keyof operations> = operations[Operation] extends {
  requestBody: { content: { 'application/json': infer Body } };
}
  ? Body
  : never;

export type User = Schemas['User'];
export type Role = User['role'];
export const ROLES: readonly Role[] = ['operator', 'ml-engineer', 'admin'];
export type Session = Schemas['Session'];
export type ServiceToken = Schemas['ServiceToken'];
export type AuditEntry = Schemas['AuditEntry'];
export type IssuedServiceToken = Schemas['IssuedServiceToken'];
export type LoginRequest = JsonBody<'AuthController_signIn'>;
export type NewUserRequest = JsonBody<'UsersController_create'>;
export type UserChangeRequest = JsonBody<'UsersController_change'>;
export type NewServiceTokenRequest = JsonBody<'ServiceTokensController_create'>;

/** A keyset page of a list (the document's `AlertPage`, `AuditPage`). */
export type Page<T> = Omit<Schemas['AlertPage'], 'items'> & { items: T[] };

export type ProductionModel = Schemas['ProductionModel'];
export type Line = Schemas['Line'];

export type AlertStatus = Schemas['AlertStatus'];
export type ScoredDetection = Schemas['ScoredDetection'];
export type AlertSummary = Schemas['AlertSummary'];
export type AlertKind = Schemas['AlertKind'];
export type AuditItemFacts = Schemas['AuditItemFacts'];
export type AlertCount = Schemas['AlertCount'];
export type Decision = Schemas['Decision'];
export type Review = Schemas['Review'];
export type AlertDetail = Schemas['AlertDetail'];
export type ReviewAnswer = Schemas['ReviewAnswer'];
export type BulkResult = Schemas['BulkResult'];
export type BulkReviewAnswer = Schemas['BulkReviewAnswer'];
export type ReviewRequest = JsonBody<'AlertsController_review'>;
export type BulkReviewRequest = JsonBody<'AlertsController_bulkReview'>;
/** The `alert.reviewed` event's data on `GET /api/v1/alerts/stream`. */
export type AlertReviewedEvent = Schemas['AlertReviewedEvent'];

export type ModelRef = Schemas['ModelRef'];
export type ModelSummary = Schemas['ModelSummary'];
export type PrCurve = Schemas['PrCurve'];
export type ClassEvaluation = Schemas['ClassEvaluation'];
export type EvaluationData = Schemas['EvaluationData'];
export type TrainingRecord = Schemas['TrainingRecord'];
export type ModelDetail = Schemas['ModelDetail'];
export type ModelComparison = Schemas['ModelComparison'];
export type ClassComparison = ModelComparison['perClass'][number];
export type OverallMetrics = ModelComparison['overall']['a'];
export type EvaluationComparability = Schemas['EvaluationComparability'];

export type Promotion = Schemas['Promotion'];
export type PromotionTimelineAnswer = Schemas['PromotionTimeline'];
export type VersionPromotion = Schemas['VersionPromotion'];
export type PromotionAnswer = Schemas['PromotionAnswer'];
export type PromoteRequest = JsonBody<'PromotionsController_promote'>;
export type RollbackRequest = JsonBody<'PromotionsController_rollback'>;

export type DashboardLine = Schemas['DashboardLine'];
export type Dashboard = Schemas['Dashboard'];

export type DatasetVersion = Schemas['DatasetVersion'];
export type DatasetVersionDetail = Schemas['DatasetVersionDetail'];
export type TrainingJob = Schemas['TrainingJob'];
export type TriggerRequestAnswer = Schemas['TriggerRequest'];
export type TriggerRequest = JsonBody<'TrainingJobsController_trigger'>;
export type Candidate = Schemas['Candidate'];
export type MatchCounts = Schemas['MatchCounts'];
export type LearningPolicy = Schemas['LearningPolicy'];
export type LearningPolicyRequest = JsonBody<'LearningPolicyController_replace'>;

export type NewLine = Schemas['NewLine'];
export type NewLineRequest = JsonBody<'NewLineController_create'>;
export type NewCamera = Schemas['NewCamera'];
export type NewCameraRequest = JsonBody<'NewLineController_addCamera'>;
export type LineTemplate = Schemas['LineTemplate'];
export type OnboardingSet = Schemas['OnboardingSet'];
export type OnboardingItem = Schemas['OnboardingItem'];
export type AvailableFrame = Schemas['AvailableFrame'];
export type PickFramesRequest = JsonBody<'NewLineController_pick'>;
export type AdaptationRequest = JsonBody<'NewLineController_adapt'>;
export type AdaptationAnswer = Schemas['AdaptationRequest'];

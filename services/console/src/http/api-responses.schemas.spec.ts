import { z } from 'zod';
import type { AlertsController } from '../alerts/alerts.controller';
import type { AuditItemsController } from '../alerts/audit-items.controller';
import type { AuditController } from '../audit/audit.controller';
import type { DashboardController } from '../dashboard/dashboard.controller';
import type { AuthController } from '../identity/auth.controller';
import type { LinesController } from '../lines/lines.controller';
import type { ModelsController } from '../models/models.controller';
import type { PromotionsController } from '../promotions/promotions.controller';
import type { ServiceTokensController } from '../service-tokens/service-tokens.controller';
import type { UsersController } from '../users/users.controller';
import type { CandidatesController } from '../training/candidates.controller';
import type { DatasetsController } from '../training/datasets.controller';
import type { LearningPolicyController } from '../training/learning-policy.controller';
import type { TrainingJobsController } from '../training/training-jobs.controller';
import type { NewLineController } from '../onboarding/new-line.controller';
import {
  AdaptationRequestSchema,
  AvailableFrameSchema,
  LineTemplateSchema,
  NewCameraSchema,
  NewLineSchema,
  OnboardingSetSchema,
  AlertCountSchema,
  AlertDetailSchema,
  AlertPageSchema,
  AuditItemPageSchema,
  AuditPageSchema,
  BulkReviewAnswerSchema,
  CandidateSchema,
  DashboardSchema,
  DatasetVersionDetailSchema,
  DatasetVersionListSchema,
  IssuedServiceTokenSchema,
  LearningPolicySchema,
  LineListSchema,
  ModelComparisonSchema,
  ModelDetailSchema,
  ModelListSchema,
  PromotionAnswerSchema,
  PromotionTimelineSchema,
  ReviewAnswerSchema,
  ServiceTokenListSchema,
  SessionSchema,
  TrainingJobListSchema,
  TrainingJobSchema,
  TriggerRequestSchema,
  UserListSchema,
  UserSchema,
  VersionPromotionListSchema,
} from './api-responses.schemas';
import { ApiZodResponse } from './api-zod-response.decorator';

/** A value as it goes over the wire: JSON has no readonly. */
type Wire<T> = T extends readonly (infer U)[] ? Wire<U>[] : T extends object ? { -readonly [K in keyof T]: Wire<T[K]> } : T;

/** What a controller method answers, as JSON. */
type Answer<M> = M extends (...args: never[]) => infer R ? Wire<Awaited<R>> : never;

type IsAny<T> = 0 extends 1 & T ? true : false;

/** True when the method's answer (not `any`) and the schema's output are each assignable to the other. */
type Agrees<M, S extends z.ZodType> =
  IsAny<Answer<M>> extends true ? false : [Answer<M>] extends [z.output<S>] ? ([z.output<S>] extends [Answer<M>] ? true : false) : false;

type Expect<T extends true> = T;

/**
 * The compiler checks each documented answer against what its controller method returns: a field
 * added, dropped or retyped on one side and not the other fails `tsc` here.
 */
export type DocumentedAnswersAgree = [
  Expect<Agrees<AuthController['signIn'], typeof SessionSchema>>,
  Expect<Agrees<AuthController['me'], typeof SessionSchema>>,
  Expect<Agrees<UsersController['list'], typeof UserListSchema>>,
  Expect<Agrees<UsersController['create'], typeof UserSchema>>,
  Expect<Agrees<UsersController['change'], typeof UserSchema>>,
  Expect<Agrees<ServiceTokensController['list'], typeof ServiceTokenListSchema>>,
  Expect<Agrees<ServiceTokensController['create'], typeof IssuedServiceTokenSchema>>,
  Expect<Agrees<AuditController['list'], typeof AuditPageSchema>>,
  Expect<Agrees<LinesController['list'], typeof LineListSchema>>,
  Expect<Agrees<DashboardController['get'], typeof DashboardSchema>>,
  Expect<Agrees<AlertsController['list'], typeof AlertPageSchema>>,
  Expect<Agrees<AlertsController['count'], typeof AlertCountSchema>>,
  Expect<Agrees<AlertsController['bulkReview'], typeof BulkReviewAnswerSchema>>,
  Expect<Agrees<AlertsController['detail'], typeof AlertDetailSchema>>,
  Expect<Agrees<AlertsController['review'], typeof ReviewAnswerSchema>>,
  Expect<Agrees<AuditItemsController['list'], typeof AuditItemPageSchema>>,
  Expect<Agrees<ModelsController['list'], typeof ModelListSchema>>,
  Expect<Agrees<ModelsController['compare'], typeof ModelComparisonSchema>>,
  Expect<Agrees<ModelsController['promotions'], typeof VersionPromotionListSchema>>,
  Expect<Agrees<ModelsController['detail'], typeof ModelDetailSchema>>,
  Expect<Agrees<PromotionsController['timeline'], typeof PromotionTimelineSchema>>,
  Expect<Agrees<PromotionsController['promote'], typeof PromotionAnswerSchema>>,
  Expect<Agrees<PromotionsController['rollback'], typeof PromotionAnswerSchema>>,
  Expect<Agrees<DatasetsController['list'], typeof DatasetVersionListSchema>>,
  Expect<Agrees<DatasetsController['detail'], typeof DatasetVersionDetailSchema>>,
  Expect<Agrees<TrainingJobsController['list'], typeof TrainingJobListSchema>>,
  Expect<Agrees<TrainingJobsController['detail'], typeof TrainingJobSchema>>,
  Expect<Agrees<TrainingJobsController['cancel'], typeof TrainingJobSchema>>,
  Expect<Agrees<TrainingJobsController['trigger'], typeof TriggerRequestSchema>>,
  Expect<Agrees<CandidatesController['detail'], typeof CandidateSchema>>,
  Expect<Agrees<LearningPolicyController['get'], typeof LearningPolicySchema>>,
  Expect<Agrees<LearningPolicyController['replace'], typeof LearningPolicySchema>>,
  Expect<Agrees<NewLineController['create'], typeof NewLineSchema>>,
  Expect<Agrees<NewLineController['addCamera'], typeof NewCameraSchema>>,
  Expect<Agrees<NewLineController['setTemplate'], typeof LineTemplateSchema>>,
  Expect<Agrees<NewLineController['onboardingSet'], typeof OnboardingSetSchema>>,
  Expect<Agrees<NewLineController['upload'], typeof AvailableFrameSchema>>,
  Expect<Agrees<NewLineController['pick'], typeof OnboardingSetSchema>>,
  Expect<Agrees<NewLineController['adapt'], typeof AdaptationRequestSchema>>,
];

describe('ApiZodResponse', () => {
  it('refuses a schema that is not named (it would have no component to refer to)', () => {
    expect(() => ApiZodResponse(z.object({ anonymous: z.string() }))).toThrow(/not named/);
  });
});

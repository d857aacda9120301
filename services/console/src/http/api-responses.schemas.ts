import { BoxSchema, DetectionSchema, LabelledBoxSchema, ReviewDecisionSchema, SeveritySchema } from '@argus/contracts';
import { z } from 'zod';
import { UserRoleSchema } from '../identity/identity.schemas';

/**
 * What the console API answers, as zod schemas: the OpenAPI document's component schemas are
 * generated from them (`ApiZodResponse`), and the web UI's types from that document
 * (`npm run api:generate -w @argus/console`). `api-responses.schemas.spec.ts` checks at compile time
 * that each schema agrees with what its controller method returns, and `api-contract.spec.ts` that
 * the committed document and types are what the code generates: none of the three can drift.
 */
export const consoleApiSchemas = z.registry<{ id: string }>();

/** Names a schema as an OpenAPI component (`components.schemas[id]`), with what it means for the UI's types. */
function named<S extends z.ZodType>(id: string, schema: S, description?: string): S {
  const described = description === undefined ? schema : schema.describe(description);
  consoleApiSchemas.add(described, { id });
  return described;
}

/** An ISO 8601 instant (`Date.toISOString()`). */
const Timestamp = z.string().meta({ format: 'date-time' });

function pageOf<S extends z.ZodType>(item: S) {
  return z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().describe('Pass it back as `cursor` for the next page; null on the last one.'),
  });
}

// identity, users, service tokens, audit

export const UserSchema = named(
  'User',
  z.object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    role: UserRoleSchema,
    disabled: z.boolean(),
    createdAt: Timestamp,
  }),
);
export const UserListSchema = named('UserList', z.object({ items: z.array(UserSchema) }));

export const SessionSchema = named(
  'Session',
  z.object({ user: UserSchema, expiresAt: Timestamp.nullable() }),
  'Who is signed in; `expiresAt` is null for a service token (it has no session).',
);

export const ServiceTokenSchema = named(
  'ServiceToken',
  z.object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(['camera', 'service']),
    role: UserRoleSchema.nullable().describe("A service token's role; null for a camera token."),
    createdBy: z.string(),
    createdAt: Timestamp,
    revokedAt: Timestamp.nullable(),
    lastUsedAt: Timestamp.nullable(),
  }),
);
export const ServiceTokenListSchema = named('ServiceTokenList', z.object({ items: z.array(ServiceTokenSchema) }));
export const IssuedServiceTokenSchema = named(
  'IssuedServiceToken',
  z.object({ token: z.string(), serviceToken: ServiceTokenSchema }),
  'A new token: `token` is the secret, shown in this answer only.',
);

export const AuditEntrySchema = named(
  'AuditEntry',
  z.object({
    id: z.string(),
    actor: z.string(),
    action: z.string(),
    subjectType: z.string(),
    subjectId: z.string(),
    before: z.record(z.string(), z.unknown()).nullable(),
    after: z.record(z.string(), z.unknown()).nullable(),
    at: Timestamp,
  }),
);
export const AuditPageSchema = named('AuditPage', pageOf(AuditEntrySchema));

// lines

export const ProductionModelSchema = named(
  'ProductionModel',
  z.object({ modelVersionId: z.string(), name: z.string(), version: z.string(), promotedAt: Timestamp }),
  'The version in production on a line.',
);

export const LineSchema = named(
  'Line',
  z.object({
    id: z.string(),
    name: z.string(),
    cameras: z.array(z.object({ id: z.string(), name: z.string() })),
    hasTemplate: z.boolean(),
    production: ProductionModelSchema.nullable(),
  }),
);
export const LineListSchema = named('LineList', z.object({ items: z.array(LineSchema) }));

// alerts and reviews

export const AlertStatusSchema = named('AlertStatus', z.enum(['open', 'confirmed', 'rejected', 'corrected']));
// The event contracts' schemas the answers share, named as components (the registry is this file's own).
named('Severity', SeveritySchema);
named('Decision', ReviewDecisionSchema);
named('Box', BoxSchema);
named('ScoredDetection', DetectionSchema);
named('LabelledBox', LabelledBoxSchema);

export const ReviewSchema = named(
  'Review',
  z.object({
    id: z.string(),
    reviewer: z.string().describe("The reviewer's display name."),
    decision: ReviewDecisionSchema,
    boxes: z.array(LabelledBoxSchema),
    comment: z.string().nullable(),
    createdAt: Timestamp,
  }),
);

export const AlertKindSchema = named(
  'AlertKind',
  z.enum(['defect', 'audit']),
  "`defect`: raised by the line's alert rules; `audit`: a frame that raised no alert, sampled for an operator's look (a possible miss).",
);

export const AuditItemFactsSchema = named(
  'AuditItemFacts',
  z.object({
    reason: z
      .enum(['near-threshold', 'random', 'onboarding'])
      .describe(
        "`near-threshold`: the frame's best score fell just under the line's alert threshold; `random`: a random share of frames without an alert; `onboarding`: a frame of a new line's onboarding set (the new-line wizard), to be labelled.",
      ),
    uncertainty: z
      .number()
      .describe("In [0, 1]: 1 when the best score sat at the threshold, 0 when the model found nothing; the audit queue's rank."),
  }),
  'Why an audit item was sampled.',
);

export const AlertSummarySchema = named(
  'AlertSummary',
  z.object({
    id: z.string(),
    frameId: z.string(),
    lineId: z.string(),
    cameraId: z.string(),
    severity: SeveritySchema,
    status: AlertStatusSchema,
    classes: z.array(z.string()).describe('The distinct classes of its detections, in order of first appearance.'),
    detections: z.array(DetectionSchema),
    modelVersionId: z.string(),
    capturedAt: Timestamp,
    createdAt: Timestamp,
    frame: z.object({ width: z.number(), height: z.number() }),
    review: ReviewSchema.nullable().describe('The latest review (the reviewed ground truth: its boxes, labelled); null while open.'),
    kind: AlertKindSchema,
    audit: AuditItemFactsSchema.nullable().describe(
      "An audit item's facts; null for a defect alert. An audit item's detections are the model's boxes under the threshold.",
    ),
  }),
);
export const AlertPageSchema = named('AlertPage', pageOf(AlertSummarySchema));
export const AuditItemPageSchema = named(
  'AuditItemPage',
  pageOf(AlertSummarySchema),
  'Audit items (kind `audit`), most uncertain first, ties oldest first.',
);

export const AlertCountSchema = named(
  'AlertCount',
  z.object({ count: z.number(), exact: z.boolean() }),
  'How many alerts match a filter: exact up to 10,000, else an estimate (`exact: false`).',
);

export const AlertDetailSchema = named(
  'AlertDetail',
  AlertSummarySchema.extend({
    imageUrl: z.string(),
    templateUrl: z.string().nullable(),
    modelClasses: z.array(z.string()).describe("The classes the alert's model knows: what a correction may relabel a box to."),
    reviews: z.array(ReviewSchema),
    model: z
      .object({
        id: z.string(),
        name: z.string(),
        version: z.string(),
        scoreThreshold: z.number().nullable(),
        deploymentThreshold: z.number().nullable(),
      })
      .nullable()
      .describe("The model version that produced the detections, with its package's score thresholds."),
    alertRules: z
      .array(z.object({ className: z.string(), minScore: z.number(), minBoxAreaPx2: z.number(), severity: SeveritySchema }))
      .describe("The line's alert rules the alert's classes are judged by (as they are now)."),
  }),
);

export const ReviewAnswerSchema = named(
  'ReviewAnswer',
  z.object({
    review: ReviewSchema,
    alert: AlertSummarySchema,
    conflictsWith: z.string().nullable().describe('The earlier review this one disagrees with; null when none.'),
  }),
);

export const BulkResultSchema = named(
  'BulkResult',
  z.union([
    z.object({ alertId: z.string(), reviewId: z.string() }),
    z.object({ alertId: z.string(), error: z.object({ code: z.string(), message: z.string(), reviewId: z.string().optional() }) }),
  ]),
);
export const BulkReviewAnswerSchema = named('BulkReviewAnswer', z.object({ results: z.array(BulkResultSchema) }));

export const AlertReviewedEventSchema = named(
  'AlertReviewedEvent',
  z.object({ alertId: z.string(), status: AlertStatusSchema, reviewId: z.string(), reviewer: z.string() }),
  "The `alert.reviewed` event of `GET /api/v1/alerts/stream` (the `alert.raised` event's data is an AlertSummary).",
);

// models and promotions

export const ModelRefSchema = named('ModelRef', z.object({ id: z.string(), name: z.string(), version: z.string() }));

export const ModelSummarySchema = named(
  'ModelSummary',
  z.object({
    id: z.string(),
    name: z.string(),
    version: z.string(),
    backend: z.string(),
    classes: z.array(z.string()),
    usesTemplate: z.boolean(),
    createdAt: Timestamp,
    metrics: z.record(z.string(), z.number()),
    parentVersionId: z.string().nullable(),
    productionOn: z.array(z.string()).describe('The lines it is in production on.'),
  }),
);
export const ModelListSchema = named('ModelList', z.object({ items: z.array(ModelSummarySchema) }));

export const PrCurveSchema = named('PrCurve', z.object({ recall: z.array(z.number()), precision: z.array(z.number()) }));

export const ClassEvaluationSchema = named(
  'ClassEvaluation',
  z.object({ className: z.string(), ap50: z.number().nullable(), ap: z.number().nullable(), curve50: PrCurveSchema.nullable() }),
);

export const EvaluationDataSchema = named(
  'EvaluationData',
  z.object({
    source: z.string(),
    split: z.string(),
    imageCount: z.number(),
    fingerprint: z.string().nullable(),
    fingerprintOf: z
      .enum(['evaluation', 'training-data'])
      .nullable()
      .describe(
        "`evaluation`: recorded over the scored images; `training-data`: the version's training-data fingerprint, which fixes its held-out split.",
      ),
  }),
  "What an evaluation scored (`argus eval`'s data source and split) and what identifies the images.",
);

export const TrainingRecordSchema = named(
  'TrainingRecord',
  z.object({
    command: z.string(),
    resumedWith: z.array(z.string()),
    backend: z.string().nullable(),
    epochsRun: z.number().nullable(),
    bestEpoch: z.number().nullable(),
    stopReason: z.string().nullable(),
    trainingSeconds: z.number().nullable(),
    trainImages: z.number().nullable(),
    validationImages: z.number().nullable(),
    hyperparameters: z.record(z.string(), z.unknown()),
  }),
  "How a version was trained, from its package's metadata.",
);

export const EvaluationSchema = named(
  'Evaluation',
  z.object({
    data: EvaluationDataSchema,
    imageCount: z.number(),
    map50: z.number(),
    map: z.number(),
    perClass: z.array(ClassEvaluationSchema),
    latencyMs: z
      .object({ p50: z.number(), p95: z.number() })
      .nullable()
      .describe('Measured in the pipeline; null before the version scored any frame.'),
  }),
);

export const ModelDetailSchema = named(
  'ModelDetail',
  ModelSummarySchema.extend({
    spec: z.record(z.string(), z.unknown()),
    trainingDataFingerprint: z.string().nullable(),
    lineage: z.object({
      parent: ModelRefSchema.nullable(),
      trainingData: z
        .object({ source: z.string(), fingerprint: z.string(), split: z.string(), trainedOn: z.string().optional() })
        .nullable(),
    }),
    evaluation: EvaluationSchema.nullable(),
    training: TrainingRecordSchema.nullable().describe(
      'Null when the package records none (and always in a comparison, which does not read it).',
    ),
  }),
);

const ApPair = z.object({ ap50: z.number().nullable(), ap: z.number().nullable() });
const OverallMetrics = z.object({ map50: z.number().nullable(), map: z.number().nullable() });

export const EvaluationComparabilitySchema = named(
  'EvaluationComparability',
  z.object({
    verdict: z.enum(['same', 'different', 'unverified']),
    comparable: z.boolean(),
    reason: z.string().describe('Why, naming the data each version was evaluated on.'),
    a: EvaluationDataSchema.nullable(),
    b: EvaluationDataSchema.nullable(),
  }),
  'Whether two evaluations scored the same images; deltas mean something only when `comparable`.',
);

export const ModelComparisonSchema = named(
  'ModelComparison',
  z.object({
    a: ModelDetailSchema,
    b: ModelDetailSchema,
    perClass: z.array(
      z.object({
        className: z.string(),
        a: ApPair.nullable(),
        b: ApPair.nullable(),
        deltaAp50: z
          .number()
          .nullable()
          .describe('b − a at IoU 0.5; null unless both have a number and the evaluations are not on different data.'),
      }),
    ),
    overall: z.object({ a: OverallMetrics, b: OverallMetrics }).describe('Falls back to the registered metrics.'),
    evaluationData: EvaluationComparabilitySchema,
  }),
);

export const PromotionSchema = named(
  'Promotion',
  z.object({
    id: z.string(),
    kind: z.enum(['promotion', 'rollback']),
    from: ModelRefSchema.nullable(),
    to: ModelRefSchema,
    promotedBy: z.string(),
    reason: z.string(),
    promotedAt: Timestamp,
  }),
);

export const PromotionTimelineSchema = named(
  'PromotionTimeline',
  z.object({ items: z.array(PromotionSchema), rollbackTo: ModelRefSchema.nullable() }),
  "A line's promotion timeline, newest first, and the version a rollback would restore (null: nothing to roll back to).",
);

export const PromotionAnswerSchema = named(
  'PromotionAnswer',
  z.object({ promotion: PromotionSchema, changed: z.boolean() }),
  '`changed` is false when the version already was in production (nothing was written).',
);

export const VersionPromotionSchema = named(
  'VersionPromotion',
  PromotionSchema.extend({ lineId: z.string() }),
  'A promotion or rollback to or from one version, on any line.',
);
export const VersionPromotionListSchema = named('VersionPromotionList', z.object({ items: z.array(VersionPromotionSchema) }));

// dashboard

export const DashboardLineSchema = named(
  'DashboardLine',
  z.object({
    lineId: z.string(),
    name: z.string(),
    production: ProductionModelSchema.nullable(),
    framesPerMinute: z.number(),
    alertsPerMinute: z.number(),
    defectRate: z.number().nullable().describe('Null when no frame arrived in the window.'),
    series: z.array(z.object({ minute: Timestamp, frames: z.number(), alerts: z.number() })),
    backlog: AlertCountSchema.describe('Open alerts waiting for review.'),
  }),
);

export const DashboardSchema = named(
  'Dashboard',
  z.object({
    generatedAt: Timestamp,
    minutes: z.number(),
    lines: z.array(DashboardLineSchema),
    pipeline: z.object({
      consumerGroups: z.array(z.object({ groupId: z.string(), topic: z.string(), lag: z.number() })),
      deadLetters: z.array(z.object({ topic: z.string(), count: z.number() })),
      error: z.string().optional().describe('Set (and the lists empty) when Kafka could not be asked.'),
    }),
  }),
);

// the continual fine-tune loop: data sets, jobs, candidates

const SplitCountsSchema = z.object({ train: z.number(), holdout: z.number() });

export const DatasetVersionSchema = named(
  'DatasetVersion',
  z.object({
    id: z.string(),
    lineId: z.string(),
    number: z.number(),
    parentId: z.string().nullable(),
    fingerprint: z.string(),
    holdoutShare: z.number(),
    classes: z.array(z.string()),
    createdAt: Timestamp,
    producedBy: z.string().describe('Who or what asked for it: a person, or `policy` (a trigger rule).'),
    frames: SplitCountsSchema,
    hardNegatives: SplitCountsSchema.describe(
      'Frames whose ground truth is empty (rejected alerts): what teaches a detector to stop a false alarm.',
    ),
    perClass: z.array(
      z.object({
        className: z.string(),
        trainFrames: z.number(),
        holdoutFrames: z.number(),
        trainBoxes: z.number(),
        holdoutBoxes: z.number(),
      }),
    ),
    changes: z
      .object({ added: z.number(), relabelled: z.number(), unchanged: z.number() })
      .describe('Frames, compared with the parent version.'),
  }),
);
export const DatasetVersionListSchema = named('DatasetVersionList', z.object({ items: z.array(DatasetVersionSchema) }));
export const DatasetVersionDetailSchema = named(
  'DatasetVersionDetail',
  DatasetVersionSchema.extend({ addedFrameIds: z.array(z.string()), relabelledFrameIds: z.array(z.string()) }),
);

export const TrainingJobSchema = named(
  'TrainingJob',
  z.object({
    id: z.string(),
    lineId: z.string(),
    status: z.enum(['queued', 'running', 'completed', 'failed', 'cancelled']),
    triggers: z
      .array(z.object({ kind: z.string(), reason: z.string() }))
      .describe('Why it was asked for: the rules that fired, or `manual`.'),
    requestedBy: z.string(),
    attempt: z.number().describe('Deliveries a worker claimed (0 while queued; more than 1 after a worker died and another resumed).'),
    workerId: z.string().nullable(),
    cancelRequested: z.boolean(),
    datasetVersionId: z.string(),
    baseModelVersionId: z.string(),
    epochs: z.number(),
    progress: z
      .object({
        phase: z.string(),
        step: z.number(),
        totalSteps: z.number(),
        losses: z.record(z.string(), z.number()),
        validationAp: z.number().nullable(),
        etaSeconds: z.number().nullable(),
        message: z.string().nullable(),
        at: Timestamp.nullable(),
      })
      .nullable(),
    outcome: z
      .object({
        status: z.enum(['completed', 'failed', 'cancelled']),
        errorCode: z.string().nullable(),
        reason: z.string().nullable(),
        durationMs: z.number().nullable(),
        gateReasons: z.array(z.string()),
      })
      .nullable(),
    candidate: z.object({ modelVersionId: z.string(), gatesPassed: z.boolean().nullable() }).nullable(),
    createdAt: Timestamp,
    startedAt: Timestamp.nullable(),
    finishedAt: Timestamp.nullable(),
  }),
);
export const TrainingJobListSchema = named('TrainingJobList', z.object({ items: z.array(TrainingJobSchema) }));
export const TriggerRequestSchema = named(
  'TriggerRequest',
  z.object({ requestId: z.string(), lineId: z.string(), requestedBy: z.string(), reason: z.string() }),
  'A manual trigger on its way to continual-fine-tune; its answer (training.trigger-answered on the jobs stream) carries the same requestId.',
);

export const MatchCountsSchema = named(
  'MatchCounts',
  z.object({
    truePositives: z.number(),
    falsePositives: z.number(),
    falseNegatives: z.number(),
    precision: z.number().nullable(),
    recall: z.number().nullable(),
  }),
);

export const CandidateSchema = named(
  'Candidate',
  z.object({
    version: z.object({
      id: z.string(),
      name: z.string(),
      version: z.string(),
      artifactKey: z.string(),
      classes: z.array(z.string()),
      parentVersionId: z.string().nullable(),
      metrics: z.record(z.string(), z.number()),
      createdAt: Timestamp,
    }),
    gatesPassed: z.boolean().nullable().describe('The version’s gatesPassed metric; null for a version the loop did not gate.'),
    gateReport: z
      .object({
        passed: z.boolean(),
        reasons: z.array(z.string()),
        checks: z.array(
          z.object({
            kind: z.string(),
            passed: z.boolean(),
            detail: z.string(),
            measured: z.number().nullable(),
            limit: z.number().nullable(),
          }),
        ),
      })
      .nullable(),
    promotion: z.object({ needsAdminOverride: z.boolean() }),
    job: TrainingJobSchema.nullable(),
    dataset: DatasetVersionSchema.nullable(),
    shadow: z
      .object({
        state: z.enum(['none', 'running', 'ended']),
        message: z.string(),
        lineId: z.string().nullable(),
        framesScored: z.number(),
        firstScoredAt: Timestamp.nullable(),
        lastScoredAt: Timestamp.nullable(),
        agreement: z
          .object({
            frames: z.number(),
            reviewedFrames: z.number(),
            shadowVsProduction: MatchCountsSchema,
            productionVsTruth: MatchCountsSchema,
            shadowVsTruth: MatchCountsSchema,
          })
          .nullable()
          .describe('Null until it scored a frame. Boxes at the line’s alert thresholds, matched one to one (same class, IoU ≥ 0.5).'),
      })
      .describe('The candidate as its line’s shadow: `none` (never shadowed it), `running` (the shadow now) or `ended`.'),
  }),
);

const settingOrDefault = <S extends z.ZodType>(schema: S) => schema.nullable();
export const LearningPolicySchema = named(
  'LearningPolicy',
  z.object({
    lineId: z.string(),
    triggers: z.object({
      newLabels: z.object({ enabled: settingOrDefault(z.boolean()), minFrames: settingOrDefault(z.number()) }),
      unknownClass: z.object({ enabled: settingOrDefault(z.boolean()) }),
      rejectRate: z.object({
        enabled: settingOrDefault(z.boolean()),
        window: settingOrDefault(z.number()),
        maxRate: settingOrDefault(z.number()),
      }),
      scoreShift: z.object({
        enabled: settingOrDefault(z.boolean()),
        maxDistance: settingOrDefault(z.number()),
        minFrames: settingOrDefault(z.number()),
      }),
      schedule: z.object({ enabled: settingOrDefault(z.boolean()), everyHours: settingOrDefault(z.number()) }),
    }),
    autoPromotion: z.object({
      enabled: z.boolean(),
      minFrames: settingOrDefault(z.number()),
      minAgreement: settingOrDefault(z.number()),
    }),
    updatedBy: z.string().nullable(),
    updatedAt: Timestamp.nullable(),
  }),
  'A line’s learning policy. A null setting follows continual-fine-tune’s default (its configuration); `enabled` null: on when the default has the rule on, or when the line gives it a threshold. Auto-promotion is off unless enabled. `updatedBy` null: never written.',
);

// the new-line wizard

export const NewLineSchema = named(
  'NewLine',
  z.object({
    id: z.string(),
    name: z.string(),
    feedKind: z.enum(['factory', 'pcb', 'medical', 'driving', 'other']).nullable(),
    usesTemplate: z.boolean().nullable().describe('Null for a line not made by the wizard (its settings do not say).'),
    createdAt: Timestamp,
  }),
  'A line as the new-line wizard created it.',
);

export const NewCameraSchema = named('NewCamera', z.object({ lineId: z.string(), id: z.string(), name: z.string() }));

export const LineTemplateSchema = named(
  'LineTemplate',
  z.object({ lineId: z.string(), objectKey: z.string(), width: z.number(), height: z.number() }),
  "A line's golden template, as stored.",
);

export const AvailableFrameSchema = named(
  'AvailableFrame',
  z.object({ frameId: z.string(), cameraId: z.string(), width: z.number(), height: z.number(), capturedAt: Timestamp }),
  'A frame of the line, not (yet) in its onboarding set.',
);

export const OnboardingItemSchema = named(
  'OnboardingItem',
  z.object({
    alertId: z.string().describe('The audit item: label it with `POST /api/v1/alerts/{alertId}/reviews` (the review page).'),
    frameId: z.string(),
    cameraId: z.string(),
    width: z.number(),
    height: z.number(),
    status: AlertStatusSchema,
    labelled: z.boolean(),
    boxes: z.array(LabelledBoxSchema).describe("The latest review's boxes: the frame's label (empty: nothing to find)."),
  }),
  "A frame of a new line's onboarding set.",
);

export const OnboardingSetSchema = named(
  'OnboardingSet',
  z.object({
    lineId: z.string(),
    usesTemplate: z
      .boolean()
      .nullable()
      .describe('Whether the line compares its frames with a golden template (null: its settings do not say).'),
    suggestedBase: z
      .object({ modelVersionId: z.string(), name: z.string(), version: z.string(), reason: z.string() })
      .nullable()
      .describe('The nearest production model to adapt from (template use first, then the newest); null when no line has a model.'),
    items: z.array(OnboardingItemSchema),
    available: z.array(AvailableFrameSchema),
  }),
  "A new line's onboarding set (oldest first) and the line's other frames to pick from.",
);

export const AdaptationRequestSchema = named(
  'AdaptationRequest',
  z.object({
    requestId: z.string(),
    lineId: z.string(),
    start: z.enum(['scratch', 'finetune', 'meta']),
    baseModelVersionId: z.string(),
    shotFrameIds: z.array(z.string()),
    evaluationFrameIds: z.array(z.string()),
    budgetSeconds: z.number(),
  }),
  'An adaptation on its way to continual-fine-tune; its answer (training.trigger-answered on the jobs stream) carries the same requestId, then the job its progress.',
);

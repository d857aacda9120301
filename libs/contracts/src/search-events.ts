import { z } from 'zod';
import { EventBaseSchema, SlugSchema, UuidSchema } from './primitives';

// Architecture search (issue 19): a search is asked for, its trials are requested of a worker group
// and answered, its progress and its end are announced. The shapes mirror @argus/search's
// vocabulary (search.types.ts); this lib imports nothing of ours, so an architecture spec travels as
// a JSON object here and is checked with @argus/vision's checkSpec where it is used.

export const SearchControllerKindSchema = z.enum(['ppo', 'evolution', 'random']);

/** An `ArchitectureSpec` as JSON; its consumers validate it with checkSpec. */
export const ArchitectureSpecJsonSchema = z.record(z.string(), z.unknown());

/** What a trial trains at one rung of successive halving (@argus/search's ProxyBudget). */
export const ProxyBudgetSchema = z.object({
  rung: z.number().int().nonnegative().max(16),
  epochs: z.number().int().positive().max(1000),
  trainImages: z.number().int().positive().max(1_000_000),
  cropsPerImage: z.number().int().positive().max(64),
});

/** MnasNet's reward `AP × (latency / targetMs)^w` and how latency is served (@argus/search's SearchObjective). */
export const SearchObjectiveSchema = z.object({
  targetMs: z.number().finite().positive(),
  alpha: z.number().finite(),
  beta: z.number().finite(),
  servingBatch: z.number().int().positive().max(256),
  servingThreads: z.number().int().positive().max(64),
});

/** Trials, wall time or both; at least one, so a search ends. */
export const SearchBudgetSchema = z
  .object({
    maxTrials: z.number().int().positive().max(100_000).optional(),
    maxWallSeconds: z.number().finite().positive().optional(),
  })
  .refine((b) => b.maxTrials !== undefined || b.maxWallSeconds !== undefined, 'needs maxTrials, maxWallSeconds or both');

/**
 * Start a search. `dataSource` is what the trial workers load (a TrainingDataSource string such as
 * `synthetic:pcb` or `deeppcb:/path`); `base` is the spec whose input channels and classes every
 * candidate keeps, with the model version it came from when there is one (lineage only).
 */
export const SearchRequestedV1Schema = EventBaseSchema.extend({
  searchId: UuidSchema,
  lineId: SlugSchema,
  name: z.string().min(1).max(128),
  controller: SearchControllerKindSchema,
  seed: z.number().int(),
  dataSource: z.string().min(1).max(1024),
  base: z.object({
    spec: ArchitectureSpecJsonSchema,
    modelVersionId: UuidSchema.nullable(),
  }),
  objective: SearchObjectiveSchema,
  budget: SearchBudgetSchema,
  /** Rung r at index r; each trains longer than the one before. */
  rungs: z
    .array(ProxyBudgetSchema)
    .min(1)
    .max(8)
    .refine((rungs) => rungs.every((r, i) => r.rung === i), 'rung r must sit at index r'),
  /** Successive halving's η: the top 1/η of a rung is promoted. */
  eta: z.number().int().min(2).max(16),
  /** Trials requested of the workers at once (about the number of workers). */
  maxInFlight: z.number().int().positive().max(256),
  requestedBy: z.string().min(1).max(128),
});
export type SearchRequestedV1 = z.infer<typeof SearchRequestedV1Schema>;

/** Stop a search: nothing new is requested; trials already running finish and are recorded. */
export const SearchCancelRequestedV1Schema = EventBaseSchema.extend({
  searchId: UuidSchema,
  requestedBy: z.string().min(1).max(128),
  reason: z.string().min(1).max(2000),
});
export type SearchCancelRequestedV1 = z.infer<typeof SearchCancelRequestedV1Schema>;

/** One trial at one rung for a worker (@argus/search's TrialRequest), with the data it trains on. */
export const SearchTrialRequestedV1Schema = EventBaseSchema.extend({
  searchId: UuidSchema,
  trialId: UuidSchema,
  sequence: z.number().int().nonnegative(),
  controller: SearchControllerKindSchema,
  rung: z.number().int().nonnegative().max(16),
  budget: ProxyBudgetSchema,
  choices: z.array(z.number().int().nonnegative()).max(256),
  spec: ArchitectureSpecJsonSchema,
  seed: z.number().int(),
  dataSource: z.string().min(1).max(1024),
  objective: SearchObjectiveSchema,
});
export type SearchTrialRequestedV1 = z.infer<typeof SearchTrialRequestedV1Schema>;

/** What a trial measured (@argus/search's TrialMeasurement). */
export const TrialMeasurementSchema = z.object({
  ap: z.number().min(0).max(1),
  latencyMs: z.number().finite().positive(),
  latencySource: z.enum(['measured', 'paired-ratio']),
  params: z.number().int().nonnegative(),
  macs: z.number().nonnegative().finite(),
  trainSeconds: z.number().nonnegative().finite(),
  evalSeconds: z.number().nonnegative().finite(),
});

const TrialResultBase = EventBaseSchema.extend({
  searchId: UuidSchema,
  trialId: UuidSchema,
  rung: z.number().int().nonnegative().max(16),
  workerId: z.string().min(1).max(256),
});

/** A worker's answer to one trial request (@argus/search's TrialResult): measured, or failed with why. */
export const SearchTrialCompletedV1Schema = z.discriminatedUnion('outcome', [
  TrialResultBase.extend({ outcome: z.literal('completed'), measurement: TrialMeasurementSchema }),
  TrialResultBase.extend({ outcome: z.literal('failed'), reason: z.string().min(1).max(2000) }),
]);
export type SearchTrialCompletedV1 = z.infer<typeof SearchTrialCompletedV1Schema>;

/** A point of a search's result: a trial at the highest rung it reached (@argus/search's FrontPoint). */
export const SearchFrontPointSchema = z.object({
  trialId: UuidSchema,
  sequence: z.number().int().nonnegative(),
  rung: z.number().int().nonnegative(),
  ap: z.number().min(0).max(1),
  latencyMs: z.number().finite().positive(),
  reward: z.number().finite(),
});
export type SearchFrontPoint = z.infer<typeof SearchFrontPointSchema>;

/** A running search's progress (@argus/search's SearchProgress), at least every 10 s while it runs. */
export const SearchProgressV1Schema = EventBaseSchema.extend({
  searchId: UuidSchema,
  lineId: SlugSchema,
  requested: z.number().int().nonnegative(),
  completed: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  inFlight: z.number().int().nonnegative(),
  best: SearchFrontPointSchema.nullable(),
  frontSize: z.number().int().nonnegative(),
  trialsPerHour: z.number().nonnegative().finite(),
  elapsedSeconds: z.number().nonnegative().finite(),
  done: z.boolean(),
  stopReason: z.string().max(2000).nullable(),
});
export type SearchProgressV1 = z.infer<typeof SearchProgressV1Schema>;

/** A search ended: its budget was spent, it was cancelled, or it could not run (failed, with why). */
export const SearchCompletedV1Schema = EventBaseSchema.extend({
  searchId: UuidSchema,
  lineId: SlugSchema,
  status: z.enum(['completed', 'cancelled', 'failed']),
  stopReason: z.string().min(1).max(2000),
  requested: z.number().int().nonnegative(),
  completed: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  best: SearchFrontPointSchema.nullable(),
  front: z.array(SearchFrontPointSchema).max(10_000),
  elapsedSeconds: z.number().nonnegative().finite(),
});
export type SearchCompletedV1 = z.infer<typeof SearchCompletedV1Schema>;

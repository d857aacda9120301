import { z } from 'zod';
import { EventBaseSchema, ObjectKeySchema, SlugSchema, UuidSchema } from './primitives';

/** Why a fine-tune job was asked for: a policy rule that fired, or a person. */
export const TrainingTriggerSchema = z.object({
  kind: z.enum(['new-labels', 'unknown-class', 'reject-rate', 'score-shift', 'schedule', 'manual']),
  reason: z.string().min(1).max(2000),
});
export type TrainingTrigger = z.infer<typeof TrainingTriggerSchema>;

/** The few-shot starting points (libs/vision's ADAPT_STARTS): fresh weights, the frozen-backbone fine-tune of a production model, a meta-learned initialisation. */
export const AdaptStartSchema = z.enum(['scratch', 'finetune', 'meta']);

/**
 * A job that adapts a model to a new line from a few labelled frames (the console's new-line
 * wizard) instead of fine-tuning the line's production model: the base is the chosen model (the
 * nearest production model of another line, or a meta-init package), the shots train and the data
 * set version's other frames are the evaluation.
 */
export const TrainingAdaptationSchema = z.object({
  start: AdaptStartSchema,
  /** The data set version's frames that train (the K shots); every other frame of the version evaluates. */
  shotFrameIds: z.array(UuidSchema).min(1).max(200),
  /** Wall-clock budget of the adaptation. */
  budgetSeconds: z.number().int().positive().max(3600),
});
export type TrainingAdaptation = z.infer<typeof TrainingAdaptationSchema>;

/**
 * Fine-tune a line's production model on a data set version. One job, one candidate: a trainer
 * worker that receives the job again (redelivery after a crash) resumes it from its checkpoint.
 */
export const TrainingJobRequestedV1Schema = EventBaseSchema.extend({
  jobId: UuidSchema,
  lineId: SlugSchema,
  datasetVersionId: UuidSchema,
  datasetFingerprint: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  /** The data set version's sample manifest (both splits; the job trains on `train`). */
  manifestKey: ObjectKeySchema,
  /** The model the candidate starts from: the line's production model when the job was asked for. */
  baseModelVersionId: UuidSchema,
  /** Where the base model's package is in the object store (its registry artifact key). */
  baseArtifactKey: ObjectKeySchema,
  requestedBy: z.string().min(1).max(128),
  triggers: z.array(TrainingTriggerSchema).min(1).max(16),
  /** Epochs of the fine-tune over the data set's training frames (the job's budget). */
  epochs: z.number().int().positive().max(1000),
  seed: z.number().int(),
  /** Present: an adaptation (the new-line wizard); absent (every older event): a fine-tune. */
  adaptation: TrainingAdaptationSchema.optional(),
});
export type TrainingJobRequestedV1 = z.infer<typeof TrainingJobRequestedV1Schema>;

export const TrainingJobPhaseSchema = z.enum(['preparing', 'training', 'evaluating', 'gating', 'registering']);
export type TrainingJobPhase = z.infer<typeof TrainingJobPhaseSchema>;

/** A running job's progress, at least every 10 s while it runs. */
export const TrainingJobProgressV1Schema = EventBaseSchema.extend({
  jobId: UuidSchema,
  lineId: SlugSchema,
  /** Which trainer worker runs it (host and process), and the how-manieth delivery this is. */
  workerId: z.string().min(1).max(256),
  attempt: z.number().int().positive(),
  phase: TrainingJobPhaseSchema,
  step: z.number().int().nonnegative(),
  totalSteps: z.number().int().positive(),
  /** Latest loss terms (total, box, objectness, class, distillation, …). */
  losses: z.record(z.string(), z.number()),
  validationAp: z.number().min(0).max(1).nullable(),
  etaSeconds: z.number().nonnegative().nullable(),
  message: z.string().max(2000).nullable(),
});
export type TrainingJobProgressV1 = z.infer<typeof TrainingJobProgressV1Schema>;

/** A job produced its candidate (registered whether or not it passed its gates). */
export const TrainingJobCompletedV1Schema = EventBaseSchema.extend({
  jobId: UuidSchema,
  lineId: SlugSchema,
  candidateModelVersionId: UuidSchema,
  artifactKey: ObjectKeySchema,
  gatesPassed: z.boolean(),
  /** Why the gates failed, one line each; empty when they passed. */
  gateReasons: z.array(z.string().min(1).max(2000)).max(64),
  durationMs: z.number().nonnegative(),
});
export type TrainingJobCompletedV1 = z.infer<typeof TrainingJobCompletedV1Schema>;

/** A job ended without a candidate: it failed for good, or someone cancelled it. */
export const TrainingJobFailedV1Schema = EventBaseSchema.extend({
  jobId: UuidSchema,
  lineId: SlugSchema,
  outcome: z.enum(['failed', 'cancelled']),
  errorCode: z.string().min(1).max(128),
  reason: z.string().min(1).max(2000),
  attempt: z.number().int().positive(),
});
export type TrainingJobFailedV1 = z.infer<typeof TrainingJobFailedV1Schema>;

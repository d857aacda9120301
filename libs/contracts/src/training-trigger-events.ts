import { z } from 'zod';
import { EventBaseSchema, SlugSchema, UuidSchema } from './primitives';
import { TrainingAdaptationSchema } from './training-events';

/**
 * Someone asked for a fine-tune of the line now (console, API). continual-fine-tune turns it into
 * a job with a `manual` trigger and answers on `training.job.trigger-answered.v1`.
 */
export const TrainingTriggerRequestedV1Schema = EventBaseSchema.extend({
  /** Chosen by the asker; the answer carries it back. */
  requestId: UuidSchema,
  lineId: SlugSchema,
  requestedBy: z.string().min(1).max(128),
  reason: z.string().trim().min(1).max(2000),
  /**
   * Present: adapt `baseModelVersionId` to this line (the new-line wizard), which needs no production
   * model on the line; absent (every older event): fine-tune the line's production model.
   */
  adaptation: TrainingAdaptationSchema.extend({ baseModelVersionId: UuidSchema }).optional(),
});
export type TrainingTriggerRequestedV1 = z.infer<typeof TrainingTriggerRequestedV1Schema>;

/**
 * What became of a manual trigger: a queued job, or a refusal with its code and reason (no
 * production model, a job already active, nothing labelled). A refused request is dead-lettered
 * too; this answer is what lets the one who asked see why.
 */
export const TrainingTriggerAnsweredV1Schema = EventBaseSchema.extend({
  requestId: UuidSchema,
  lineId: SlugSchema,
  requestedBy: z.string().min(1).max(128),
  outcome: z.enum(['accepted', 'refused']),
  /** The queued job (accepted), or the line's active job when that is why it was refused. */
  jobId: UuidSchema.nullable(),
  /** The refusal's error code; null when accepted. */
  errorCode: z.string().min(1).max(128).nullable(),
  reason: z.string().min(1).max(2000),
});
export type TrainingTriggerAnsweredV1 = z.infer<typeof TrainingTriggerAnsweredV1Schema>;

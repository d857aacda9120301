import { z } from 'zod';
import { EventBaseSchema, SlugSchema, UuidSchema } from './primitives';

/**
 * A line's shadow pointer moved: from now on detection-inference also scores (a sample of) the
 * line's frames with `modelVersionId`, stores those detections apart and never alerts from them.
 * `modelVersionId` null ends the line's shadow (the shadow version was promoted, or someone ended
 * it). One shadow per line: a newer shadow replaces `previousShadowVersionId`.
 */
export const ModelShadowedV1Schema = EventBaseSchema.extend({
  lineId: SlugSchema,
  modelVersionId: UuidSchema.nullable(),
  previousShadowVersionId: UuidSchema.nullable(),
  /** Who or what set it: `continual-fine-tune` for a candidate that passed its gates, else a user. */
  setBy: z.string().min(1).max(128),
  reason: z.string().min(1).max(2000),
});
export type ModelShadowedV1 = z.infer<typeof ModelShadowedV1Schema>;

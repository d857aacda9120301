import { z } from 'zod';
import {
  DetectionSchema,
  EventBaseSchema,
  IsoTimestampSchema,
  LabelledBoxSchema,
  ObjectKeySchema,
  SeveritySchema,
  SlugSchema,
  UuidSchema,
} from './primitives';

export const FrameSourceSchema = z.enum(['http', 'folder', 'simulator', 'replay']);

/** camera-ingest stored a frame in the object store and recorded it in Postgres. */
export const FrameIngestedV1Schema = EventBaseSchema.extend({
  frameId: UuidSchema,
  lineId: SlugSchema,
  cameraId: SlugSchema,
  bucket: z.string().min(3).max(63),
  objectKey: ObjectKeySchema,
  /** The line's golden template (defect-free part), when the line has one. */
  templateKey: ObjectKeySchema.nullable(),
  contentType: z.enum(['image/jpeg', 'image/png']),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  byteSize: z.number().int().positive(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  capturedAt: IsoTimestampSchema,
  source: FrameSourceSchema,
});
export type FrameIngestedV1 = z.infer<typeof FrameIngestedV1Schema>;

/** detection-inference scored a frame with one exact model version. */
export const DetectionsProducedV1Schema = EventBaseSchema.extend({
  frameId: UuidSchema,
  lineId: SlugSchema,
  cameraId: SlugSchema,
  modelVersionId: UuidSchema,
  detections: z.array(DetectionSchema).max(1000),
  imageWidth: z.number().int().positive(),
  imageHeight: z.number().int().positive(),
  inferenceMs: z.number().nonnegative(),
});
export type DetectionsProducedV1 = z.infer<typeof DetectionsProducedV1Schema>;

/** A frame's detections met the line's alert rules: an operator should look. */
export const AlertRaisedV1Schema = EventBaseSchema.extend({
  alertId: UuidSchema,
  frameId: UuidSchema,
  lineId: SlugSchema,
  cameraId: SlugSchema,
  modelVersionId: UuidSchema,
  severity: SeveritySchema,
  objectKey: ObjectKeySchema,
  /** The detections that met a rule; the frame may have more. */
  detections: z.array(DetectionSchema).min(1).max(1000),
});
export type AlertRaisedV1 = z.infer<typeof AlertRaisedV1Schema>;

export const ReviewDecisionSchema = z.enum(['confirmed', 'rejected', 'corrected']);
export type ReviewDecision = z.infer<typeof ReviewDecisionSchema>;

/**
 * An operator decided on an alert. `boxes` is the frame's ground truth as the operator left it
 * (empty for a rejected false positive): continual fine-tuning turns it into training data.
 */
export const ReviewSubmittedV1Schema = EventBaseSchema.extend({
  reviewId: UuidSchema,
  alertId: UuidSchema,
  frameId: UuidSchema,
  lineId: SlugSchema,
  cameraId: SlugSchema,
  reviewerId: UuidSchema,
  decision: ReviewDecisionSchema,
  boxes: z.array(LabelledBoxSchema).max(1000),
  objectKey: ObjectKeySchema,
  templateKey: ObjectKeySchema.nullable(),
  comment: z.string().max(2000).nullable(),
});
export type ReviewSubmittedV1 = z.infer<typeof ReviewSubmittedV1Schema>;

/** A trained model version was stored and is available for shadowing or promotion. */
export const ModelRegisteredV1Schema = EventBaseSchema.extend({
  modelVersionId: UuidSchema,
  name: z.string().min(1).max(128),
  version: z.string().min(1).max(64),
  artifactKey: ObjectKeySchema,
  classes: z.array(z.string().min(1).max(64)).min(1),
  usesTemplate: z.boolean(),
  metrics: z.record(z.string(), z.number()),
  parentVersionId: UuidSchema.nullable(),
  registeredBy: z.string().min(1).max(128),
});
export type ModelRegisteredV1 = z.infer<typeof ModelRegisteredV1Schema>;

/** A line's production pointer moved (promotion or rollback). Inference switches between batches. */
export const ModelPromotedV1Schema = EventBaseSchema.extend({
  promotionId: UuidSchema,
  lineId: SlugSchema,
  modelVersionId: UuidSchema,
  previousModelVersionId: UuidSchema.nullable(),
  promotedBy: z.string().min(1).max(128),
  reason: z.string().min(1).max(2000),
  kind: z.enum(['promotion', 'rollback']),
});
export type ModelPromotedV1 = z.infer<typeof ModelPromotedV1Schema>;

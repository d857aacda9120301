import { z } from 'zod';

/** Production lines and cameras are named by slugs chosen by the plant: `line-3`, `cam-top`. */
export const SlugSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a lowercase slug: a-z, 0-9 and "-", at most 63 characters');

export const UuidSchema = z.uuid();

export const IsoTimestampSchema = z.iso.datetime({ offset: true });

/** Object-store key of a frame, template or model artifact. Never image bytes. */
export const ObjectKeySchema = z
  .string()
  .min(1)
  .max(1024)
  .refine((key) => !key.startsWith('/'), 'must be relative, not start with "/"')
  .refine((key) => !key.split('/').includes('..'), 'must not contain ".." segments');

/** Axis-aligned box in original image pixels: top-left (x1, y1), bottom-right (x2, y2). */
export const BoxSchema = z
  .object({
    x1: z.number().finite().nonnegative(),
    y1: z.number().finite().nonnegative(),
    x2: z.number().finite().nonnegative(),
    y2: z.number().finite().nonnegative(),
  })
  .refine((b) => b.x2 > b.x1 && b.y2 > b.y1, 'box must have x2 > x1 and y2 > y1');
export type Box = z.infer<typeof BoxSchema>;

export const DetectionSchema = z.object({
  className: z.string().min(1).max(64),
  score: z.number().min(0).max(1),
  box: BoxSchema,
});
export type Detection = z.infer<typeof DetectionSchema>;

/** A labelled box as a person (or a data set) says it is: no score. */
export const LabelledBoxSchema = z.object({
  className: z.string().min(1).max(64),
  box: BoxSchema,
});
export type LabelledBox = z.infer<typeof LabelledBoxSchema>;

export const SeveritySchema = z.enum(['low', 'medium', 'high', 'critical']);
export type Severity = z.infer<typeof SeveritySchema>;

/** Fields every event carries. `eventId` makes redelivery detectable; consumers are idempotent. */
export const EventBaseSchema = z.object({
  eventId: UuidSchema,
  occurredAt: IsoTimestampSchema,
});

import type { ModelEvaluation } from '@argus/persistence';
import { z } from 'zod';

/** At most this many points per PR curve are stored (COCO's 101 recall thresholds fit exactly). */
export const MAX_CURVE_POINTS = 101;

const CurveSchema = z
  .object({ recall: z.array(z.number()), precision: z.array(z.number()) })
  .refine((c) => c.recall.length === c.precision.length, 'recall and precision must have the same length');

/** The part of `argus eval --report`'s `evaluation.json` the registry keeps (the rest is ignored). */
const EvaluationFileSchema = z.object({
  data: z.string(),
  split: z.string(),
  /** Over the samples scored (argus eval --report writes it; older reports lack it). */
  fingerprint: z.string().optional(),
  report: z.object({
    imageCount: z.number().int().nonnegative(),
    coco: z.object({
      map50: z.number(),
      map: z.number(),
      perClass: z.array(
        z.object({
          className: z.string().min(1),
          ap50: z.number().nullable(),
          ap: z.number().nullable(),
          curve50: CurveSchema.nullable().optional(),
        }),
      ),
    }),
  }),
});

/**
 * The compact evaluation stored with a model version: overall and per-class AP and each class's
 * IoU-0.5 PR curve thinned to at most `MAX_CURVE_POINTS` points. Throws naming the bad field
 * when the file does not have the shape `argus eval --report` writes.
 */
export function buildEvaluationSummary(json: unknown, location: string): ModelEvaluation {
  const parsed = EvaluationFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `${location}: evaluation.json is not an argus eval report: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}`,
    );
  }
  const { data, split, fingerprint, report } = parsed.data;
  return {
    data,
    split,
    ...(fingerprint ? { fingerprint } : {}),
    imageCount: report.imageCount,
    map50: report.coco.map50,
    map: report.coco.map,
    perClass: report.coco.perClass.map((c) => ({
      className: c.className,
      ap50: c.ap50,
      ap: c.ap,
      curve50: c.curve50 ? thinCurve(c.curve50, MAX_CURVE_POINTS) : null,
    })),
  };
}

/** Keeps `max` evenly spaced points, always the first and the last. */
export function thinCurve(
  curve: { recall: readonly number[]; precision: readonly number[] },
  max: number,
): { recall: number[]; precision: number[] } {
  const n = curve.recall.length;
  if (n <= max) return { recall: [...curve.recall], precision: [...curve.precision] };
  const indices = Array.from({ length: max }, (_, i) => Math.round((i * (n - 1)) / (max - 1)));
  return { recall: indices.map((i) => curve.recall[i] as number), precision: indices.map((i) => curve.precision[i] as number) };
}

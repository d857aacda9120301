import { z } from 'zod';
import type { DetectorWeights } from '../core/detector-weights';

/**
 * Weights as TensorFlow.js stores them: a manifest (`weightsManifest`: groups of binary files,
 * each weight's name, shape and dtype) and the float32 little-endian values back to back.
 */
export const WeightsManifestSchema = z.object({
  format: z.literal('argus.weights'),
  formatVersion: z.literal(1),
  weightsManifest: z
    .array(
      z.object({
        paths: z.array(z.string().min(1)).length(1),
        weights: z.array(
          z.object({
            name: z.string().min(1),
            shape: z.array(z.number().int().nonnegative()),
            dtype: z.literal('float32'),
          }),
        ),
      }),
    )
    .length(1),
});
export type WeightsManifest = z.infer<typeof WeightsManifestSchema>;

export class WeightsFormatError extends Error {
  readonly code = 'INVALID_WEIGHTS_FILE';
}

/** Serialises weights (sorted by name, so equal weights give equal bytes). */
export function encodeWeights(weights: DetectorWeights, binaryPath: string): { manifest: WeightsManifest; data: Buffer } {
  const names = Object.keys(weights).sort();
  const total = names.reduce((sum, name) => sum + (weights[name]?.values.length ?? 0), 0);
  const data = Buffer.alloc(total * 4);
  let offset = 0;
  const entries = names.map((name) => {
    const w = weights[name] as DetectorWeights[string];
    const expected = w.shape.reduce((a, b) => a * b, 1);
    if (expected !== w.values.length)
      throw new RangeError(`weight ${name} has ${w.values.length} values for shape [${w.shape.join(', ')}]`);
    for (let i = 0; i < w.values.length; i++) data.writeFloatLE(w.values[i] as number, offset + 4 * i);
    offset += 4 * w.values.length;
    return { name, shape: [...w.shape], dtype: 'float32' as const };
  });
  return {
    manifest: { format: 'argus.weights', formatVersion: 1, weightsManifest: [{ paths: [binaryPath], weights: entries }] },
    data,
  };
}

/** Parses a manifest and its binary file back into weights; a size mismatch is a clear error. */
export function decodeWeights(manifestJson: unknown, data: Uint8Array, label = 'weights'): DetectorWeights {
  const parsed = WeightsManifestSchema.safeParse(manifestJson);
  if (!parsed.success) {
    throw new WeightsFormatError(
      `${label}: not an Argus weights manifest (${parsed.error.issues.map((i) => `${i.path.join('.') || 'manifest'}: ${i.message}`).join('; ')})`,
    );
  }
  const entries = parsed.data.weightsManifest[0]?.weights ?? [];
  const needed = entries.reduce((sum, e) => sum + 4 * e.shape.reduce((a, b) => a * b, 1), 0);
  if (needed !== data.byteLength) {
    throw new WeightsFormatError(`${label}: the manifest describes ${needed} bytes of weights, the binary file has ${data.byteLength}`);
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const weights: DetectorWeights = {};
  let offset = 0;
  for (const { name, shape } of entries) {
    const count = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(count);
    for (let i = 0; i < count; i++) values[i] = view.getFloat32(offset + 4 * i, true);
    offset += 4 * count;
    if (name in weights) throw new WeightsFormatError(`${label}: weight ${name} appears twice`);
    weights[name] = { shape: [...shape], values };
  }
  return weights;
}

import { ObjectNotFoundError, type ObjectStore } from '@argus/storage';
import { z } from 'zod';

/** How a version was trained, from its package's `metadata.json` (`argus train` writes it). */
export interface TrainingRecordView {
  /** The exact command, to reproduce the run. */
  readonly command: string;
  /** The commands that resumed it, in order. */
  readonly resumedWith: readonly string[];
  /** The TF.js backend it trained on. */
  readonly backend: string | null;
  readonly epochsRun: number | null;
  readonly bestEpoch: number | null;
  readonly stopReason: string | null;
  readonly trainingSeconds: number | null;
  readonly trainImages: number | null;
  readonly validationImages: number | null;
  /** The hyperparameters as recorded (epochs, batch size, learning rate, augmentation, seed, …). */
  readonly hyperparameters: Readonly<Record<string, unknown>>;
}

/** The part of the package metadata read here; the rest is the vision library's business. */
const MetadataSchema = z.object({
  training: z
    .object({
      command: z.string(),
      resumedWith: z.array(z.string()).optional(),
      backend: z.string().optional(),
      data: z.object({ trainImages: z.number().optional(), validationImages: z.number().optional() }).partial().optional(),
      config: z.record(z.string(), z.unknown()).optional(),
      epochsRun: z.number().nullable().optional(),
      bestEpoch: z.number().nullable().optional(),
      stopReason: z.string().nullable().optional(),
      trainingSeconds: z.number().nullable().optional(),
    })
    .nullable()
    .optional(),
});

/**
 * Reads a registered version's training record from its package in the object store
 * (`<artifactKey>/metadata.json`, uploaded at registration). Null when the package has no
 * metadata there or records no training (an imported or hand-made model): the page then says so.
 */
export class TrainingRecordReader {
  constructor(private readonly store: Pick<ObjectStore, 'get'>) {}

  async read(artifactKey: string): Promise<TrainingRecordView | null> {
    let bytes: Buffer;
    try {
      bytes = await this.store.get(`${artifactKey}/metadata.json`);
    } catch (error) {
      if (error instanceof ObjectNotFoundError) return null;
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch {
      return null;
    }
    const parsed = MetadataSchema.safeParse(json);
    const t = parsed.success ? parsed.data.training : null;
    if (!t) return null;
    return {
      command: t.command,
      resumedWith: t.resumedWith ?? [],
      backend: t.backend ?? null,
      epochsRun: t.epochsRun ?? null,
      bestEpoch: t.bestEpoch ?? null,
      stopReason: t.stopReason ?? null,
      trainingSeconds: t.trainingSeconds ?? null,
      trainImages: t.data?.trainImages ?? null,
      validationImages: t.data?.validationImages ?? null,
      hyperparameters: t.config ?? {},
    };
  }
}

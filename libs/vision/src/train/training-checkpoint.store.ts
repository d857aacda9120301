import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { z } from 'zod';
import type { DetectorWeights } from '../core/detector-weights';
import { decodeWeights, encodeWeights } from '../artifact/weights.codec';
import type { AdamState } from './adam.optimizer';

export const EpochRecordSchema = z.object({
  epoch: z.number().int().nonnegative(),
  loss: z.number(),
  objectnessLoss: z.number(),
  classificationLoss: z.number(),
  boxLoss: z.number(),
  learningRate: z.number(),
  deepPcbAp: z.number().nullable(),
  deepPcbFScore: z.number().nullable(),
  map50: z.number().nullable(),
  map: z.number().nullable(),
  trainImagesPerSecond: z.number(),
  seconds: z.number(),
});
export type EpochRecord = z.infer<typeof EpochRecordSchema>;

/** Where a run stands: enough to resume it exactly (with the weights and optimizer moments). */
export const TrainingStateSchema = z.object({
  kind: z.literal('argus.training-state'),
  formatVersion: z.literal(1),
  /** Identifies the run: spec, data fingerprint and the hyperparameters that shape the curve. */
  runKey: z.string(),
  /** Completed epochs, and steps done in the current one. */
  epoch: z.number().int().nonnegative(),
  stepInEpoch: z.number().int().nonnegative(),
  globalStep: z.number().int().nonnegative(),
  emaUpdates: z.number().int().nonnegative(),
  bestScore: z.number().nullable(),
  bestEpoch: z.number().int().nullable(),
  epochsWithoutImprovement: z.number().int().nonnegative(),
  trainingSeconds: z.number().nonnegative(),
  /** Wall time of every invocation of the run together; null when an older checkpoint did not record it. */
  wallSeconds: z.number().nonnegative().nullable().default(null),
  imagesSeen: z.number().int().nonnegative(),
  skippedSteps: z.number().int().nonnegative(),
  history: z.array(EpochRecordSchema),
  stopReason: z.string().nullable(),
});
export type TrainingState = z.infer<typeof TrainingStateSchema>;

export interface TrainingCheckpoint {
  readonly state: TrainingState;
  readonly weights: DetectorWeights;
  readonly ema?: DetectorWeights;
  readonly optimizer: AdamState;
}

export class CheckpointError extends Error {
  readonly code = 'INVALID_CHECKPOINT';
}

async function writeWeightFiles(dir: string, name: string, weights: DetectorWeights): Promise<void> {
  const { manifest, data } = encodeWeights(weights, `${name}.bin`);
  await writeFile(path.join(dir, `${name}.bin`), data);
  await writeFile(path.join(dir, `${name}.json`), `${JSON.stringify(manifest, null, 1)}\n`);
}

async function readWeightFiles(dir: string, name: string): Promise<DetectorWeights> {
  const manifestPath = path.join(dir, `${name}.json`);
  const manifest: unknown = JSON.parse(await readFile(manifestPath, 'utf8'));
  return decodeWeights(manifest, await readFile(path.join(dir, `${name}.bin`)), manifestPath);
}

async function exists(file: string): Promise<boolean> {
  try {
    await readFile(file);
    return true;
  } catch {
    return false;
  }
}

/** Where a run's checkpoints go (a folder in practice; anything that keeps them in tests). */
export interface TrainingCheckpointPort {
  saveCheckpoint(checkpoint: TrainingCheckpoint): Promise<void>;
  hasCheckpoint(): Promise<boolean>;
  loadCheckpoint(): Promise<TrainingCheckpoint>;
  saveBest(weights: DetectorWeights, state: TrainingState): Promise<void>;
  loadBest(): Promise<{ weights: DetectorWeights; state: TrainingState } | undefined>;
}

/**
 * A run folder: `checkpoint/` (the latest state, weights, EMA weights and Adam moments; replaced
 * atomically, so a crash mid-save leaves the previous one) and `best/` (the weights that scored
 * best on validation, with their state).
 */
export class TrainingCheckpointStore implements TrainingCheckpointPort {
  constructor(readonly runDir: string) {}

  private async replaceFolder(name: string, fill: (dir: string) => Promise<void>): Promise<void> {
    await mkdir(this.runDir, { recursive: true });
    const target = path.join(this.runDir, name);
    const staging = path.join(this.runDir, `.${name}.staging-${process.pid}`);
    const old = path.join(this.runDir, `.${name}.old-${process.pid}`);
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    await fill(staging);
    await rm(old, { recursive: true, force: true });
    try {
      await rename(target, old);
    } catch {
      // first save: nothing to move aside
    }
    await rename(staging, target);
    await rm(old, { recursive: true, force: true });
  }

  async saveCheckpoint(checkpoint: TrainingCheckpoint): Promise<void> {
    await this.replaceFolder('checkpoint', async (dir) => {
      await writeWeightFiles(dir, 'weights', checkpoint.weights);
      if (checkpoint.ema) await writeWeightFiles(dir, 'ema', checkpoint.ema);
      await writeWeightFiles(dir, 'adam-m', checkpoint.optimizer.firstMoments);
      await writeWeightFiles(dir, 'adam-v', checkpoint.optimizer.secondMoments);
      await writeFile(
        path.join(dir, 'state.json'),
        `${JSON.stringify({ ...checkpoint.state, optimizerStep: checkpoint.optimizer.step }, null, 1)}\n`,
      );
    });
  }

  async hasCheckpoint(): Promise<boolean> {
    return exists(path.join(this.runDir, 'checkpoint', 'state.json'));
  }

  async loadCheckpoint(): Promise<TrainingCheckpoint> {
    const dir = path.join(this.runDir, 'checkpoint');
    const statePath = path.join(dir, 'state.json');
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(statePath, 'utf8'));
    } catch (error) {
      throw new CheckpointError(`cannot read ${statePath}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const parsed = TrainingStateSchema.extend({ optimizerStep: z.number().int().nonnegative() }).safeParse(raw);
    if (!parsed.success) {
      throw new CheckpointError(
        `${statePath} is not a training state: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    }
    const { optimizerStep, ...state } = parsed.data;
    const hasEma = await exists(path.join(dir, 'ema.json'));
    return {
      state,
      weights: await readWeightFiles(dir, 'weights'),
      ...(hasEma ? { ema: await readWeightFiles(dir, 'ema') } : {}),
      optimizer: {
        step: optimizerStep,
        firstMoments: await readWeightFiles(dir, 'adam-m'),
        secondMoments: await readWeightFiles(dir, 'adam-v'),
      },
    };
  }

  async saveBest(weights: DetectorWeights, state: TrainingState): Promise<void> {
    await this.replaceFolder('best', async (dir) => {
      await writeWeightFiles(dir, 'weights', weights);
      await writeFile(path.join(dir, 'state.json'), `${JSON.stringify(state, null, 1)}\n`);
    });
  }

  async loadBest(): Promise<{ weights: DetectorWeights; state: TrainingState } | undefined> {
    const dir = path.join(this.runDir, 'best');
    if (!(await exists(path.join(dir, 'state.json')))) return undefined;
    const parsed = TrainingStateSchema.safeParse(JSON.parse(await readFile(path.join(dir, 'state.json'), 'utf8')));
    if (!parsed.success) throw new CheckpointError(`${dir}/state.json is not a training state`);
    return { weights: await readWeightFiles(dir, 'weights'), state: parsed.data };
  }
}

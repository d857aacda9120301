import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { buildModelPackage } from '../artifact/model-package.builder';
import type { ModelPackageFiles } from '../artifact/model-package.files';
import { saveModelPackage, type ModelPackage } from '../artifact/model-package.store';
import { decodeWeights, encodeWeights } from '../artifact/weights.codec';
import { ArchitectureSpecSchema, type ArchitectureSpec } from '../core/architecture-spec';
import { defaultSpec } from '../core/default-specs';
import type { DetectorWeights } from '../core/detector-weights';
import { fingerprintTrainingData } from '../train/dataset.fingerprint';
import { DEFAULT_TRAINER_CONFIG, initialWeights, trainDetector, type TrainerConfig } from '../train/detector.trainer';
import { metricsOf, predictLoadedSamplesOnnx } from '../train/detector.validator';
import type { TrainingCheckpoint, TrainingCheckpointPort, TrainingState } from '../train/training-checkpoint.store';
import { loadTrainingImages } from '../train/training-image.loader';
import { formatDuration } from '../train/training-progress.tracker';
import { DEFAULT_FEW_SHOT_TRAINING } from './few-shot.adapt';
import { metaStepSize, reptileUpdate, type MetaStepSchedule } from './reptile';
import { TaskSamplingError, type MetaTask, type TaskSampler } from './task.sampler';

/** A meta-training that cannot start or resume: the message says why. */
export class MetaTrainingError extends Error {
  readonly code = 'META_TRAINING';
}

/**
 * The two initialisations: `template` for lines with a golden template (grey, stack-difference,
 * DeepPCB-like: the pcb feed's architecture), `plain` for lines without one (RGB, no template,
 * BCCD- and driving-like: the medical feed's architecture). One init cannot serve both: the stem
 * sees a different number of channels, and what the backbone must learn (differences against a
 * reference vs objects on their own) differs. Slots: as many as the largest class list of the feeds
 * each init is for (DeepPCB's six defects; BCCD's and the driving feed's three).
 */
export const META_INITS = ['template', 'plain'] as const;
export type MetaInitKind = (typeof META_INITS)[number];

/** An init's architecture: the feed's default (or `architecture`), named for the init, its classes the slots. */
export function metaInitSpec(kind: MetaInitKind, slotCount?: number, architecture?: ArchitectureSpec): ArchitectureSpec {
  const base = architecture ?? defaultSpec(kind === 'template' ? 'pcb' : 'medical');
  const slots = Array.from({ length: slotCount ?? (kind === 'template' ? 6 : 3) }, (_, i) => `slot-${i + 1}`);
  return ArchitectureSpecSchema.parse({ ...base, name: `meta-init-${kind}`, classes: slots });
}

/** The inner loop: a short adaptation of θ to one task, the adaptation recipe without the EMA (φ is the trained weights). */
export const DEFAULT_INNER_LOOP = {
  ...DEFAULT_FEW_SHOT_TRAINING,
  epochs: 2,
  warmupEpochs: 0,
  emaDecay: 0,
} as const satisfies Partial<TrainerConfig>;

export interface MetaTrainInput {
  /** The architecture, its classes being the slots (metaInitSpec). */
  readonly spec: ArchitectureSpec;
  readonly sampler: TaskSampler;
  /** Meta-steps of the run: the ε schedule spans them. */
  readonly metaSteps: number;
  /** Stop (checkpoint kept, package written) after this much wall time in this process. */
  readonly maxMinutes?: number;
  /** Tasks per meta-step (φ̄ is their mean). */
  readonly metaBatch: number;
  readonly epsilon: MetaStepSchedule;
  /** Overrides of the inner loop (DEFAULT_INNER_LOOP). */
  readonly inner?: Partial<TrainerConfig>;
  readonly seed: number;
  readonly runDir: string;
  readonly resume?: boolean;
  readonly command: string;
  readonly log?: (line: string) => void;
  readonly shouldStop?: () => boolean;
  readonly now?: () => number;
  /** Seconds between progress lines (default 30; the first and last steps always print). */
  readonly progressEverySeconds?: number;
}

export interface MetaTrainResult {
  readonly weights: DetectorWeights;
  readonly spec: ArchitectureSpec;
  readonly metaSteps: number;
  readonly stopReason: 'completed' | 'time-budget' | 'interrupted';
  readonly seconds: number;
  /** Mean query mAP@0.5 of the adapted weights, per meta-step (what the progress line shows). */
  readonly queryMap50: readonly number[];
  readonly sources: readonly string[];
}

interface MetaCheckpointState {
  readonly kind: 'argus.meta-training-state';
  readonly runKey: string;
  readonly step: number;
  readonly seconds: number;
  readonly queryMap50: number[];
}

const STATE_FILE = 'meta-state.json';
const WEIGHTS_MANIFEST = 'meta-weights.json';
const WEIGHTS_BINARY = 'meta-weights.bin';

/** The inner loops keep nothing on disk: φ is returned, not resumed. */
class DiscardedCheckpoints implements TrainingCheckpointPort {
  async saveCheckpoint(_checkpoint: TrainingCheckpoint): Promise<void> {
    // discarded: an inner loop is never resumed
  }
  async hasCheckpoint(): Promise<boolean> {
    return false;
  }
  async loadCheckpoint(): Promise<TrainingCheckpoint> {
    throw new MetaTrainingError('an inner loop has no checkpoint');
  }
  async saveBest(_weights: DetectorWeights, _state: TrainingState): Promise<void> {
    // discarded: the inner loop ships its last weights
  }
  async loadBest(): Promise<undefined> {
    return undefined;
  }
}

function runKeyOf(input: MetaTrainInput, inner: TrainerConfig): string {
  const key = {
    spec: input.spec,
    sources: input.sampler.describeSources(),
    metaSteps: input.metaSteps,
    metaBatch: input.metaBatch,
    epsilon: input.epsilon,
    inner,
    seed: input.seed,
  };
  return createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 16);
}

/** Writes θ and the state: weights first, the state last and by rename (a crash leaves the previous state, which names the step). */
async function saveMetaCheckpoint(runDir: string, state: MetaCheckpointState, weights: DetectorWeights): Promise<void> {
  await mkdir(runDir, { recursive: true });
  const { manifest, data } = encodeWeights(weights, `${WEIGHTS_BINARY}.${state.step}`);
  await writeFile(path.join(runDir, `${WEIGHTS_BINARY}.${state.step}`), data);
  await writeFile(path.join(runDir, `${WEIGHTS_MANIFEST}.${state.step}`), JSON.stringify(manifest));
  const staging = path.join(runDir, `${STATE_FILE}.partial`);
  await writeFile(staging, JSON.stringify(state));
  await rename(staging, path.join(runDir, STATE_FILE));
  // The previous step's weights are no longer named by the state.
  await rm(path.join(runDir, `${WEIGHTS_BINARY}.${state.step - 1}`), { force: true });
  await rm(path.join(runDir, `${WEIGHTS_MANIFEST}.${state.step - 1}`), { force: true });
}

async function loadMetaCheckpoint(runDir: string): Promise<{ state: MetaCheckpointState; weights: DetectorWeights } | null> {
  let text: string;
  try {
    text = await readFile(path.join(runDir, STATE_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const state = JSON.parse(text) as MetaCheckpointState;
  if (state.kind !== 'argus.meta-training-state')
    throw new MetaTrainingError(`${path.join(runDir, STATE_FILE)} is not a meta-training state`);
  const manifest: unknown = JSON.parse(await readFile(path.join(runDir, `${WEIGHTS_MANIFEST}.${state.step}`), 'utf8'));
  const weights = decodeWeights(manifest, await readFile(path.join(runDir, `${WEIGHTS_BINARY}.${state.step}`)), WEIGHTS_MANIFEST);
  return { state, weights };
}

/** Indices of replacement tasks: far above any run's own, so they never repeat one. */
const REPLACEMENT_OFFSET = 1_000_000_000;
const REPLACEMENTS = 5;

/**
 * Task `index`, or — when it cannot be built (a draw of classes too rare in its source) — a
 * replacement drawn at a fixed other index, said in the log. Deterministic, so a resumed run
 * replaces the same tasks; after a few failed replacements the error stands.
 */
async function sampleOrReplace(sampler: TaskSampler, index: number, log: (line: string) => void): Promise<MetaTask> {
  for (let attempt = 0; ; attempt++) {
    const at = index + attempt * REPLACEMENT_OFFSET;
    try {
      return await sampler.sample(at);
    } catch (error) {
      if (!(error instanceof TaskSamplingError) || attempt >= REPLACEMENTS) throw error;
      log(`task ${at} cannot be built (${error.message}); replaced by task ${at + REPLACEMENT_OFFSET}`);
    }
  }
}

/**
 * Meta-trains an initialisation with Reptile: each meta-step samples `metaBatch` tasks (task
 * `step·metaBatch + b`, so a resumed run draws the same ones), adapts θ to each with the existing
 * trainer for a short inner loop on the task's support frames (classes as slots, nothing frozen,
 * Adam fresh per task), scores the adapted weights on the task's query frames (for the progress
 * line only), and moves θ towards the adapted weights' mean with ε decaying linearly over
 * `metaSteps`. θ and the state are checkpointed in the run folder after every meta-step; `resume`
 * continues from there (same options required). Stops at `metaSteps`, at `maxMinutes`, or on request.
 */
export async function metaTrain(input: MetaTrainInput): Promise<MetaTrainResult> {
  const now = input.now ?? Date.now;
  const log = input.log ?? (() => undefined);
  const started = now();
  if (!(input.metaSteps >= 1)) throw new MetaTrainingError(`meta-steps must be at least 1, got ${input.metaSteps}`);
  if (!(input.metaBatch >= 1)) throw new MetaTrainingError(`the meta-batch must be at least 1 task, got ${input.metaBatch}`);
  const inner: TrainerConfig = {
    ...DEFAULT_TRAINER_CONFIG,
    ...DEFAULT_INNER_LOOP,
    seed: input.seed,
    progressEverySeconds: 3600,
    ...input.inner,
  };
  const runKey = runKeyOf(input, inner);
  const spec = input.spec;
  let theta = initialWeights(spec, input.seed);
  let step = 0;
  let previousSeconds = 0;
  let queryMap50: number[] = [];
  if (input.resume) {
    const checkpoint = await loadMetaCheckpoint(input.runDir);
    if (checkpoint) {
      if (checkpoint.state.runKey !== runKey) {
        throw new MetaTrainingError(
          `${input.runDir} holds a different meta-training (spec, sources, steps, inner loop or seed differ); use a new run folder or the original options`,
        );
      }
      theta = checkpoint.weights;
      step = checkpoint.state.step;
      previousSeconds = checkpoint.state.seconds;
      queryMap50 = [...checkpoint.state.queryMap50];
      log(`resuming ${input.runDir} at meta-step ${step + 1}/${input.metaSteps}`);
    }
  }
  log(
    `meta-training ${spec.name} (Reptile, slots ${spec.classes.join(', ')}) from ${input.sampler.describeSources().join('; ')}: ${input.metaSteps} meta-steps of ${input.metaBatch} task(s)`,
  );
  const imageOptions = {
    width: spec.input.width,
    height: spec.input.height,
    channels: spec.input.channels,
    templateMode: spec.template,
    classes: spec.classes,
  };
  const budgetMs = input.maxMinutes !== undefined ? input.maxMinutes * 60_000 : Infinity;
  const progressEvery = (input.progressEverySeconds ?? 30) * 1000;
  let lastProgress = -Infinity;
  const stepTimes: number[] = [];
  let stopReason: MetaTrainResult['stopReason'] = 'completed';
  while (step < input.metaSteps) {
    if (input.shouldStop?.()) {
      stopReason = 'interrupted';
      break;
    }
    if (now() - started >= budgetMs) {
      stopReason = 'time-budget';
      break;
    }
    const stepStarted = now();
    const adapted: DetectorWeights[] = [];
    const scores: number[] = [];
    const tasks: MetaTask[] = [];
    for (let b = 0; b < input.metaBatch; b++) {
      const task = await sampleOrReplace(input.sampler, step * input.metaBatch + b, log);
      tasks.push(task);
      const [support, query] = await Promise.all([
        loadTrainingImages(task.support, imageOptions),
        loadTrainingImages(task.query, imageOptions),
      ]);
      if (support.images.length === 0)
        throw new MetaTrainingError(`task ${task.index} (${task.source}): no support frame could be decoded`);
      const result = await trainDetector({
        spec,
        train: support.images,
        validation: [],
        runDir: path.join(input.runDir, 'inner'),
        checkpoints: new DiscardedCheckpoints(),
        config: { ...inner, seed: input.seed + task.index },
        dataFingerprint: fingerprintTrainingData({ support: task.support }),
        start: { weights: theta, fingerprint: `meta-step-${step}` },
      });
      adapted.push(result.weights);
      if (query.images.length > 0) {
        const predictions = await predictLoadedSamplesOnnx(spec, result.weights, query.images, {
          classes: spec.classes,
          scoreThreshold: 0.05,
          batchSize: inner.validationBatchSize ?? 8,
        });
        scores.push(metricsOf(predictions, spec.classes).map50);
      }
    }
    const epsilon = metaStepSize(step, input.metaSteps, input.epsilon);
    theta = reptileUpdate(theta, adapted, epsilon);
    const score = scores.length > 0 ? scores.reduce((a, b) => a + b, 0) / scores.length : NaN;
    queryMap50.push(score);
    step += 1;
    stepTimes.push(now() - stepStarted);
    await saveMetaCheckpoint(
      input.runDir,
      { kind: 'argus.meta-training-state', runKey, step, seconds: previousSeconds + (now() - started) / 1000, queryMap50 },
      theta,
    );
    if (now() - lastProgress >= progressEvery || step === input.metaSteps || step === 1) {
      lastProgress = now();
      const recent = stepTimes.slice(-20);
      const perStep = recent.reduce((a, b) => a + b, 0) / recent.length;
      const eta = Math.min(perStep * (input.metaSteps - step), Math.max(0, budgetMs - (now() - started)));
      const window = queryMap50.slice(-10).filter(Number.isFinite);
      const mean = window.length > 0 ? window.reduce((a, b) => a + b, 0) / window.length : NaN;
      log(
        `meta-step ${step}/${input.metaSteps} ε ${epsilon.toFixed(3)} tasks ${tasks.map((t) => `${t.source} ${t.classes.length}-way`).join(', ')} | ` +
          `query mAP50 ${Number.isFinite(score) ? score.toFixed(4) : '—'} (last 10: ${Number.isFinite(mean) ? mean.toFixed(4) : '—'}) | ` +
          `${(perStep / 1000).toFixed(1)} s/step elapsed ${formatDuration(now() - started)} ETA ${formatDuration(eta)}` +
          (Number.isFinite(budgetMs) && perStep * (input.metaSteps - step) > budgetMs - (now() - started)
            ? ' (time budget ends first)'
            : ''),
      );
    }
  }
  const seconds = previousSeconds + (now() - started) / 1000;
  log(`meta-training stopped (${stopReason}) at meta-step ${step}/${input.metaSteps} after ${formatDuration(seconds * 1000)} in all`);
  return { weights: theta, spec, metaSteps: step, stopReason, seconds, queryMap50, sources: input.sampler.describeSources() };
}

export interface MetaInitPackageOptions {
  readonly result: MetaTrainResult;
  readonly input: MetaTrainInput;
  readonly excluded: readonly string[];
  readonly out: ModelPackageFiles;
  readonly argusVersion: string;
  readonly exportOnnx?: boolean;
  readonly trainingLog?: string;
  readonly name?: string;
}

/** Writes a meta-trained θ as a model package: spec (classes = slots), weights, and its meta-init record. */
export async function saveMetaInitPackage(options: MetaInitPackageOptions): Promise<ModelPackage> {
  const { result, input } = options;
  const pkg = await buildModelPackage({
    spec: result.spec,
    weights: result.weights,
    argusVersion: options.argusVersion,
    name: options.name ?? result.spec.name,
    exportOnnx: options.exportOnnx ?? true,
    ...(options.trainingLog !== undefined ? { trainingLog: options.trainingLog } : {}),
    training: null,
    validation: null,
    fewShot: {
      kind: 'meta-init',
      method: 'reptile',
      sources: [...result.sources],
      excluded: [...options.excluded],
      slots: [...result.spec.classes],
      metaSteps: result.metaSteps,
      seed: input.seed,
      seconds: result.seconds,
      hyperparameters: JSON.parse(
        JSON.stringify({
          plannedMetaSteps: input.metaSteps,
          metaBatch: input.metaBatch,
          epsilon: input.epsilon,
          inner: { ...DEFAULT_INNER_LOOP, ...input.inner },
          stopReason: result.stopReason,
        }),
      ) as Record<string, unknown>,
      command: input.command,
    },
  });
  await saveModelPackage(options.out, pkg);
  return pkg;
}

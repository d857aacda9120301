import { validateSpec, type ArchitectureSpec } from '../core/architecture-spec';
import { selectTfBackend } from '../core/backend';
import { DetectorModel } from '../core/detector-model';
import { growHead } from '../continual/head-growth';
import type { DetectorWeights } from '../core/detector-weights';
import { silentVisionLogger } from '../core/vision-logger.port';
import { computeLetterbox } from '../data/letterbox';
import { SeededRandom } from '../data/seeded-random';
import { DEFAULT_TRAINER_CONFIG, epochOrder, trainDetector, type TrainerConfig, type TrainingProgressReport } from './detector.trainer';
import type { TrainingCheckpoint, TrainingCheckpointPort, TrainingState } from './training-checkpoint.store';
import type { LoadedSample } from './training-image.loader';
import * as tf from '@tensorflow/tfjs-core';
import { buildTrainingBatch } from './training-batch.builder';

/** Checkpoints kept in memory (deep copies, like a store that serialises). */
class MemoryCheckpoints implements TrainingCheckpointPort {
  last: TrainingCheckpoint | undefined;
  best: { weights: DetectorWeights; state: TrainingState } | undefined;
  saves = 0;
  async saveCheckpoint(c: TrainingCheckpoint) {
    this.saves++;
    this.last = structuredClone(c);
  }
  async hasCheckpoint() {
    return this.last !== undefined;
  }
  async loadCheckpoint() {
    if (!this.last) throw new Error('none');
    return structuredClone(this.last);
  }
  async saveBest(weights: DetectorWeights, state: TrainingState) {
    this.best = structuredClone({ weights, state });
  }
  async loadBest() {
    return this.best && structuredClone(this.best);
  }
}

const spec: ArchitectureSpec = validateSpec({
  specVersion: 1,
  name: 'tiny',
  input: { height: 32, width: 32, channels: 1 },
  template: 'stack-difference',
  backbone: {
    stages: [
      { depth: 0, width: 8, kernelSize: 3, stride: 2, activation: 'relu', block: 'plain' },
      { depth: 1, width: 8, kernelSize: 3, stride: 2, activation: 'relu', block: 'residual' },
    ],
  },
  neck: { type: 'none', width: 8, kernelSize: 3, activation: 'relu' },
  head: { style: 'centerness', strides: [4], depth: 1, width: 8, kernelSize: 3, activation: 'relu' },
  classes: ['spot', 'bar'],
});

/** Frames with a bright square (class spot) or a bar (class bar) that the template lacks. */
function images(count: number, seed: number): LoadedSample[] {
  const random = new SeededRandom(seed);
  return Array.from({ length: count }, (_v, n) => {
    const template = new Uint8Array(32 * 32).map(() => random.int(20, 60));
    const frame = Uint8Array.from(template);
    const classId = n % 2;
    const x = random.int(2, 18);
    const y = random.int(2, 18);
    const box = classId === 0 ? { x1: x, y1: y, x2: x + 8, y2: y + 8 } : { x1: x, y1: y, x2: x + 12, y2: y + 4 };
    for (let yy = box.y1; yy < box.y2; yy++) for (let xx = box.x1; xx < box.x2; xx++) frame[yy * 32 + xx] = 230;
    return {
      id: `img-${seed}-${n}`,
      width: 32,
      height: 32,
      channels: 1,
      frame,
      template,
      boxes: [{ box, classId }],
      mapping: computeLetterbox(32, 32, 32, 32),
      groundTruth: [{ className: spec.classes[classId] as string, box }],
    } satisfies LoadedSample;
  });
}

const config: TrainerConfig = {
  ...DEFAULT_TRAINER_CONFIG,
  epochs: 3,
  batchSize: 4,
  learningRate: 5e-3,
  warmupEpochs: 0.5,
  emaDecay: 0.9,
  patience: 0,
  validationRuntime: 'tfjs',
  selectionMetric: 'map50',
};

// Real (tiny) training runs: well under a second each on an idle machine, more on a busy one.
jest.setTimeout(60_000);

describe('trainDetector', () => {
  beforeAll(async () => {
    await selectTfBackend({ env: { ARGUS_TF_BACKEND: 'wasm' }, logger: silentVisionLogger });
  });

  it('visits every image once per crop per epoch, shuffled by seed and epoch', () => {
    const order = epochOrder(5, 2, 1, 0);
    expect([...order].sort()).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4]);
    expect(epochOrder(5, 2, 1, 0)).toEqual(order);
    expect(epochOrder(5, 2, 1, 1)).not.toEqual(order);
  });

  it('learns (the loss falls), validates every epoch, keeps the best and checkpoints', async () => {
    const checkpoints = new MemoryCheckpoints();
    const lines: string[] = [];
    const reports: TrainingProgressReport[] = [];
    const result = await trainDetector({
      spec,
      train: images(16, 1),
      validation: images(4, 2),
      runDir: 'unused',
      checkpoints,
      config: { ...config, epochs: 4, cropsPerImage: 2, learningRate: 1e-2 },
      dataFingerprint: 'test',
      log: (l) => lines.push(l),
      onProgress: (r) => reports.push(r),
    });
    const history = result.state.history;
    expect(history.map((h) => h.epoch)).toEqual([0, 1, 2, 3]);
    expect((history[3] as { loss: number }).loss).toBeLessThan(0.7 * (history[0] as { loss: number }).loss);
    expect(history.every((h) => h.map50 !== null && h.deepPcbAp !== null)).toBe(true);
    expect(result.stopReason).toBe('completed');
    expect(checkpoints.saves).toBe(5); // every epoch, and at the end
    expect(checkpoints.best?.state.bestEpoch).toBe(result.bestEpoch);
    expect(result.weights).toEqual(checkpoints.best?.weights);
    // The same progress as figures, at least once per epoch, the last after the last validation.
    expect(reports.length).toBeGreaterThanOrEqual(4);
    expect(reports.at(-1)).toMatchObject({ epoch: 4, epochs: 4, globalStep: 32, totalSteps: 32, validationAp: history[3]!.deepPcbAp });
    expect(Object.keys(reports.at(-1)!.losses)).toEqual(['total', 'objectness', 'classification', 'box']);
    expect(reports[0]!.validationAp === null || reports[0]!.epoch === 1).toBe(true);
    expect(lines.some((l) => /^epoch 4\/4 step 8\/8 loss [\d.]+ .* val AP [\d.]+ \(deeppcb\) mAP50 [\d.]+ .* img\/s .* ETA/.test(l))).toBe(
      true,
    );
  });

  it('resumes an interrupted run exactly where it stopped (same weights as an uninterrupted run)', async () => {
    const train = images(8, 3);
    const validation = images(2, 4);
    const straight = new MemoryCheckpoints();
    const a = await trainDetector({ spec, train, validation, runDir: 'unused', checkpoints: straight, config, dataFingerprint: 'd' });

    const interrupted = new MemoryCheckpoints();
    let steps = 0;
    const first = await trainDetector({
      spec,
      train,
      validation,
      runDir: 'unused',
      checkpoints: interrupted,
      config,
      dataFingerprint: 'd',
      shouldStop: () => steps++ >= 3, // stops mid-epoch 2
    });
    expect(first.stopReason).toBe('interrupted');
    expect(first.state.epoch).toBe(1);
    expect(first.state.stepInEpoch).toBe(1);
    const resumed = await trainDetector({
      spec,
      train,
      validation,
      runDir: 'unused',
      checkpoints: interrupted,
      config,
      dataFingerprint: 'd',
      resume: true,
    });
    expect(resumed.stopReason).toBe('completed');
    expect(resumed.state.globalStep).toBe(a.state.globalStep);
    expect(interrupted.last?.weights).toEqual(straight.last?.weights);
    expect(interrupted.last?.ema).toEqual(straight.last?.ema);

    await expect(
      trainDetector({
        spec,
        train,
        validation,
        runDir: 'unused',
        checkpoints: interrupted,
        config: { ...config, seed: 99 },
        dataFingerprint: 'd',
        resume: true,
      }),
    ).rejects.toThrow('holds a different run');
  });

  it('stops by itself at the time budget, with a checkpoint and validated best weights', async () => {
    let clock = 0;
    const checkpoints = new MemoryCheckpoints();
    const result = await trainDetector({
      spec,
      train: images(8, 5),
      validation: images(2, 6),
      runDir: 'unused',
      checkpoints,
      config: { ...config, epochs: 50, maxMinutes: 1 },
      dataFingerprint: 'd',
      now: () => (clock += 5_000), // every clock read is 5 s later
    });
    expect(result.stopReason).toBe('time-budget');
    expect(result.state.epoch).toBeLessThan(50);
    expect(checkpoints.last?.state.stopReason).toBe('time-budget');
    expect(checkpoints.best).toBeDefined();
  });

  it('lets the event loop run between steps (a service’s I/O is not held for a whole epoch)', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    try {
      await trainDetector({
        spec,
        train: images(16, 1),
        validation: [],
        runDir: 'unused',
        checkpoints: new MemoryCheckpoints(),
        config: { ...config, epochs: 1, cropsPerImage: 2 },
        dataFingerprint: 'test',
      });
    } finally {
      clearInterval(timer);
    }
    // 8 steps: a timer can fire after each.
    expect(ticks).toBeGreaterThanOrEqual(6);
  });

  it('stops early when validation stops improving', async () => {
    const noObjects = images(2, 7).map((s) => ({ ...s, boxes: [], groundTruth: [] }));
    const result = await trainDetector({
      spec,
      train: images(8, 8),
      validation: noObjects, // mAP stays 0: never better than the first epoch
      runDir: 'unused',
      checkpoints: new MemoryCheckpoints(),
      config: { ...config, epochs: 10, patience: 2 },
      dataFingerprint: 'd',
    });
    expect(result.stopReason).toBe('early-stopping');
    expect(result.state.epoch).toBe(3);
    expect(result.bestEpoch).toBe(0);
  });

  describe('fine-tuning from a parent', () => {
    const parentSpec = validateSpec({ ...spec, name: 'tiny-spot', classes: ['spot'] });
    const spots = (count: number, seed: number) => images(2 * count, seed).filter((_, n) => n % 2 === 0);
    const bars = (count: number, seed: number) => images(2 * count, seed).filter((_, n) => n % 2 === 1);

    /** Mean |σ(obj)·σ(class 0)| difference between two models over every cell of frames the parent knows. */
    function scoreDrift(parentWeights: DetectorWeights, childSpec: ArchitectureSpec, childWeights: DetectorWeights): number {
      const parent = DetectorModel.fromWeights(parentSpec, parentWeights);
      const child = DetectorModel.fromWeights(childSpec, childWeights);
      const batch = buildTrainingBatch(spots(4, 21), parentSpec.template);
      const x = tf.tensor4d(batch.data, batch.shape);
      const score = (raw: tf.Tensor3D) =>
        tf.mul(tf.sigmoid(tf.slice(raw, [0, 0, 0], [-1, -1, 1])), tf.sigmoid(tf.slice(raw, [0, 0, 1], [-1, -1, 1])));
      const drift = tf.tidy(() => tf.mean(tf.abs(tf.sub(score(child.predict(x)), score(parent.predict(x))))).dataSync()[0] as number);
      x.dispose();
      parent.dispose();
      child.dispose();
      return drift;
    }

    it('starts from the parent weights and leaves frozen stages untouched', async () => {
      const base = await trainDetector({
        spec: parentSpec,
        train: spots(8, 11),
        validation: [],
        runDir: 'unused',
        checkpoints: new MemoryCheckpoints(),
        config: { ...config, epochs: 2, cropsPerImage: 2, learningRate: 1e-2 },
        dataFingerprint: 'base',
      });
      const grown = growHead(parentSpec, base.weights, ['bar'], 1);
      const result = await trainDetector({
        spec: grown.spec,
        train: bars(6, 13).map((s) => ({ ...s, boxes: s.boxes.map((b) => ({ ...b, classId: 1 })) })),
        validation: [],
        runDir: 'unused',
        checkpoints: new MemoryCheckpoints(),
        config: { ...config, epochs: 1, cropsPerImage: 2, emaDecay: 0 },
        dataFingerprint: 'new',
        start: { weights: grown.weights, fingerprint: 'parent' },
        frozenPrefixes: ['backbone.stages.0.'],
      });
      const frozen = 'backbone.stages.0.down.kernel';
      expect(result.weights[frozen]?.values).toEqual(base.weights[frozen]?.values);
      const trained = 'backbone.stages.1.down.kernel';
      expect(result.weights[trained]?.values).not.toEqual(base.weights[trained]?.values);
      // The parent's classification weights were the starting point, not a fresh initialisation.
      const fresh = await trainDetector({
        spec: grown.spec,
        train: bars(6, 13),
        validation: [],
        runDir: 'unused',
        checkpoints: new MemoryCheckpoints(),
        config: { ...config, epochs: 1, cropsPerImage: 2, emaDecay: 0 },
        dataFingerprint: 'new',
      });
      expect(fresh.weights[frozen]?.values).not.toEqual(base.weights[frozen]?.values);
    });

    it('distillation alone pulls a perturbed student back towards its teacher', async () => {
      const teacher = await trainDetector({
        spec: parentSpec,
        train: spots(8, 16),
        validation: [],
        runDir: 'unused',
        checkpoints: new MemoryCheckpoints(),
        config: { ...config, epochs: 3, cropsPerImage: 2, learningRate: 1e-2 },
        dataFingerprint: 'teacher',
      });
      const perturbed: DetectorWeights = structuredClone(teacher.weights);
      const random = new SeededRandom(5);
      for (const name of ['head.s4.predict.kernel', 'head.s4.predict.bias']) {
        const w = perturbed[name]?.values as Float32Array;
        for (let i = 0; i < w.length; i++) w[i] = (w[i] as number) + random.normal(0, 0.5);
      }
      const before = scoreDrift(teacher.weights, parentSpec, perturbed);
      const lines: string[] = [];
      const student = await trainDetector({
        spec: parentSpec,
        train: spots(8, 17),
        validation: [],
        runDir: 'unused',
        checkpoints: new MemoryCheckpoints(),
        // No detection loss: whatever moves the student comes from the teacher.
        config: {
          ...config,
          epochs: 4,
          cropsPerImage: 2,
          learningRate: 1e-2,
          emaDecay: 0,
          progressEverySeconds: 0,
          lossWeights: { objectness: 0, classification: 0, box: 0 },
        },
        dataFingerprint: 'distil',
        start: { weights: perturbed, fingerprint: 'perturbed' },
        distillation: { teacher: { spec: parentSpec, weights: teacher.weights }, weight: 1 },
        log: (l) => lines.push(l),
      });
      const distil = lines
        .map((l) => /distil ([\d.]+)\)/.exec(l)?.[1])
        .filter((v): v is string => v !== undefined)
        .map(Number);
      expect(distil.length).toBeGreaterThan(4);
      expect(distil[distil.length - 1]).toBeLessThan(0.5 * (distil[0] as number));
      expect(scoreDrift(teacher.weights, parentSpec, student.weights)).toBeLessThan(0.5 * before);
    });

    it('refuses a teacher whose classes do not lead the trained spec, and a prefix that freezes nothing', async () => {
      const common = {
        spec,
        train: images(4, 15),
        validation: [],
        runDir: 'unused',
        checkpoints: new MemoryCheckpoints(),
        config: { ...config, epochs: 1 },
        dataFingerprint: 'd',
      };
      const other = validateSpec({ ...spec, classes: ['bar'] });
      await expect(trainDetector({ ...common, distillation: { teacher: { spec: other, weights: {} }, weight: 1 } })).rejects.toThrow(
        /must be the first classes/,
      );
      await expect(trainDetector({ ...common, frozenPrefixes: ['nothing.'] })).rejects.toThrow(
        /no trainable weight starts with "nothing\."/,
      );
    });
  });
});

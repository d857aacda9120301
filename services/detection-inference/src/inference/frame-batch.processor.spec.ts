import type { ModelVersion, ProductionModel } from '@argus/persistence';
import { FrameBatchCollector } from '../batching/frame-batch.collector';
import { ProductionModelCatalog } from '../models/production-model.catalog';
import type { DetectorBatchOutput, DetectorInput, DetectorRuntime, RuntimeModel } from '../runtime/detector-runtime.port';
import { ManualBatchTimer } from '../testing/manual-batch.timer';
import { FrameBatchProcessor, type FrameToScore, type ScoredFrame } from './frame-batch.processor';
import { FrameFailureCodes, FrameUnprocessableError } from './frame-processing.errors';

const version = (id: string, name: string, usesTemplate = false): ModelVersion => ({
  id,
  name,
  version: `${name}-${id}`,
  artifactKey: `models/${name}/${id}`,
  classes: ['scratch'],
  spec: {},
  metrics: {},
  usesTemplate,
  parentVersionId: null,
  trainingDataFingerprint: null,
  backend: 'onnx',
  createdAt: new Date(0),
});

/** A runtime double that records what ran with which model, and can hold a batch until released. */
class RecordingRuntime implements DetectorRuntime {
  readonly loads: string[] = [];
  readonly unloads: string[] = [];
  readonly runs: { model: string; labels: string[] }[] = [];
  private readonly loaded = new Set<string>();
  gate: Promise<void> | undefined;
  /** Held detects, one per call in call order (after them: `gate`). */
  readonly gates: Promise<void>[] = [];

  async load(model: RuntimeModel): Promise<void> {
    if (!this.loaded.has(model.id)) this.loads.push(model.id);
    this.loaded.add(model.id);
  }
  async detect(model: RuntimeModel, inputs: readonly DetectorInput[]): Promise<DetectorBatchOutput> {
    if (!this.loaded.has(model.id)) throw new Error(`detect on ${model.id}, which is not loaded`);
    this.runs.push({ model: model.id, labels: inputs.map((i) => i.label) });
    await (this.gates.shift() ?? this.gate);
    if (!this.loaded.has(model.id)) throw new Error(`${model.id} was unloaded while a batch ran on it`);
    return {
      batchMs: 7,
      outputs: inputs.map((i) =>
        i.label.startsWith('corrupt')
          ? { ok: false as const, reason: `image #0: cannot decode image (corrupt)` }
          : {
              ok: true as const,
              detections: [{ className: 'scratch', score: 0.9, box: { x1: 1, y1: 1, x2: 5, y2: 5 } }],
              width: 64,
              height: 48,
            },
      ),
    };
  }
  async unload(modelId: string): Promise<void> {
    this.unloads.push(modelId);
    this.loaded.delete(modelId);
  }
  loadedModelIds(): readonly string[] {
    return [...this.loaded];
  }
  async close(): Promise<void> {
    this.loaded.clear();
  }
}

const frame = (frameId: string, lineId: string, template?: boolean): FrameToScore => ({
  frameId,
  lineId,
  image: new Uint8Array([1]),
  ...(template ? { template: new Uint8Array([2]) } : {}),
});

describe('FrameBatchProcessor with the production-model catalog', () => {
  let pointers: Map<string, ModelVersion>;
  let runtime: RecordingRuntime;
  let catalog: ProductionModelCatalog;
  let processor: FrameBatchProcessor;

  beforeEach(() => {
    pointers = new Map([
      ['line-a', version('a1', 'factory')],
      ['line-b', version('b1', 'pcb', true)],
    ]);
    runtime = new RecordingRuntime();
    const source = {
      productionModelFor: jest.fn(async (lineId: string): Promise<ProductionModel | null> => {
        const v = pointers.get(lineId);
        return v ? { lineId, modelVersion: v, promotionId: 'p', promotedAt: new Date(0) } : null;
      }),
    };
    catalog = new ProductionModelCatalog(source, runtime, { pointerTtlMs: 60_000, now: () => 0 });
    processor = new FrameBatchProcessor(catalog, runtime);
  });

  it('runs each line with its own production model, one runtime batch per model', async () => {
    const outcomes = await processor.process([frame('f1', 'line-a'), frame('f2', 'line-b', true), frame('f3', 'line-a')]);
    expect(runtime.runs).toEqual([
      { model: 'a1', labels: ['f1', 'f3'] },
      { model: 'b1', labels: ['f2'] },
    ]);
    expect(outcomes.map((o) => (o.ok ? `${o.value.model.id}/${o.value.batchSize}` : 'failed'))).toEqual(['a1/2', 'b1/1', 'a1/2']);
  });

  it('tells its listener (the shadow) of each scored batch, and a failing listener does not fail the batch', async () => {
    const seen: string[][] = [];
    const told = new FrameBatchProcessor(catalog, runtime, {
      afterBatch: (items, outcomes) => void seen.push(items.map((item, i) => `${item.frameId}:${outcomes[i]?.ok ? 'ok' : 'failed'}`)),
    });
    await told.process([frame('f1', 'line-a'), frame('f2', 'line-x')]);
    expect(seen).toEqual([['f1:ok', 'f2:failed']]);
    const throwing = new FrameBatchProcessor(catalog, runtime, {
      afterBatch: () => {
        throw new Error('shadow trouble');
      },
    });
    const outcomes = await throwing.process([frame('f3', 'line-a')]);
    expect(outcomes.map((o) => o.ok)).toEqual([true]);
  });

  it('fails only the frames that cannot be scored, each with its own code', async () => {
    pointers.delete('line-a');
    pointers.set('line-c', version('c1', 'factory'));
    const outcomes = await processor.process([
      frame('f1', 'line-a'),
      frame('f2', 'line-b'),
      frame('corrupt-3', 'line-c'),
      frame('f4', 'line-c'),
    ]);
    const codes = outcomes.map((o) => (o.ok ? 'ok' : (o.error as FrameUnprocessableError).failureCode));
    expect(codes).toEqual([FrameFailureCodes.noProductionModel, FrameFailureCodes.templateMissing, FrameFailureCodes.undecodable, 'ok']);
    expect(outcomes.every((o) => o.ok || o.error instanceof FrameUnprocessableError)).toBe(true);
  });

  it('switches to a promoted version BETWEEN batches: the running batch keeps its model, the next uses the new one', async () => {
    const timer = new ManualBatchTimer();
    const collector = new FrameBatchCollector<FrameToScore, ScoredFrame>({
      maxSize: 2,
      maxWaitMs: 5,
      timer,
      process: (items) => processor.process(items),
    });
    let release!: () => void;
    runtime.gate = new Promise<void>((resolve) => (release = resolve));
    const firstBatch = [collector.submit(frame('f1', 'line-a')), collector.submit(frame('f2', 'line-a'))];
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(runtime.runs).toEqual([{ model: 'a1', labels: ['f1', 'f2'] }]);

    // Promotion committed while the batch runs: the new version is loaded first, then the pointer moves.
    pointers.set('line-a', version('a2', 'factory'));
    const switched = await catalog.onPromoted('line-a');
    expect(switched?.id).toBe('a2');
    expect(runtime.loads).toEqual(['a1', 'a2']);
    const secondBatch = [collector.submit(frame('f3', 'line-a')), collector.submit(frame('f4', 'line-a'))];

    release();
    const first = await Promise.all(firstBatch);
    const second = await Promise.all(secondBatch);
    expect(first.map((s) => s.model.id)).toEqual(['a1', 'a1']);
    expect(second.map((s) => s.model.id)).toEqual(['a2', 'a2']);
    expect(runtime.runs.map((r) => r.model)).toEqual(['a1', 'a2']);
    // a1 serves no line any more: unloaded when the batch after the switch starts, not during its own.
    expect(runtime.unloads).toEqual(['a1']);
  });

  it('with two batches at once: a version stays loaded while a running batch uses it, and a camera never goes back to the old one', async () => {
    const timer = new ManualBatchTimer();
    const collector = new FrameBatchCollector<FrameToScore, ScoredFrame>({
      maxSize: 2,
      maxWaitMs: 5,
      concurrency: 2,
      timer,
      process: (items) => processor.process(items),
    });
    const gate = () => {
      let open!: () => void;
      runtime.gates.push(new Promise<void>((resolve) => (open = resolve)));
      return open;
    };
    const [releaseFirst, releaseSecond, releaseThird] = [gate(), gate(), gate()];
    const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
    const first = [collector.submit(frame('f1', 'line-a')), collector.submit(frame('f2', 'line-a'))];
    await settle();
    pointers.set('line-a', version('a2', 'factory'));
    await catalog.onPromoted('line-a');
    const second = [collector.submit(frame('f3', 'line-a')), collector.submit(frame('f4', 'line-a'))];
    await settle();
    expect(runtime.runs.map((r) => r.model)).toEqual(['a1', 'a2']); // both run at once
    expect(runtime.unloads).toEqual([]); // a1 serves no line, but the first batch still runs on it

    releaseSecond(); // the newer batch ends first
    expect((await Promise.all(second)).map((s) => s.model.id)).toEqual(['a2', 'a2']);
    const third = [collector.submit(frame('f5', 'line-a')), collector.submit(frame('f6', 'line-a'))];
    await settle();
    expect(runtime.unloads).toEqual([]); // the third batch started while the first still runs on a1
    releaseFirst();
    expect((await Promise.all(first)).map((s) => s.model.id)).toEqual(['a1', 'a1']);
    releaseThird();
    expect((await Promise.all(third)).map((s) => s.model.id)).toEqual(['a2', 'a2']);
    await Promise.all([collector.submit(frame('f7', 'line-a')), collector.submit(frame('f8', 'line-a'))]);
    expect(runtime.unloads).toEqual(['a1']); // at the first batch start after its last batch ended
  });

  it('takes batch starts one at a time: a later batch reads the pointer only after the earlier batch has', async () => {
    const reads: Array<() => void> = [];
    const source = {
      productionModelFor: jest.fn(async (lineId: string): Promise<ProductionModel> => {
        const modelVersion = pointers.get(lineId) as ModelVersion; // what the database holds when the query runs
        await new Promise<void>((resolve) => reads.push(resolve)); // the answer arrives later
        return { lineId, modelVersion, promotionId: 'p', promotedAt: new Date(0) };
      }),
    };
    const exact = new FrameBatchProcessor(new ProductionModelCatalog(source, runtime, { pointerTtlMs: 0 }), runtime);
    const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
    const first = exact.process([frame('f1', 'line-a')]);
    const second = exact.process([frame('f2', 'line-a')]);
    await settle();
    expect(source.productionModelFor).toHaveBeenCalledTimes(1);
    pointers.set('line-a', version('a2', 'factory')); // promoted between the two reads
    reads.shift()?.();
    await settle();
    expect(source.productionModelFor).toHaveBeenCalledTimes(2);
    reads.shift()?.();
    const [a, b] = await Promise.all([first, second]);
    expect([a[0], b[0]].map((o) => (o?.ok ? o.value.model.id : 'failed'))).toEqual(['a1', 'a2']);
  });

  it('re-reads a cached pointer after its TTL (a missed promotion event is caught up)', async () => {
    let now = 0;
    const source = {
      productionModelFor: jest.fn(async (lineId: string) => ({
        lineId,
        modelVersion: pointers.get(lineId) as ModelVersion,
        promotionId: 'p',
        promotedAt: new Date(0),
      })),
    };
    const ttlCatalog = new ProductionModelCatalog(source, runtime, { pointerTtlMs: 1_000, now: () => now });
    expect((await ttlCatalog.modelFor('line-a'))?.id).toBe('a1');
    pointers.set('line-a', version('a3', 'factory'));
    now = 999;
    expect((await ttlCatalog.modelFor('line-a'))?.id).toBe('a1');
    now = 1_000;
    expect((await ttlCatalog.modelFor('line-a'))?.id).toBe('a3');
    expect(source.productionModelFor).toHaveBeenCalledTimes(2);
  });
});

import type { Detection } from '@argus/contracts';
import type { NewShadowDetections } from '@argus/persistence';
import type { BatchItemOutcome } from '../batching/frame-batch.collector';
import type { FrameToScore, ScoredFrame } from '../inference/frame-batch.processor';
import type { CatalogModel } from '../models/production-model.catalog';
import type { DetectorBatchOutput, DetectorInput, RuntimeModel } from '../runtime/detector-runtime.port';
import { ShadowScorer } from './shadow.scorer';

const model = (id: string, usesTemplate = false): CatalogModel => ({
  id,
  name: 'pcb',
  version: id,
  artifactKey: `models/pcb/${id}`,
  usesTemplate,
  classes: ['short'],
});
const production = model('prod');
const candidate = model('cand');
const found: Detection[] = [{ className: 'short', score: 0.9, box: { x1: 1, y1: 1, x2: 5, y2: 5 } }];
const frame = (frameId: string, lineId = 'line-a'): FrameToScore => ({ frameId, lineId, image: new Uint8Array([1]) });
const scored = (m = production): BatchItemOutcome<ScoredFrame> => ({
  ok: true,
  value: { model: m, detections: [], width: 4, height: 4, batchMs: 1, batchSize: 1 },
});
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A shadow runtime whose batches finish when the test says so. */
class GatedRuntime {
  readonly batches: { model: string; labels: string[] }[] = [];
  private gates: (() => void)[] = [];
  async detect(m: RuntimeModel, inputs: readonly DetectorInput[]): Promise<DetectorBatchOutput> {
    this.batches.push({ model: m.id, labels: inputs.map((i) => i.label) });
    await new Promise<void>((resolve) => this.gates.push(resolve));
    return { outputs: inputs.map(() => ({ ok: true as const, detections: found, width: 4, height: 4 })), batchMs: 3 };
  }
  release(): void {
    for (const open of this.gates.splice(0)) open();
  }
}

describe('ShadowScorer', () => {
  let runtime: GatedRuntime;
  let saved: NewShadowDetections[];
  let productionQueued: number;
  let shadows: Map<string, CatalogModel>;

  function scorer(share = 1, batchMax = 4) {
    return new ShadowScorer(
      { shadowFor: async (lineId) => shadows.get(lineId) ?? null, releaseUnused: async () => [] },
      runtime,
      { saveDetections: async (input) => (saved.push(input), 'stored') },
      { share, batchMax, productionQueued: () => productionQueued, logger: quiet },
    );
  }

  beforeEach(() => {
    runtime = new GatedRuntime();
    saved = [];
    productionQueued = 0;
    shadows = new Map([['line-a', candidate]]);
  });

  it('scores the frames of a shadowed line with its shadow and stores them apart, without production waiting', async () => {
    const shadow = scorer();
    // offer resolves while the shadow batch is still running: production's frames go on meanwhile.
    await shadow.offer([frame('f1'), frame('f2', 'line-b'), frame('f3')], [scored(), scored(), scored()]);
    expect(runtime.batches).toEqual([{ model: 'cand', labels: ['f1', 'f3'] }]);
    expect(saved).toEqual([]);
    runtime.release();
    await shadow.idle();
    expect(saved).toEqual([
      { frameId: 'f1', lineId: 'line-a', modelVersionId: 'cand', detections: found, inferenceMs: 3 },
      { frameId: 'f3', lineId: 'line-a', modelVersionId: 'cand', detections: found, inferenceMs: 3 },
    ]);
    expect(shadow.takeStats()).toMatchObject({ offered: 2, scored: 2, stored: 2, failed: 0 });
  });

  it('skips, and counts, frames while production has frames queued or the shadow is full', async () => {
    const shadow = scorer(1, 2);
    productionQueued = 3;
    await shadow.offer([frame('f1')], [scored()]);
    productionQueued = 0;
    await shadow.offer([frame('f2'), frame('f3'), frame('f4')], [scored(), scored(), scored()]);
    expect(runtime.batches).toEqual([{ model: 'cand', labels: ['f2', 'f3'] }]);
    runtime.release();
    await shadow.idle();
    expect(shadow.takeStats()).toMatchObject({
      offered: 4,
      stored: 2,
      skipped: { 'production-queued': 1, 'shadow-busy': 1, 'not-sampled': 0, 'template-missing': 0 },
    });
  });

  it('leaves out frames production could not score, frames the shadow already serves, and template models without a template', async () => {
    const shadow = scorer();
    shadows.set('line-t', model('tmpl', true));
    const failed: BatchItemOutcome<ScoredFrame> = { ok: false, error: new Error('undecodable') };
    await shadow.offer([frame('f1'), frame('f2'), frame('f3', 'line-t')], [failed, scored(candidate), scored()]);
    await shadow.idle();
    expect(runtime.batches).toEqual([]);
    expect(shadow.takeStats()).toMatchObject({ offered: 1, skipped: { 'template-missing': 1 } });
  });

  it('does nothing at share 0, and samples by frame id below 1', async () => {
    const off = scorer(0);
    await off.offer([frame('f1')], [scored()]);
    expect(runtime.batches).toEqual([]);
    const sampled = scorer(0.5);
    const ids = Array.from({ length: 40 }, (_, i) => `frame-${i}`);
    for (const id of ids) await sampled.offer([frame(id)], [scored()]);
    runtime.release();
    const stats = sampled.takeStats();
    expect(stats.skipped['not-sampled']).toBeGreaterThan(5);
    expect(stats.skipped['not-sampled']).toBeLessThan(35);
  });
});

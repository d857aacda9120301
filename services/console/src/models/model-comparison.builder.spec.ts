import { compareModels } from './model-comparison.builder';
import type { ModelDetail } from './model.presenter';

const SYNTHETIC = { source: 'synthetic:factory', split: 'validation', imageCount: 10, fingerprint: 'sha256:same', fingerprintOf: 'training-data' as const };

function model(classes: string[], perClass: [string, number | null][] | null, metrics: Record<string, number> = {}, data = SYNTHETIC): ModelDetail {
  return {
    id: 'id',
    name: 'm',
    version: '1',
    backend: 'onnx',
    classes,
    usesTemplate: false,
    createdAt: '2026-01-01T00:00:00.000Z',
    metrics,
    parentVersionId: null,
    productionOn: [],
    spec: {},
    trainingDataFingerprint: null,
    lineage: { parent: null, trainingData: null },
    training: null,
    evaluation: perClass && {
      data,
      imageCount: 10,
      map50: 0.5,
      map: 0.25,
      perClass: perClass.map(([className, ap50]) => ({ className, ap50, ap: ap50, curve50: null })),
      latencyMs: null,
    },
  };
}

describe('compareModels', () => {
  it("gives one row per class of either model, a's order first, null where a model has no evaluation of the class", () => {
    const result = compareModels(model(['a', 'b'], [['a', 0.5], ['b', null]]), model(['b', 'c'], [['b', 0.7], ['c', 0.9]]));
    expect(result.perClass).toEqual([
      { className: 'a', a: { ap50: 0.5, ap: 0.5 }, b: null, deltaAp50: null },
      { className: 'b', a: { ap50: null, ap: null }, b: { ap50: 0.7, ap: 0.7 }, deltaAp50: null },
      { className: 'c', a: null, b: { ap50: 0.9, ap: 0.9 }, deltaAp50: null },
    ]);
  });

  it('subtracts a from b, and falls back to registered metrics (else null) for the overall figures', () => {
    const result = compareModels(model(['x'], null, { map50: 0.4 }), model(['x'], [['x', 0.6]]));
    expect(result.overall).toEqual({ a: { map50: 0.4, map: null }, b: { map50: 0.5, map: 0.25 } });
    const both = compareModels(model(['x'], [['x', 0.25]]), model(['x'], [['x', 0.75]]));
    expect(both.perClass[0]?.deltaAp50).toBe(0.5);
    expect(both.evaluationData).toMatchObject({ verdict: 'same', comparable: true });
  });

  it('gives no delta between evaluations on different data, and says why', () => {
    const deeppcb = { ...SYNTHETIC, source: 'deeppcb:../shared/datasets/deeppcb', imageCount: 200, fingerprint: 'sha256:other' };
    const result = compareModels(model(['x'], [['x', 0.25]], {}, deeppcb), model(['x'], [['x', 0.75]]));
    expect(result.perClass[0]).toMatchObject({ a: { ap50: 0.25 }, b: { ap50: 0.75 }, deltaAp50: null });
    expect(result.evaluationData).toMatchObject({ verdict: 'different', comparable: false, a: deeppcb, b: SYNTHETIC });
    expect(result.evaluationData.reason).toContain('deeppcb:../shared/datasets/deeppcb (validation split, 200 images)');
  });
});

import { compareModels } from './model-comparison.builder';
import type { ModelDetail } from './model.presenter';

function model(classes: string[], perClass: [string, number | null][] | null, metrics: Record<string, number> = {}): ModelDetail {
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
    evaluation: perClass && {
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
  });
});

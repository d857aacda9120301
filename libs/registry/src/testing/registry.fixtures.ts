import type { ModelVersion, ProductionEntry, Promotion } from '@argus/persistence';

/** A registered version for unit tests, `overrides` on top. */
export function modelVersion(overrides: Partial<ModelVersion> = {}): ModelVersion {
  return {
    id: 'v-2',
    name: 'pcb-template-s4',
    version: '1.0.0',
    artifactKey: 'models/pcb-template-s4/1.0.0/model.onnx',
    classes: ['open', 'short'],
    spec: {},
    metrics: {},
    usesTemplate: false,
    parentVersionId: null,
    trainingDataFingerprint: null,
    backend: 'onnx',
    createdAt: new Date(0),
    ...overrides,
  };
}

/** A promotion history entry of line-1 to `toVersionId`, stacked on `previousPromotionId`. */
export function productionEntry(
  id: string,
  toVersionId: string,
  previousPromotionId: string | null,
  overrides: Partial<Promotion> = {},
): ProductionEntry {
  return {
    promotion: {
      id,
      lineId: 'line-1',
      fromVersionId: null,
      toVersionId,
      kind: 'promotion',
      promotedBy: 'ana',
      reason: 'r',
      promotedAt: new Date(0),
      ...overrides,
    },
    previousPromotionId,
  };
}

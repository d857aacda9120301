import type { NewModelVersion } from '../model-registry.repository';

let sequence = 0;

/** A model version to register in a test: a new version number each call, `overrides` on top. */
export function newModelVersionInput(overrides: Partial<NewModelVersion> = {}): NewModelVersion {
  const version = `v${++sequence}`;
  return {
    name: 'pcb-detector',
    version,
    artifactKey: `models/pcb-detector/${version}/model.onnx`,
    classes: ['scratch', 'hole'],
    spec: { inputSize: 320, anchors: [[10, 13]] },
    metrics: { mAP50: 0.81 },
    usesTemplate: false,
    trainingDataFingerprint: 'sha256:abc',
    backend: 'onnx',
    ...overrides,
  };
}

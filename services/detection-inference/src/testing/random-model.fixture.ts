import { buildModelPackage, folderPackageFiles, initDetectorWeights, saveModelPackage, selectTfBackend, validateSpec, type ArchitectureSpec } from '@argus/vision';

/**
 * A tiny template-comparing detector (32×32 grey, stack-difference) as a real model package:
 * seeded random weights (untrained, so its detections are arbitrary but deterministic), ONNX export
 * included. The score threshold is 0 so every frame yields a few detections to write and alert on.
 */
export function tinySpec(name: string): ArchitectureSpec {
  return validateSpec({
    specVersion: 1,
    name,
    input: { height: 32, width: 32, channels: 1 },
    template: 'stack-difference',
    backbone: {
      stages: [
        { depth: 0, width: 8, kernelSize: 3, stride: 2, activation: 'relu', block: 'plain' },
        { depth: 1, width: 8, kernelSize: 3, stride: 2, activation: 'relu', block: 'csp' },
      ],
    },
    neck: { type: 'fpn-lite', width: 8, kernelSize: 3, activation: 'relu' },
    head: { style: 'centerness', strides: [2, 4], depth: 1, width: 8, kernelSize: 3, activation: 'relu' },
    classes: ['scratch', 'dent'],
  });
}

/** Builds the package and writes it to `dir` (a `models/<name>/` folder). */
export async function writeRandomModelPackage(dir: string, options: { name: string; version: string; seed: number }): Promise<void> {
  await selectTfBackend({});
  const spec = tinySpec(options.name);
  const pkg = await buildModelPackage({
    spec,
    weights: initDetectorWeights(spec, options.seed),
    argusVersion: '0.1.0',
    name: options.name,
    version: options.version,
    postprocessing: { scoreThreshold: 0, maxDetections: 3 },
    training: null,
    validation: null,
  });
  await saveModelPackage(folderPackageFiles(dir), pkg);
}

import { buildModelPackage, folderPackageFiles, initDetectorWeights, saveModelPackage, selectTfBackend, tinySpec } from '@argus/vision';

/**
 * A tiny template-comparing detector (32×32 grey, stack-difference) as a real model package:
 * seeded random weights (untrained, so its detections are arbitrary but deterministic), ONNX export
 * included. The score threshold is 0 so every frame yields a few detections to write and alert on.
 * Built and written to `dir` (a `models/<name>/` folder).
 */
export async function writeRandomModelPackage(dir: string, options: { name: string; version: string; seed: number }): Promise<void> {
  await selectTfBackend({});
  const spec = tinySpec(options.name, ['scratch', 'dent']);
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

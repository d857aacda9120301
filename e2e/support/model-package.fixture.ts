import {
  buildModelPackage,
  folderPackageFiles,
  initDetectorWeights,
  saveModelPackage,
  selectTfBackend,
  tinySpec,
  type ArchitectureSpec,
} from '@argus/vision';

/** The classes of the demo lines (libs/persistence seed): factory parts and DeepPCB's six defects. */
export const FACTORY_CLASSES = ['scratch', 'dent', 'stain', 'hole'] as const;
export const PCB_CLASSES = ['open', 'short', 'mousebite', 'spur', 'copper', 'pin-hole'] as const;

export interface UntrainedPackageOptions {
  /** Package name; the shipped-model registrar matches `<feed>-…` to a line's `settings.feed`. */
  readonly name: string;
  readonly version: string;
  /** Weight seed: different seeds give different (deterministic) detections. */
  readonly seed: number;
  readonly classes: readonly string[];
  /** Largest detections per frame (the score threshold is 0, so every frame has this many). */
  readonly maxDetections?: number;
}

/**
 * A tiny template-comparing detector (32×32 grey, stack-difference) with seeded random weights,
 * as a real model package (ONNX export checked against TF.js). Untrained: its detections are
 * arbitrary but deterministic, which is all an end-to-end test of the plumbing needs — alerts are
 * checked against the line's rules applied to the stored detections, not against ground truth.
 */
export function untrainedSpec(name: string, classes: readonly string[]): ArchitectureSpec {
  return tinySpec(name, classes);
}

/** Builds the package and writes it to `dir` (a `models/<name>/` folder). */
export async function writeUntrainedModelPackage(dir: string, options: UntrainedPackageOptions): Promise<void> {
  await selectTfBackend({});
  const spec = untrainedSpec(options.name, options.classes);
  const pkg = await buildModelPackage({
    spec,
    weights: initDetectorWeights(spec, options.seed),
    argusVersion: '0.1.0',
    name: options.name,
    version: options.version,
    postprocessing: { scoreThreshold: 0, maxDetections: options.maxDetections ?? 3 },
    training: null,
    validation: null,
  });
  await saveModelPackage(folderPackageFiles(dir), pkg);
}

import type { ModelEvaluation, ModelRegistryRepository, ModelVersion } from '@argus/persistence';
import type { ObjectStore } from '@argus/storage';
import {
  loadModelPackage,
  objectStorePackageFiles,
  PACKAGE_EVALUATION_FILE,
  type ModelMetadata,
  type ModelPackageFiles,
} from '@argus/vision';
import { buildEvaluationSummary } from './evaluation-summary.builder';

/** Written into a package folder by `argus eval --report`; optional. */

/** The object-store prefix of a model package. */
export function artifactKeyOf(name: string, version: string): string {
  return `models/${name}/${version}`;
}

export interface PublishModelPackageDependencies {
  readonly store: ObjectStore;
  readonly registry: Pick<ModelRegistryRepository, 'register'>;
}

export interface PublishModelPackageOptions {
  /** The version it was fine-tuned from (lineage). */
  readonly parentVersionId?: string | null;
  /** Further files of the package folder to upload when present (a gate report, the training log). */
  readonly extraFiles?: readonly string[];
  /** Figures to store with the version besides the package's validation metrics. */
  readonly metrics?: Readonly<Record<string, number>>;
}

/**
 * Puts a model package into the object store under `models/<name>/<version>/` (metadata.json
 * last: a prefix without it is no package) and registers the version with its training-data
 * lineage and, when the folder has `evaluation.json`, a compact evaluation for the console.
 * Idempotent: the same name, version and artifact give back the stored row (`created: false`).
 */
export async function publishModelPackage(
  files: ModelPackageFiles,
  deps: PublishModelPackageDependencies,
  options: PublishModelPackageOptions = {},
): Promise<{ version: ModelVersion; created: boolean }> {
  const { store, registry } = deps;
  const pkg = await loadModelPackage(files);
  const { metadata } = pkg;
  const artifactKey = artifactKeyOf(metadata.name, metadata.version);
  if (!(await store.exists(`${artifactKey}/metadata.json`))) {
    const target = objectStorePackageFiles(store, artifactKey);
    const { files: listed } = metadata;
    const names = [
      listed.weightsBinary,
      listed.weightsManifest,
      ...(listed.onnx ? [listed.onnx] : []),
      ...(listed.trainingLog ? [listed.trainingLog] : []),
      PACKAGE_EVALUATION_FILE,
      ...(options.extraFiles ?? []),
    ];
    for (const name of names) {
      const bytes = await files.read(name);
      if (bytes) await target.write(name, bytes, name.endsWith('.json') ? 'application/json' : 'application/octet-stream');
    }
    const metadataBytes = await files.read('metadata.json');
    if (!metadataBytes) throw new Error(`${files.location}: metadata.json vanished while uploading`);
    await target.write('metadata.json', metadataBytes, 'application/json');
  }
  return registry.register({
    name: metadata.name,
    version: metadata.version,
    artifactKey,
    classes: metadata.classes,
    spec: metadata.spec as unknown as Record<string, unknown>,
    metrics: { ...metricsOf(metadata), ...(options.metrics ?? {}) },
    usesTemplate: metadata.template.required,
    ...(options.parentVersionId !== undefined ? { parentVersionId: options.parentVersionId } : {}),
    trainingDataFingerprint: metadata.training?.data.fingerprint ?? null,
    trainingData: metadata.training
      ? {
          source: metadata.training.data.source,
          fingerprint: metadata.training.data.fingerprint,
          split: metadata.training.data.split,
          trainedOn: metadata.training.backend,
        }
      : null,
    evaluation: await evaluationOf(files),
    backend: metadata.files.onnx ? 'onnx' : 'tfjs',
  });
}

async function evaluationOf(files: ModelPackageFiles): Promise<ModelEvaluation | null> {
  const bytes = await files.read(PACKAGE_EVALUATION_FILE);
  if (!bytes) return null;
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new Error(`${files.location}: ${PACKAGE_EVALUATION_FILE} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return buildEvaluationSummary(json, files.location);
}

function metricsOf(metadata: ModelMetadata): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(metadata.metrics.validation ?? {})) {
    if (typeof value === 'number' && Number.isFinite(value)) out[name] = value;
  }
  if (metadata.onnx) out['onnxMaxAbsDiff'] = metadata.onnx.maxAbsDiff;
  return out;
}

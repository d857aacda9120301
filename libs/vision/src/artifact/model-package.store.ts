import { validateSpec, type ArchitectureSpec } from '../core/architecture-spec';
import { assertWeightsMatchSpec, type DetectorWeights } from '../core/detector-weights';
import { buildDetectorGraph } from '../core/detector-graph';
import { ModelPackageError } from './model-package.errors';
import type { ModelPackageFiles } from './model-package.files';
import { ModelMetadataSchema, PACKAGE_FILES, type ModelMetadata } from './model-package.metadata';
import { decodeWeights, encodeWeights } from './weights.codec';

/** A model package in memory: metadata, TF.js weights, and the ONNX export (when it has one). */
export interface ModelPackage {
  readonly metadata: ModelMetadata;
  readonly weights: DetectorWeights;
  readonly onnx?: Uint8Array;
  /** The training run's progress log (text), when there is one. */
  readonly trainingLog?: string;
}

function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 8)
    .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

/** Validates parsed metadata.json; throws ModelPackageError naming every bad field. */
export function parseModelMetadata(json: unknown, location: string): ModelMetadata {
  const parsed = ModelMetadataSchema.safeParse(json);
  if (!parsed.success) {
    throw new ModelPackageError(location, `${PACKAGE_FILES.metadata} is invalid: ${describeIssues(parsed.error.issues)}`);
  }
  const spec: ArchitectureSpec = validateSpec(parsed.data.spec);
  const metadata = { ...parsed.data, spec } as ModelMetadata;
  if (metadata.classes.join('\n') !== spec.classes.join('\n')) {
    throw new ModelPackageError(
      location,
      `${PACKAGE_FILES.metadata} lists classes [${metadata.classes.join(', ')}] but its spec has [${spec.classes.join(', ')}]`,
    );
  }
  if (metadata.template.mode !== spec.template) {
    throw new ModelPackageError(
      location,
      `${PACKAGE_FILES.metadata} says template mode ${metadata.template.mode}, its spec ${spec.template}`,
    );
  }
  return metadata;
}

/** Writes a package: weights first, the ONNX file, metadata last (a package without metadata is no package). */
export async function saveModelPackage(files: ModelPackageFiles, pkg: ModelPackage): Promise<void> {
  parseModelMetadata(JSON.parse(JSON.stringify(pkg.metadata)), files.location);
  assertWeightsMatchSpec(buildDetectorGraph(pkg.metadata.spec), pkg.weights);
  if ((pkg.metadata.files.onnx === null) !== (pkg.onnx === undefined)) {
    throw new ModelPackageError(files.location, 'metadata.files.onnx and the ONNX bytes disagree about whether there is an ONNX file');
  }
  const { manifest, data } = encodeWeights(pkg.weights, PACKAGE_FILES.weightsBinary);
  await files.write(PACKAGE_FILES.weightsBinary, data, 'application/octet-stream');
  await files.write(PACKAGE_FILES.weightsManifest, Buffer.from(`${JSON.stringify(manifest, null, 1)}\n`), 'application/json');
  if (pkg.onnx) await files.write(PACKAGE_FILES.onnx, pkg.onnx, 'application/octet-stream');
  if ((pkg.metadata.files.trainingLog ?? null) !== null) {
    if (pkg.trainingLog === undefined)
      throw new ModelPackageError(files.location, 'metadata.files.trainingLog is set but there is no training log');
    await files.write(PACKAGE_FILES.trainingLog, Buffer.from(pkg.trainingLog, 'utf8'), 'text/plain; charset=utf-8');
  }
  await files.write(PACKAGE_FILES.metadata, Buffer.from(`${JSON.stringify(pkg.metadata, null, 2)}\n`), 'application/json');
}

async function required(files: ModelPackageFiles, name: string, what: string): Promise<Buffer> {
  const data = await files.read(name);
  if (data === undefined) throw new ModelPackageError(files.location, `${name} is missing (${what})`);
  return data;
}

/**
 * Loads and validates a package: metadata against its schema and spec, weights against the spec,
 * the ONNX file's presence. Every problem is a ModelPackageError that names the file.
 */
export async function loadModelPackage(files: ModelPackageFiles, options: { withOnnx?: boolean } = {}): Promise<ModelPackage> {
  const metadataBytes = await files.read(PACKAGE_FILES.metadata);
  if (metadataBytes === undefined) {
    throw new ModelPackageError(files.location, `no ${PACKAGE_FILES.metadata}: not a model package (or not there)`);
  }
  let json: unknown;
  try {
    json = JSON.parse(metadataBytes.toString('utf8'));
  } catch (error) {
    throw new ModelPackageError(
      files.location,
      `${PACKAGE_FILES.metadata} is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const metadata = parseModelMetadata(json, files.location);
  let weights: DetectorWeights;
  try {
    const manifest: unknown = JSON.parse(
      (await required(files, PACKAGE_FILES.weightsManifest, 'the TF.js weights manifest')).toString('utf8'),
    );
    weights = decodeWeights(
      manifest,
      await required(files, PACKAGE_FILES.weightsBinary, 'the TF.js weights'),
      PACKAGE_FILES.weightsManifest,
    );
    assertWeightsMatchSpec(buildDetectorGraph(metadata.spec), weights);
  } catch (error) {
    if (error instanceof ModelPackageError) throw error;
    throw new ModelPackageError(files.location, error instanceof Error ? error.message : String(error));
  }
  let onnx: Uint8Array | undefined;
  if ((options.withOnnx ?? true) && metadata.files.onnx !== null) {
    onnx = await required(files, metadata.files.onnx, 'the ONNX export its metadata lists');
  }
  const log = metadata.files.trainingLog ? await files.read(metadata.files.trainingLog) : undefined;
  return { metadata, weights, ...(onnx ? { onnx } : {}), ...(log ? { trainingLog: log.toString('utf8') } : {}) };
}

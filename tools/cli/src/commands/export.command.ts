import * as path from 'node:path';
import { FilesystemObjectStore, MinioObjectStore, s3ConfigFromEnv, type ObjectStore } from '@argus/storage';
import {
  buildModelPackage,
  folderPackageFiles,
  loadModelPackage,
  objectStorePackageFiles,
  saveModelPackage,
  selectTfBackend,
  stderrJsonVisionLogger,
  type ModelPackageFiles,
} from '@argus/vision';
import { formatHelp, parseCommandArgs, requiredString, stringOption, UsageError, type CommandSpec } from '../cli-args.parser';
import type { CliCommand } from './command';
import type { CliContext } from './cli-context';

const spec: CommandSpec = {
  name: 'export',
  summary: "re-export a package's ONNX from its TF.js weights (checked numerically) and save it to a folder or an object store",
  usage: 'argus export --model DIR [--out DIR] [--store fs:ROOT | --store s3] [--bucket B] [--prefix P]',
  options: {
    model: { type: 'string', valueName: 'DIR', required: true, description: 'model package folder to read' },
    out: { type: 'string', valueName: 'DIR', description: 'write the package to this folder (default: back into --model)' },
    store: {
      type: 'string',
      valueName: 'S',
      description: 'also put it in an object store: fs:ROOT (local FilesystemObjectStore) or s3 (ARGUS_S3_* variables)',
    },
    bucket: { type: 'string', valueName: 'B', description: 'bucket for --store (default: argus, or ARGUS_S3_BUCKET for s3)' },
    prefix: { type: 'string', valueName: 'P', description: 'key prefix in the store (default models/<name>/<version>)' },
    'no-onnx': { type: 'boolean', description: 'write the package without an ONNX file' },
  },
  examples: ['argus export --model models/deeppcb --store fs:tmp/store --bucket argus'],
};

function openStore(store: string, bucket: string | undefined): ObjectStore {
  if (store === 's3') {
    const config = s3ConfigFromEnv(process.env);
    return new MinioObjectStore(bucket ? { ...config, bucket } : config);
  }
  if (store.startsWith('fs:') && store.length > 3) {
    return new FilesystemObjectStore({ root: path.resolve(store.slice(3)), bucket: bucket ?? 'argus' });
  }
  throw new UsageError(`--store must be fs:ROOT or s3, got "${store}"`);
}

export const exportCommand: CliCommand = {
  spec,
  async run(argv, context: CliContext): Promise<number> {
    const values = parseCommandArgs(spec, argv);
    if (values === undefined) {
      context.out(formatHelp(spec));
      return 0;
    }
    const modelDir = requiredString(values, 'model');
    const source = await loadModelPackage(folderPackageFiles(modelDir), { withOnnx: false });
    const exportOnnx = values['no-onnx'] !== true;
    if (exportOnnx) await selectTfBackend({ logger: stderrJsonVisionLogger });
    const m = source.metadata;
    const pkg = await buildModelPackage({
      spec: m.spec,
      weights: source.weights,
      argusVersion: m.argusVersion,
      name: m.name,
      version: m.version,
      createdAt: new Date(m.createdAt),
      postprocessing: m.postprocessing,
      training: m.training,
      validation: m.metrics.validation,
      exportOnnx,
      ...(source.trainingLog !== undefined ? { trainingLog: source.trainingLog } : {}),
    });
    const targets: ModelPackageFiles[] = [folderPackageFiles(stringOption(values, 'out') ?? modelDir)];
    const storeSpec = stringOption(values, 'store');
    if (storeSpec) {
      const store = openStore(storeSpec, stringOption(values, 'bucket'));
      await store.ensureBucket();
      targets.push(objectStorePackageFiles(store, stringOption(values, 'prefix') ?? `models/${m.name}/${m.version}`));
    }
    for (const target of targets) {
      await saveModelPackage(target, pkg);
      context.out(`argus export: ${m.name} ${m.version} written to ${target.location}`);
    }
    if (pkg.metadata.onnx) {
      context.out(
        `ONNX opset ${pkg.metadata.onnx.opset}; max |ONNX Runtime − TF.js| = ${pkg.metadata.onnx.maxAbsDiff.toExponential(2)} on ${pkg.metadata.onnx.checkInput}`,
      );
    }
    return 0;
  },
};

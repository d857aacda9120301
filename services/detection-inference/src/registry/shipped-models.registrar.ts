import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { Topics } from '@argus/contracts';
import { deterministicEventId, type MessageBus, type MessagingLogger } from '@argus/messaging';
import type { LineRepository, ModelEvaluation, ModelRegistryRepository, ModelVersion, ProductionLine } from '@argus/persistence';
import type { ObjectStore } from '@argus/storage';
import { folderPackageFiles, loadModelPackage, objectStorePackageFiles, type ModelMetadata, type ModelPackageFiles } from '@argus/vision';
import type { ModelPromotionService } from '@argus/registry';
import { buildEvaluationSummary } from '@argus/registry';

/** Written into a package folder by `argus eval --report`; optional. */
export const EVALUATION_FILE = 'evaluation.json';

export interface ShippedModelsRegistrarDependencies {
  readonly store: ObjectStore;
  readonly registry: Pick<ModelRegistryRepository, 'register' | 'productionModelFor'>;
  readonly lines: Pick<LineRepository, 'listLines' | 'templateFor'>;
  readonly promotions: Pick<ModelPromotionService, 'promote'>;
  readonly bus: Pick<MessageBus, 'publish'>;
  readonly logger: MessagingLogger;
  readonly registeredTopic?: typeof Topics.modelRegistered;
}

export interface RegistrationReport {
  readonly registered: readonly { readonly version: ModelVersion; readonly created: boolean }[];
  /** Lines that had no production model and got one now. */
  readonly assigned: readonly { readonly lineId: string; readonly modelVersionId: string }[];
  /** Lines still without a production model, and why. */
  readonly unassigned: readonly { readonly lineId: string; readonly reason: string }[];
}

export const BOOTSTRAP_ACTOR = 'detection-inference-bootstrap';

/** The object-store prefix of a model package. */
export function artifactKeyOf(name: string, version: string): string {
  return `models/${name}/${version}`;
}

/**
 * Registers the model packages shipped in the repository (`models/<name>/`, each a package folder
 * with metadata.json): validates each package, uploads it to the object store under
 * `models/<name>/<version>/` (metadata.json last: a prefix without it is no package), registers it
 * (idempotent: same name+version+artifact → the stored row) with its training-data lineage and, when
 * the folder has `evaluation.json` (`argus eval --report`), a compact evaluation for the console, publishes
 * `model.version.registered.v1` for versions registered now, and gives every line that has no
 * production model one: the newest shipped version named by the line's `settings.modelName`, else
 * the only shipped model whose template use matches the line (a line with a golden template gets a
 * template model) and, when the line has `settings.feed` (the demo seed's `factory`, `pcb`), whose
 * name is the feed or starts with `<feed>-` (the default spec names: `pcb-template-s4`,
 * `factory-template-s8s16`). Ambiguity is reported, never guessed.
 */
export class ShippedModelsRegistrar {
  constructor(private readonly deps: ShippedModelsRegistrarDependencies) {}

  async registerFolder(modelsDir: string): Promise<RegistrationReport> {
    const folders = await packageFolders(modelsDir);
    const registered: { version: ModelVersion; created: boolean }[] = [];
    for (const folder of folders) registered.push(await this.registerPackage(folderPackageFiles(folder)));
    const { assigned, unassigned } = await this.assignLinesWithoutModel(registered.map((r) => r.version));
    return { registered, assigned, unassigned };
  }

  async registerPackage(files: ModelPackageFiles): Promise<{ version: ModelVersion; created: boolean }> {
    const { store, registry, bus, logger } = this.deps;
    const pkg = await loadModelPackage(files);
    const { metadata } = pkg;
    const artifactKey = artifactKeyOf(metadata.name, metadata.version);
    if (!(await store.exists(`${artifactKey}/metadata.json`))) {
      const target = objectStorePackageFiles(store, artifactKey);
      for (const name of ['weights.bin', 'weights.json', ...(metadata.files.onnx ? [metadata.files.onnx] : [])]) {
        const bytes = await files.read(name);
        if (bytes) await target.write(name, bytes, name.endsWith('.json') ? 'application/json' : 'application/octet-stream');
      }
      const metadataBytes = await files.read('metadata.json');
      if (!metadataBytes) throw new Error(`${files.location}: metadata.json vanished while uploading`);
      await target.write('metadata.json', metadataBytes, 'application/json');
    }
    const result = await registry.register({
      name: metadata.name,
      version: metadata.version,
      artifactKey,
      classes: metadata.classes,
      spec: metadata.spec as unknown as Record<string, unknown>,
      metrics: metricsOf(metadata),
      usesTemplate: metadata.template.required,
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
    const v = result.version;
    if (result.created) {
      await bus.publish(this.deps.registeredTopic ?? Topics.modelRegistered, {
        eventId: deterministicEventId('model-registered', v.id),
        occurredAt: v.createdAt.toISOString(),
        modelVersionId: v.id,
        name: v.name,
        version: v.version,
        artifactKey: v.artifactKey,
        classes: [...v.classes],
        usesTemplate: v.usesTemplate,
        metrics: { ...v.metrics },
        parentVersionId: v.parentVersionId,
        registeredBy: BOOTSTRAP_ACTOR,
      });
    }
    logger.info(
      { model: v.name, version: v.version, modelVersionId: v.id, artifactKey, created: result.created },
      result.created ? 'shipped model registered' : 'shipped model already registered',
    );
    return { version: v, created: result.created };
  }

  async assignLinesWithoutModel(shipped: readonly ModelVersion[]): Promise<Pick<RegistrationReport, 'assigned' | 'unassigned'>> {
    const assigned: { lineId: string; modelVersionId: string }[] = [];
    const unassigned: { lineId: string; reason: string }[] = [];
    for (const line of await this.deps.lines.listLines()) {
      if (await this.deps.registry.productionModelFor(line.id)) continue;
      const choice = await this.choose(line, shipped);
      if (typeof choice === 'string') {
        unassigned.push({ lineId: line.id, reason: choice });
        this.deps.logger.warn({ lineId: line.id, reason: choice }, 'line has no production model');
        continue;
      }
      await this.deps.promotions.promote(
        line.id,
        choice.id,
        BOOTSTRAP_ACTOR,
        `initial production model: shipped ${choice.name} ${choice.version}`,
      );
      assigned.push({ lineId: line.id, modelVersionId: choice.id });
      this.deps.logger.info(
        { lineId: line.id, model: choice.name, version: choice.version, modelVersionId: choice.id },
        'line got its initial production model',
      );
    }
    return { assigned, unassigned };
  }

  private async choose(line: ProductionLine, shipped: readonly ModelVersion[]): Promise<ModelVersion | string> {
    const newestFirst = [...shipped].sort((a, b) => b.version.localeCompare(a.version));
    const wanted = line.settings['modelName'];
    if (typeof wanted === 'string') {
      return newestFirst.find((v) => v.name === wanted) ?? `settings.modelName is "${wanted}", and no shipped model has that name`;
    }
    const hasTemplate = (await this.deps.lines.templateFor(line.id)) !== null;
    const feed = line.settings['feed'];
    const fitting = newestFirst.filter(
      (v) => v.usesTemplate === hasTemplate && (typeof feed !== 'string' || v.name === feed || v.name.startsWith(`${feed}-`)),
    );
    const names = [...new Set(fitting.map((v) => v.name))];
    if (names.length === 1) return newestFirst.find((v) => v.name === names[0]) as ModelVersion;
    const what = `${typeof feed === 'string' ? `of feed "${feed}" that ` : ''}${hasTemplate ? 'uses' : 'works without'} a golden template`;
    return names.length === 0 ? `no shipped model ${what}` : `several shipped models fit (${names.join(', ')}): set settings.modelName`;
  }
}

async function packageFolders(modelsDir: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(modelsDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const folders: string[] = [];
  for (const entry of entries.sort()) {
    const folder = path.join(modelsDir, entry);
    if (
      await stat(path.join(folder, 'metadata.json')).then(
        () => true,
        () => false,
      )
    )
      folders.push(folder);
  }
  return folders;
}

/** The package's `evaluation.json` (written by `argus eval --report`), compacted; null when it has none. */
async function evaluationOf(files: ModelPackageFiles): Promise<ModelEvaluation | null> {
  const bytes = await files.read(EVALUATION_FILE);
  if (!bytes) return null;
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new Error(`${files.location}: ${EVALUATION_FILE} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
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

import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { Topics } from '@argus/contracts';
import { deterministicEventId, type MessageBus, type MessagingLogger } from '@argus/messaging';
import type { LineRepository, ModelRegistryRepository, ModelVersion, ProductionLine } from '@argus/persistence';
import type { ObjectStore } from '@argus/storage';
import { folderPackageFiles, type ModelPackageFiles } from '@argus/vision';
import type { ModelPromotionService } from '@argus/registry';
import { publishModelPackage } from '@argus/registry';

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
    const result = await publishModelPackage(files, { store, registry });
    const artifactKey = result.version.artifactKey;
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

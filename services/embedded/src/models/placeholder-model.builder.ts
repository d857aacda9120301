import { lstat, mkdir, readdir, readFile, rm, stat, symlink, unlink } from 'node:fs/promises';
import * as path from 'node:path';
import { buildModelPackage, folderPackageFiles, initDetectorWeights, saveModelPackage, selectTfBackend, tinySpec, type ArchitectureSpec } from '@argus/vision';

export const PLACEHOLDER_SUFFIX = 'placeholder-untrained';
export const PLACEHOLDER_VERSION = '1';
/** Objectness and class logits start here instead of at the training prior (σ(3) ≈ 0.95). */
const PLACEHOLDER_LOGIT = 3;

/** A feed (line family) the embedded mode needs a model for, and the classes its alert rules name. */
export interface FeedModelNeed {
  readonly feed: string;
  readonly classes: readonly string[];
}

/** `<feed>-placeholder-untrained`: the registrar gives a line with `settings.feed` a model named `<feed>-…`. */
export function placeholderName(feed: string): string {
  return `${feed}-${PLACEHOLDER_SUFFIX}`;
}

/** A tiny 64×64 grey template-comparing detector: fast on two shared cores. */
export function placeholderSpec(feed: string, classes: readonly string[]): ArchitectureSpec {
  return tinySpec(placeholderName(feed), classes, 64);
}

/**
 * A placeholder for a feed that has no trained model: a real model package (TF.js weights and
 * ONNX, run by the same worker as any model) with seeded random weights, **untrained**, whose
 * objectness and class biases are raised so every frame yields a few confident boxes. Its
 * detections and alerts are meaningless; the terminal says so. Written once to `<dir>/<name>/`.
 */
export async function ensurePlaceholderModel(dir: string, need: FeedModelNeed): Promise<string> {
  const folder = path.join(dir, placeholderName(need.feed));
  if (await exists(path.join(folder, 'metadata.json'))) return folder;
  await selectTfBackend({});
  const spec = placeholderSpec(need.feed, need.classes);
  const weights = initDetectorWeights(spec, 7);
  const scored = 1 + spec.classes.length;
  for (const [name, weight] of Object.entries(weights)) {
    if (!name.endsWith('.bias') || weight.values.length < scored + 4) continue;
    for (let i = 0; i < scored; i++) weight.values[i] = PLACEHOLDER_LOGIT;
  }
  const pkg = await buildModelPackage({
    spec,
    weights,
    argusVersion: '0.1.0',
    name: spec.name,
    version: PLACEHOLDER_VERSION,
    postprocessing: { scoreThreshold: 0.3, maxDetections: 3 },
    training: null,
    validation: null,
  });
  await saveModelPackage(folderPackageFiles(folder), pkg);
  return folder;
}

/** A model package as its metadata.json names it: the name and version the registry, console and status line show. */
export interface PackagedModel {
  /** Its folder under the shipped models' directory (e.g. `deeppcb`). */
  readonly folder: string;
  readonly name: string;
  readonly version: string;
}

/** `name@version`, as the status line and the console show a model version. */
export function modelLabel(model: Pick<PackagedModel, 'name' | 'version'>): string {
  return `${model.name}@${model.version}`;
}

export interface ModelsFolder {
  /** What detection-inference registers at start (ARGUS_MODELS_DIR). */
  readonly dir: string;
  /** Shipped packages linked in, in folder order. */
  readonly shipped: readonly PackagedModel[];
  /** Feeds that got an untrained placeholder. */
  readonly placeholders: readonly string[];
}

/**
 * The models the embedded mode registers: every shipped package of `shippedDir` (linked, not
 * copied), plus an untrained placeholder for each feed no shipped package serves, in
 * `<dataDir>/models`. A package serves feed `f` when its model name (metadata.json `name`, e.g.
 * `pcb-template-s4` in folder `deeppcb`) is `f` or starts with `f-`: the registrar's rule, so the
 * registrar never sees two candidates for one line. A placeholder left by an earlier start for a
 * feed that now has a trained model is removed.
 */
export async function prepareModelsFolder(shippedDir: string, dataDir: string, needs: readonly FeedModelNeed[]): Promise<ModelsFolder> {
  const dir = path.join(dataDir, 'models');
  await mkdir(dir, { recursive: true });
  for (const entry of await readdir(dir)) {
    if ((await lstat(path.join(dir, entry))).isSymbolicLink()) await unlink(path.join(dir, entry));
  }
  const shipped: PackagedModel[] = [];
  if (shippedDir) {
    for (const entry of (await readdir(shippedDir).catch(() => [] as string[])).sort()) {
      const folder = path.resolve(shippedDir, entry);
      const model = await packagedModel(path.join(folder, 'metadata.json'));
      if (model === undefined) continue;
      await symlink(folder, path.join(dir, entry), 'dir');
      shipped.push({ folder: entry, ...model });
    }
  }
  const placeholders: string[] = [];
  for (const need of needs) {
    if (shipped.some(({ name }) => name === need.feed || name.startsWith(`${need.feed}-`))) {
      await rm(path.join(dir, placeholderName(need.feed)), { recursive: true, force: true });
      continue;
    }
    await ensurePlaceholderModel(dir, need);
    placeholders.push(need.feed);
  }
  return { dir, shipped, placeholders };
}

/** The model name and version a package's metadata.json declares; undefined when the folder is no package. */
async function packagedModel(metadataFile: string): Promise<{ name: string; version: string } | undefined> {
  const text = await readFile(metadataFile, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const { name, version } = JSON.parse(text) as { name?: unknown; version?: unknown };
  if (typeof name !== 'string') throw new Error(`${metadataFile}: no model name (field "name")`);
  if (typeof version !== 'string') throw new Error(`${metadataFile}: no model version (field "version")`);
  return { name, version };
}

function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

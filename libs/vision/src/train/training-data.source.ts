import * as path from 'node:path';
import { splitTrainValidation } from '../data/dataset-split';
import { loadDeepPcb } from '../data/deeppcb.loader';
import { loadPascalVoc } from '../data/pascal-voc.loader';
import type { LabelledSample, SkippedAnnotation } from '../data/sample';
import { loadSampleManifest } from '../data/sample-manifest.loader';
import { createCellSmearGenerator } from '../data/synthetic/cell-smear.generator';
import { createFactorySurfaceGenerator } from '../data/synthetic/factory-surface.generator';
import { createPcbBoardGenerator } from '../data/synthetic/pcb-board.generator';
import { createRoadSceneGenerator } from '../data/synthetic/road-scene.generator';
import { renderSyntheticDataset } from '../data/synthetic/synthetic-dataset.renderer';
import type { SyntheticGenerator } from '../data/synthetic/synthetic-scene';

export const SYNTHETIC_FEEDS = ['factory', 'pcb', 'medical', 'driving'] as const;
export type SyntheticFeed = (typeof SYNTHETIC_FEEDS)[number];

/** Where training data comes from, as `argus train --data` spells it. */
export type TrainingDataSource =
  | { readonly kind: 'deeppcb'; readonly path: string }
  | { readonly kind: 'voc'; readonly path: string }
  | { readonly kind: 'manifest'; readonly path: string }
  | { readonly kind: 'synthetic'; readonly feed: SyntheticFeed };

export class DataSourceError extends Error {
  readonly code = 'INVALID_DATA_SOURCE';
}

const FORMS = 'deeppcb:PATH, voc:PATH, manifest:PATH or synthetic:FEED (FEED one of factory, pcb, medical, driving)';

/** Parses `deeppcb:PATH`, `voc:PATH`, `manifest:PATH` or `synthetic:FEED`. */
export function parseTrainingDataSource(text: string): TrainingDataSource {
  const colon = text.indexOf(':');
  const kind = colon < 0 ? text : text.slice(0, colon);
  const rest = colon < 0 ? '' : text.slice(colon + 1);
  switch (kind) {
    case 'deeppcb':
    case 'voc':
    case 'manifest':
      if (rest === '') throw new DataSourceError(`--data ${text}: give a path after "${kind}:" (${FORMS})`);
      return { kind, path: rest };
    case 'synthetic':
      if (!(SYNTHETIC_FEEDS as readonly string[]).includes(rest)) {
        throw new DataSourceError(`--data ${text}: unknown synthetic feed "${rest}" (use one of ${SYNTHETIC_FEEDS.join(', ')})`);
      }
      return { kind, feed: rest as SyntheticFeed };
    default:
      throw new DataSourceError(`--data ${text}: unknown data source "${kind}" (use ${FORMS})`);
  }
}

export function describeTrainingDataSource(source: TrainingDataSource): string {
  return source.kind === 'synthetic' ? `synthetic:${source.feed}` : `${source.kind}:${source.path}`;
}

export interface TrainingDataOptions {
  /** Seed of the train/validation split and of synthetic scenes. */
  readonly seed: number;
  /** Share held out for validation (real data sets; default 0.2). */
  readonly validationFraction?: number;
  /** Synthetic scenes for training and for validation (defaults 600 and 120). */
  readonly syntheticCount?: number;
  readonly syntheticValidationCount?: number;
  /** Synthetic image size (default the generator's 256×256). */
  readonly syntheticSize?: number;
  /**
   * Real data sets: keep only these groups (DeepPCB board groups, lines), or leave these out,
   * before the split. The split is stratified by group, so a group's own train/validation sides
   * do not depend on which other groups are kept (up to the rounding of fractional shares).
   */
  readonly groups?: readonly string[];
  readonly excludeGroups?: readonly string[];
}

export interface TrainingData {
  readonly source: string;
  readonly classes: readonly string[];
  readonly train: readonly LabelledSample[];
  readonly validation: readonly LabelledSample[];
  /** Annotation lines or records that were skipped (bad format, unknown class, missing files). */
  readonly skippedAnnotations: readonly SkippedAnnotation[];
  /** How the split was made, for the model's metadata. */
  readonly split: string;
}

export function syntheticGenerator(feed: SyntheticFeed, seed: number, size?: number): SyntheticGenerator {
  const options = { seed, ...(size !== undefined ? { width: size, height: size } : {}) };
  switch (feed) {
    case 'factory':
      return createFactorySurfaceGenerator(options);
    case 'pcb':
      return createPcbBoardGenerator(options);
    case 'medical':
      return createCellSmearGenerator(options);
    case 'driving':
      return createRoadSceneGenerator(options);
  }
}

/** Index of the first synthetic validation scene: far from the training range, so they never overlap. */
export const SYNTHETIC_VALIDATION_START = 1_000_000;

/**
 * Loads a training data source and splits it: real data sets by the seeded, group-stratified
 * split of data/dataset-split; synthetic feeds by disjoint scene-index ranges. Malformed
 * annotations are skipped and counted, not fatal.
 */
export async function loadTrainingData(source: TrainingDataSource, options: TrainingDataOptions): Promise<TrainingData> {
  const fraction = options.validationFraction ?? 0.2;
  if (source.kind === 'synthetic') {
    const generator = syntheticGenerator(source.feed, options.seed, options.syntheticSize);
    const trainCount = options.syntheticCount ?? 600;
    const valCount = options.syntheticValidationCount ?? 120;
    const [train, validation] = await Promise.all([
      renderSyntheticDataset(generator, trainCount),
      renderSyntheticDataset(generator, valCount, { startIndex: SYNTHETIC_VALIDATION_START }),
    ]);
    return {
      source: describeTrainingDataSource(source),
      classes: generator.classes,
      train: train.samples,
      validation: validation.samples,
      skippedAnnotations: [],
      split: `synthetic scenes ${trainCount} for training (indices 0..${trainCount - 1}), ${valCount} for validation (from ${SYNTHETIC_VALIDATION_START}), seed ${options.seed}`,
    };
  }
  const resolved = path.resolve(source.path);
  const dataset =
    source.kind === 'deeppcb'
      ? await loadDeepPcb(resolved, { onInvalid: 'skip' })
      : source.kind === 'voc'
        ? await loadPascalVoc(resolved, { onInvalid: 'skip' })
        : await loadSampleManifest(resolved, { onInvalid: 'skip', baseDir: path.dirname(resolved) });
  const { samples, selection } = selectGroups(dataset.samples, options);
  const { train, validation } = splitTrainValidation(samples, { seed: options.seed, validationFraction: fraction });
  return {
    source: describeTrainingDataSource(source),
    classes: dataset.classes,
    train,
    validation,
    skippedAnnotations: dataset.skipped,
    split: `seeded split (seed ${options.seed}) of ${samples.length} samples${selection}, ${Math.round(fraction * 100)}% for validation, stratified by group: ${train.length} train, ${validation.length} validation`,
  };
}

/** The samples of the groups asked for (all when none are named); a group the data lacks is an error. */
function selectGroups(
  samples: readonly LabelledSample[],
  options: TrainingDataOptions,
): { samples: readonly LabelledSample[]; selection: string } {
  const include = options.groups ?? [];
  const exclude = options.excludeGroups ?? [];
  if (include.length === 0 && exclude.length === 0) return { samples, selection: '' };
  const known = new Set(samples.map((s) => s.group ?? ''));
  const unknown = [...include, ...exclude].filter((g) => !known.has(g));
  if (unknown.length > 0) {
    throw new DataSourceError(`group(s) ${unknown.join(', ')} are not in the data (its groups: ${[...known].sort().join(', ')})`);
  }
  const kept = samples.filter((s) => (include.length === 0 || include.includes(s.group ?? '')) && !exclude.includes(s.group ?? ''));
  if (kept.length === 0) throw new DataSourceError('the group selection leaves no samples');
  const parts = [
    include.length > 0 ? `groups ${include.join(', ')}` : '',
    exclude.length > 0 ? `without groups ${exclude.join(', ')}` : '',
  ].filter(Boolean);
  return { samples: kept, selection: ` (${parts.join(', ')})` };
}

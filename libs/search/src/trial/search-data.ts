import {
  describeTrainingDataSource,
  hashStringWithSeed,
  loadTrainingData,
  loadTrainingImages,
  splitTrainValidation,
  type ArchitectureSpec,
  type LabelledSample,
  type LoadedSample,
  type SelectionMetric,
  type TrainingDataSource,
} from '@argus/vision';
import { InvalidSearchDataError } from './trial.errors';

/**
 * The split the shipped model was trained with (models/deeppcb/metadata.json `training.data`):
 * its validation part is where the final model is reported, so the search never sees it.
 */
export const SHIPPED_SOURCE_SPLIT = { seed: 1, validationFraction: 0.2 } as const;

export interface SearchDataOptions {
  readonly source: TrainingDataSource;
  /** The source's own train/validation split (default the shipped model's, SHIPPED_SOURCE_SPLIT). */
  readonly sourceSplit?: { readonly seed: number; readonly validationFraction: number };
  /** Share of the source's training part held out as the search's validation part (default 0.2). */
  readonly searchValidationFraction?: number;
  /**
   * Seed of the search's split and of the training subsets (default 2: a different seed from the
   * source split's, so the two rankings of sample ids are independent).
   */
  readonly seed?: number;
  /** Synthetic sources: scenes rendered for the source's training and validation parts. */
  readonly syntheticCount?: number;
  readonly syntheticValidationCount?: number;
  readonly syntheticSize?: number;
  /** Decoded-image variants kept at once (input size × channels × template; default 3). */
  readonly maxCachedVariants?: number;
}

/** The decoded images a trial trains and evaluates on, at its spec's input. */
export interface TrialImages {
  readonly train: readonly LoadedSample[];
  readonly validation: readonly LoadedSample[];
  /** Samples that could not be decoded (left out, reported). */
  readonly skipped: readonly { readonly id: string; readonly reason: string }[];
}

interface DecodedVariant {
  readonly train: Map<string, LoadedSample>;
  validation: readonly LoadedSample[] | undefined;
  readonly skipped: Map<string, string>;
}

/**
 * A search's own data: the source's training part split again (seeded, stratified by group like
 * the source split) into search-train and search-val. The source's validation part is dropped
 * here and never decoded. Decoded images are cached per input variant, because specs differ in
 * input size and template mode and decoding is a large part of a cheap trial.
 */
export class SearchData {
  private readonly variants = new Map<string, DecodedVariant>();

  constructor(
    /** `deeppcb:PATH`, `synthetic:pcb`… */
    readonly source: string,
    readonly classes: readonly string[],
    readonly searchTrain: readonly LabelledSample[],
    readonly searchValidation: readonly LabelledSample[],
    /** Ids of the source's validation part: excluded, kept only so that can be checked. */
    readonly excludedIds: ReadonlySet<string>,
    /** DeepPCB's AP for PCB data, COCO mAP@0.5 otherwise. */
    readonly metric: SelectionMetric,
    /** PCBs look alike under rotation: their proxy training also transposes. */
    readonly rotationInvariant: boolean,
    readonly seed: number,
    readonly description: string,
    private readonly maxCachedVariants: number,
  ) {}

  /**
   * The first `count` samples of search-train in a seeded order: the same subset for every trial,
   * and a larger budget's subset contains a smaller one's (so decoded images are reused).
   */
  trainSubset(count: number): readonly LabelledSample[] {
    if (!(Number.isInteger(count) && count >= 1))
      throw new InvalidSearchDataError(`a training subset needs a whole count ≥ 1, got ${count}`);
    return [...this.searchTrain]
      .map((s) => ({ s, rank: hashStringWithSeed(`subset:${s.id}`, this.seed) }))
      .sort((a, b) => a.rank - b.rank || (a.s.id < b.s.id ? -1 : a.s.id > b.s.id ? 1 : 0))
      .slice(0, count)
      .map((r) => r.s);
  }

  /** Decoded search-train subset and search-val for a spec's input (decoded once per variant). */
  async imagesFor(spec: ArchitectureSpec, trainImages: number): Promise<TrialImages> {
    const key = variantKey(spec);
    let variant = this.variants.get(key);
    if (variant) {
      // Most recently used last, so eviction drops the variant unused longest.
      this.variants.delete(key);
    } else {
      variant = { train: new Map(), validation: undefined, skipped: new Map() };
    }
    this.variants.set(key, variant);
    while (this.variants.size > this.maxCachedVariants) {
      const oldest = this.variants.keys().next().value as string;
      this.variants.delete(oldest);
    }
    const options = {
      width: spec.input.width,
      height: spec.input.height,
      channels: spec.input.channels,
      templateMode: spec.template,
      classes: spec.classes,
    };
    const subset = this.trainSubset(trainImages);
    const missing = subset.filter((s) => !variant.train.has(s.id) && !variant.skipped.has(s.id));
    if (missing.length > 0) {
      const loaded = await loadTrainingImages(missing, options);
      for (const image of loaded.images) variant.train.set(image.id, image);
      for (const s of loaded.skipped) variant.skipped.set(s.id, s.reason);
    }
    if (variant.validation === undefined) {
      const loaded = await loadTrainingImages(this.searchValidation, options);
      for (const s of loaded.skipped) variant.skipped.set(s.id, s.reason);
      variant.validation = loaded.images;
    }
    const train = subset.flatMap((s) => variant.train.get(s.id) ?? []);
    return {
      train,
      validation: variant.validation,
      skipped: [...variant.skipped].map(([id, reason]) => ({ id, reason })),
    };
  }
}

/** What decoding depends on: the classes kept, the input size and whether templates are read. */
function variantKey(spec: ArchitectureSpec): string {
  const templated = spec.template !== 'none';
  return `${spec.input.width}x${spec.input.height}x${spec.input.channels}:${templated ? 'template' : 'frame'}:${spec.classes.join(',')}`;
}

/**
 * Loads a data source with the shipped model's split, drops its validation part, and splits its
 * training part into the search's training and validation parts.
 */
export async function prepareSearchData(options: SearchDataOptions): Promise<SearchData> {
  const sourceSplit = options.sourceSplit ?? SHIPPED_SOURCE_SPLIT;
  const fraction = options.searchValidationFraction ?? 0.2;
  const seed = options.seed ?? 2;
  if (!(fraction > 0 && fraction < 1)) throw new InvalidSearchDataError(`searchValidationFraction must be in (0, 1), got ${fraction}`);
  const data = await loadTrainingData(options.source, {
    seed: sourceSplit.seed,
    validationFraction: sourceSplit.validationFraction,
    ...(options.syntheticCount !== undefined ? { syntheticCount: options.syntheticCount } : {}),
    ...(options.syntheticValidationCount !== undefined ? { syntheticValidationCount: options.syntheticValidationCount } : {}),
    ...(options.syntheticSize !== undefined ? { syntheticSize: options.syntheticSize } : {}),
  });
  const excludedIds = new Set(data.validation.map((s) => s.id));
  // Synthetic parts come from disjoint scene ranges but may share ids; a shared id would be one
  // image seen on both sides, so it is left out of the search's data too.
  const pool = data.train.filter((s) => !excludedIds.has(s.id));
  const { train, validation } = splitTrainValidation(pool, { seed, validationFraction: fraction });
  if (train.length === 0 || validation.length === 0) {
    throw new InvalidSearchDataError(
      `${data.source}: ${pool.length} training sample(s) split ${train.length}/${validation.length}: the search needs both a training and a validation part`,
    );
  }
  const pcb = options.source.kind === 'deeppcb' || (options.source.kind === 'synthetic' && options.source.feed === 'pcb');
  return new SearchData(
    describeTrainingDataSource(options.source),
    data.classes,
    train,
    validation,
    excludedIds,
    pcb ? 'deeppcb-ap' : 'map50',
    pcb,
    seed,
    `${data.source}: the source split (seed ${sourceSplit.seed}, ${Math.round(sourceSplit.validationFraction * 100)}% validation, ` +
      `${data.validation.length} samples never used); its ${pool.length} training samples split (seed ${seed}, stratified by group) ` +
      `into ${train.length} search-train and ${validation.length} search-val`,
    Math.max(1, options.maxCachedVariants ?? 3),
  );
}

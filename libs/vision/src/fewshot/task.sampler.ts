import type { RawImage } from '../data/image-codec';
import type { LabelledSample } from '../data/sample';
import { hashStringWithSeed, SeededRandom } from '../data/seeded-random';
import { renderSyntheticDataset } from '../data/synthetic/synthetic-dataset.renderer';
import type { SyntheticGenerator } from '../data/synthetic/synthetic-scene';
import { createFactorySurfaceGenerator } from '../data/synthetic/factory-surface.generator';
import { createPcbBoardGenerator } from '../data/synthetic/pcb-board.generator';
import { createCellSmearGenerator } from '../data/synthetic/cell-smear.generator';
import { createRoadSceneGenerator } from '../data/synthetic/road-scene.generator';
import { SYNTHETIC_FEEDS, type SyntheticFeed } from '../train/training-data.source';

/** A task source or an exclusion that is not allowed: the message names it. */
export class TaskSamplingError extends Error {
  readonly code = 'TASK_SAMPLING';
}

/** Where meta-training tasks come from. */
export type TaskSource =
  /** A synthetic generator: every task its own generator seed, options and texture (see sampleTask). */
  | { readonly kind: 'synthetic'; readonly feed: SyntheticFeed }
  /**
   * A labelled data set already loaded (`deeppcb:PATH`, `voc:PATH`, …): tasks are class subsets of
   * one of its groups (DeepPCB board groups); `id` is how it was given, what exclusions name.
   */
  | { readonly kind: 'dataset'; readonly id: string; readonly classes: readonly string[]; readonly samples: readonly LabelledSample[] };

export interface TaskSamplerOptions {
  readonly sources: readonly TaskSource[];
  /**
   * What must never be sampled: the feeds the initialisation will be evaluated on. Each entry is a
   * source id (`synthetic:medical`, `deeppcb:PATH`) or one group of a data set (`deeppcb:PATH#44000`).
   * Required and not empty: naming the evaluation feed is the caller's job, and a source that is
   * itself excluded is an error, not a silent skip.
   */
  readonly excluded: readonly string[];
  /** Class slots of the initialisation: a task's N ≤ slots.length classes take them in a random order. */
  readonly slots: readonly string[];
  /** Frames per task: K support (the inner loop trains on them), Q query. */
  readonly shots: number;
  readonly queries: number;
  /** Synthetic scene size (square); default the generators' 256. */
  readonly size?: number;
  readonly seed: number;
}

export interface MetaTask {
  readonly index: number;
  /** `synthetic:pcb` or a data set's id, with `#group` for a data set's group. */
  readonly source: string;
  /** The source's classes in this task, in slot order: `classes[i]` is labelled `slots[i]`. */
  readonly classes: readonly string[];
  readonly slots: readonly string[];
  /** Labelled with slot names (boxes of other classes dropped). */
  readonly support: readonly LabelledSample[];
  readonly query: readonly LabelledSample[];
  /** How the task was randomised (generator options, texture), for the log. */
  readonly variation: string;
}

export function sourceId(source: TaskSource): string {
  return source.kind === 'synthetic' ? `synthetic:${source.feed}` : source.id;
}

/** Parses `synthetic:FEED` (the only source that needs no loading); other forms are the caller's to load. */
export function parseSyntheticTaskSource(text: string): TaskSource | null {
  if (!text.startsWith('synthetic:')) return null;
  const feed = text.slice('synthetic:'.length);
  if (!(SYNTHETIC_FEEDS as readonly string[]).includes(feed)) {
    throw new TaskSamplingError(`unknown synthetic feed "${feed}" (use one of ${SYNTHETIC_FEEDS.join(', ')})`);
  }
  return { kind: 'synthetic', feed: feed as SyntheticFeed };
}

interface Pool {
  readonly source: TaskSource;
  /** Data sets: the groups left after exclusions (null for synthetic sources). */
  readonly groups: readonly string[] | null;
}

/**
 * Seeded sampling of meta-training tasks. Task `i` depends only on (seed, i): a resumed
 * meta-training samples the same tasks. Exclusions are checked up front (an excluded source is
 * an error; a data set's excluded groups leave its pool) and again on every sampled frame.
 */
export class TaskSampler {
  private readonly pools: readonly Pool[];

  constructor(private readonly options: TaskSamplerOptions) {
    const { sources, excluded, slots } = options;
    if (excluded.length === 0) {
      throw new TaskSamplingError('name what the initialisation will be evaluated on (excluded): it must never be sampled');
    }
    if (sources.length === 0) throw new TaskSamplingError('no task source given');
    if (slots.length < 1) throw new TaskSamplingError('an initialisation needs at least one class slot');
    if (!(options.shots >= 1 && options.queries >= 1)) throw new TaskSamplingError('a task needs at least one support and one query frame');
    this.pools = sources.map((source) => {
      const id = sourceId(source);
      if (excluded.includes(id))
        throw new TaskSamplingError(`task source ${id} is excluded: it is what the initialisation is evaluated on`);
      if (source.kind === 'synthetic') return { source, groups: null };
      const all = [...new Set(source.samples.map((s) => s.group ?? ''))].sort();
      const groups = all.filter((g) => !excluded.includes(`${id}#${g}`));
      if (groups.length === 0) throw new TaskSamplingError(`every group of ${id} is excluded: nothing to sample`);
      return { source, groups };
    });
  }

  /** The sources and groups tasks are drawn from, for the lineage. */
  describeSources(): string[] {
    return this.pools.map((p) => `${sourceId(p.source)}${p.groups ? `#${p.groups.join(',')}` : ''}`);
  }

  /** Task `index`: its source, N-way class subset mapped to slots, K support and Q query frames. */
  async sample(index: number): Promise<MetaTask> {
    const rng = new SeededRandom(hashStringWithSeed(`task:${index}`, this.options.seed));
    const pool = rng.pick(this.pools);
    const task =
      pool.source.kind === 'synthetic' ? await this.syntheticTask(index, pool.source.feed, rng) : this.datasetTask(index, pool, rng);
    this.assertNotExcluded(task);
    return task;
  }

  private subset(classes: readonly string[], rng: SeededRandom): string[] {
    const n = rng.int(1, Math.min(classes.length, this.options.slots.length));
    return shuffle([...classes], rng).slice(0, n);
  }

  private async syntheticTask(index: number, feed: SyntheticFeed, rng: SeededRandom): Promise<MetaTask> {
    const { generator, variation } = randomisedGenerator(feed, rng, this.options.size);
    const classes = this.subset(generator.classes, rng);
    const wanted = this.options.shots + this.options.queries;
    // Support and query frames must show a class of the task (the outer signal must not be empty):
    // scenes are rendered in chunks until enough do, up to a cap that a rare class cannot exceed
    // for long; then the class subset widens.
    const rest = shuffle(
      generator.classes.filter((c) => !classes.includes(c)),
      rng,
    );
    const scenes: LabelledSample[] = [];
    const showing = () => scenes.filter((s) => s.boxes.some((b) => classes.includes(b.className)));
    const chunk = wanted * 3;
    const cap = wanted * 30;
    while (showing().length < wanted) {
      if (scenes.length < cap) {
        scenes.push(...(await renderSyntheticDataset(generator, chunk, { startIndex: scenes.length })).samples);
        continue;
      }
      if (rest.length === 0 || classes.length >= this.options.slots.length) {
        throw new TaskSamplingError(
          `task ${index} (synthetic:${feed}, ${classes.join(', ')}): only ${showing().length} of ${scenes.length} scenes show its classes`,
        );
      }
      classes.push(rest.shift() as string);
    }
    const useful = showing();
    return this.task(index, `synthetic:${feed}`, classes, useful.slice(0, wanted), rng, variation);
  }

  private datasetTask(index: number, pool: Pool, rng: SeededRandom): MetaTask {
    const source = pool.source as Extract<TaskSource, { kind: 'dataset' }>;
    const group = rng.pick(pool.groups as readonly string[]);
    const inGroup = source.samples.filter((s) => (s.group ?? '') === group);
    const present = source.classes.filter((c) => inGroup.some((s) => s.boxes.some((b) => b.className === c)));
    if (present.length === 0) throw new TaskSamplingError(`${source.id}#${group} has no labelled box`);
    const wanted = this.options.shots + this.options.queries;
    const withAny = (classes: readonly string[]) => inGroup.filter((s) => s.boxes.some((b) => classes.includes(b.className)));
    // A rare class may not fill a task on its own: more of the group's classes join (up to the
    // slots) until enough frames show one of them.
    const classes = this.subset(present, rng);
    const rest = shuffle(
      present.filter((c) => !classes.includes(c)),
      rng,
    );
    while (withAny(classes).length < wanted && rest.length > 0 && classes.length < this.options.slots.length)
      classes.push(rest.shift() as string);
    const useful = shuffle(withAny(classes), rng);
    if (useful.length < wanted) {
      throw new TaskSamplingError(`${source.id}#${group} has ${useful.length} frames with ${classes.join(', ')}; a task needs ${wanted}`);
    }
    return this.task(index, `${source.id}#${group}`, classes, useful.slice(0, wanted), rng, `group ${group}`);
  }

  private task(index: number, source: string, classes: string[], frames: LabelledSample[], rng: SeededRandom, variation: string): MetaTask {
    // A random class → slot assignment per task, so no slot becomes one class's detector.
    const slotOrder = shuffle([...this.options.slots], rng).slice(0, classes.length);
    const relabel = (s: LabelledSample): LabelledSample => ({
      ...s,
      boxes: s.boxes
        .filter((b) => classes.includes(b.className))
        .map((b) => ({ ...b, className: slotOrder[classes.indexOf(b.className)] as string })),
    });
    const labelled = frames.map(relabel);
    return {
      index,
      source,
      classes,
      slots: slotOrder,
      support: labelled.slice(0, this.options.shots),
      query: labelled.slice(this.options.shots),
      variation,
    };
  }

  private assertNotExcluded(task: MetaTask): void {
    const { excluded } = this.options;
    for (const frame of [...task.support, ...task.query]) {
      const ids = [frame.source, `${task.source.split('#')[0]}#${frame.group ?? ''}`, task.source];
      const hit = ids.find((id) => excluded.includes(id));
      if (hit !== undefined) throw new TaskSamplingError(`internal: task ${task.index} drew frame ${frame.id} of excluded ${hit}`);
    }
  }
}

function shuffle<T>(items: T[], rng: SeededRandom): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

/**
 * A generator for one task: its own seed (a new set of parts, boards, backgrounds), randomised
 * options (sensor noise, defect counts, one shared board), and a randomised texture — per-channel
 * gains, a gamma and, for template feeds, sometimes an inverted palette — applied alike to frame
 * and template, so the pair stays aligned and the boxes stay exact. The generators themselves are
 * untouched: their output for a given seed and options is what it always was.
 */
export function randomisedGenerator(
  feed: SyntheticFeed,
  rng: SeededRandom,
  size?: number,
): { generator: SyntheticGenerator; variation: string } {
  const seed = rng.int(1, 2 ** 31 - 2);
  const noise = rng.uniform(0, 6);
  const common = { seed, noise, ...(size !== undefined ? { width: size, height: size } : {}) };
  let generator: SyntheticGenerator;
  let options: string;
  switch (feed) {
    case 'factory': {
      const maxDefects = rng.int(1, 6);
      generator = createFactorySurfaceGenerator({ ...common, cleanFraction: 0, maxDefects });
      options = `max defects ${maxDefects}`;
      break;
    }
    case 'pcb': {
      const minDefects = rng.int(1, 4);
      const maxDefects = minDefects + rng.int(0, 6);
      const board = rng.chance(0.3) ? rng.int(0, 1000) : undefined;
      generator = createPcbBoardGenerator({ ...common, minDefects, maxDefects, ...(board !== undefined ? { board } : {}) });
      options = `defects ${minDefects}..${maxDefects}${board !== undefined ? `, one board (${board})` : ''}`;
      break;
    }
    case 'medical':
      generator = createCellSmearGenerator(common);
      options = '';
      break;
    case 'driving':
      generator = createRoadSceneGenerator(common);
      options = '';
      break;
  }
  const gains = [rng.uniform(0.7, 1.3), rng.uniform(0.7, 1.3), rng.uniform(0.7, 1.3)] as const;
  const gamma = rng.uniform(0.7, 1.4);
  const invert = generator.usesTemplate && rng.chance(0.25);
  const texture = (image: RawImage): RawImage => retexture(image, gains, gamma, invert);
  const base = generator;
  return {
    generator: {
      ...base,
      generate(index) {
        const scene = base.generate(index);
        return { ...scene, image: texture(scene.image), ...(scene.template ? { template: texture(scene.template) } : {}) };
      },
    },
    variation:
      `seed ${seed}, noise ${noise.toFixed(1)}${options ? `, ${options}` : ''}; texture gains ${gains.map((g) => g.toFixed(2)).join('/')} ` +
      `gamma ${gamma.toFixed(2)}${invert ? ' inverted' : ''}`,
  };
}

function retexture(image: RawImage, gains: readonly [number, number, number], gamma: number, invert: boolean): RawImage {
  const lut = [0, 1, 2].map((c) => {
    const table = new Uint8Array(256);
    for (let v = 0; v < 256; v++) {
      const x = (invert ? 255 - v : v) / 255;
      table[v] = Math.max(0, Math.min(255, Math.round(255 * Math.pow(x, gamma) * (gains[c] as number))));
    }
    return table;
  });
  const data = new Uint8Array(image.data.length);
  const colourChannels = image.channels >= 3 ? 3 : 1;
  for (let i = 0; i < data.length; i++) {
    const c = i % image.channels;
    data[i] = c < colourChannels ? ((lut[c] as Uint8Array)[image.data[i] as number] as number) : (image.data[i] as number);
  }
  return { ...image, data };
}

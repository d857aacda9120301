import type { RawImage } from '../image-codec';
import type { SampleBox } from '../sample';
import { hashStringWithSeed, SeededRandom } from '../seeded-random';

/** One generated image with exact ground truth (and, for template feeds, its defect-free template). */
export interface SyntheticScene {
  readonly id: string;
  readonly image: RawImage;
  readonly template?: RawImage;
  readonly boxes: readonly SampleBox[];
}

/** A deterministic scene source: the same seed and index always give the same scene. */
export interface SyntheticGenerator {
  /** `factory`, `medical`, `driving`, `pcb`: also the samples' `synthetic:<name>` source. */
  readonly name: string;
  readonly classes: readonly string[];
  readonly usesTemplate: boolean;
  readonly width: number;
  readonly height: number;
  generate(index: number): SyntheticScene;
}

export interface SyntheticGeneratorOptions {
  readonly seed: number;
  /** Image size (default 256×256). */
  readonly width?: number;
  readonly height?: number;
  /** Std-dev of Gaussian sensor noise, in grey levels (default per feed; 0 turns it off). */
  readonly noise?: number;
}

export function resolveSize(options: SyntheticGeneratorOptions): { width: number; height: number } {
  const width = options.width ?? 256;
  const height = options.height ?? 256;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 64 || height < 64 || width * height > 16_000_000) {
    throw new RangeError(`synthetic image size must be whole pixels from 64x64 to 16 MP, got ${width}x${height}`);
  }
  return { width, height };
}

/** The random stream of one scene: independent of every other index. */
export function sceneRandom(generator: string, seed: number, index: number): SeededRandom {
  if (!Number.isInteger(index) || index < 0) throw new RangeError(`scene index must be a whole number ≥ 0, got ${index}`);
  return new SeededRandom(hashStringWithSeed(`${generator}:${index}`, seed));
}

export function sceneId(generator: string, seed: number, index: number): string {
  return `${generator}-s${seed}-${String(index).padStart(6, '0')}`;
}

/** Boxes overlap (with a margin in pixels)? Used to keep defects apart. */
export function boxesTouch(
  a: { x1: number; y1: number; x2: number; y2: number },
  b: { x1: number; y1: number; x2: number; y2: number },
  margin = 0,
): boolean {
  return a.x1 - margin < b.x2 && b.x1 - margin < a.x2 && a.y1 - margin < b.y2 && b.y1 - margin < a.y2;
}

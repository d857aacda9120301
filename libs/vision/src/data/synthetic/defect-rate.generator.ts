import { hashStringWithSeed } from '../seeded-random';
import type { SyntheticGenerator } from './synthetic-scene';

/**
 * A template feed where only a share of the parts are defective, as on a real line (a few percent,
 * not every part). Scene `i` keeps its defects when a hash of (seed, i) falls under `defectRate`;
 * otherwise it is its own template: the part as it should be, with no ground-truth box. The
 * defective scenes are exactly the generator's, so known defects stay known.
 */
export function withDefectRate(generator: SyntheticGenerator, defectRate: number, seed: number): SyntheticGenerator {
  if (!(defectRate >= 0 && defectRate <= 1)) throw new RangeError(`a defect rate is a share in [0, 1], got ${defectRate}`);
  if (!generator.usesTemplate) {
    throw new RangeError(`the ${generator.name} feed has no defect-free template: a defect rate applies to template feeds only`);
  }
  return {
    ...generator,
    generate(index) {
      const scene = generator.generate(index);
      if (isDefective(generator.name, seed, index, defectRate) || !scene.template) return scene;
      return { id: scene.id, image: scene.template, template: scene.template, boxes: [] };
    },
  };
}

/** Whether scene `index` is one of the defective share (independent of the scene's own random stream). */
export function isDefective(feed: string, seed: number, index: number, defectRate: number): boolean {
  return hashStringWithSeed(`defect-rate:${feed}:${index}`, seed) / 2 ** 32 < defectRate;
}

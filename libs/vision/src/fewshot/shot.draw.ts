import type { FineTuneData } from '../continual/fine-tune';
import type { LabelledSample } from '../data/sample';
import { hashStringWithSeed, SeededRandom } from '../data/seeded-random';
import { FewShotInputError } from './few-shot.adapt';

/**
 * The K shots of draw `draw`: K frames of the training split that have at least one box (an
 * operator labels frames that show the new line's objects), chosen by a generator seeded by
 * (seed, draw) — the same draw is the same frames, another draw other frames. The validation
 * split is left as it is: it is what the adaptation is evaluated on.
 */
export function drawShots(data: FineTuneData, k: number, seed: number, draw = 0): FineTuneData {
  if (!(Number.isInteger(k) && k >= 1)) throw new FewShotInputError(`the number of shots must be a whole number ≥ 1, got ${k}`);
  const labelled = data.train.filter((s) => s.boxes.length > 0);
  if (labelled.length < k) {
    throw new FewShotInputError(`${data.source} has ${labelled.length} labelled training frame(s); ${k} shots asked for`);
  }
  const rng = new SeededRandom(hashStringWithSeed(`shots:${draw}`, seed));
  const pool = [...labelled];
  const shots: LabelledSample[] = [];
  for (let i = 0; i < k; i++) shots.push(pool.splice(rng.int(0, pool.length - 1), 1)[0] as LabelledSample);
  return {
    ...data,
    train: shots,
    split: `${k} shot(s), draw ${draw} (seed ${seed}), of the ${labelled.length} labelled training frames; evaluated on the validation split of: ${data.split}`,
    options: { ...(data.options ?? {}), shots: k, draw },
  };
}

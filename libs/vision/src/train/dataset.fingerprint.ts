import { createHash } from 'node:crypto';
import type { LabelledSample } from '../data/sample';

/**
 * A training-data fingerprint: SHA-256 over every sample's split, id and annotation (boxes and
 * classes, in order), samples sorted by id. The same data split the same way gives the same
 * fingerprint; any changed box, class, sample or split changes it. Image bytes are not hashed
 * (ids name them; hashing 2,000 JPEGs would cost more than it tells).
 */
export function fingerprintTrainingData(splits: Readonly<Record<string, readonly LabelledSample[]>>): string {
  const hash = createHash('sha256');
  for (const split of Object.keys(splits).sort()) {
    const samples = [...(splits[split] ?? [])].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const s of samples) {
      const boxes = s.boxes.map((b) => [b.className, b.box.x1, b.box.y1, b.box.x2, b.box.y2, b.difficult ? 1 : 0]);
      hash.update(`${split}\t${s.id}\t${JSON.stringify(boxes)}\n`);
    }
  }
  return `sha256:${hash.digest('hex')}`;
}

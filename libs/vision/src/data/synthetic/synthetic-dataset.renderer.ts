import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { encodeImage } from '../image-codec';
import { formatSampleManifest } from '../sample-manifest.loader';
import type { LabelledDataset, LabelledSample } from '../sample';
import type { SyntheticGenerator } from './synthetic-scene';

export interface SyntheticDatasetOptions {
  /** First scene index (default 0): disjoint ranges give disjoint train/validation sets. */
  readonly startIndex?: number;
  /** PNG (default) keeps pixels exact; JPEG is closer to camera frames. */
  readonly format?: 'png' | 'jpeg';
  readonly jpegQuality?: number;
}

/** Generates `count` scenes and encodes them in memory: a data set training can use directly. */
export async function renderSyntheticDataset(
  generator: SyntheticGenerator,
  count: number,
  options: SyntheticDatasetOptions = {},
): Promise<LabelledDataset> {
  const format = options.format ?? 'png';
  const start = options.startIndex ?? 0;
  const samples: LabelledSample[] = [];
  for (let index = start; index < start + count; index++) {
    const scene = generator.generate(index);
    const [image, template] = await Promise.all([
      encodeImage(scene.image, format, options),
      scene.template ? encodeImage(scene.template, format, options) : undefined,
    ]);
    samples.push({
      id: scene.id,
      image: { kind: 'encoded', bytes: image, format },
      ...(template ? { template: { kind: 'encoded', bytes: template, format } } : {}),
      boxes: scene.boxes,
      source: `synthetic:${generator.name}`,
      group: generator.name,
      width: scene.image.width,
      height: scene.image.height,
    });
  }
  return { name: `synthetic-${generator.name}`, classes: generator.classes, samples, skipped: [] };
}

/**
 * Writes `count` scenes under `dir` as `images/<id>.<ext>`, `templates/<id>.<ext>` and a
 * `manifest.jsonl` (Argus's labelled-sample manifest, keys relative to `dir`). Returns the data
 * set with file refs.
 */
export async function writeSyntheticDataset(
  generator: SyntheticGenerator,
  count: number,
  dir: string,
  options: SyntheticDatasetOptions = {},
): Promise<LabelledDataset> {
  const format = options.format ?? 'png';
  const ext = format === 'png' ? 'png' : 'jpg';
  const start = options.startIndex ?? 0;
  await mkdir(path.join(dir, 'images'), { recursive: true });
  if (generator.usesTemplate) await mkdir(path.join(dir, 'templates'), { recursive: true });
  const samples: LabelledSample[] = [];
  for (let index = start; index < start + count; index++) {
    const scene = generator.generate(index);
    const imagePath = path.join(dir, 'images', `${scene.id}.${ext}`);
    await writeFile(imagePath, await encodeImage(scene.image, format, options));
    let templatePath: string | undefined;
    if (scene.template) {
      templatePath = path.join(dir, 'templates', `${scene.id}.${ext}`);
      await writeFile(templatePath, await encodeImage(scene.template, format, options));
    }
    samples.push({
      id: scene.id,
      image: { kind: 'file', path: imagePath },
      ...(templatePath ? { template: { kind: 'file', path: templatePath } } : {}),
      boxes: scene.boxes,
      source: `synthetic:${generator.name}`,
      group: generator.name,
      width: scene.image.width,
      height: scene.image.height,
    });
  }
  const dataset: LabelledDataset = { name: `synthetic-${generator.name}`, classes: generator.classes, samples, skipped: [] };
  await writeFile(path.join(dir, 'manifest.jsonl'), formatSampleManifest(dataset, { baseDir: dir }));
  return dataset;
}

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import type { Box } from '@argus/contracts';
import { decodeImage } from '../image-codec';
import { readImageRef } from '../image-ref.reader';
import { createCellSmearGenerator } from './cell-smear.generator';
import { createFactorySurfaceGenerator } from './factory-surface.generator';
import { createPcbBoardGenerator } from './pcb-board.generator';
import { createRoadSceneGenerator } from './road-scene.generator';
import { loadSampleManifest } from '../sample-manifest.loader';
import { renderSyntheticDataset, writeSyntheticDataset } from './synthetic-dataset.renderer';
import type { SyntheticGenerator, SyntheticScene } from './synthetic-scene';

const factories: [string, (seed: number, size?: { width: number; height: number }) => SyntheticGenerator][] = [
  ['factory', (seed, size) => createFactorySurfaceGenerator({ seed, ...size })],
  ['medical', (seed, size) => createCellSmearGenerator({ seed, ...size })],
  ['driving', (seed, size) => createRoadSceneGenerator({ seed, ...size })],
  ['pcb', (seed, size) => createPcbBoardGenerator({ seed, ...size })],
];

const inside = (x: number, y: number, b: Box) => x >= b.x1 && x < b.x2 && y >= b.y1 && y < b.y2;

describe.each(factories)('%s generator', (name, create) => {
  const generator = create(42);
  const scenes: SyntheticScene[] = [0, 1, 2].map((i) => generator.generate(i));
  const scene = (i: number) => scenes[i] as SyntheticScene;

  it('is deterministic by seed and index', () => {
    const again = create(42).generate(1);
    expect(Buffer.from(again.image.data).equals(Buffer.from(scene(1).image.data))).toBe(true);
    expect(again.boxes).toEqual(scene(1).boxes);
    expect(again.id).toBe(scene(1).id);
    const otherSeed = create(43).generate(1);
    expect(Buffer.from(otherSeed.image.data).equals(Buffer.from(scene(1).image.data))).toBe(false);
    expect(Buffer.from(scene(0).image.data).equals(Buffer.from(scene(1).image.data))).toBe(false);
  });

  it('gives valid boxes of its own classes inside the image', () => {
    const all = scenes.flatMap((s) => s.boxes);
    expect(all.length).toBeGreaterThan(0);
    for (const { className, box } of all) {
      expect(generator.classes).toContain(className);
      expect(box.x1).toBeGreaterThanOrEqual(0);
      expect(box.y1).toBeGreaterThanOrEqual(0);
      expect(box.x2).toBeLessThanOrEqual(generator.width);
      expect(box.y2).toBeLessThanOrEqual(generator.height);
      expect(box.x2).toBeGreaterThan(box.x1);
      expect(box.y2).toBeGreaterThan(box.y1);
    }
    for (const s of scenes) {
      expect([s.image.width, s.image.height, s.image.channels]).toEqual([256, 256, 3]);
      expect(s.template !== undefined).toBe(generator.usesTemplate);
      expect(s.id.startsWith(`${name}-s42-`)).toBe(true);
    }
  });

  it('honours a configured size', () => {
    const small = create(1, { width: 128, height: 96 }).generate(0);
    expect([small.image.width, small.image.height]).toEqual([128, 96]);
    for (const { box } of small.boxes) {
      expect(box.x2).toBeLessThanOrEqual(128);
      expect(box.y2).toBeLessThanOrEqual(96);
    }
  });
});

describe('template feeds', () => {
  it.each([
    ['factory', createFactorySurfaceGenerator({ seed: 5, noise: 0 })],
    ['pcb', createPcbBoardGenerator({ seed: 5 })],
    ['pcb on one board', createPcbBoardGenerator({ seed: 5, board: 2 })],
  ])('%s: frame and template differ exactly inside the defect boxes', (_name, generator) => {
    for (let index = 0; index < 3; index++) {
      const scene = generator.generate(index);
      const { image, template } = scene;
      if (!template) throw new Error('template feed without a template');
      const touched = scene.boxes.map(() => false);
      for (let y = 0; y < image.height; y++) {
        for (let x = 0; x < image.width; x++) {
          const i = (y * image.width + x) * 3;
          if (
            image.data[i] === template.data[i] &&
            image.data[i + 1] === template.data[i + 1] &&
            image.data[i + 2] === template.data[i + 2]
          )
            continue;
          const owners = scene.boxes.map((b, k) => (inside(x, y, b.box) ? k : -1)).filter((k) => k >= 0);
          expect(owners.length).toBeGreaterThan(0); // no change outside a box
          for (const k of owners) touched[k] = true;
        }
      }
      expect(touched.every(Boolean)).toBe(true); // no box without a change
    }
  });

  it('factory: sensor noise differs between frame and template when on', () => {
    const scene = createFactorySurfaceGenerator({ seed: 5 }).generate(0);
    expect(Buffer.from(scene.image.data).equals(Buffer.from(scene.template?.data ?? []))).toBe(false);
  });

  it('pcb: produces every DeepPCB defect type over a few boards', () => {
    const generator = createPcbBoardGenerator({ seed: 9 });
    const seen = new Set(Array.from({ length: 6 }, (_, i) => generator.generate(i).boxes.map((b) => b.className)).flat());
    expect([...seen].sort()).toEqual(['copper', 'mousebite', 'open', 'pin-hole', 'short', 'spur']);
  });

  it('pcb on one board: every scene is that board (its template) with defects of its own', () => {
    const own = createPcbBoardGenerator({ seed: 4 });
    const shared = createPcbBoardGenerator({ seed: 4, board: 3 });
    const boardTemplate = Buffer.from(own.generate(3).template?.data ?? []);
    const scenes = [0, 1, 2, 3, 7].map((i) => shared.generate(i));
    for (const scene of scenes) expect(Buffer.from(scene.template?.data ?? []).equals(boardTemplate)).toBe(true);
    expect(new Set(scenes.map((s) => JSON.stringify(s.boxes))).size).toBe(scenes.length);
    // Without the option each scene is a board of its own.
    expect(Buffer.from(own.generate(0).template?.data ?? []).equals(boardTemplate)).toBe(false);
  });

  it('pcb: images are binary, like DeepPCB', () => {
    const { image } = createPcbBoardGenerator({ seed: 2 }).generate(0);
    expect(image.data.every((v) => v === 0 || v === 255)).toBe(true);
  });
});

describe('renderSyntheticDataset', () => {
  it('encodes scenes as PNG samples that decode back to the same pixels', async () => {
    const generator = createPcbBoardGenerator({ seed: 3, width: 64, height: 64 });
    const dataset = await renderSyntheticDataset(generator, 2, { startIndex: 10 });
    expect(dataset.name).toBe('synthetic-pcb');
    expect(dataset.classes).toEqual(generator.classes);
    expect(dataset.samples.map((s) => s.id)).toEqual(['pcb-s3-000010', 'pcb-s3-000011']);
    const sample = dataset.samples[0];
    if (!sample) throw new Error('no sample rendered');
    expect(sample.source).toBe('synthetic:pcb');
    expect(sample.template?.kind).toBe('encoded');
    const bytes = await readImageRef(sample.image);
    expect((await sharp(bytes).metadata()).format).toBe('png');
    const decoded = await decodeImage(bytes, { channels: 3 });
    expect(Buffer.from(decoded.data).equals(Buffer.from(generator.generate(10).image.data))).toBe(true);
    expect(sample.boxes).toEqual(generator.generate(10).boxes);
  });

  it('rejects sizes it cannot draw', () => {
    expect(() => createCellSmearGenerator({ seed: 1, width: 10, height: 300 })).toThrow(RangeError);
    expect(() => createCellSmearGenerator({ seed: 1 }).generate(-1)).toThrow(RangeError);
  });
});

describe('writeSyntheticDataset', () => {
  it('writes images, templates and a manifest that loads back to the same samples', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'argus-synthetic-'));
    try {
      const generator = createFactorySurfaceGenerator({ seed: 8, width: 64, height: 64 });
      const written = await writeSyntheticDataset(generator, 2, dir);
      const loaded = await loadSampleManifest(path.join(dir, 'manifest.jsonl'), { baseDir: dir });
      expect(loaded.classes).toEqual([...generator.classes]);
      expect(loaded.samples).toEqual(written.samples);
      const template = loaded.samples[0]?.template;
      if (template?.kind !== 'file') throw new Error('expected a template file');
      const decoded = await decodeImage(await readFile(template.path), { channels: 3 });
      expect(Buffer.from(decoded.data).equals(Buffer.from(generator.generate(0).template?.data ?? []))).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

import { createHash } from 'node:crypto';
import { encodeImage } from '@argus/vision/data';
import { frameIdFor, parseIngestSources, syntheticGeneratorFor } from '../service-modules.imports';
import { SimulatedSceneLocator } from './simulated-scene.locator';

const START = 5_000;
const CLAIMED_AT = Date.parse('2026-12-07T10:00:00Z');
const camera = { kind: 'simulator', lineId: 'factory-1', cameraId: 'cam-1', feed: 'factory', fps: 2, seed: 3, width: 64, height: 64 };
const sources = parseIngestSources(JSON.stringify({ sources: [{ ...camera, startIndex: START, defectRate: 0.2 }] }), 'test');
const config = sources[0] as Extract<(typeof sources)[number], { kind: 'simulator' }>;
const generator = syntheticGeneratorFor(config);

/** What the simulated camera stores for scene `index`: its frame id, and its template's key. */
async function sent(index: number) {
  const scene = generator.generate(index);
  const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
  const frameSha = sha(await encodeImage(scene.image, 'png'));
  const templateSha = scene.template ? sha(await encodeImage(scene.template, 'png')) : '';
  return {
    frameId: frameIdFor('factory-1', 'cam-1', frameSha),
    templateKey: `factory-1/cam-1/templates/${templateSha}.png`,
    boxes: scene.boxes,
  };
}

/** The first defective (and the first good) scene from `from` on. */
function firstScene(from: number, defective: boolean): number {
  for (let i = from; ; i++) if (generator.generate(i).boxes.length > 0 === defective) return i;
}

describe('SimulatedSceneLocator', () => {
  const locator = new SimulatedSceneLocator(sources, { claimedAtMs: CLAIMED_AT, maxLagSeconds: 60 });
  const at = (index: number, lagSeconds = 0) => new Date(CLAIMED_AT + ((index - START) / config.fps + lagSeconds) * 1000);

  it('finds a defective scene by its frame id, with its true boxes, when the camera sent it on time or late', async () => {
    const index = firstScene(START + 10, true);
    const frame = await sent(index);
    expect(frame.boxes.length).toBeGreaterThan(0);
    for (const lag of [0, 30]) {
      const located = await locator.locate({ lineId: 'factory-1', cameraId: 'cam-1', capturedAt: at(index, lag), ...frame });
      expect(located).toEqual({ index, boxes: frame.boxes.map((b) => ({ className: b.className, box: b.box })) });
    }
  });

  it('recognises a good part by its template alone: no true box', async () => {
    const index = firstScene(START + 10, false);
    const frame = await sent(index);
    expect(await locator.locate({ lineId: 'factory-1', cameraId: 'cam-1', capturedAt: at(index), ...frame })).toEqual({ boxes: [] });
  });

  it('answers null for a frame it cannot place: another camera, an earlier run, a scene further behind than the window', async () => {
    const index = firstScene(START + 10, true);
    const frame = await sent(index);
    expect(locator.covers('factory-1', 'cam-9')).toBe(false);
    expect(await locator.locate({ lineId: 'factory-1', cameraId: 'cam-9', capturedAt: at(index), ...frame })).toBeNull();
    expect(await locator.locate({ lineId: 'factory-1', cameraId: 'cam-1', capturedAt: new Date(CLAIMED_AT - 1), ...frame })).toBeNull();
    expect(await locator.locate({ lineId: 'factory-1', cameraId: 'cam-1', capturedAt: at(index, 120), ...frame })).toBeNull();
  });
});

import { createHash } from 'node:crypto';
import type { LabelledBox } from '@argus/contracts';
import { encodeImage, isDefective, type SyntheticGenerator } from '@argus/vision/data';
import { frameIdFor, type IngestSourceConfig, syntheticGeneratorFor } from '../service-modules.imports';

/** The facts of an alerted frame the locator needs (from the alert and its frame row). */
export interface AlertedFrame {
  readonly frameId: string;
  readonly lineId: string;
  readonly cameraId: string;
  readonly capturedAt: Date;
  readonly templateKey: string | null;
}

/** A frame traced back to its simulated scene: the scene's true defects (none for a good part). */
export interface LocatedScene {
  /** The scene index; undefined for a good part recognised by its template alone. */
  readonly index?: number;
  readonly boxes: readonly LabelledBox[];
}

type SimulatorConfig = Extract<IngestSourceConfig, { kind: 'simulator' }>;

export interface SimulatedSceneLocatorOptions {
  /** When the simulated cameras' sequence was claimed (before any of them sent a scene). */
  readonly claimedAtMs: number;
  /** How far behind its pace a camera may have been when it sent the frame (the search window). */
  readonly maxLagSeconds?: number;
  /** Frame ids kept per camera, so a scene is encoded once however often it is searched. */
  readonly cacheSize?: number;
}

/**
 * Maps a frame of a simulated camera back to its scene, whose true defects the generator knows
 * (`generate(i).boxes`). Frame ids are a function of (line, camera, content), so a scene is
 * recognised by encoding it as the camera did and computing its frame id:
 * - a good part is its own template, byte for byte: its frame id is the one of the template's
 *   sha256, which the template's object key carries, so it is known without generating anything;
 * - a defective scene is searched among the camera's defective indices (a cheap hash decides
 *   which, without generating), from the highest index the camera can have reached when the frame
 *   was captured (paced at `fps` from the claim, catching up when behind, never ahead) down to
 *   `maxLagSeconds` of frames before it.
 * Null when the frame is not a simulated camera's, or its scene lies outside the window.
 */
export class SimulatedSceneLocator {
  private readonly cameras = new Map<string, { config: SimulatorConfig; generator: SyntheticGenerator; ids: Map<number, string> }>();
  private readonly maxLagSeconds: number;
  private readonly cacheSize: number;

  constructor(
    sources: readonly IngestSourceConfig[],
    private readonly options: SimulatedSceneLocatorOptions,
  ) {
    for (const config of sources) {
      if (config.kind !== 'simulator') continue;
      this.cameras.set(key(config.lineId, config.cameraId), { config, generator: syntheticGeneratorFor(config), ids: new Map() });
    }
    this.maxLagSeconds = options.maxLagSeconds ?? 600;
    this.cacheSize = options.cacheSize ?? 4096;
  }

  /** Whether the frame comes from one of the simulated cameras. */
  covers(lineId: string, cameraId: string): boolean {
    return this.cameras.has(key(lineId, cameraId));
  }

  async locate(frame: AlertedFrame): Promise<LocatedScene | null> {
    const camera = this.cameras.get(key(frame.lineId, frame.cameraId));
    if (!camera) return null;
    const { config, generator } = camera;
    const templateSha = /\/templates\/([0-9a-f]{64})\.(png|jpg)$/.exec(frame.templateKey ?? '')?.[1];
    if (templateSha && frameIdFor(frame.lineId, frame.cameraId, templateSha) === frame.frameId) return { boxes: [] };

    const elapsedMs = frame.capturedAt.getTime() - this.options.claimedAtMs;
    if (elapsedMs < 0) return null; // an earlier run's frame: its scenes came from another start
    const highest = config.startIndex + Math.ceil((elapsedMs / 1000) * config.fps) + 2;
    const lowest = Math.max(config.startIndex, highest - Math.ceil(this.maxLagSeconds * config.fps));
    for (let index = highest; index >= lowest; index--) {
      if (config.defectRate !== undefined && !isDefective(generator.name, config.seed, index, config.defectRate)) continue;
      if ((await this.frameIdOf(camera, index)) !== frame.frameId) continue;
      const scene = generator.generate(index);
      return { index, boxes: scene.boxes.map((b) => ({ className: b.className, box: { ...b.box } })) };
    }
    return null;
  }

  private async frameIdOf(camera: { config: SimulatorConfig; generator: SyntheticGenerator; ids: Map<number, string> }, index: number) {
    const known = camera.ids.get(index);
    if (known) return known;
    const { config } = camera;
    const bytes = await encodeImage(camera.generator.generate(index).image, config.format);
    const id = frameIdFor(config.lineId, config.cameraId, createHash('sha256').update(bytes).digest('hex'));
    camera.ids.set(index, id);
    if (camera.ids.size > this.cacheSize) camera.ids.delete(camera.ids.keys().next().value as number);
    return id;
  }
}

const key = (lineId: string, cameraId: string) => `${lineId}/${cameraId}`;

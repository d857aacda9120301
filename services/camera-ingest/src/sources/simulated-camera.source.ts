import { createHash } from 'node:crypto';
import {
  createCellSmearGenerator,
  createFactorySurfaceGenerator,
  createPcbBoardGenerator,
  createRoadSceneGenerator,
  encodeImage,
  type SyntheticGenerator,
  withDefectRate,
} from '@argus/vision/data';
import type { ObjectStore } from '@argus/storage';
import { buildTemplateObjectKey } from '../ingest/frame-object-key.builder';
import type { FrameIngestor, IngestSource, SourceLogger } from './frame-source.port';
import type { SimulatedCameraSourceConfig } from './ingest-sources.config';
import { FramePacer, SourceLoopRunner } from './source-loop.runner';
import { storeTemplate } from './template-object.writer';

/** The generator of a feed: factory parts and PCBs come with templates; cells and roads without. */
export function syntheticGeneratorFor(
  config: Pick<SimulatedCameraSourceConfig, 'feed' | 'seed' | 'width' | 'height' | 'defectRate'>,
): SyntheticGenerator {
  const generator = feedGenerator(config);
  return config.defectRate === undefined ? generator : withDefectRate(generator, config.defectRate, config.seed);
}

function feedGenerator(config: Pick<SimulatedCameraSourceConfig, 'feed' | 'seed' | 'width' | 'height'>): SyntheticGenerator {
  const options = { seed: config.seed, width: config.width, height: config.height };
  switch (config.feed) {
    case 'factory':
      return createFactorySurfaceGenerator(options);
    case 'pcb':
      return createPcbBoardGenerator(options);
    case 'medical':
      return createCellSmearGenerator(options);
    case 'driving':
      return createRoadSceneGenerator(options);
  }
}

/**
 * A simulated camera: scene after scene of a synthetic feed (deterministic by seed and index, so
 * the known defects of frame i are `generate(i).boxes`), encoded as PNG or JPEG and ingested at
 * `fps`. For template feeds each scene's defect-free template is stored first and its key
 * travels in the event.
 */
export class SimulatedCameraSource implements IngestSource {
  readonly name: string;
  private readonly loop: SourceLoopRunner;
  private readonly generator: SyntheticGenerator;
  private index: number;
  private sent = 0;

  constructor(
    private readonly config: SimulatedCameraSourceConfig,
    private readonly ingest: FrameIngestor,
    private readonly store: Pick<ObjectStore, 'put'>,
    logger: SourceLogger,
  ) {
    this.name = `simulator:${config.lineId}/${config.cameraId}`;
    this.loop = new SourceLoopRunner(this.name, logger);
    this.generator = syntheticGeneratorFor(config);
    this.index = config.startIndex;
  }

  get finished(): Promise<void> {
    return this.loop.finished;
  }

  /** Frames ingested so far. */
  get framesSent(): number {
    return this.sent;
  }

  start(): void {
    const pacer = new FramePacer(this.config.fps);
    this.loop.start(async () => {
      if (this.config.count !== undefined && this.sent >= this.config.count) return 'done';
      await this.emit(this.index);
      this.index++;
      this.sent++;
      if (this.config.count !== undefined && this.sent >= this.config.count) return 'done';
      return pacer.next();
    });
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  private async emit(index: number): Promise<void> {
    const scene = this.generator.generate(index);
    const format = this.config.format;
    const bytes = await encodeImage(scene.image, format);
    let templateKey: string | undefined;
    if (scene.template && this.config.withTemplate) {
      const templateBytes = await encodeImage(scene.template, format);
      const extension = format === 'png' ? 'png' : 'jpg';
      const sha256 = createHash('sha256').update(templateBytes).digest('hex');
      templateKey = buildTemplateObjectKey({ lineId: this.config.lineId, cameraId: this.config.cameraId, sha256, extension });
      await storeTemplate(this.store, templateKey, templateBytes, format === 'png' ? 'image/png' : 'image/jpeg');
    }
    await this.ingest.execute({
      lineId: this.config.lineId,
      cameraId: this.config.cameraId,
      bytes,
      declaredType: format === 'png' ? 'image/png' : 'image/jpeg',
      source: 'simulator',
      templateKey,
    });
  }
}

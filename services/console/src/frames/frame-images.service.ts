import type { Readable } from 'node:stream';
import type { FrameRepository, LineRepository } from '@argus/persistence';
import { CommonErrorCodes, DomainError } from '@argus/platform';
import { ObjectNotFoundError, type ObjectStore } from '@argus/storage';

export interface StoredImage {
  readonly contentType: string;
  readonly size: number;
  readonly body: Readable;
}

/**
 * The bytes behind a frame: its image (the frame row's object key) and the golden template it
 * was compared with (the key recorded with the frame, else its line's current template),
 * streamed from the object store, never buffered whole.
 */
export class FrameImagesService {
  constructor(
    private readonly frames: Pick<FrameRepository, 'findById'>,
    private readonly lines: Pick<LineRepository, 'templateFor'>,
    private readonly store: Pick<ObjectStore, 'stat' | 'getStream'>,
  ) {}

  async image(frameId: string): Promise<StoredImage> {
    const frame = await this.frames.findById(frameId);
    if (!frame) throw new DomainError(CommonErrorCodes.notFound, `frame "${frameId}" does not exist`);
    return this.open(frame.objectKey, `the image of frame "${frameId}" is missing from the object store`);
  }

  async template(frameId: string): Promise<StoredImage> {
    const frame = await this.frames.findById(frameId);
    if (!frame) throw new DomainError(CommonErrorCodes.notFound, `frame "${frameId}" does not exist`);
    const key = frame.templateKey ?? (await this.lines.templateFor(frame.lineId))?.objectKey;
    if (!key)
      throw new DomainError(CommonErrorCodes.notFound, `frame "${frameId}" has no golden template (its line "${frame.lineId}" has none)`);
    return this.open(key, `the template of frame "${frameId}" is missing from the object store`);
  }

  private async open(key: string, missing: string): Promise<StoredImage> {
    try {
      const stat = await this.store.stat(key);
      return { contentType: stat.contentType, size: stat.size, body: await this.store.getStream(key) };
    } catch (error) {
      if (error instanceof ObjectNotFoundError) throw new DomainError(CommonErrorCodes.notFound, missing, { objectKey: key });
      throw error;
    }
  }
}

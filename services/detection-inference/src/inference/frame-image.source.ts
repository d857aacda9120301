import type { FrameIngestedV1 } from '@argus/contracts';
import { ObjectNotFoundError, type ObjectStore } from '@argus/storage';
import { FrameFailureCodes, FrameUnprocessableError } from './frame-processing.errors';

export interface FrameImages {
  readonly image: Buffer;
  readonly template?: Buffer;
}

interface CachedTemplate {
  readonly bytes: Promise<Buffer>;
  readonly fetchedAt: number;
}

/**
 * Fetches a frame's bytes (and its line's golden template) from the object store. A missing object
 * is the frame's problem (FrameUnprocessableError); any other store error is retryable. Templates
 * are shared by every frame of a line: kept for `templateTtlMs`, at most `maxTemplates` of them.
 */
export class FrameImageSource {
  private readonly templates = new Map<string, CachedTemplate>();

  constructor(
    private readonly store: Pick<ObjectStore, 'get'>,
    private readonly options: { templateTtlMs: number; maxTemplates: number; now?: () => number } = {
      templateTtlMs: 60_000,
      maxTemplates: 32,
    },
  ) {}

  async fetch(event: FrameIngestedV1): Promise<FrameImages> {
    const [image, template] = await Promise.all([
      this.get(event.objectKey, FrameFailureCodes.objectMissing, `frame object ${event.objectKey} is not in the object store`),
      event.templateKey === null ? undefined : this.template(event.templateKey),
    ]);
    return template ? { image, template } : { image };
  }

  private template(key: string): Promise<Buffer> {
    const now = (this.options.now ?? Date.now)();
    const cached = this.templates.get(key);
    if (cached && now - cached.fetchedAt < this.options.templateTtlMs) return cached.bytes;
    const bytes = this.get(key, FrameFailureCodes.templateMissing, `template object ${key} is not in the object store`);
    this.templates.delete(key);
    this.templates.set(key, { bytes, fetchedAt: now });
    bytes.catch(() => this.templates.get(key)?.bytes === bytes && this.templates.delete(key));
    while (this.templates.size > this.options.maxTemplates) {
      const oldest = this.templates.keys().next().value;
      if (oldest === undefined) break;
      this.templates.delete(oldest);
    }
    return bytes;
  }

  private async get(
    key: string,
    code: typeof FrameFailureCodes.objectMissing | typeof FrameFailureCodes.templateMissing,
    message: string,
  ): Promise<Buffer> {
    try {
      return await this.store.get(key);
    } catch (error) {
      if (error instanceof ObjectNotFoundError) throw new FrameUnprocessableError(code, message, { cause: error });
      throw error;
    }
  }
}

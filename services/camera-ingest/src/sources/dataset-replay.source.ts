import { createHash } from 'node:crypto';
import { access, readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { ObjectStore } from '@argus/storage';
import { DomainError } from '@argus/platform';
import { IngestUnavailableError } from '../ingest/frame-ingest.errors';
import { buildTemplateObjectKey } from '../ingest/frame-object-key.builder';
import type { FrameIngestor, IngestSource, SourceLogger } from './frame-source.port';
import type { DatasetReplaySourceConfig } from './ingest-sources.config';
import { FramePacer, SourceLoopRunner } from './source-loop.runner';
import { storeTemplate } from './template-object.writer';

const TEST_IMAGE = /^(?<id>.+)_test\.(?<ext>jpe?g|png)$/i;

export interface ReplayItem {
  readonly id: string;
  readonly imagePath: string;
  /** The aligned template `<id>_temp.<ext>` next to the image, when there is one. */
  readonly templatePath: string | null;
}

/**
 * Lists a data set in DeepPCB layout: every `<id>_test.jpg|png` under `root` (any depth), in path
 * order, each with its `<id>_temp` template when present.
 */
export async function listReplayItems(root: string): Promise<ReplayItem[]> {
  const items: ReplayItem[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        await walk(full);
        continue;
      }
      const match = TEST_IMAGE.exec(entry.name);
      if (!entry.isFile() || !match?.groups) continue;
      const { id = '', ext = 'jpg' } = match.groups;
      const templatePath = path.join(dir, `${id}_temp.${ext}`);
      items.push({ id, imagePath: full, templatePath: (await exists(templatePath)) ? templatePath : null });
    }
  };
  await walk(root);
  return items;
}

/**
 * Replays a data-set folder as a line camera at `fps`, in order, once or in a loop. DeepPCB has
 * one template per image, so each image's template is stored (content-addressed) and its key is
 * carried in the event's `templateKey`, instead of one template per line. A frame refused by the
 * checks is logged and skipped; a dependency outage retries the same frame.
 */
export class DatasetReplaySource implements IngestSource {
  readonly name: string;
  private readonly loop: SourceLoopRunner;
  private sent = 0;

  constructor(
    private readonly config: DatasetReplaySourceConfig,
    private readonly ingest: FrameIngestor,
    private readonly store: Pick<ObjectStore, 'put'>,
    private readonly logger: SourceLogger,
  ) {
    this.name = `replay:${config.lineId}/${config.cameraId}`;
    this.loop = new SourceLoopRunner(this.name, logger);
  }

  get finished(): Promise<void> {
    return this.loop.finished;
  }

  get framesSent(): number {
    return this.sent;
  }

  start(): void {
    const pacer = new FramePacer(this.config.fps);
    let items: ReplayItem[] | undefined;
    let position = 0;
    this.loop.start(async () => {
      items ??= await listReplayItems(this.config.path);
      if (items.length === 0) {
        this.logger.warn({ source: this.name, path: this.config.path }, `nothing to replay: no *_test.jpg|png under ${this.config.path}`);
        return 'done';
      }
      if (position >= items.length) {
        if (!this.config.loop) return 'done';
        position = 0;
      }
      const item = items[position];
      if (item) await this.emit(item);
      position++;
      this.sent++;
      if (position >= items.length && !this.config.loop) return 'done';
      return pacer.next();
    });
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  private async emit(item: ReplayItem): Promise<void> {
    const bytes = await readFile(item.imagePath);
    let templateKey: string | undefined;
    if (item.templatePath && this.config.withTemplate) {
      const templateBytes = await readFile(item.templatePath);
      const png = /\.png$/i.test(item.templatePath);
      const sha256 = createHash('sha256').update(templateBytes).digest('hex');
      templateKey = buildTemplateObjectKey({
        lineId: this.config.lineId,
        cameraId: this.config.cameraId,
        sha256,
        extension: png ? 'png' : 'jpg',
      });
      await storeTemplate(this.store, templateKey, templateBytes, png ? 'image/png' : 'image/jpeg');
    }
    try {
      await this.ingest.execute({
        lineId: this.config.lineId,
        cameraId: this.config.cameraId,
        bytes,
        source: 'replay',
        templateKey,
      });
    } catch (error) {
      if (error instanceof IngestUnavailableError || !(error instanceof DomainError)) throw error;
      this.logger.warn({ source: this.name, file: item.imagePath, code: error.code }, `skipped ${item.id}: ${error.message}`);
    }
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

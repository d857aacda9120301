import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { DomainError } from '@argus/platform';
import { IngestUnavailableError } from '../ingest/frame-ingest.errors';
import type { FrameIngestor, IngestSource, SourceLogger } from './frame-source.port';
import type { WatchedFolderSourceConfig } from './ingest-sources.config';
import { SourceLoopRunner } from './source-loop.runner';

const IMAGE_FILE = /\.(jpe?g|png)$/i;
export const DONE_FOLDER = 'done';
export const FAILED_FOLDER = 'failed';

interface Observation {
  readonly size: number;
  readonly mtimeMs: number;
  /** When this size and mtime were first seen. */
  readonly since: number;
}

/**
 * A folder a camera writes into. Each poll lists it; a `.jpg/.jpeg/.png` file is ingested once
 * its size and mtime have stayed the same for `stableForMs` (the writer is done), then moved to
 * `done/`, or to `failed/` next to `<name>.reason.txt` saying why (wrong type, undecodable header,
 * out-of-range dimensions, unknown camera). When a dependency is down the file stays where it is
 * and is tried again after Retry-After. Other files are left alone.
 */
export class WatchedFolderSource implements IngestSource {
  readonly name: string;
  private readonly loop: SourceLoopRunner;
  private readonly seen = new Map<string, Observation>();
  private ingested = 0;
  private failed = 0;

  constructor(
    private readonly config: WatchedFolderSourceConfig,
    private readonly ingest: FrameIngestor,
    private readonly logger: SourceLogger,
    private readonly now: () => number = Date.now,
  ) {
    this.name = `folder:${config.lineId}/${config.cameraId}`;
    this.loop = new SourceLoopRunner(this.name, logger);
  }

  get finished(): Promise<void> {
    return this.loop.finished;
  }

  get counts(): { ingested: number; failed: number } {
    return { ingested: this.ingested, failed: this.failed };
  }

  start(): void {
    this.loop.start(async () => {
      await this.poll();
      return this.config.pollIntervalMs;
    });
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One pass over the folder (public for tests that drive it step by step). */
  async poll(): Promise<void> {
    const folder = this.config.path;
    await mkdir(folder, { recursive: true });
    const entries = await readdir(folder, { withFileTypes: true });
    const present = new Set<string>();
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (this.loop.stopping) return;
      if (!entry.isFile() || !IMAGE_FILE.test(entry.name)) continue;
      present.add(entry.name);
      if (await this.isStable(entry.name)) await this.take(entry.name);
    }
    for (const name of this.seen.keys()) if (!present.has(name)) this.seen.delete(name);
  }

  private async isStable(name: string): Promise<boolean> {
    let info;
    try {
      info = await stat(path.join(this.config.path, name));
    } catch {
      return false; // gone meanwhile
    }
    const before = this.seen.get(name);
    const now = this.now();
    if (!before || before.size !== info.size || before.mtimeMs !== info.mtimeMs) {
      this.seen.set(name, { size: info.size, mtimeMs: info.mtimeMs, since: now });
      return this.config.stableForMs === 0 && info.size > 0;
    }
    return info.size > 0 && now - before.since >= this.config.stableForMs;
  }

  private async take(name: string): Promise<void> {
    const file = path.join(this.config.path, name);
    const bytes = await readFile(file);
    try {
      const result = await this.ingest.execute({
        lineId: this.config.lineId,
        cameraId: this.config.cameraId,
        bytes,
        declaredType: /\.png$/i.test(name) ? 'image/png' : 'image/jpeg',
        source: 'folder',
      });
      await this.moveTo(DONE_FOLDER, name);
      this.ingested++;
      this.logger.info({ source: this.name, file: name, frameId: result.frameId, duplicate: result.duplicate }, `ingested ${name}`);
    } catch (error) {
      // A dependency is down: leave the file, the loop retries after Retry-After.
      if (error instanceof IngestUnavailableError || !(error instanceof DomainError)) throw error;
      const target = await this.moveTo(FAILED_FOLDER, name);
      await writeFile(`${target}.reason.txt`, `${error.code}: ${error.message}\n`, 'utf8');
      this.failed++;
      this.logger.warn({ source: this.name, file: name, code: error.code }, `refused ${name}: ${error.message}`);
    } finally {
      this.seen.delete(name);
    }
  }

  /** Moves the file into `done/` or `failed/`; a name already taken there gets a numeric suffix. */
  private async moveTo(folder: string, name: string): Promise<string> {
    const dir = path.join(this.config.path, folder);
    await mkdir(dir, { recursive: true });
    const ext = path.extname(name);
    const base = name.slice(0, name.length - ext.length);
    for (let attempt = 0; ; attempt++) {
      const target = path.join(dir, attempt === 0 ? name : `${base}.${attempt}${ext}`);
      try {
        await stat(target);
      } catch {
        await rename(path.join(this.config.path, name), target);
        return target;
      }
    }
  }
}

import { lstat, readdir } from 'node:fs/promises';
import * as path from 'node:path';

/** Total bytes of the regular files under `dir` (symbolic links not followed; files vanishing meanwhile skipped). */
export async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += await folderBytes(full);
    else if (entry.isFile()) total += (await lstat(full).catch(() => undefined))?.size ?? 0;
  }
  return total;
}

/** `1.3 GiB`, `512 MiB`, `40 KiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 || value >= 10 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/**
 * The data folder's size for the status line, measured by a walk every `intervalMs` in the
 * background (never on the status line's tick: a walk of a big folder takes a while), and a warning
 * when it is over `warnBytes` (null: never).
 */
export class DataFolderSizeProbe {
  private timer: NodeJS.Timeout | undefined;
  private measuring: Promise<void> | undefined;
  private lastBytes: number | undefined;

  constructor(
    private readonly dir: string,
    private readonly warnBytes: number | null,
    private readonly intervalMs: number,
    private readonly measure: (dir: string) => Promise<number> = folderBytes,
  ) {}

  start(): void {
    if (this.timer || this.warnBytes === null) return;
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.measuring;
  }

  /** Measures now (unless a walk is already running) and returns when it is done. */
  refresh(): Promise<void> {
    this.measuring ??= this.measure(this.dir)
      .then((bytes) => void (this.lastBytes = bytes))
      .catch(() => undefined)
      .finally(() => (this.measuring = undefined));
    return this.measuring;
  }

  /** The warnings to show: one when the last measure was over the limit. */
  warnings(): string[] {
    if (this.warnBytes === null || this.lastBytes === undefined || this.lastBytes <= this.warnBytes) return [];
    return [
      `data folder ${formatBytes(this.lastBytes)} > ${formatBytes(this.warnBytes)} (ARGUS_DATA_DIR_WARN_SIZE; retention: ARGUS_RETENTION_*)`,
    ];
  }
}

import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { ObjectStore } from '@argus/storage';
import type { RunFolderStore } from './training-job.ports';

/**
 * A job's run folder kept in the object store, so the next worker to receive the job resumes it
 * wherever it runs. Each save uploads the folder as a new generation
 * (`training-jobs/<jobId>/run/<generation>/…`) and only then points `…/run/CURRENT` at it; a
 * worker killed mid-upload leaves the previous generation current, so a restore never mixes the
 * files of two checkpoints. Older generations are deleted after the pointer moved.
 */
export class ObjectStoreRunFolders implements RunFolderStore {
  private generation = 0;

  constructor(
    private readonly store: ObjectStore,
    private readonly now: () => number = Date.now,
  ) {}

  static prefixOf(jobId: string): string {
    return `training-jobs/${jobId}/run/`;
  }

  async restore(jobId: string, dir: string): Promise<number> {
    const current = await this.current(jobId);
    if (current === null) return 0;
    const prefix = `${ObjectStoreRunFolders.prefixOf(jobId)}${current}/`;
    const root = path.resolve(dir);
    let files = 0;
    for await (const object of this.store.list(prefix)) {
      const target = path.resolve(root, object.key.slice(prefix.length));
      if (!target.startsWith(root + path.sep)) throw new Error(`run folder object ${object.key} points outside the run folder`);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, await this.store.get(object.key));
      files++;
    }
    return files;
  }

  async save(jobId: string, dir: string): Promise<void> {
    const base = ObjectStoreRunFolders.prefixOf(jobId);
    const previous = await this.current(jobId);
    // Zero-padded time, then a counter: later generations sort after earlier ones.
    const generation = `${String(this.now()).padStart(15, '0')}-${String(this.generation++).padStart(6, '0')}`;
    for (const relative of await filesUnder(dir)) {
      await this.store.put(`${base}${generation}/${relative}`, await readFile(path.join(dir, relative)), {
        contentType: 'application/octet-stream',
      });
    }
    await this.store.put(`${base}CURRENT`, Buffer.from(generation), { contentType: 'text/plain' });
    if (previous !== null) {
      for await (const object of this.store.list(`${base}${previous}/`)) await this.store.delete(object.key);
    }
  }

  private async current(jobId: string): Promise<string | null> {
    const key = `${ObjectStoreRunFolders.prefixOf(jobId)}CURRENT`;
    if (!(await this.store.exists(key))) return null;
    return (await this.store.get(key)).toString('utf8').trim();
  }
}

async function filesUnder(root: string, sub = ''): Promise<string[]> {
  const entries = await readdir(path.join(root, sub), { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const relative = sub ? `${sub}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...(await filesUnder(root, relative)));
    else if (entry.isFile()) files.push(relative);
  }
  return files;
}

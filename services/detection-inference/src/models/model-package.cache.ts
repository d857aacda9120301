import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { ObjectStore } from '@argus/storage';
import type { RuntimeModel } from '../runtime/detector-runtime.port';

const METADATA_FILE = 'metadata.json';

/**
 * Local copies of model packages, downloaded once from the object store (`artifactKey` is the
 * package's prefix) into `<root>/<model id>/`. A copy is complete when its folder exists: files
 * are downloaded into a staging folder that is renamed into place at the end, so a crash mid-way
 * leaves no half package behind. Concurrent requests for one model share one download.
 */
export class ModelPackageCache {
  private readonly downloads = new Map<string, Promise<string>>();

  constructor(
    private readonly store: ObjectStore,
    private readonly root: string,
  ) {}

  /** The local folder of the model's package, downloading it first when needed. */
  folderFor(model: RuntimeModel): Promise<string> {
    let download = this.downloads.get(model.id);
    if (!download) {
      download = this.ensure(model);
      this.downloads.set(model.id, download);
      download.catch(() => this.downloads.delete(model.id));
    }
    return download;
  }

  private async ensure(model: RuntimeModel): Promise<string> {
    const target = path.join(this.root, model.id);
    if (await exists(path.join(target, METADATA_FILE))) return target;
    const prefix = `${model.artifactKey.replace(/\/+$/, '')}/`;
    const staging = `${target}.partial-${process.pid}-${Date.now()}`;
    await mkdir(staging, { recursive: true });
    try {
      let files = 0;
      for await (const object of this.store.list(prefix)) {
        const name = object.key.slice(prefix.length);
        if (name === '' || name.includes('/')) continue;
        await writeFile(path.join(staging, name), await this.store.get(object.key));
        files++;
      }
      if (!(await exists(path.join(staging, METADATA_FILE)))) {
        throw new Error(`model ${model.name} ${model.version}: no package at ${this.store.bucket}/${prefix} (${files} files, no ${METADATA_FILE})`);
      }
      await rm(target, { recursive: true, force: true });
      await rename(staging, target);
      return target;
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      throw error;
    }
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

import type { ObjectStore } from '@argus/storage';
import { toCoco, toSampleManifest } from './dataset-export';
import type { DatasetVersionStore, LabelledFrameSource, StoredDatasetVersion } from './dataset.ports';
import { buildDatasetVersion, type DatasetVersionContent } from './dataset-version';

export interface DatasetVersionerSettings {
  /** The share of a line's frames its first version holds out (frozen from then on). */
  readonly holdoutShare: number;
}

/**
 * Makes a line's next data set version: its latest one with the line's current labels laid over
 * it (a label that did not change leaves its frame as it was). The
 * content, its sample manifest and its COCO export go to the object store first
 * (`datasets/<line>/<n>-<fingerprint>/`), then the version's row: a crash in between leaves
 * objects and never a row without its content. The fingerprint in the key makes it content-addressed:
 * two writers that both took number n (two instances, or two installations sharing a bucket) write
 * different keys unless their content is equal, so whichever row wins points at its own content,
 * and a version's objects are never changed.
 */
export class DatasetVersioner {
  constructor(
    private readonly versions: DatasetVersionStore,
    private readonly labels: LabelledFrameSource,
    private readonly store: ObjectStore,
    private readonly settings: DatasetVersionerSettings,
  ) {}

  /** The new version, or the latest one when no label changed (`created: false`); null when the line has no label at all. */
  async nextVersion(lineId: string, producedBy: string): Promise<{ version: StoredDatasetVersion; created: boolean } | null> {
    const parent = await this.versions.latest(lineId);
    const labels = await this.labels.labelsOf(lineId);
    if (labels.length === 0) return parent ? { version: parent, created: false } : null;
    const parentContent = parent ? await this.content(parent) : null;
    const draft = buildDatasetVersion({ lineId, parent: parentContent, holdoutShare: this.settings.holdoutShare, labels });
    if (parent && draft.content.fingerprint === parent.fingerprint) return { version: parent, created: false };
    const number = (parent?.number ?? 0) + 1;
    const prefix = `datasets/${lineId}/${number}-${draft.content.fingerprint.replace(/^sha256:/, '').slice(0, 16)}`;
    const name = `${lineId}@${number}`;
    const keys = { contentKey: `${prefix}/version.json`, manifestKey: `${prefix}/manifest.jsonl`, cocoKey: `${prefix}/coco.json` };
    await this.store.put(keys.contentKey, Buffer.from(JSON.stringify(draft.content)), { contentType: 'application/json' });
    await this.store.put(keys.manifestKey, Buffer.from(toSampleManifest(draft.content, { name })), { contentType: 'application/x-ndjson' });
    await this.store.put(keys.cocoKey, Buffer.from(JSON.stringify(toCoco(draft.content, { name }))), { contentType: 'application/json' });
    const version = await this.versions.create({
      lineId,
      number,
      parentId: parent?.id ?? null,
      fingerprint: draft.content.fingerprint,
      holdoutShare: draft.content.holdoutShare,
      classes: draft.content.classes,
      counts: draft.counts,
      changes: draft.changes,
      ...keys,
      producedBy,
    });
    return { version, created: true };
  }

  async content(version: StoredDatasetVersion): Promise<DatasetVersionContent> {
    return JSON.parse((await this.store.get(version.contentKey)).toString('utf8')) as DatasetVersionContent;
  }
}

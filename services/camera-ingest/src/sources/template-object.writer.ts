import type { ObjectStore } from '@argus/storage';
import { IngestUnavailableError } from '../ingest/frame-ingest.errors';

/** Seconds a source waits before retrying a frame whose template could not be stored. */
const TEMPLATE_RETRY_AFTER_SECONDS = 2;

/**
 * Stores a per-frame golden template before its frame is ingested (so the event never names a
 * template that is not there). Keys are content-addressed: storing it again is an overwrite with
 * the same bytes. A failure counts as the object store being unavailable: the frame is retried.
 */
export async function storeTemplate(store: Pick<ObjectStore, 'put'>, key: string, bytes: Buffer, contentType: string): Promise<void> {
  try {
    await store.put(key, bytes, { contentType, size: bytes.length });
  } catch (error) {
    throw new IngestUnavailableError('object-store', TEMPLATE_RETRY_AFTER_SECONDS, { cause: error });
  }
}

import { createHash, randomUUID } from 'node:crypto';
import type { FrameIngestedV1 } from '@argus/contracts';
import type { MessageBus } from '@argus/messaging';
import { FrameRepository, type ThrowawayDatabase } from '@argus/persistence';
import type { ObjectStore } from '@argus/storage';
import type { PipelineTopics } from '../inference.pipeline';

export interface FrameIngestTarget {
  readonly db: ThrowawayDatabase;
  readonly store: ObjectStore;
  readonly bus: MessageBus;
  readonly topics: Pick<PipelineTopics, 'frameIngested'>;
}

export interface TestFrame {
  readonly lineId: string;
  readonly cameraId: string;
  /** A 64×48 PNG. */
  readonly bytes: Buffer;
  readonly templateKey: string | null;
  /** Put the bytes in the object store (default true; false: a frame whose object is missing). */
  readonly store?: boolean;
  readonly capturedAt?: Date;
}

/** For integration tests, what camera-ingest does: store the bytes, record the frame, publish frame-ingested. */
export async function ingestTestFrame(target: FrameIngestTarget, frame: TestFrame): Promise<FrameIngestedV1> {
  const { lineId, cameraId, bytes } = frame;
  const frameId = randomUUID();
  const objectKey = `${lineId}/${cameraId}/${frameId}.png`;
  if (frame.store ?? true) await target.store.put(objectKey, bytes, { contentType: 'image/png', size: bytes.length });
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const capturedAt = frame.capturedAt ?? new Date();
  await new FrameRepository(target.db.dataSource).recordIngested({
    id: frameId,
    lineId,
    cameraId,
    objectKey,
    contentType: 'image/png',
    width: 64,
    height: 48,
    byteSize: bytes.length,
    sha256,
    capturedAt,
  });
  const event: FrameIngestedV1 = {
    eventId: randomUUID(),
    occurredAt: new Date().toISOString(),
    frameId,
    lineId,
    cameraId,
    bucket: target.store.bucket,
    objectKey,
    templateKey: frame.templateKey,
    contentType: 'image/png',
    width: 64,
    height: 48,
    byteSize: bytes.length,
    sha256,
    capturedAt: capturedAt.toISOString(),
    source: 'simulator',
  };
  await target.bus.publish(target.topics.frameIngested, event);
  return event;
}

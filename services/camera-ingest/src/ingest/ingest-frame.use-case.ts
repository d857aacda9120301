import { createHash, randomUUID } from 'node:crypto';
import { type FrameIngestedV1, REPEAT_HEADERS, Topics } from '@argus/contracts';
import { InvalidMessageError, type MessageBus } from '@argus/messaging';
import type { Frame, FrameRepository, IngestTarget, LineRepository } from '@argus/persistence';
import { CameraNotFoundError, PersistenceError } from '@argus/persistence';
import { InvalidObjectKeyError, InvalidObjectMetadataError, type ObjectStore } from '@argus/storage';
import type { FrameSource } from './frame-source.type';
import { buildFrameObjectKey } from './frame-object-key.builder';
import { frameIdFor } from './frame-id.generator';
import { type DimensionLimits, inspectFrameImage } from './frame-image.inspector';
import {
  FrameTooLargeError,
  type IngestDependency,
  IngestUnavailableError,
  UnknownCameraError,
  UnknownLineError,
} from './frame-ingest.errors';

/** The line/camera lookup the use case needs (LineRepository in production). */
export type IngestTargetLookup = Pick<LineRepository, 'findIngestTarget'>;
/** The frame rows the use case reads and writes (FrameRepository in production). */
export type FrameLedger = Pick<FrameRepository, 'findIngested' | 'recordIngested'>;
/** The object store, as far as ingest uses it. */
export type FrameObjectStore = Pick<ObjectStore, 'bucket' | 'put'>;
/** The message bus, as far as ingest uses it. */
export type FramePublisher = Pick<MessageBus, 'publish'>;

export interface Clock {
  now(): Date;
}

export interface IngestFrameSettings {
  readonly maxFrameBytes: number;
  readonly dimensions: DimensionLimits;
  /** Told to clients in `Retry-After` when a dependency is down. */
  readonly retryAfterSeconds: number;
  /** A publish that takes longer counts as Kafka being unavailable (kafkajs would retry for about a minute). */
  readonly publishTimeoutMs: number;
}

export interface IngestFrameCommand {
  readonly lineId: string;
  readonly cameraId: string;
  readonly bytes: Buffer;
  /** What the client said the bytes are (Content-Type); undefined lets the magic bytes decide. */
  readonly declaredType?: string;
  /** When the camera took the frame; default: now. */
  readonly capturedAt?: Date;
  readonly source: FrameSource;
  /**
   * The frame's own golden template, already stored (replay of DeepPCB has one per image, the
   * simulator one per scene). Undefined: the line's template, if it has one.
   */
  readonly templateKey?: string;
}

export interface IngestFrameResult {
  readonly frameId: string;
  readonly objectKey: string;
  /** True when this camera had sent these exact bytes before: nothing new was stored. */
  readonly duplicate: boolean;
  readonly event: FrameIngestedV1;
}

/**
 * Accepts one frame from any source (HTTP, watched folder, simulator, replay).
 *
 * Durability choice: **503, no spool.** A frame is acknowledged only after the object is in S3,
 * its row is in Postgres and frame-ingested is stored by Kafka; if any of them fails the caller
 * gets `IngestUnavailableError` (HTTP 503 + Retry-After) and sends the frame again. A spool would
 * be a second, node-local copy of the truth that dies with the disk; cameras and folders can
 * retry, and the order below makes every retry finish the job:
 *
 * 1. check the bytes (type, header, dimensions) — nothing is written for a bad frame;
 * 2. look up line and camera (404s);
 * 3. frame id = UUIDv5(line/camera/sha256): known before any write, the same on every retry;
 * 4. the row with that id and this content exists already (looked up by primary key) → the earlier
 *    attempt stored object and row, maybe not the event: publish it again (events are
 *    at-least-once, consumers idempotent) marked as a repeat (EventHeaders.repeat), answer duplicate;
 * 5. else store the object (same key on a retry: an overwrite with the same bytes), then record
 *    the row (idempotent on line+camera+sha256), then publish.
 */
export class IngestFrameUseCase {
  constructor(
    private readonly targets: IngestTargetLookup,
    private readonly frames: FrameLedger,
    private readonly store: FrameObjectStore,
    private readonly bus: FramePublisher,
    private readonly clock: Clock,
    private readonly settings: IngestFrameSettings,
  ) {}

  async execute(command: IngestFrameCommand): Promise<IngestFrameResult> {
    if (command.bytes.length > this.settings.maxFrameBytes) {
      throw new FrameTooLargeError(this.settings.maxFrameBytes, command.bytes.length);
    }
    const image = inspectFrameImage(command.bytes, command.declaredType, this.settings.dimensions);
    const target = await this.lookUp(command.lineId, command.cameraId);
    const templateKey = command.templateKey ?? target.template?.objectKey ?? null;
    const sha256 = createHash('sha256').update(command.bytes).digest('hex');

    const frameId = frameIdFor(command.lineId, command.cameraId, sha256);
    const earlier = await this.database(() => this.frames.findIngested(frameId, command.lineId, command.cameraId, sha256));
    if (earlier) {
      const event = this.eventFor(earlier, templateKey, command.source);
      await this.publish(event, { repeat: true });
      return { frameId: earlier.id, objectKey: earlier.objectKey, duplicate: true, event };
    }

    const capturedAt = command.capturedAt ?? this.clock.now();
    const objectKey = buildFrameObjectKey({
      lineId: command.lineId,
      cameraId: command.cameraId,
      capturedAt,
      frameId,
      extension: image.extension,
    });
    await this.dependency('object-store', () =>
      this.store.put(objectKey, command.bytes, {
        contentType: image.contentType,
        size: command.bytes.length,
        metadata: { 'frame-id': frameId, sha256 },
      }),
    );
    const recorded = await this.database(() =>
      this.frames.recordIngested({
        id: frameId,
        lineId: command.lineId,
        cameraId: command.cameraId,
        objectKey,
        contentType: image.contentType,
        templateKey,
        width: image.width,
        height: image.height,
        byteSize: command.bytes.length,
        sha256,
        capturedAt,
      }),
    );
    const event = this.eventFor(recorded.frame, templateKey, command.source);
    await this.publish(event, { repeat: !recorded.created });
    return { frameId: recorded.frame.id, objectKey: recorded.frame.objectKey, duplicate: !recorded.created, event };
  }

  private async lookUp(lineId: string, cameraId: string): Promise<IngestTarget> {
    const target = await this.database(() => this.targets.findIngestTarget(lineId, cameraId));
    if (!target) throw new UnknownLineError(lineId);
    if (!target.camera) throw new UnknownCameraError(lineId, cameraId);
    return target;
  }

  private eventFor(frame: Frame, templateKey: string | null, source: FrameSource): FrameIngestedV1 {
    return {
      eventId: randomUUID(),
      occurredAt: this.clock.now().toISOString(),
      frameId: frame.id,
      lineId: frame.lineId,
      cameraId: frame.cameraId,
      bucket: this.store.bucket,
      objectKey: frame.objectKey,
      templateKey,
      contentType: frame.contentType,
      width: frame.width,
      height: frame.height,
      byteSize: frame.byteSize,
      sha256: frame.sha256,
      capturedAt: frame.capturedAt.toISOString(),
      source,
    };
  }

  /** `repeat`: the frame was stored before, this announces it again (EventHeaders.repeat). */
  private async publish(event: FrameIngestedV1, { repeat }: { repeat: boolean }): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`publishing took longer than ${this.settings.publishTimeoutMs} ms`)),
        this.settings.publishTimeoutMs,
      );
    });
    try {
      await this.dependency('message-bus', () =>
        Promise.race([this.bus.publish(Topics.frameIngested, event, repeat ? { headers: REPEAT_HEADERS } : {}), timeout]),
      );
    } finally {
      clearTimeout(timer);
    }
  }

  /** Postgres: a camera deleted meanwhile is a 404; the lib's other domain errors are bugs; anything else means unavailable. */
  private async database<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof CameraNotFoundError) {
        const [lineId = '', cameraId = ''] = error.id.split('/');
        throw new UnknownCameraError(lineId, cameraId);
      }
      if (error instanceof PersistenceError) throw error;
      throw new IngestUnavailableError('database', this.settings.retryAfterSeconds, { cause: error });
    }
  }

  /** Errors that are our own bugs (an invalid key or message) stay 500s; every other failure of the dependency is a 503. */
  private async dependency<T>(name: IngestDependency, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof InvalidObjectKeyError || error instanceof InvalidObjectMetadataError || error instanceof InvalidMessageError) {
        throw error;
      }
      throw new IngestUnavailableError(name, this.settings.retryAfterSeconds, { cause: error });
    }
  }
}

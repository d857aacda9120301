import { createHash } from 'node:crypto';
import { EventHeaders, Topics } from '@argus/contracts';
import type { Frame, IngestTarget } from '@argus/persistence';
import { CameraNotFoundError, InvalidRecordError } from '@argus/persistence';
import { InvalidObjectKeyError, ObjectStoreError } from '@argus/storage';
import { jpegHeaderBytes, pngHeaderBytes } from '../testing/image-bytes.fixture';
import { forbidden, strictMock } from '@argus/platform/testing';
import { frameIdFor } from './frame-id.generator';
import {
  FrameTooLargeError,
  IngestUnavailableError,
  UnknownCameraError,
  UnknownLineError,
  UnsupportedFrameTypeError,
} from './frame-ingest.errors';
import {
  type FrameLedger,
  type FrameObjectStore,
  type FramePublisher,
  IngestFrameUseCase,
  type IngestTargetLookup,
} from './ingest-frame.use-case';

const NOW = new Date('2026-11-28T10:15:00.000Z');
const settings = { maxFrameBytes: 1000, dimensions: { minDimension: 16, maxDimension: 8192 }, retryAfterSeconds: 7, publishTimeoutMs: 200 };
const target: IngestTarget = { lineId: 'line-1', camera: { lineId: 'line-1', id: 'cam-1' }, template: null };

function frameRow(overrides: Partial<Frame> = {}): Frame {
  return {
    id: '11111111-1111-5111-8111-111111111111',
    lineId: 'line-1',
    cameraId: 'cam-1',
    objectKey: 'line-1/cam-1/2026/11/27/11111111-1111-5111-8111-111111111111.png',
    contentType: 'image/png',
    templateKey: null,
    width: 64,
    height: 48,
    byteSize: 50,
    sha256: 'f'.repeat(64),
    capturedAt: new Date('2026-11-27T08:00:00.000Z'),
    ingestedAt: new Date('2026-11-27T08:00:01.000Z'),
    status: 'ingested',
    failureReason: null,
    ...overrides,
  };
}

function setUp(parts: {
  targets?: Partial<IngestTargetLookup>;
  frames?: Partial<FrameLedger>;
  store?: Partial<FrameObjectStore>;
  bus?: Partial<FramePublisher>;
}) {
  const targets = strictMock<IngestTargetLookup>('targets', { findIngestTarget: jest.fn(async () => target), ...parts.targets });
  const frames = strictMock<FrameLedger>('frames', {
    findIngested: jest.fn(async () => null),
    recordIngested: forbidden('frames.recordIngested'),
    ...parts.frames,
  });
  const store = strictMock<FrameObjectStore>('store', { bucket: 'argus', put: forbidden('store.put'), ...parts.store });
  const bus = strictMock<FramePublisher>('bus', { publish: forbidden('bus.publish'), ...parts.bus });
  const useCase = new IngestFrameUseCase(targets, frames, store, bus, { now: () => NOW }, settings);
  return { useCase, targets, frames, store, bus };
}

const png = pngHeaderBytes(64, 48);
const sha = createHash('sha256').update(png).digest('hex');

describe('IngestFrameUseCase', () => {
  it('stores the object, records the row, then publishes a schema-valid event, in that order', async () => {
    const calls: string[] = [];
    const expectedId = frameIdFor('line-1', 'cam-1', sha);
    const expectedKey = `line-1/cam-1/2026/11/28/${expectedId}.png`;
    const { useCase, store, frames, bus } = setUp({
      store: { put: jest.fn(async (key: string) => (calls.push('put'), { key, etag: 'e' })) },
      frames: {
        findIngested: jest.fn(async () => (calls.push('find'), null)),
        recordIngested: jest.fn(async (input) => {
          calls.push('record');
          return {
            frame: frameRow({
              id: input.id,
              objectKey: input.objectKey,
              sha256: input.sha256,
              byteSize: input.byteSize,
              capturedAt: input.capturedAt,
            }),
            created: true,
          };
        }),
      },
      bus: { publish: jest.fn(async () => void calls.push('publish')) },
    });

    const result = await useCase.execute({ lineId: 'line-1', cameraId: 'cam-1', bytes: png, declaredType: 'image/png', source: 'http' });

    expect(calls).toEqual(['find', 'put', 'record', 'publish']);
    expect(result).toMatchObject({ frameId: expectedId, objectKey: expectedKey, duplicate: false });
    expect(frames.findIngested).toHaveBeenCalledWith(expectedId, 'line-1', 'cam-1', sha);
    expect(store.put).toHaveBeenCalledWith(expectedKey, png, {
      contentType: 'image/png',
      size: png.length,
      metadata: { 'frame-id': expectedId, sha256: sha },
    });
    expect(frames.recordIngested).toHaveBeenCalledWith({
      id: expectedId,
      lineId: 'line-1',
      cameraId: 'cam-1',
      objectKey: expectedKey,
      contentType: 'image/png',
      templateKey: null,
      width: 64,
      height: 48,
      byteSize: png.length,
      sha256: sha,
      capturedAt: NOW,
    });
    const [topic, event, options] = (bus.publish as jest.Mock).mock.calls[0] as [unknown, unknown, { headers?: Record<string, string> }];
    expect(topic).toBe(Topics.frameIngested);
    expect(options.headers?.[EventHeaders.repeat]).toBeUndefined(); // a new frame: counted as stored
    expect(Topics.frameIngested.schema.parse(event)).toMatchObject({
      frameId: expectedId,
      bucket: 'argus',
      objectKey: expectedKey,
      templateKey: null,
      source: 'http',
      capturedAt: NOW.toISOString(),
    });
  });

  it("carries the line's template, or the frame's own template key when the source gives one", async () => {
    const withTemplate = { ...target, template: { objectKey: 'line-1/template.png', width: 64, height: 48 } };
    const published: { templateKey: string | null }[] = [];
    const parts = {
      targets: { findIngestTarget: jest.fn(async () => withTemplate) },
      store: { put: jest.fn(async (key: string) => ({ key, etag: 'e' })) },
      frames: {
        recordIngested: jest.fn(async (input) => ({ frame: frameRow({ id: input.id, objectKey: input.objectKey }), created: true })),
      },
      bus: { publish: jest.fn(async (_t: unknown, event: unknown) => void published.push(event as { templateKey: string | null })) },
    };
    const { useCase } = setUp(parts);
    await useCase.execute({ lineId: 'line-1', cameraId: 'cam-1', bytes: png, source: 'folder' });
    await useCase.execute({
      lineId: 'line-1',
      cameraId: 'cam-1',
      bytes: png,
      source: 'replay',
      templateKey: 'line-1/cam-1/templates/x.jpg',
    });
    expect(published.map((e) => e.templateKey)).toEqual(['line-1/template.png', 'line-1/cam-1/templates/x.jpg']);
    // …and records it with the frame (a review names the template the frame was compared with).
    expect(parts.frames.recordIngested.mock.calls.map(([input]) => (input as { templateKey: string | null }).templateKey)).toEqual([
      'line-1/template.png',
      'line-1/cam-1/templates/x.jpg',
    ]);
  });

  it('answers a retried upload with the earlier frame and publishes its event again, storing nothing', async () => {
    const earlier = frameRow();
    const { useCase, bus } = setUp({
      frames: { findIngested: jest.fn(async () => earlier) },
      bus: { publish: jest.fn(async () => undefined) },
    });
    const result = await useCase.execute({ lineId: 'line-1', cameraId: 'cam-1', bytes: png, source: 'http' });
    expect(result).toMatchObject({ frameId: earlier.id, objectKey: earlier.objectKey, duplicate: true });
    expect(bus.publish).toHaveBeenCalledTimes(1);
    expect(result.event).toMatchObject({ frameId: earlier.id, capturedAt: earlier.capturedAt.toISOString(), sha256: earlier.sha256 });
    // …marked as a repeat, so counts of frames stored leave it out.
    expect((bus.publish as jest.Mock).mock.calls[0]?.[2]).toEqual({ headers: { [EventHeaders.repeat]: 'true' } });
  });

  it('reports duplicate when a concurrent upload recorded the same content first', async () => {
    const { useCase, bus } = setUp({
      store: { put: jest.fn(async (key: string) => ({ key, etag: 'e' })) },
      frames: { recordIngested: jest.fn(async () => ({ frame: frameRow(), created: false })) },
      bus: { publish: jest.fn(async () => undefined) },
    });
    expect(await useCase.execute({ lineId: 'line-1', cameraId: 'cam-1', bytes: png, source: 'http' })).toMatchObject({ duplicate: true });
    expect((bus.publish as jest.Mock).mock.calls[0]?.[2]).toEqual({ headers: { [EventHeaders.repeat]: 'true' } });
  });

  it('refuses bad frames before any I/O', async () => {
    const { useCase } = setUp({
      targets: { findIngestTarget: forbidden('targets.findIngestTarget') },
      frames: { findIngested: forbidden('frames.findIngested') },
    });
    await expect(
      useCase.execute({ lineId: 'line-1', cameraId: 'cam-1', bytes: Buffer.alloc(1001, 1), source: 'http' }),
    ).rejects.toBeInstanceOf(FrameTooLargeError);
    await expect(
      useCase.execute({ lineId: 'line-1', cameraId: 'cam-1', bytes: jpegHeaderBytes(64, 64), declaredType: 'image/png', source: 'http' }),
    ).rejects.toBeInstanceOf(UnsupportedFrameTypeError);
  });

  it('answers 404 for an unknown line or camera, also when the camera vanishes before the row is written', async () => {
    await expect(
      setUp({ targets: { findIngestTarget: jest.fn(async () => null) } }).useCase.execute({
        lineId: 'line-9',
        cameraId: 'cam-1',
        bytes: png,
        source: 'http',
      }),
    ).rejects.toBeInstanceOf(UnknownLineError);
    await expect(
      setUp({ targets: { findIngestTarget: jest.fn(async () => ({ ...target, camera: null })) } }).useCase.execute({
        lineId: 'line-1',
        cameraId: 'cam-9',
        bytes: png,
        source: 'http',
      }),
    ).rejects.toThrow('camera "cam-9" does not exist on line "line-1"');
    const vanished = setUp({
      store: { put: jest.fn(async (key: string) => ({ key, etag: 'e' })) },
      frames: { recordIngested: jest.fn(async () => Promise.reject(new CameraNotFoundError('line-1', 'cam-1'))) },
    });
    await expect(vanished.useCase.execute({ lineId: 'line-1', cameraId: 'cam-1', bytes: png, source: 'http' })).rejects.toBeInstanceOf(
      UnknownCameraError,
    );
  });

  it('turns an S3, Postgres or Kafka failure into 503 naming the dependency, with the Retry-After', async () => {
    const s3Down = setUp({
      store: { put: jest.fn(async () => Promise.reject(new ObjectStoreError('object-store.unavailable', 'ECONNREFUSED'))) },
    });
    await expect(s3Down.useCase.execute({ lineId: 'line-1', cameraId: 'cam-1', bytes: png, source: 'http' })).rejects.toMatchObject({
      code: 'ingest.unavailable',
      dependency: 'object-store',
      retryAfterSeconds: 7,
    });

    const pgDown = setUp({ targets: { findIngestTarget: jest.fn(async () => Promise.reject(new Error('connect ECONNREFUSED'))) } });
    await expect(pgDown.useCase.execute({ lineId: 'line-1', cameraId: 'cam-1', bytes: png, source: 'http' })).rejects.toMatchObject({
      dependency: 'database',
    });

    const kafkaDown = setUp({
      store: { put: jest.fn(async (key: string) => ({ key, etag: 'e' })) },
      frames: { recordIngested: jest.fn(async (input) => ({ frame: frameRow({ id: input.id }), created: true })) },
      bus: { publish: jest.fn(async () => Promise.reject(new Error('KafkaJSConnectionError'))) },
    });
    const error = await kafkaDown.useCase
      .execute({ lineId: 'line-1', cameraId: 'cam-1', bytes: png, source: 'http' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IngestUnavailableError);
    expect(error).toMatchObject({ dependency: 'message-bus' });
  });

  it('counts a publish slower than the timeout as Kafka unavailable', async () => {
    const { useCase } = setUp({
      store: { put: jest.fn(async (key: string) => ({ key, etag: 'e' })) },
      frames: { recordIngested: jest.fn(async (input) => ({ frame: frameRow({ id: input.id }), created: true })) },
      bus: { publish: jest.fn(() => new Promise<void>(() => undefined)) },
    });
    await expect(useCase.execute({ lineId: 'line-1', cameraId: 'cam-1', bytes: png, source: 'http' })).rejects.toMatchObject({
      dependency: 'message-bus',
      message: expect.stringContaining('unavailable'),
    });
  });

  it('keeps our own bugs as errors, not 503s', async () => {
    const badKey = setUp({ store: { put: jest.fn(async () => Promise.reject(new InvalidObjectKeyError('x', 'bad'))) } });
    await expect(badKey.useCase.execute({ lineId: 'line-1', cameraId: 'cam-1', bytes: png, source: 'http' })).rejects.toBeInstanceOf(
      InvalidObjectKeyError,
    );
    const badRow = setUp({
      store: { put: jest.fn(async (key: string) => ({ key, etag: 'e' })) },
      frames: { recordIngested: jest.fn(async () => Promise.reject(new InvalidRecordError('chk_frame_size'))) },
    });
    await expect(badRow.useCase.execute({ lineId: 'line-1', cameraId: 'cam-1', bytes: png, source: 'http' })).rejects.toBeInstanceOf(
      InvalidRecordError,
    );
  });
});

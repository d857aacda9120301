import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { encodeImage } from '@argus/vision/data';
import { defaultTestSettings, IngestInfraHarness, silentLogger } from '../testing/ingest-infra.harness';
import { waitFor } from '@argus/platform/testing';
import { IngestFrameUseCase } from '../ingest/ingest-frame.use-case';
import { DatasetReplaySource, listReplayItems } from './dataset-replay.source';
import { SimulatedCameraSource } from './simulated-camera.source';
import { WatchedFolderSource } from './watched-folder.source';
import { parseIngestSources } from './ingest-sources.config';

jest.setTimeout(90_000);

const infra = new IngestInfraHarness();
let ingest: IngestFrameUseCase;
let lineId: string;
let folder: string;

beforeAll(async () => {
  await infra.start();
  lineId = await infra.line('sources', ['cam-folder', 'cam-sim', 'aoi-1']);
  ingest = new IngestFrameUseCase(infra.lines, infra.frames, infra.store, infra.bus, { now: () => new Date() }, defaultTestSettings);
  folder = await mkdtemp(path.join(tmpdir(), 'argus-watched-'));
});

afterAll(async () => {
  await infra.stop();
  await rm(folder, { recursive: true, force: true });
});

function sourceConfig(source: Record<string, unknown>) {
  const [parsed] = parseIngestSources(JSON.stringify({ sources: [{ lineId, ...source }] }));
  if (!parsed) throw new Error('no source');
  return parsed;
}

describe('ingest sources on Kafka, S3Proxy and Postgres', () => {
  it('a watched folder ingests a stable image once and moves it to done/, a bad one to failed/ with the reason', async () => {
    const config = sourceConfig({ kind: 'folder', cameraId: 'cam-folder', path: folder, pollIntervalMs: 50, stableForMs: 100 });
    if (config.kind !== 'folder') throw new Error('folder expected');
    const source = new WatchedFolderSource(config, ingest, silentLogger);
    source.start();
    infra.onClose(() => source.stop());

    const data = new Uint8Array(40 * 30 * 3).map((_, i) => (i * 13) % 256);
    const good = await encodeImage({ data, width: 40, height: 30, channels: 3 }, 'png');
    await writeFile(path.join(folder, 'shot-001.png'), good);
    await writeFile(path.join(folder, 'shot-002.jpg'), good); // PNG bytes under a .jpg name
    await writeFile(path.join(folder, 'notes.txt'), 'left alone');

    await waitFor('both files to be handled', () => source.counts.ingested + source.counts.failed === 2, 20_000);
    expect(source.counts).toEqual({ ingested: 1, failed: 1 });
    expect(await readdir(folder)).toEqual(expect.arrayContaining(['done', 'failed', 'notes.txt']));
    expect(await readdir(path.join(folder, 'done'))).toEqual(['shot-001.png']);
    expect((await readdir(path.join(folder, 'failed'))).sort()).toEqual(['shot-002.jpg', 'shot-002.jpg.reason.txt']);
    expect(await readFile(path.join(folder, 'failed', 'shot-002.jpg.reason.txt'), 'utf8')).toContain('frame.unsupported-type');

    const [frame] = await infra.frames.listForCamera(lineId, 'cam-folder');
    expect(frame).toMatchObject({ contentType: 'image/png', width: 40, height: 30 });
    await waitFor('its event', () => infra.events.some((e) => e.frameId === frame?.id && e.source === 'folder'), 30_000);
    await source.stop();
  });

  it('a simulated camera emits N synthetic frames with their templates, then stops', async () => {
    const config = sourceConfig({
      kind: 'simulator',
      cameraId: 'cam-sim',
      feed: 'factory',
      fps: 50,
      count: 5,
      seed: 7,
      width: 96,
      height: 96,
    });
    if (config.kind !== 'simulator') throw new Error('simulator expected');
    const source = new SimulatedCameraSource(config, ingest, infra.store, silentLogger);
    source.start();
    await source.finished;
    expect(source.framesSent).toBe(5);

    const frames = await infra.frames.listForCamera(lineId, 'cam-sim');
    expect(frames).toHaveLength(5);
    await waitFor('5 simulator events', () => infra.events.filter((e) => e.cameraId === 'cam-sim').length >= 5, 30_000);
    const events = infra.events.filter((e) => e.cameraId === 'cam-sim');
    expect(new Set(events.map((e) => e.frameId))).toEqual(new Set(frames.map((f) => f.id)));
    for (const event of events) {
      expect(event).toMatchObject({ source: 'simulator', width: 96, height: 96, contentType: 'image/png' });
      expect(event.templateKey).toMatch(new RegExp(`^${lineId}/cam-sim/templates/[0-9a-f]{64}\\.png$`));
      expect(await infra.store.exists(event.templateKey ?? '')).toBe(true);
    }
  });

  it('replays a DeepPCB folder in order, each frame with its own template key', async () => {
    const root = path.resolve(__dirname, '../../../../libs/vision/test-fixtures/deeppcb-mini');
    const config = sourceConfig({ kind: 'replay', cameraId: 'aoi-1', path: root, fps: 50 });
    if (config.kind !== 'replay') throw new Error('replay expected');
    const source = new DatasetReplaySource(config, ingest, infra.store, silentLogger);
    source.start();
    await source.finished;
    const items = await listReplayItems(root);
    expect(source.framesSent).toBe(items.length);
    // The fixture's images may share bytes: one frame per distinct content (ingest is idempotent), one event per image sent.
    const distinct = new Set(
      await Promise.all(
        items.map(async (i) =>
          createHash('sha256')
            .update(await readFile(i.imagePath))
            .digest('hex'),
        ),
      ),
    );
    const frames = await infra.frames.listForCamera(lineId, 'aoi-1');
    expect(frames).toHaveLength(distinct.size);
    await waitFor('the replay events', () => infra.events.filter((e) => e.cameraId === 'aoi-1').length >= items.length, 30_000);
    const events = infra.events.filter((e) => e.cameraId === 'aoi-1');
    expect(events.every((e) => e.source === 'replay' && e.templateKey?.startsWith(`${lineId}/aoi-1/templates/`))).toBe(true);
    for (const key of new Set(events.map((e) => e.templateKey))) expect(await infra.store.exists(key ?? '')).toBe(true);
  });
});

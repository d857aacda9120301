import type { IngestTarget } from '@argus/persistence';
import { CachedIngestTargets } from './ingest-target.cache';

const target = (cameraId: string | null, templateKey: string | null = null): IngestTarget => ({
  lineId: 'line-1',
  camera: cameraId === null ? null : { lineId: 'line-1', id: cameraId },
  template: templateKey === null ? null : { objectKey: templateKey, width: 640, height: 480 },
});

describe('CachedIngestTargets', () => {
  let clock = 0;
  const answers = new Map<string, IngestTarget | null>();
  const calls: string[] = [];
  const source = {
    findIngestTarget: async (lineId: string, cameraId: string) => {
      calls.push(`${lineId}/${cameraId}`);
      return answers.get(`${lineId}/${cameraId}`) ?? null;
    },
  };
  const cache = () => new CachedIngestTargets(source, 5_000, () => clock);

  beforeEach(() => {
    clock = 0;
    answers.clear();
    calls.length = 0;
  });

  it('asks Postgres once per TTL for a known camera, then again after it', async () => {
    answers.set('line-1/cam-1', target('cam-1', 'line-1/template-a.png'));
    const targets = cache();
    expect(await targets.findIngestTarget('line-1', 'cam-1')).toEqual(target('cam-1', 'line-1/template-a.png'));
    clock = 4_999;
    await targets.findIngestTarget('line-1', 'cam-1');
    expect(calls).toEqual(['line-1/cam-1']);
    answers.set('line-1/cam-1', target('cam-1', 'line-1/template-b.png'));
    clock = 5_000;
    expect((await targets.findIngestTarget('line-1', 'cam-1'))?.template?.objectKey).toBe('line-1/template-b.png');
    expect(calls).toHaveLength(2);
  });

  it('never caches an unknown line or camera: a camera added a moment ago is found on its next frame', async () => {
    const targets = cache();
    expect(await targets.findIngestTarget('line-1', 'cam-9')).toBeNull();
    answers.set('line-1/cam-9', target(null));
    expect((await targets.findIngestTarget('line-1', 'cam-9'))?.camera).toBeNull();
    answers.set('line-1/cam-9', target('cam-9'));
    expect((await targets.findIngestTarget('line-1', 'cam-9'))?.camera?.id).toBe('cam-9');
    expect(calls).toEqual(['line-1/cam-9', 'line-1/cam-9', 'line-1/cam-9']);
  });

  it('keeps cameras apart', async () => {
    answers.set('line-1/cam-1', target('cam-1'));
    answers.set('line-1/cam-2', target('cam-2'));
    const targets = cache();
    expect((await targets.findIngestTarget('line-1', 'cam-1'))?.camera?.id).toBe('cam-1');
    expect((await targets.findIngestTarget('line-1', 'cam-2'))?.camera?.id).toBe('cam-2');
  });
});

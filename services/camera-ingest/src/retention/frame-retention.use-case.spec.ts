import type { AgeCutoffs, FrameDeletion, FrameRetentionClass, FrameToDelete, ProductionLine, RetentionCandidate } from '@argus/persistence';
import { strictMock } from '@argus/platform/testing';
import { ObjectNotFoundError, type ObjectStat } from '@argus/storage';
import type { RetentionRules } from './frame-retention.policy';
import {
  type FrameRetentionSettings,
  FrameRetentionUseCase,
  type RetentionLedger,
  type RetentionLines,
  type RetentionObjectStore,
} from './frame-retention.use-case';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const NOW = new Date('2026-12-07T12:00:00.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);

interface FakeFrame extends RetentionCandidate {
  readonly lineId: string;
}

/**
 * The frame rows in memory with the repository's semantics (classes, cutoffs, oldest first,
 * deleteFrames re-checking the class), and the objects with their modification times. Deleting
 * an object whose frame row still exists fails the test: rows always go first.
 */
class FakeWorld {
  readonly frames = new Map<string, FakeFrame>();
  readonly objects = new Map<string, Date>();
  readonly lineTemplates = new Set<string>();
  readonly deleteCalls: string[][] = [];
  /** Objects deleted while a row still named them (the use case logs the error and goes on: tests look here). */
  readonly danglingRows: string[] = [];
  /** Classes to switch to just before deleteFrames runs (an alert or review arriving meanwhile). */
  readonly classChanges = new Map<string, FrameRetentionClass>();

  add(
    lineId: string,
    id: string,
    ingestedAt: Date,
    retentionClass: FrameRetentionClass,
    byteSize = 100,
    templateKey: string | null = null,
  ): void {
    const objectKey = `${lineId}/cam/${id}.png`;
    this.frames.set(id, { lineId, id, objectKey, templateKey, byteSize, ingestedAt, retentionClass });
    this.objects.set(objectKey, ingestedAt);
    if (templateKey) this.objects.set(templateKey, ingestedAt);
  }

  ids(): string[] {
    return [...this.frames.keys()].sort();
  }

  private oldestFirst(lineId: string): FakeFrame[] {
    return [...this.frames.values()]
      .filter((f) => f.lineId === lineId)
      .sort((a, b) => a.ingestedAt.getTime() - b.ingestedAt.getTime() || a.id.localeCompare(b.id));
  }

  ledger(): RetentionLedger {
    return strictMock<RetentionLedger>('ledger', {
      findExpiredByAge: async (lineId: string, cutoffs: AgeCutoffs, limit: number) =>
        this.oldestFirst(lineId)
          .filter((f) => {
            const cutoff = cutoffs[f.retentionClass];
            return cutoff !== null && f.ingestedAt < cutoff;
          })
          .slice(0, limit),
      lineFrameBytes: async (lineId: string) => {
        const frames = this.oldestFirst(lineId);
        return { frames: frames.length, bytes: frames.reduce((sum, f) => sum + f.byteSize, 0) };
      },
      findOldest: async (lineId: string, retentionClass: FrameRetentionClass, before: Date, limit: number) =>
        this.oldestFirst(lineId)
          .filter((f) => f.retentionClass === retentionClass && f.ingestedAt < before)
          .slice(0, limit),
      deleteFrames: async (chosen: readonly FrameToDelete[]): Promise<FrameDeletion> => {
        this.deleteCalls.push(chosen.map((c) => c.id));
        const rank = { plain: 0, alerted: 1, reviewed: 2 } as const;
        for (const [id, retentionClass] of this.classChanges) {
          const frame = this.frames.get(id);
          if (frame) this.frames.set(id, { ...frame, retentionClass });
        }
        const deleted: FrameDeletion['deleted'][number][] = [];
        const kept: string[] = [];
        for (const c of chosen) {
          const frame = this.frames.get(c.id);
          if (!frame || rank[frame.retentionClass] > rank[c.retentionClass]) {
            kept.push(c.id);
            continue;
          }
          this.frames.delete(c.id);
          deleted.push({
            id: frame.id,
            objectKey: frame.objectKey,
            templateKey: frame.templateKey,
            byteSize: frame.byteSize,
            ingestedAt: frame.ingestedAt,
          });
        }
        const templates = [...new Set(deleted.map((d) => d.templateKey).filter((k): k is string => k !== null))];
        const named = new Set([...this.frames.values()].map((f) => f.templateKey));
        return { deleted, kept, unreferencedTemplateKeys: templates.filter((k) => !named.has(k) && !this.lineTemplates.has(k)) };
      },
    });
  }

  store(): RetentionObjectStore {
    return strictMock<RetentionObjectStore>('store', {
      stat: async (key: string): Promise<ObjectStat> => {
        const modified = this.objects.get(key);
        if (!modified) throw new ObjectNotFoundError('argus', key);
        return { key, size: 1, contentType: 'image/png', etag: 'e', lastModified: modified, metadata: {} };
      },
      delete: async (key: string) => {
        const stillNamed = [...this.frames.values()].some((f) => f.objectKey === key || f.templateKey === key);
        if (stillNamed) {
          this.danglingRows.push(key);
          throw new Error(`object ${key} deleted while a row still names it`);
        }
        this.objects.delete(key);
      },
    });
  }
}

const DEFAULTS: RetentionRules = { maxAgeMs: 7 * DAY, alertedMaxAgeMs: 90 * DAY, reviewedMaxAgeMs: null, maxBytes: null };
const SETTINGS: FrameRetentionSettings = {
  defaults: DEFAULTS,
  batchSize: 2,
  batchPauseMs: 0,
  minAgeMs: 10 * MINUTE,
  objectGraceMs: MINUTE,
};
const quietLogger = { info: () => undefined, warn: () => undefined };

function lines(...entries: [string, Record<string, unknown>][]): RetentionLines {
  return strictMock<RetentionLines>('lines', {
    listLines: async () => entries.map(([id, settings]): ProductionLine => ({ id, name: id, settings, createdAt: NOW, updatedAt: NOW })),
  });
}

const worlds: FakeWorld[] = [];

function retention(world: FakeWorld, lineList: RetentionLines, settings: Partial<FrameRetentionSettings> = {}): FrameRetentionUseCase {
  worlds.push(world);
  return new FrameRetentionUseCase(lineList, world.ledger(), world.store(), { now: () => NOW }, quietLogger, { ...SETTINGS, ...settings });
}

describe('FrameRetentionUseCase (fakes)', () => {
  afterEach(() => {
    // Rows go first: no object was ever deleted while a row named it.
    for (const world of worlds.splice(0)) expect(world.danglingRows).toEqual([]);
  });

  it('deletes frames past their age with their objects, keeps alerted frames within their longer age and reviewed frames always', async () => {
    const world = new FakeWorld();
    world.add('line-1', 'plain-old', ago(8 * DAY), 'plain', 100, 'line-1/cam/templates/t-old.png');
    world.add('line-1', 'plain-older', ago(9 * DAY), 'plain');
    world.add('line-1', 'plain-young', ago(6 * DAY), 'plain');
    world.add('line-1', 'alerted-30d', ago(30 * DAY), 'alerted');
    world.add('line-1', 'alerted-91d', ago(91 * DAY), 'alerted');
    world.add('line-1', 'reviewed-3y', ago(1000 * DAY), 'reviewed');

    const report = await retention(world, lines(['line-1', {}])).runPass();

    expect(world.ids()).toEqual(['alerted-30d', 'plain-young', 'reviewed-3y']);
    expect([...world.objects.keys()].sort()).toEqual([
      'line-1/cam/alerted-30d.png',
      'line-1/cam/plain-young.png',
      'line-1/cam/reviewed-3y.png',
    ]);
    expect(report.lines[0]).toMatchObject({
      lineId: 'line-1',
      framesByAge: 3,
      framesBySize: 0,
      bytes: 300,
      objectsDeleted: 4,
      objectsLeft: 0,
    });
    // Batches of two, oldest first.
    expect(world.deleteCalls).toEqual([['alerted-91d', 'plain-older'], ['plain-old']]);
  });

  it("applies a line's own ages from its settings, other lines keeping the defaults", async () => {
    const world = new FakeWorld();
    world.add('short', 'a', ago(2 * DAY), 'plain');
    world.add('short', 'b', ago(20 * DAY), 'alerted');
    world.add('short', 'c', ago(20 * DAY), 'reviewed');
    world.add('default', 'd', ago(2 * DAY), 'plain');

    await retention(
      world,
      lines(['short', { retention: { maxAge: '1d', alertedMaxAge: '10d', reviewedMaxAge: '15d' } }], ['default', {}]),
    ).runPass();

    expect(world.ids()).toEqual(['d']);
  });

  it('over the byte cap removes the oldest plain frames first, alerted ones only when none is left, never reviewed or too young ones', async () => {
    const world = new FakeWorld();
    world.add('line-1', 'reviewed', ago(5 * DAY), 'reviewed', 400);
    world.add('line-1', 'alerted-old', ago(4 * DAY), 'alerted', 100);
    world.add('line-1', 'plain-1', ago(3 * DAY), 'plain', 100);
    world.add('line-1', 'alerted-new', ago(2 * DAY), 'alerted', 100);
    world.add('line-1', 'plain-2', ago(1 * DAY), 'plain', 100);
    world.add('line-1', 'plain-3', ago(MINUTE), 'plain', 100); // younger than minAge

    // 900 bytes, cap 650: 250 to go → plain-1, plain-2 (plain-3 too young), then alerted-old.
    const report = await retention(world, lines(['line-1', { retention: { maxBytes: 650 } }])).runPass();
    expect(world.ids()).toEqual(['alerted-new', 'plain-3', 'reviewed']);
    expect(report.lines[0]).toMatchObject({ framesBySize: 3, framesByAge: 0, bytes: 300, overCapBytes: 0 });

    // Cap below the reviewed frame alone: everything removable goes, the rest is reported.
    const again = await retention(world, lines(['line-1', { retention: { maxBytes: 300 } }])).runPass();
    expect(world.ids()).toEqual(['plain-3', 'reviewed']);
    expect(again.lines[0]).toMatchObject({ framesBySize: 1, overCapBytes: 200 });
  });

  it('leaves an object written again after its row was deleted (an orphan at worst), and one already gone', async () => {
    const world = new FakeWorld();
    world.add('line-1', 'old', ago(8 * DAY), 'plain', 100, 'line-1/cam/templates/shared.png');
    world.objects.set('line-1/cam/templates/shared.png', ago(MINUTE)); // stored again for a new frame a minute ago
    world.add('line-1', 'old-2', ago(8 * DAY), 'plain');
    world.objects.delete('line-1/cam/old-2.png');

    const report = await retention(world, lines(['line-1', {}])).runPass();

    expect(world.ids()).toEqual([]);
    expect([...world.objects.keys()]).toEqual(['line-1/cam/templates/shared.png']);
    expect(report.lines[0]).toMatchObject({ framesByAge: 2, objectsDeleted: 1, objectsLeft: 1 });
  });

  it("deletes the objects of frames only minutes old (the size cap), the store's clock a little ahead of the database's", async () => {
    const world = new FakeWorld();
    world.add('line-1', 'three-minutes', ago(3 * MINUTE), 'plain', 100, 'line-1/cam/templates/t3.png');
    world.objects.set('line-1/cam/templates/t3.png', new Date(ago(3 * MINUTE).getTime() + 2_000));
    world.add('line-1', 'now', ago(0), 'plain', 100);

    const report = await retention(world, lines(['line-1', { retention: { maxBytes: 100 } }]), { minAgeMs: 2 * MINUTE }).runPass();

    expect(world.ids()).toEqual(['now']);
    expect([...world.objects.keys()]).toEqual(['line-1/cam/now.png']);
    expect(report.lines[0]).toMatchObject({ framesBySize: 1, objectsDeleted: 2, objectsLeft: 0 });
  });

  it('keeps a template another frame or the line still names, and a frame that gained a review since it was chosen', async () => {
    const world = new FakeWorld();
    world.add('line-1', 'old', ago(8 * DAY), 'plain', 100, 'line-1/cam/templates/shared.png');
    world.add('line-1', 'new', ago(1 * DAY), 'plain', 100, 'line-1/cam/templates/shared.png');
    world.add('line-1', 'old-line-template', ago(8 * DAY), 'plain', 100, 'line-1/templates/golden.png');
    world.lineTemplates.add('line-1/templates/golden.png');
    world.add('line-1', 'reviewed-meanwhile', ago(9 * DAY), 'plain');
    world.classChanges.set('reviewed-meanwhile', 'reviewed');

    const report = await retention(world, lines(['line-1', {}])).runPass();

    expect(world.ids()).toEqual(['new', 'reviewed-meanwhile']);
    expect(world.objects.has('line-1/cam/templates/shared.png')).toBe(true);
    expect(world.objects.has('line-1/templates/golden.png')).toBe(true);
    expect(report.lines[0]).toMatchObject({ framesByAge: 2, framesKept: 1 });
  });

  it('goes on with the other lines when one fails, and reports it', async () => {
    const world = new FakeWorld();
    world.add('line-2', 'old', ago(8 * DAY), 'plain');
    const ledger = world.ledger();
    const failing: RetentionLedger = {
      ...ledger,
      findExpiredByAge: (lineId, cutoffs, limit) =>
        lineId === 'line-1' ? Promise.reject(new Error('connection reset')) : ledger.findExpiredByAge(lineId, cutoffs, limit),
      lineFrameBytes: (lineId) => ledger.lineFrameBytes(lineId),
      findOldest: (...args) => ledger.findOldest(...args),
      deleteFrames: (frames) => ledger.deleteFrames(frames),
    };
    const useCase = new FrameRetentionUseCase(
      lines(['line-1', {}], ['line-2', {}]),
      failing,
      world.store(),
      { now: () => NOW },
      quietLogger,
      SETTINGS,
    );
    const report = await useCase.runPass();
    expect(report.failures).toEqual([{ lineId: 'line-1', error: 'connection reset' }]);
    expect(world.ids()).toEqual([]);
  });
});

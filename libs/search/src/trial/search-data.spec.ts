import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadTrainingData } from '@argus/vision';
import { tinyPcbSpec } from '@argus/vision/testing';
import { prepareSearchData } from './search-data';
import { InvalidSearchDataError } from './trial.errors';

const MINI = path.resolve(__dirname, '../../../vision/test-fixtures/deeppcb-mini/group20085');

/** A DeepPCB folder of `perGroup` pairs in each of three groups (the mini fixture's images, copied). */
function fakeDeepPcb(root: string, perGroup: number): void {
  const lines: string[] = [];
  for (const group of ['11111', '22222', '33333']) {
    mkdirSync(path.join(root, `group${group}`, group), { recursive: true });
    mkdirSync(path.join(root, `group${group}`, `${group}_not`), { recursive: true });
    for (let i = 0; i < perGroup; i++) {
      const id = `${group}${String(i).padStart(3, '0')}`;
      copyFileSync(path.join(MINI, '20085', '20085000_test.jpg'), path.join(root, `group${group}`, group, `${id}_test.jpg`));
      copyFileSync(path.join(MINI, '20085', '20085000_temp.jpg'), path.join(root, `group${group}`, group, `${id}_temp.jpg`));
      copyFileSync(path.join(MINI, '20085_not', '20085000.txt'), path.join(root, `group${group}`, `${group}_not`, `${id}.txt`));
      lines.push(`group${group}/${group}/${id}.jpg group${group}/${group}_not/${id}.txt`);
    }
  }
  writeFileSync(path.join(root, 'trainval.txt'), `${lines.join('\n')}\n`);
}

describe('prepareSearchData', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'argus-search-data-'));
    fakeDeepPcb(root, 20);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("never puts a sample of the source's validation part into search-train or search-val", async () => {
    const source = { kind: 'deeppcb' as const, path: root };
    const data = await prepareSearchData({ source });
    const shipped = await loadTrainingData(source, { seed: 1, validationFraction: 0.2 });
    const held = new Set(shipped.validation.map((s) => s.id));
    expect(held.size).toBe(12);
    expect([...data.excludedIds].sort()).toEqual([...held].sort());
    const searchIds = [...data.searchTrain, ...data.searchValidation].map((s) => s.id);
    expect(searchIds.filter((id) => held.has(id))).toEqual([]);
    // Every training sample of the source is in exactly one of the search's parts.
    expect(searchIds.sort()).toEqual(shipped.train.map((s) => s.id).sort());
    // Stratified by group: each group gives its share (20% of its 16 training samples, rounded) to search-val.
    const perGroup = new Map<string, number>();
    for (const s of data.searchValidation) perGroup.set(s.group ?? '', (perGroup.get(s.group ?? '') ?? 0) + 1);
    expect([...perGroup.values()].every((n) => n === 3 || n === 4)).toBe(true);
    expect(data.searchValidation).toHaveLength(10);
    expect(data.metric).toBe('deeppcb-ap');
  });

  it('is deterministic, and its training subsets are seeded prefixes of one another', async () => {
    const source = { kind: 'deeppcb' as const, path: root };
    const [a, b, other] = await Promise.all([
      prepareSearchData({ source }),
      prepareSearchData({ source }),
      prepareSearchData({ source, seed: 9 }),
    ]);
    expect(a.searchValidation.map((s) => s.id)).toEqual(b.searchValidation.map((s) => s.id));
    expect(a.trainSubset(10).map((s) => s.id)).toEqual(b.trainSubset(10).map((s) => s.id));
    expect(
      a
        .trainSubset(20)
        .map((s) => s.id)
        .slice(0, 10),
    ).toEqual(a.trainSubset(10).map((s) => s.id));
    expect(other.searchValidation.map((s) => s.id)).not.toEqual(a.searchValidation.map((s) => s.id));
    expect(a.trainSubset(1000)).toHaveLength(a.searchTrain.length);
  });

  it('decodes each input variant once and hands the same images to the next trial', async () => {
    const data = await prepareSearchData({
      source: { kind: 'synthetic', feed: 'pcb' },
      syntheticCount: 10,
      syntheticValidationCount: 3,
      syntheticSize: 64,
    });
    const spec = tinyPcbSpec();
    const first = await data.imagesFor(spec, 4);
    const again = await data.imagesFor(spec, 4);
    expect(first.train).toHaveLength(4);
    expect(again.train[0]).toBe(first.train[0]);
    expect(again.validation).toBe(first.validation);
    expect(first.train.map((i) => i.id)).toEqual(data.trainSubset(4).map((s) => s.id));
    const smaller = await data.imagesFor({ ...spec, input: { ...spec.input, width: 64, height: 64 } }, 4);
    expect(smaller.train[0]?.width).toBe(64);
  });

  it('refuses a search split that leaves a part empty', async () => {
    await expect(
      prepareSearchData({ source: { kind: 'synthetic', feed: 'pcb' }, syntheticCount: 1, syntheticValidationCount: 1, syntheticSize: 64 }),
    ).rejects.toBeInstanceOf(InvalidSearchDataError);
    await expect(prepareSearchData({ source: { kind: 'synthetic', feed: 'pcb' }, searchValidationFraction: 1 })).rejects.toThrow(
      /searchValidationFraction/,
    );
  });
});

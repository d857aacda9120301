import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DataSourceError, loadTrainingData } from './training-data.source';

/** A manifest of 20 samples in groups g1 (10), g2 (5) and g3 (5); images are never read here. */
async function manifest(dir: string): Promise<string> {
  const lines = [JSON.stringify({ manifest: 'argus.labelled-samples', version: 1, classes: ['spot'] })];
  const groups = [...Array(10).fill('g1'), ...Array(5).fill('g2'), ...Array(5).fill('g3')] as string[];
  groups.forEach((group, i) => lines.push(JSON.stringify({ id: `s${i}`, image: `img/${i}.png`, boxes: [], source: 'test', group })));
  const file = path.join(dir, 'samples.jsonl');
  await writeFile(file, `${lines.join('\n')}\n`);
  return file;
}

describe('loadTrainingData: group selection', () => {
  let dir: string;
  let file: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'argus-groups-'));
    file = await manifest(dir);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('leaves excluded groups out before the split, and a kept group splits as it did with every group', async () => {
    const all = await loadTrainingData({ kind: 'manifest', path: file }, { seed: 1, validationFraction: 0.2 });
    const without = await loadTrainingData({ kind: 'manifest', path: file }, { seed: 1, validationFraction: 0.2, excludeGroups: ['g3'] });
    expect([...without.train, ...without.validation].some((s) => s.group === 'g3')).toBe(false);
    expect(without.train.length + without.validation.length).toBe(15);
    const ids = (samples: readonly { id: string; group?: string }[], group: string) =>
      samples.filter((s) => s.group === group).map((s) => s.id);
    expect(ids(without.validation, 'g1')).toEqual(ids(all.validation, 'g1'));
    expect(ids(without.validation, 'g2')).toEqual(ids(all.validation, 'g2'));
    expect(without.split).toContain('without groups g3');
  });

  it('keeps only the groups named', async () => {
    const only = await loadTrainingData({ kind: 'manifest', path: file }, { seed: 1, validationFraction: 0.2, groups: ['g2', 'g3'] });
    expect(new Set([...only.train, ...only.validation].map((s) => s.group))).toEqual(new Set(['g2', 'g3']));
    expect(only.split).toContain('groups g2, g3');
  });

  it('names the data’s groups when asked for one it lacks', async () => {
    const attempt = loadTrainingData({ kind: 'manifest', path: file }, { seed: 1, excludeGroups: ['group44000'] });
    await expect(attempt).rejects.toThrow(DataSourceError);
    await expect(attempt).rejects.toThrow('group(s) group44000 are not in the data (its groups: g1, g2, g3)');
  });
});

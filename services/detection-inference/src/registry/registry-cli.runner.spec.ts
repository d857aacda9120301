import type { ModelVersion, Promotion } from '@argus/persistence';
import { NoPreviousModelVersionError } from '@argus/registry';
import { strictMock } from '@argus/platform/testing';
import type { ModelPromotionService } from '@argus/registry';
import { type RegistryCliDependencies, runRegistryCli } from './registry-cli.runner';

const promotion: Promotion = {
  id: 'p2',
  lineId: 'line-1',
  fromVersionId: 'v1',
  toVersionId: 'v2',
  kind: 'promotion',
  promotedBy: 'ana',
  reason: 'better recall',
  promotedAt: new Date('2026-01-02T03:04:05.000Z'),
};
const version: ModelVersion = {
  id: 'v2',
  name: 'factory',
  version: '20260101T000000Z',
  artifactKey: 'models/factory/20260101T000000Z',
  classes: ['scratch', 'dent'],
  spec: {},
  metrics: { map50: 0.61234567 },
  usesTemplate: true,
  parentVersionId: null,
  trainingDataFingerprint: null,
  backend: 'onnx',
  createdAt: new Date('2026-01-01T00:00:00.000Z'),
};

function cli(
  members: {
    registry?: Partial<RegistryCliDependencies['registry']>;
    promotions?: Partial<Pick<ModelPromotionService, 'promote' | 'rollback'>>;
  } = {},
) {
  const out: string[] = [];
  const err: string[] = [];
  const deps: RegistryCliDependencies = {
    registry: strictMock('registry', members.registry ?? {}),
    promotions: strictMock('promotions', members.promotions ?? {}),
    registerShipped: jest.fn(async () => Promise.reject(new Error('unexpected registerShipped'))),
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  };
  return { deps, out, err, run: (...argv: string[]) => runRegistryCli(argv, deps) };
}

describe('registry CLI', () => {
  it('promote: passes line, version, who and why to the promotion service and prints the move', async () => {
    const promote = jest.fn(async () => ({ promotion, changed: true }));
    const { run, out } = cli({ promotions: { promote } });
    await expect(run('promote', '--line', 'line-1', '--version', 'v2', '--by', 'ana', '--reason', 'better recall')).resolves.toBe(0);
    expect(promote).toHaveBeenCalledWith('line-1', 'v2', 'ana', 'better recall');
    expect(out).toEqual(['promoted: 2026-01-02T03:04:05.000Z  line-1  promotion  v1 → v2  by ana: better recall']);
  });

  it('promote: says so when the version already runs', async () => {
    const { run, out } = cli({ promotions: { promote: jest.fn(async () => ({ promotion, changed: false })) } });
    await expect(run('promote', '--line', 'line-1', '--version', 'v2', '--by', 'ana', '--reason', 'again')).resolves.toBe(0);
    expect(out).toEqual(['unchanged: v2 is already in production on line-1']);
  });

  it.each([
    [['promote', '--line', 'line-1', '--by', 'ana', '--reason', 'r'], '--version is required'],
    [['rollback', '--line', 'line-1', '--by', 'ana'], '--reason is required'],
    [['history'], '--line is required'],
    [['history', '--line', 'l', '--limit', '0'], '--limit must be a positive integer'],
    [['promote', '--line', 'l', '--version', 'v', '--by', 'a', '--reason', 'r', '--force', 'x'], "Unknown option '--force'"],
    [['deploy'], 'unknown command "deploy"'],
  ])('%j is a usage error (exit 2) that touches nothing', async (argv, message) => {
    const { run, err } = cli();
    await expect(run(...argv)).resolves.toBe(2);
    expect(err.join('\n')).toContain(message);
  });

  it('rollback: a domain failure is one line with its code, exit 1', async () => {
    const { run, err } = cli({ promotions: { rollback: jest.fn(async () => Promise.reject(new NoPreviousModelVersionError('line-1'))) } });
    await expect(run('rollback', '--line', 'line-1', '--by', 'ana', '--reason', 'regression')).resolves.toBe(1);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^registry-cli rollback: .*line-1.*\(.+\)$/);
  });

  it('history and list print one line per entry', async () => {
    const promotionHistory = jest.fn(async () => [promotion]);
    const listVersions = jest.fn(async () => [version]);
    const { run, out } = cli({ registry: { promotionHistory, listVersions } });
    await expect(run('history', '--line', 'line-1', '--limit', '5')).resolves.toBe(0);
    expect(promotionHistory).toHaveBeenCalledWith('line-1', { limit: 5 });
    await expect(run('list', '--name', 'factory')).resolves.toBe(0);
    expect(listVersions).toHaveBeenCalledWith({ name: 'factory' });
    expect(out[1]).toBe(
      'v2  factory 20260101T000000Z  onnx template  [scratch, dent]  models/factory/20260101T000000Z  2026-01-01T00:00:00.000Z  map50=0.6123',
    );
  });
});

import type { Detection } from '@argus/contracts';
import {
  type LineLearningPolicy,
  type LineLearningPolicyRepository,
  type ModelRegistryRepository,
  type ModelVersion,
  NO_LINE_LEARNING_SETTINGS,
  type ShadowComparison,
  type ShadowModelRepository,
  type ShadowStatsQuery,
} from '@argus/persistence';
import { forbidden, strictMock } from '@argus/platform/testing';
import type { ModelPromotionService } from '@argus/registry';
import { AUTO_PROMOTION_ACTOR, AutoPromoteShadowsUseCase } from './auto-promote-shadows.use-case';

const policy = (lineId: string, overrides: Partial<LineLearningPolicy> = {}): LineLearningPolicy => ({
  ...NO_LINE_LEARNING_SETTINGS,
  lineId,
  autoPromoteEnabled: true,
  autoPromoteMinFrames: 3,
  autoPromoteMinAgreement: 0.9,
  updatedBy: 'ml',
  updatedAt: new Date(0),
  ...overrides,
});
const version = (id: string, metrics: Record<string, number> = { gatesPassed: 1 }) =>
  ({ id, name: 'pcb', version: `ft-${id}`, metrics }) as unknown as ModelVersion;
const box = { x1: 0, y1: 0, x2: 10, y2: 10 };
const short: Detection = { className: 'short', score: 0.9, box };
const comparison = (frames: number): ShadowComparison => ({
  lineId: 'line-1',
  modelVersionId: 'v2',
  thresholds: { '*': 0.5 },
  frames: Array.from({ length: frames }, (_, i) => ({
    frameId: `f${i}`,
    productionModelVersionId: 'v1',
    production: [short],
    shadow: [short],
    groundTruth: null,
  })),
});

function setUp(options: { policies: LineLearningPolicy[]; frames?: number; metrics?: Record<string, number>; promote?: jest.Mock }) {
  const promote =
    options.promote ??
    jest.fn(async () => ({ promotion: { id: 'p1' }, changed: true }) as unknown as Awaited<ReturnType<ModelPromotionService['promote']>>);
  const endIfPromoted = jest.fn(async () => 'v2');
  const info = jest.fn();
  const warn = jest.fn();
  const useCase = new AutoPromoteShadowsUseCase(
    strictMock<LineLearningPolicyRepository>('policies', { withAutoPromotion: async () => options.policies }),
    strictMock<ShadowModelRepository>('shadows', {
      current: async (lineId: string) =>
        lineId === 'line-1' ? { lineId, modelVersionId: 'v2', since: new Date(0), setBy: 'cft', reason: 'gates passed' } : null,
      endIfPromoted,
    }),
    strictMock<ShadowStatsQuery>('stats', { comparison: async () => comparison(options.frames ?? 3) }),
    strictMock<ModelRegistryRepository>('registry', { findVersion: async (id: string) => version(id, options.metrics) }),
    strictMock<ModelPromotionService>('promotions', { promote: promote as unknown as ModelPromotionService['promote'] }),
    { minFrames: 500, minAgreement: 0.95 },
    strictMock('logger', { info, warn }),
  );
  return { useCase, promote, endIfPromoted, info, warn };
}

describe('AutoPromoteShadowsUseCase', () => {
  it('does nothing when no line turned auto-promotion on', async () => {
    const { useCase } = setUp({ policies: [], promote: forbidden('promote') });
    expect(await useCase.runOnce()).toEqual([]);
  });

  it("promotes an agreeing shadow through the registry's promotion, as itself, with the figures, and ends the shadow", async () => {
    const { useCase, promote, endIfPromoted, info } = setUp({ policies: [policy('line-1')] });
    const [outcome] = await useCase.runOnce();
    expect(outcome).toMatchObject({ lineId: 'line-1', outcome: 'promoted', modelVersionId: 'v2', changed: true });
    expect(promote).toHaveBeenCalledWith(
      'line-1',
      'v2',
      AUTO_PROMOTION_ACTOR,
      expect.stringContaining('agreed with production on 3 frames'),
    );
    expect(promote.mock.calls[0]).toHaveLength(4); // never a gate override
    expect(endIfPromoted).toHaveBeenCalledWith('line-1');
    expect(info).toHaveBeenCalledTimes(1);
  });

  it("waits while the line's own minimum of frames is not reached (the service's is not used)", async () => {
    const { useCase } = setUp({ policies: [policy('line-1', { autoPromoteMinFrames: 4 })], promote: forbidden('promote') });
    expect(await useCase.runOnce()).toEqual([
      { lineId: 'line-1', outcome: 'waiting', modelVersionId: 'v2', why: '3 of 4 frames scored by both models so far' },
    ]);
  });

  it('falls back to the service figures where the line sets none', async () => {
    const { useCase } = setUp({
      policies: [policy('line-1', { autoPromoteMinFrames: null, autoPromoteMinAgreement: null })],
      promote: forbidden('promote'),
    });
    expect(await useCase.runOnce()).toMatchObject([{ outcome: 'waiting', why: '3 of 500 frames scored by both models so far' }]);
  });

  it('never asks to promote a candidate that failed its gates', async () => {
    const { useCase } = setUp({ policies: [policy('line-1')], metrics: { gatesPassed: 0 }, promote: forbidden('promote') });
    expect(await useCase.runOnce()).toMatchObject([{ outcome: 'waiting', why: expect.stringContaining('failed its gates') }]);
  });

  it('a line without a shadow: clears a promoted shadow row a crash may have left, promotes nothing', async () => {
    const { useCase, endIfPromoted } = setUp({ policies: [policy('line-2')], promote: forbidden('promote') });
    expect(await useCase.runOnce()).toEqual([{ lineId: 'line-2', outcome: 'no-shadow' }]);
    expect(endIfPromoted).toHaveBeenCalledWith('line-2');
  });

  it('already promoted (another instance, a restart): reports no change and logs nothing', async () => {
    const promote = jest.fn(async () => ({ promotion: { id: 'p1' }, changed: false }));
    const { useCase, info } = setUp({ policies: [policy('line-1')], promote });
    expect(await useCase.runOnce()).toMatchObject([{ outcome: 'promoted', changed: false }]);
    expect(info).not.toHaveBeenCalled();
  });

  it('a line the registry refuses is reported and the others go on', async () => {
    const refused = new Error('model.incompatible-with-line');
    const promote = jest.fn(async () => {
      throw refused;
    });
    const { useCase, warn } = setUp({ policies: [policy('line-1'), policy('line-2')], promote });
    expect(await useCase.runOnce()).toEqual([
      { lineId: 'line-1', outcome: 'failed', error: refused },
      { lineId: 'line-2', outcome: 'no-shadow' },
    ]);
    expect(warn).toHaveBeenCalledWith({ err: refused, lineId: 'line-1' }, expect.stringContaining('next round'));
  });
});

import { assertCanRollBack, assertCanServeLine, assertGatesAllowPromotion, promotionMove, rollbackMove } from './production-pointer.rules';
import {
  CandidateGatesFailedError,
  ModelIncompatibleWithLineError,
  NoPreviousModelVersionError,
  NoProductionModelError,
} from './registry.errors';
import { modelVersion, productionEntry } from './testing/registry.fixtures';

describe('assertCanServeLine', () => {
  it('refuses a template model on a line without a golden template, naming the model as people know it', () => {
    expect(() => assertCanServeLine('line-1', modelVersion({ usesTemplate: true }), { hasTemplate: false, alertRuleClasses: [] })).toThrow(
      new ModelIncompatibleWithLineError('line-1', modelVersion(), 'it compares each frame with a golden template and the line has none'),
    );
    expect(() =>
      assertCanServeLine('line-1', modelVersion({ usesTemplate: true }), { hasTemplate: true, alertRuleClasses: [] }),
    ).not.toThrow();
  });

  it('refuses a model that detects none of the classes the line’s rules name; rules on * only accept any', () => {
    expect(() =>
      assertCanServeLine('line-1', modelVersion({ classes: ['dent', 'stain'] }), { hasTemplate: false, alertRuleClasses: ['open'] }),
    ).toThrow(
      "pcb-template-s4@1.0.0 cannot serve line line-1: it detects dent, stain and the line's alert rules name open: none would ever alert",
    );
    expect(() =>
      assertCanServeLine('line-1', modelVersion({ classes: ['open', 'dent'] }), { hasTemplate: false, alertRuleClasses: ['open'] }),
    ).not.toThrow();
    expect(() => assertCanServeLine('line-1', modelVersion(), { hasTemplate: false, alertRuleClasses: [] })).not.toThrow();
  });
});

describe('assertGatesAllowPromotion', () => {
  it('refuses a candidate that failed its gates without an override; passed or never gated versions need none', () => {
    const failed = modelVersion({ metrics: { gatesPassed: 0 } });
    expect(() => assertGatesAllowPromotion('line-1', failed, undefined)).toThrow(CandidateGatesFailedError);
    expect(() => assertGatesAllowPromotion('line-1', failed, undefined)).toThrow(
      'pcb-template-s4@1.0.0 failed its gates and cannot serve line line-1 without an override and its reason',
    );
    expect(() => assertGatesAllowPromotion('line-1', failed, { reason: 'reviewed the gate report by hand' })).not.toThrow();
    expect(() => assertGatesAllowPromotion('line-1', modelVersion({ metrics: { gatesPassed: 1 } }), undefined)).not.toThrow();
    expect(() => assertGatesAllowPromotion('line-1', modelVersion({ metrics: {} }), undefined)).not.toThrow();
  });
});

describe('promotionMove', () => {
  it('stacks the new entry on the one in production; a line’s first has nothing beneath', () => {
    expect(promotionMove('line-1', productionEntry('p-1', 'v-1', null), modelVersion(), 'ana', 'better')).toEqual({
      move: {
        lineId: 'line-1',
        fromVersionId: 'v-1',
        toVersionId: 'v-2',
        kind: 'promotion',
        promotedBy: 'ana',
        reason: 'better',
        previousPromotionId: 'p-1',
      },
    });
    expect(promotionMove('line-1', null, modelVersion(), 'ana', 'first')).toMatchObject({
      move: { fromVersionId: null, previousPromotionId: null },
    });
  });

  it('changes nothing when the version is already in production', () => {
    const current = productionEntry('p-2', 'v-2', 'p-1');
    expect(promotionMove('line-1', current, modelVersion(), 'bob', 'clicked twice')).toEqual({ unchanged: current });
  });
});

describe('rollback', () => {
  it('needs a production model with an earlier one beneath it', () => {
    expect(() => assertCanRollBack('line-1', null)).toThrow(NoProductionModelError);
    expect(() => assertCanRollBack('line-1', productionEntry('p-1', 'v-1', null))).toThrow(NoPreviousModelVersionError);
    expect(() => assertCanRollBack('line-1', productionEntry('p-2', 'v-2', 'p-1'))).not.toThrow();
  });

  it('restores the entry beneath, and the restored state sits where that entry sat (rollbacks walk further back)', () => {
    const current = productionEntry('p-3', 'v-3', 'p-2');
    const restored = productionEntry('p-2', 'v-2', 'p-1');
    expect(rollbackMove('line-1', current, restored, 'bob', 'false positives')).toEqual({
      lineId: 'line-1',
      fromVersionId: 'v-3',
      toVersionId: 'v-2',
      kind: 'rollback',
      promotedBy: 'bob',
      reason: 'false positives',
      previousPromotionId: 'p-1',
    });
  });
});

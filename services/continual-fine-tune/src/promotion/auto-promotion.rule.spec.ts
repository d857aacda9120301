import type { MatchCounts, ShadowAgreement } from '@argus/registry';
import { decideAutoPromotion, mergeAutoPromotionSettings } from './auto-promotion.rule';

const counts = (tp: number, fp: number, fn: number): MatchCounts => ({
  truePositives: tp,
  falsePositives: fp,
  falseNegatives: fn,
  precision: tp + fp === 0 ? null : tp / (tp + fp),
  recall: tp + fn === 0 ? null : tp / (tp + fn),
});
const agreement = (overrides: Partial<ShadowAgreement> = {}): ShadowAgreement => ({
  frames: 100,
  shadowVsProduction: counts(95, 3, 2),
  reviewedFrames: 0,
  productionVsTruth: counts(0, 0, 0),
  shadowVsTruth: counts(0, 0, 0),
  ...overrides,
});
const SETTINGS = { minFrames: 100, minAgreement: 0.9 };
const PASSED = { label: 'pcb:ft-1', gatesFailed: false };

describe('mergeAutoPromotionSettings', () => {
  const defaults = { minFrames: 500, minAgreement: 0.9 };
  it('is off without a line policy or with auto-promotion off (the default)', () => {
    expect(mergeAutoPromotionSettings(defaults, null)).toBeNull();
    expect(
      mergeAutoPromotionSettings(defaults, { autoPromoteEnabled: false, autoPromoteMinFrames: 5, autoPromoteMinAgreement: 0.5 }),
    ).toBeNull();
  });
  it("takes the line's figures over the service's", () => {
    expect(
      mergeAutoPromotionSettings(defaults, { autoPromoteEnabled: true, autoPromoteMinFrames: null, autoPromoteMinAgreement: null }),
    ).toEqual(defaults);
    expect(
      mergeAutoPromotionSettings(defaults, { autoPromoteEnabled: true, autoPromoteMinFrames: 20, autoPromoteMinAgreement: 0.8 }),
    ).toEqual({
      minFrames: 20,
      minAgreement: 0.8,
    });
  });
});

describe('decideAutoPromotion', () => {
  it('promotes a shadow that agreed with production on enough frames, quoting the figures', () => {
    const decision = decideAutoPromotion(SETTINGS, agreement(), PASSED);
    expect(decision).toEqual({
      promote: true,
      reason:
        'auto-promotion of the shadow pcb:ft-1: it agreed with production on 100 frames (precision 0.969, recall 0.979, each ≥ 0.900); no frame of these reviewed',
    });
  });

  it('waits for enough frames scored by both', () => {
    expect(decideAutoPromotion(SETTINGS, agreement({ frames: 99 }), PASSED)).toEqual({
      promote: false,
      why: '99 of 100 frames scored by both models so far',
    });
  });

  it('never promotes a candidate that failed its gates', () => {
    const decision = decideAutoPromotion(SETTINGS, agreement(), { label: 'pcb:ft-1', gatesFailed: true });
    expect(decision).toMatchObject({ promote: false, why: expect.stringContaining('failed its gates') });
  });

  it('holds off when the precision or the recall against production is under the minimum', () => {
    expect(decideAutoPromotion(SETTINGS, agreement({ shadowVsProduction: counts(89, 11, 0) }), PASSED).promote).toBe(false);
    expect(decideAutoPromotion(SETTINGS, agreement({ shadowVsProduction: counts(89, 0, 11) }), PASSED).promote).toBe(false);
    expect(decideAutoPromotion(SETTINGS, agreement({ shadowVsProduction: counts(90, 10, 10) }), PASSED).promote).toBe(true);
  });

  it('counts two silent models as agreeing (nothing predicted, nothing to find)', () => {
    expect(decideAutoPromotion(SETTINGS, agreement({ shadowVsProduction: counts(0, 0, 0) }), PASSED).promote).toBe(true);
    // Production found boxes the shadow does not: recall 0.
    expect(decideAutoPromotion(SETTINGS, agreement({ shadowVsProduction: counts(0, 0, 5) }), PASSED).promote).toBe(false);
  });

  it("on reviewed frames, holds off when the shadow is below production against the operators' ground truth", () => {
    const reviewed = { reviewedFrames: 20, productionVsTruth: counts(8, 2, 2) };
    expect(decideAutoPromotion(SETTINGS, agreement({ ...reviewed, shadowVsTruth: counts(8, 3, 2) }), PASSED)).toMatchObject({
      promote: false,
      why: "on 20 reviewed frames the shadow's precision 0.727 vs production's 0.800, recall 0.800 vs 0.800",
    });
    expect(decideAutoPromotion(SETTINGS, agreement({ ...reviewed, shadowVsTruth: counts(7, 1, 3) }), PASSED).promote).toBe(false);
    const better = decideAutoPromotion(SETTINGS, agreement({ ...reviewed, shadowVsTruth: counts(10, 0, 0) }), PASSED);
    expect(better).toMatchObject({
      promote: true,
      reason: expect.stringContaining("on 20 reviewed frames the shadow's precision 1.000 vs production's 0.800"),
    });
  });
});

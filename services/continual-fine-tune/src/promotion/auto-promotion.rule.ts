import type { LineLearningPolicySettings } from '@argus/persistence';
import type { MatchCounts, ShadowAgreement } from '@argus/registry';

/** When a line's shadow is promoted without an ML engineer. */
export interface AutoPromotionSettings {
  /** Frames both the shadow and production scored, at least. */
  readonly minFrames: number;
  /** The shadow's precision and recall against production, each at least this (0–1). */
  readonly minAgreement: number;
}

/** The line's own auto-promotion settings over the service's; null when the line has it off (the default). */
export function mergeAutoPromotionSettings(
  defaults: AutoPromotionSettings,
  line: Pick<LineLearningPolicySettings, 'autoPromoteEnabled' | 'autoPromoteMinFrames' | 'autoPromoteMinAgreement'> | null,
): AutoPromotionSettings | null {
  if (!line?.autoPromoteEnabled) return null;
  return {
    minFrames: line.autoPromoteMinFrames ?? defaults.minFrames,
    minAgreement: line.autoPromoteMinAgreement ?? defaults.minAgreement,
  };
}

/** What the rule knows of the shadow version besides its agreement. */
export interface ShadowCandidate {
  /** `name:version`, for the reason. */
  readonly label: string;
  /** The candidate failed its gates (metric `gatesPassed` = 0): only an admin's override promotes it. */
  readonly gatesFailed: boolean;
}

export type AutoPromotionDecision = { readonly promote: true; readonly reason: string } | { readonly promote: false; readonly why: string };

/**
 * Whether the line's shadow is promoted now, and the reason quoted in the promotion's audit
 * entry. All must hold:
 * 1. the candidate passed its gates (one that failed is never promoted automatically; the registry
 *    refuses it too);
 * 2. the shadow and production scored at least `minFrames` frames in common;
 * 3. against production, the shadow's precision and recall are each at least `minAgreement`;
 * 4. where operators reviewed some of those frames, the shadow's precision and recall against
 *    their ground truth are not below production's.
 * A precision with nothing predicted, or a recall with nothing to find, counts 1: there was no
 * false alarm, or nothing to miss (so two models that both stay silent agree).
 */
export function decideAutoPromotion(
  settings: AutoPromotionSettings,
  agreement: ShadowAgreement,
  candidate: ShadowCandidate,
): AutoPromotionDecision {
  if (candidate.gatesFailed) return { promote: false, why: `${candidate.label} failed its gates: only an admin's override promotes it` };
  if (agreement.frames < settings.minFrames) {
    return { promote: false, why: `${agreement.frames} of ${settings.minFrames} frames scored by both models so far` };
  }
  const vsProduction = figures(agreement.shadowVsProduction);
  if (vsProduction.precision < settings.minAgreement || vsProduction.recall < settings.minAgreement) {
    return {
      promote: false,
      why: `against production on ${agreement.frames} frames: ${show(vsProduction)}, below ${fixed(settings.minAgreement)}`,
    };
  }
  let truth = '';
  if (agreement.reviewedFrames > 0) {
    const shadow = figures(agreement.shadowVsTruth);
    const production = figures(agreement.productionVsTruth);
    const vs = `on ${agreement.reviewedFrames} reviewed frames the shadow's precision ${fixed(shadow.precision)} vs production's ${fixed(production.precision)}, recall ${fixed(shadow.recall)} vs ${fixed(production.recall)}`;
    if (shadow.precision < production.precision || shadow.recall < production.recall) return { promote: false, why: vs };
    truth = `; ${vs}`;
  } else {
    truth = '; no frame of these reviewed';
  }
  return {
    promote: true,
    reason: `auto-promotion of the shadow ${candidate.label}: it agreed with production on ${agreement.frames} frames (${show(vsProduction)}, each ≥ ${fixed(settings.minAgreement)})${truth}`,
  };
}

const figures = (m: MatchCounts) => ({ precision: m.precision ?? 1, recall: m.recall ?? 1 });
const fixed = (v: number) => v.toFixed(3);
const show = (f: { precision: number; recall: number }) => `precision ${fixed(f.precision)}, recall ${fixed(f.recall)}`;

import {
  DEFAULT_SHADOW_COMPARISON_LIMIT,
  type LineLearningPolicy,
  type LineLearningPolicyRepository,
  type ModelRegistryRepository,
  type ShadowModelRepository,
  type ShadowStatsQuery,
} from '@argus/persistence';
import type { Logger } from '@argus/platform';
import { type ModelPromotionService, shadowAgreement } from '@argus/registry';
import { type AutoPromotionSettings, decideAutoPromotion, mergeAutoPromotionSettings } from './auto-promotion.rule';

/** Who the promotions' audit entries and `model.version.promoted.v1` name. */
export const AUTO_PROMOTION_ACTOR = 'continual-fine-tune (auto-promotion)';

/** What a round did on one line. */
export type AutoPromotionOutcome =
  | { readonly lineId: string; readonly outcome: 'off' | 'no-shadow' }
  | { readonly lineId: string; readonly outcome: 'waiting'; readonly modelVersionId: string; readonly why: string }
  | {
      readonly lineId: string;
      readonly outcome: 'promoted';
      readonly modelVersionId: string;
      readonly changed: boolean;
      readonly reason: string;
    }
  | { readonly lineId: string; readonly outcome: 'failed'; readonly error: unknown };

/**
 * Auto-promotion (issue 18 §4, a per-line option, off by default): on the trigger timer, every
 * line whose policy turns it on and that has a shadow has the shadow's agreement computed
 * (`shadowAgreement`, as the console's candidate page shows it) and judged by
 * `decideAutoPromotion`; when it holds, the shadow is promoted through the registry's
 * ModelPromotionService — the same use case as the console's and the CLI's: the rules (a
 * candidate that failed its gates is refused: no override is ever given here), the pointer, its
 * history and audit entry under the line's lock, then `model.version.promoted.v1` — and the
 * shadow is ended.
 *
 * Once, across restarts and instances: promoting the version already in production changes
 * nothing and announces nothing (the registry decides that under the line's lock), and a promoted
 * shadow is no shadow (`current` skips it). A line with no shadow left has a row that a crash
 * left behind deleted, so a later rollback never revives the shadow.
 */
export class AutoPromoteShadowsUseCase {
  constructor(
    private readonly policies: Pick<LineLearningPolicyRepository, 'withAutoPromotion'>,
    private readonly shadows: Pick<ShadowModelRepository, 'current' | 'endIfPromoted'>,
    private readonly stats: Pick<ShadowStatsQuery, 'comparison'>,
    private readonly versions: Pick<ModelRegistryRepository, 'findVersion'>,
    private readonly promotions: Pick<ModelPromotionService, 'promote'>,
    private readonly defaults: AutoPromotionSettings,
    private readonly logger: Pick<Logger, 'info' | 'warn'>,
  ) {}

  /** One round over the lines with auto-promotion on. A line that fails is reported and the others go on. */
  async runOnce(): Promise<AutoPromotionOutcome[]> {
    const outcomes: AutoPromotionOutcome[] = [];
    for (const policy of await this.policies.withAutoPromotion()) {
      try {
        outcomes.push(await this.consider(policy));
      } catch (error) {
        // The registry's refusal (e.g. the version cannot serve the line) or a read that failed:
        // this line waits for the next round; the others are not held up by it.
        this.logger.warn({ err: error, lineId: policy.lineId }, 'auto-promotion of the line failed; the next round tries again');
        outcomes.push({ lineId: policy.lineId, outcome: 'failed', error });
      }
    }
    return outcomes;
  }

  private async consider(policy: LineLearningPolicy): Promise<AutoPromotionOutcome> {
    const { lineId } = policy;
    const settings = mergeAutoPromotionSettings(this.defaults, policy);
    if (!settings) return { lineId, outcome: 'off' };
    const shadow = await this.shadows.current(lineId);
    if (!shadow) {
      await this.shadows.endIfPromoted(lineId);
      return { lineId, outcome: 'no-shadow' };
    }
    const version = await this.versions.findVersion(shadow.modelVersionId);
    if (!version) throw new Error(`BUG: the shadow ${shadow.modelVersionId} of line ${lineId} is not in the registry`);
    const comparison = await this.stats.comparison(lineId, version.id, {
      limit: Math.max(settings.minFrames, DEFAULT_SHADOW_COMPARISON_LIMIT),
    });
    const decision = decideAutoPromotion(settings, shadowAgreement(comparison.frames, comparison.thresholds), {
      label: `${version.name}:${version.version}`,
      gatesFailed: version.metrics['gatesPassed'] === 0,
    });
    if (!decision.promote) return { lineId, outcome: 'waiting', modelVersionId: version.id, why: decision.why };

    const result = await this.promotions.promote(lineId, version.id, AUTO_PROMOTION_ACTOR, decision.reason);
    await this.shadows.endIfPromoted(lineId);
    if (result.changed) {
      this.logger.info({ lineId, modelVersionId: version.id, promotionId: result.promotion.id }, decision.reason);
    }
    return { lineId, outcome: 'promoted', modelVersionId: version.id, changed: result.changed, reason: decision.reason };
  }
}

import type { LineRepository, ModelRegistryRepository, ModelVersion, Promotion } from '@argus/persistence';
import { RecordNotFoundError } from '@argus/persistence';
import { type CommonErrorCode, CommonErrorCodes, DomainError } from '@argus/platform';
import {
  type GateOverride,
  type ModelPromotionService,
  type PromotionResult,
  RegistryError,
  type RegistryErrorCode,
} from '@argus/registry';
import { ConsoleErrorCodes } from '../console.errors';
import type { PrincipalRole } from '../identity/principal';

export type VersionRef = { readonly id: string; readonly name: string; readonly version: string };

/** One entry of a line's promotion timeline. */
export interface PromotionView {
  readonly id: string;
  readonly kind: 'promotion' | 'rollback';
  readonly from: VersionRef | null;
  readonly to: VersionRef;
  readonly promotedBy: string;
  readonly reason: string;
  readonly promotedAt: string;
}

/**
 * A line's production model: its timeline, promotion and rollback. The moves go through the
 * registry's ModelPromotionService (the same use case detection-inference's CLI uses): the pointer,
 * the history entry and the audit entry (actor: the principal's name) commit together, then
 * `model.version.promoted.v1` is published so inference switches.
 */
export class LinePromotionsService {
  constructor(
    private readonly lines: Pick<LineRepository, 'findLine'>,
    private readonly registry: Pick<ModelRegistryRepository, 'promotionHistory' | 'findVersion'>,
    private readonly promotions: Pick<ModelPromotionService, 'promote' | 'rollback' | 'rollbackTargetOf'>,
  ) {}

  /**
   * The line's promotions and rollbacks, newest first, and the version a rollback would restore
   * (null when there is none: no production model, or the current one was the line's first).
   */
  async timeline(lineId: string): Promise<{ items: PromotionView[]; rollbackTo: VersionRef | null }> {
    await this.requireLine(lineId);
    const [history, rollbackTarget] = await Promise.all([
      this.registry.promotionHistory(lineId, { limit: 500 }),
      this.promotions.rollbackTargetOf(lineId),
    ]);
    const refs = await this.versionRefs([
      ...history.flatMap((p) => [p.toVersionId, ...(p.fromVersionId ? [p.fromVersionId] : [])]),
      ...(rollbackTarget ? [rollbackTarget] : []),
    ]);
    return { items: history.map((p) => presentPromotion(p, refs)), rollbackTo: rollbackTarget ? (refs.get(rollbackTarget) ?? null) : null };
  }

  /**
   * A candidate that failed its gates is promoted only with `gateOverride`, and only by an admin
   * (the registry refuses it without one: `model.gates-failed`); the override's reason is audited.
   */
  async promote(
    lineId: string,
    modelVersionId: string,
    by: { readonly name: string; readonly role: PrincipalRole },
    reason: string,
    gateOverride?: GateOverride,
  ): Promise<{ promotion: PromotionView; changed: boolean }> {
    if (gateOverride && by.role !== 'admin') {
      throw new DomainError(ConsoleErrorCodes.gateOverrideRequiresAdmin, 'only an admin may promote a candidate that failed its gates');
    }
    await this.requireLine(lineId);
    return this.present(
      await mapErrors(() => this.promotions.promote(lineId, modelVersionId, by.name, reason, gateOverride ? { gateOverride } : {})),
    );
  }

  async rollback(lineId: string, by: string, reason: string): Promise<{ promotion: PromotionView; changed: boolean }> {
    await this.requireLine(lineId);
    return this.present(await mapErrors(() => this.promotions.rollback(lineId, by, reason)));
  }

  private async present(result: PromotionResult): Promise<{ promotion: PromotionView; changed: boolean }> {
    const p = result.promotion;
    const refs = await this.versionRefs([p.toVersionId, ...(p.fromVersionId ? [p.fromVersionId] : [])]);
    return { promotion: presentPromotion(p, refs), changed: result.changed };
  }

  private async requireLine(lineId: string): Promise<void> {
    if (!(await this.lines.findLine(lineId))) throw new DomainError(CommonErrorCodes.notFound, `line "${lineId}" does not exist`);
  }

  private async versionRefs(ids: readonly string[]): Promise<Map<string, VersionRef>> {
    const refs = new Map<string, VersionRef>();
    for (const id of new Set(ids)) {
      const v: ModelVersion | null = await this.registry.findVersion(id);
      refs.set(id, v ? { id: v.id, name: v.name, version: v.version } : { id, name: '(unknown)', version: '' });
    }
    return refs;
  }
}

/** A promotion as the console shows it, its versions named by the given refs. */
export function presentPromotion(p: Promotion, refs: Map<string, VersionRef>): PromotionView {
  return {
    id: p.id,
    kind: p.kind,
    from: p.fromVersionId ? (refs.get(p.fromVersionId) ?? null) : null,
    to: refs.get(p.toVersionId) ?? { id: p.toVersionId, name: '(unknown)', version: '' },
    promotedBy: p.promotedBy,
    reason: p.reason,
    promotedAt: p.promotedAt.toISOString(),
  };
}

/**
 * How the console's API answers each registry refusal: with a common code, the registry's own code
 * as `details.reason` (the API's codes stay the common ones; the reason says which rule refused).
 */
const REGISTRY_REFUSAL_ANSWERS: Readonly<Record<RegistryErrorCode, CommonErrorCode>> = {
  'model.no-production-version': CommonErrorCodes.conflict,
  'model.no-previous-version': CommonErrorCodes.conflict,
  'model.incompatible-with-line': CommonErrorCodes.conflict,
  'model.gates-failed': CommonErrorCodes.conflict,
};

async function mapErrors<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof RecordNotFoundError) throw new DomainError(CommonErrorCodes.notFound, error.message, undefined, { cause: error });
    if (error instanceof RegistryError) {
      throw new DomainError(REGISTRY_REFUSAL_ANSWERS[error.code], error.message, { reason: error.code }, { cause: error });
    }
    throw error;
  }
}

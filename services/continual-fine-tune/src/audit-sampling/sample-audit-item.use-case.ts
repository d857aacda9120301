import type { DetectionsProducedV1 } from '@argus/contracts';
import { AuditUnknownFrameError } from '../continual.errors';
import { type AuditPolicy, sampleForAudit } from './audit-sampler';
import type { AuditItemStore, LineAlertThresholds } from './audit-item.ports';

export type AuditSampleOutcome =
  | { readonly outcome: 'created' | 'exists'; readonly alertId: string }
  | { readonly outcome: 'skipped'; readonly reason: 'no-alert-rules' | 'alerted' | 'not-sampled' };

/**
 * One scored frame (`inspection.detections.produced.v1`) → at most one audit item. A frame with any
 * detection at or above the line's alert threshold alerted (or was suppressed as a duplicate of a
 * recent alert): operators see that defect already, so it is no audit material. Otherwise
 * `sampleForAudit` decides, with the line's open audit items counted against its cap. The item's
 * boxes are the model's sub-threshold detections, so "confirm" on it means they were right.
 * Idempotent: one item per frame and model version, whatever the redeliveries.
 */
export class SampleAuditItemUseCase {
  constructor(
    private readonly thresholds: LineAlertThresholds,
    private readonly items: AuditItemStore,
    private readonly policy: AuditPolicy,
  ) {}

  async execute(event: DetectionsProducedV1): Promise<AuditSampleOutcome> {
    const threshold = await this.thresholds.thresholdFor(event.lineId);
    // A line without alert rules raises no alert at all: there is no threshold to audit under.
    if (threshold === null) return { outcome: 'skipped', reason: 'no-alert-rules' };
    const scores = event.detections.map((d) => d.score);
    const bestScore = scores.length > 0 ? Math.max(...scores) : null;
    if (bestScore !== null && bestScore >= threshold) return { outcome: 'skipped', reason: 'alerted' };
    const sha256 = await this.items.frameHash(event.frameId);
    if (sha256 === null) throw new AuditUnknownFrameError(event.frameId);
    const open = await this.items.countOpen(event.lineId, this.policy.maxOpenItems);
    const decision = sampleForAudit(
      { frameId: event.frameId, lineId: event.lineId, sha256, alerted: false, bestScore, threshold },
      this.policy,
      open,
    );
    if (decision === null) return { outcome: 'skipped', reason: 'not-sampled' };
    const stored = await this.items.createOnce({
      frameId: event.frameId,
      lineId: event.lineId,
      cameraId: event.cameraId,
      modelVersionId: event.modelVersionId,
      detections: event.detections,
      audit: { reason: decision.reason, uncertainty: decision.uncertainty },
    });
    return { outcome: stored.created ? 'created' : 'exists', alertId: stored.id };
  }
}

import { createHash } from 'node:crypto';

/** Why a frame of a line with a shadow was not scored by the shadow. */
export type ShadowSkipReason = 'not-sampled' | 'production-queued' | 'shadow-busy' | 'template-missing';

export interface ShadowSamplingState {
  /** The share of a shadowed line's frames the shadow may score, 0–1. */
  readonly share: number;
  /** Production frames waiting for a model batch right now. */
  readonly productionQueued: number;
  /** Frames waiting for (or in) the shadow's own batch right now. */
  readonly shadowQueued: number;
  /** The most frames the shadow holds at once; beyond it, frames are skipped. */
  readonly shadowCapacity: number;
}

/**
 * Whether the shadow scores this frame. The shadow runs on a model worker of its own, so a
 * production batch never queues behind a shadow batch; what the shadow can still take from
 * production is CPU. So it backs off in this order:
 *
 * 1. `not-sampled`: only `share` of the frames, chosen by a hash of the frame id — the same frame
 *    draws the same on a redelivery and on every instance, and the sample is not biased by time,
 *    camera or what production found.
 * 2. `production-queued`: production has frames waiting for a batch, i.e. the model workers are
 *    not keeping up. The shadow stays out until production has caught up.
 * 3. `shadow-busy`: the shadow already holds `shadowCapacity` frames (its worker is slower than
 *    the frames it was offered). It drops rather than queues, so it never holds frames' bytes for
 *    long nor falls behind into stale work.
 *
 * Skips are counted by reason, so the sample's size and why it shrank are visible.
 */
export function shadowDecision(frameId: string, state: ShadowSamplingState): 'score' | Exclude<ShadowSkipReason, 'template-missing'> {
  if (!inSample(frameId, state.share)) return 'not-sampled';
  if (state.productionQueued > 0) return 'production-queued';
  if (state.shadowQueued >= state.shadowCapacity) return 'shadow-busy';
  return 'score';
}

/** True when the frame falls in the sampled share: the first 52 bits of sha256("argus-shadow:<frame id>") as a fraction. */
export function inSample(frameId: string, share: number): boolean {
  if (share >= 1) return true;
  if (share <= 0) return false;
  const digest = createHash('sha256').update(`argus-shadow:${frameId}`).digest();
  const fraction = (digest.readUIntBE(0, 6) * 16 + ((digest[6] ?? 0) >> 4)) / 2 ** 52;
  return fraction < share;
}

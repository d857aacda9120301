import type { FrameLabel, ResolvedFrameLabel } from './frame-label';

/** Operators' labels of frames (Postgres in the service). */
export interface LabelStore {
  /**
   * Records one review's label; recording the same review again changes nothing. Returns every
   * label of the frame recorded so far, this one included. Throws `UnknownFrameError` when the
   * frame is not stored (the review names a frame this installation never ingested).
   */
  record(label: FrameLabel): Promise<readonly FrameLabel[]>;
  /** Stores the frame's label as resolved from all its reviews (the winner, and the conflict if any). */
  saveResolved(resolved: ResolvedFrameLabel): Promise<void>;
}

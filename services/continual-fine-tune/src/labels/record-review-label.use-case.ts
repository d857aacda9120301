import type { ReviewSubmittedV1 } from '@argus/contracts';
import { frameLabelFromReview, type ResolvedFrameLabel, resolveFrameLabel } from './frame-label';
import type { LabelStore } from './label.ports';

/** Told of every frame whose label changed, so the line's triggers are evaluated. */
export interface LabelledListener {
  labelled(lineId: string): Promise<void>;
}

/**
 * An operator's review becomes the training label of its frame: recorded (idempotent on the
 * review), resolved with the frame's other reviews by the conflict rule, stored, and the line's
 * fine-tune triggers told. A redelivered review resolves to the same label.
 */
export class RecordReviewLabelUseCase {
  constructor(
    private readonly labels: LabelStore,
    private readonly listener: LabelledListener,
  ) {}

  async execute(review: ReviewSubmittedV1): Promise<ResolvedFrameLabel> {
    const label = frameLabelFromReview(review);
    const all = await this.labels.record(label);
    const resolved = resolveFrameLabel(all);
    await this.labels.saveResolved(resolved);
    await this.listener.labelled(label.lineId);
    return resolved;
  }
}

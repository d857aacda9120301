import type { FrameLabelRepository } from '@argus/persistence';
import { UnknownFrameError } from '../continual.errors';
import type { LabelledFrameSource } from '../datasets/dataset.ports';
import type { StoredFrameFacts } from '../datasets/dataset-version';
import type { FrameLabel, LabelConflict, ResolvedFrameLabel } from '../labels/frame-label';
import type { LabelStore } from '../labels/label.ports';

/** Labels in Postgres (`frame_label`, `labelled_frame`). */
export class PostgresLabelStore implements LabelStore, LabelledFrameSource {
  constructor(private readonly labels: Pick<FrameLabelRepository, 'record' | 'saveResolved' | 'labelsOf'>) {}

  async record(label: FrameLabel): Promise<readonly FrameLabel[]> {
    const all = await this.labels.record(label);
    if (all === null) throw new UnknownFrameError(label.frameId);
    return all;
  }

  async saveResolved(resolved: ResolvedFrameLabel): Promise<void> {
    await this.labels.saveResolved(resolved);
  }

  async labelsOf(lineId: string): Promise<readonly { readonly resolved: ResolvedFrameLabel; readonly frame: StoredFrameFacts }[]> {
    // The conflict is stored as this service wrote it (its rule included).
    return (await this.labels.labelsOf(lineId)).map(({ resolved, frame }) => ({
      resolved: { label: resolved.label, conflict: resolved.conflict as LabelConflict | null },
      frame,
    }));
  }
}

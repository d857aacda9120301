import type { FrameIngestedV1 } from '@argus/contracts';

/** Where a frame came from: `http`, `folder`, `simulator` or `replay` (the event's `source`). */
export type FrameSource = FrameIngestedV1['source'];

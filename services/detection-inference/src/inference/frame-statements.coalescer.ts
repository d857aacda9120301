import type { Detection } from '@argus/contracts';
import {
  type AlertHistoryOptions,
  type AlertHistoryWindow,
  type AlertRepository,
  type CameraAlertHistoryRepository,
  type CameraAlertOccurrence,
  type DetectionRepository,
  type DetectionsToSave,
  type FrameInference,
  FrameNotFoundError,
  type FrameRepository,
  type NewAlert,
  type RaisedAlert,
  type SavedDetections,
} from '@argus/persistence';
import { RequestCoalescer } from '@argus/platform';

export interface FrameStatementRepositories {
  readonly detections: Pick<DetectionRepository, 'listForFrames' | 'saveForFrames'>;
  readonly frames: Pick<FrameRepository, 'markProcessedMany'>;
  readonly alerts: Pick<AlertRepository, 'raiseEachOnce'>;
  readonly alertHistory: Pick<CameraAlertHistoryRepository, 'historiesOf'>;
}

/**
 * The per-frame statements of detection-inference, which the frames of one micro-batch reach
 * together (their results come back together, so their handlers run in step): the redelivery
 * check, the detections write, the camera's alert history, the alert, and the "processed" mark.
 * Each goes out as ONE statement for every frame waiting for it (RequestCoalescer), not one round
 * trip per frame; a lone frame still leaves at once. When a many-frame write fails, its frames are
 * written one by one, so that one frame's problem (say, no frame row) fails that frame alone.
 * (Frames of one camera are never in flight together, so one statement never holds two frames
 * whose dedup depends on each other.)
 */
export class CoalescedFrameStatements {
  private readonly earlier: RequestCoalescer<string, FrameInference[]>;
  private readonly saves: RequestCoalescer<DetectionsToSave, SavedDetections>;
  private readonly histories: RequestCoalescer<AlertHistoryWindow, CameraAlertOccurrence[]>;
  private readonly raises: RequestCoalescer<NewAlert, RaisedAlert>;
  private readonly processed: RequestCoalescer<string>;

  constructor(repositories: FrameStatementRepositories) {
    const { detections, frames, alerts, alertHistory } = repositories;
    this.earlier = new RequestCoalescer(async (frameIds) => {
      const found = await detections.listForFrames(frameIds);
      return frameIds.map((id) => found.get(id) ?? []);
    });
    // A many-frame write that fails is retried frame by frame: one bad frame fails alone.
    const eachAlone = { retryAloneWhen: () => true };
    this.saves = new RequestCoalescer((items) => detections.saveForFrames(items), eachAlone);
    this.histories = new RequestCoalescer((windows) => alertHistory.historiesOf(windows));
    this.raises = new RequestCoalescer((inputs) => alerts.raiseEachOnce(inputs), eachAlone);
    this.processed = new RequestCoalescer<string>(async (frameIds) => {
      const updated = await frames.markProcessedMany(frameIds);
      return frameIds.map((id) => (updated.has(id) ? undefined : new FrameNotFoundError(id)));
    });
  }

  /** Every model version's results on the frame, oldest first (DetectionRepository.listForFrame). */
  listForFrame(frameId: string): Promise<FrameInference[]> {
    return this.earlier.submit(frameId);
  }

  /** DetectionRepository.saveForFrame: idempotent per (frame, model version). */
  saveForFrame(
    frameId: string,
    modelVersionId: string,
    detections: readonly Detection[],
    options: { inferenceMs?: number } = {},
  ): Promise<SavedDetections> {
    return this.saves.submit({
      frameId,
      modelVersionId,
      detections,
      ...(options.inferenceMs === undefined ? {} : { inferenceMs: options.inferenceMs }),
    });
  }

  /** CameraAlertHistoryRepository.alertsCapturedBetween. */
  alertsCapturedBetween(
    lineId: string,
    cameraId: string,
    from: Date,
    to: Date,
    options: AlertHistoryOptions = {},
  ): Promise<CameraAlertOccurrence[]> {
    return this.histories.submit({ lineId, cameraId, from, to, ...options });
  }

  /** AlertRepository.raiseOnce: one alert per (frame, model version). */
  raiseOnce(input: NewAlert): Promise<RaisedAlert> {
    return this.raises.submit(input);
  }

  /** FrameRepository.markProcessed; FrameNotFoundError when the frame has no row. */
  markProcessed(frameId: string): Promise<void> {
    return this.processed.submit(frameId);
  }
}

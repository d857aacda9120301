import type { Detection, FrameIngestedV1 } from '@argus/contracts';
import { REPEAT_HEADERS, Topics } from '@argus/contracts';
import type { MessageBus } from '@argus/messaging';
import { NonRetryableError } from '@argus/messaging';
import type {
  Alert,
  AlertRepository,
  CameraAlertHistoryRepository,
  CameraAlertOccurrence,
  DetectionRepository,
  FrameInference,
  FrameRepository,
} from '@argus/persistence';
import { FrameNotFoundError } from '@argus/persistence';
import { DEFAULT_DEDUP_MIN_IOU, withoutDuplicates } from '../alerting/alert-dedup.policy';
import { highestSeverity, qualifyingDetections } from '../alerting/alert-rule.evaluator';
import type { LineAlertPolicySource } from '../alerting/line-alert-policy.cache';
import { deterministicEventId } from '../events/event-id.factory';
import type { FrameToScore, ScoredFrame } from './frame-batch.processor';
import type { FrameImages } from './frame-image.source';
import { FrameFailureCodes, FrameUnprocessableError } from './frame-processing.errors';
import { WorkStartedAhead } from './work-started-ahead';

/** The topics this use case publishes to (overridable so integration tests use their own). */
export interface InferenceTopics {
  readonly detectionsProduced: typeof Topics.detectionsProduced;
  readonly alertRaised: typeof Topics.alertRaised;
}

export interface ProcessFrameDependencies {
  readonly frames: { markProcessed(frameId: string): Promise<unknown> } & Pick<FrameRepository, 'markFailed'>;
  readonly detections: Pick<DetectionRepository, 'saveForFrame'> & { listForFrame(frameId: string): Promise<readonly FrameInference[]> };
  readonly alerts: Pick<AlertRepository, 'raiseOnce' | 'findForFrame'>;
  /** The camera's recent alerts for the dedup window (CameraAlertHistoryCache), told of each alert raised. */
  readonly alertHistory: Pick<CameraAlertHistoryRepository, 'alertsCapturedBetween'> & {
    remember(lineId: string, cameraId: string, alert: CameraAlertOccurrence): void;
  };
  /** The line's rules and settings (the service reads them through a short-lived cache). */
  readonly lines: LineAlertPolicySource;
  readonly images: { fetch(event: FrameIngestedV1): Promise<FrameImages> };
  /** The micro-batch collector: resolves with this frame's result once its batch ran. */
  readonly scorer: { submit(frame: FrameToScore): Promise<ScoredFrame> };
  readonly bus: Pick<MessageBus, 'publish'>;
  readonly topics?: InferenceTopics;
  readonly now?: () => Date;
  /** Frames scored ahead of their turn (`hint`) kept at most; default 64. */
  readonly readAheadCapacity?: number;
  /**
   * Read ahead only while fewer frames than this are being fetched or scored, in their turn or
   * ahead of it (default: unlimited). The micro-batch size: with many cameras their own frames
   * fill the batches, and reading ahead would only split them (a loss at 6 cameras); with one fast
   * camera its next frames fill them (over twice the frames/s). Figures: docs/performance.md, "Read-ahead".
   */
  readonly readAheadLimit?: number;
}

export interface ProcessedFrame {
  readonly modelVersionId: string;
  readonly detections: readonly Detection[];
  /** The alert of this frame (new, or found again on a redelivery); null when none was raised. */
  readonly alert: Alert | null;
  /** True when the frame had already been scored (a redelivery): the model did not run again. */
  readonly reused: boolean;
}

/**
 * One ingested frame, end to end: fetch, score (in a micro-batch, with the line's production model
 * as of the batch start), write the detections (idempotent per frame and model version), decide
 * the alert (rules, then the camera's dedup window), publish detections-produced and, when there
 * is an alert, alert-raised, and mark the frame processed. Every database write happens BEFORE
 * this resolves, and the bus commits the offset only after it resolves.
 *
 * Redelivery (a crash after some of the steps): a frame that already has detections is not scored
 * again — the stored result (and its model version) is reused, even if the line's model changed
 * meanwhile — and an existing alert is published again instead of raising a second one. Events
 * carry deterministic ids, and such repeats the EventHeaders.repeat header, so consumers see a
 * repeat as a repeat (and counts of frames scored or alerts raised leave them out).
 *
 * A frame that cannot be scored (object missing, undecodable, no model) is marked failed with
 * the reason and a NonRetryableError dead-letters the message; the partition keeps flowing.
 */
export class ProcessFrameUseCase {
  private readonly topics: InferenceTopics;
  private readonly now: () => Date;
  private readonly scoredAhead: WorkStartedAhead<ScoredFrame>;
  /** Frames being fetched or scored now, in their turn or ahead of it. */
  private scoring = 0;

  constructor(private readonly deps: ProcessFrameDependencies) {
    this.topics = deps.topics ?? { detectionsProduced: Topics.detectionsProduced, alertRaised: Topics.alertRaised };
    this.now = deps.now ?? (() => new Date());
    this.scoredAhead = new WorkStartedAhead(deps.readAheadCapacity ?? 64);
  }

  /**
   * Read-ahead: `event`'s turn comes later (the camera's frame before it is still being handled).
   * Fetches the frame and queues it for the model now, so the model scores it while the frame
   * before is written; nothing is written here. Its turn (`execute`) takes the result; a failure
   * surfaces there, handled as if it had happened in the turn.
   */
  hint(event: FrameIngestedV1): void {
    if (this.scoring >= (this.deps.readAheadLimit ?? Number.POSITIVE_INFINITY)) return; // the model has a batch's worth
    this.scoredAhead.start(event.frameId, () => this.scoreNow(event));
  }

  async execute(event: FrameIngestedV1): Promise<ProcessedFrame> {
    const { detections: detectionRepo } = this.deps;
    const scoredAhead = this.scoredAhead.take(event.frameId);
    const earlier = (await detectionRepo.listForFrame(event.frameId))[0];
    let modelVersionId: string;
    let detections: readonly Detection[];
    let imageWidth = event.width;
    let imageHeight = event.height;
    let inferenceMs = 0;
    let scoredNow = false;
    if (earlier) {
      modelVersionId = earlier.modelVersionId;
      detections = earlier.detections.map(({ className, score, box }) => ({ className, score, box }));
      inferenceMs = earlier.inferenceMs ?? 0;
    } else {
      const scored = await this.score(event, scoredAhead);
      imageWidth = scored.width;
      imageHeight = scored.height;
      inferenceMs = scored.batchMs;
      const saved = await this.saveDetections(event, scored);
      modelVersionId = saved.inference.modelVersionId;
      scoredNow = saved.created;
      detections = saved.inference.detections.map(({ className, score, box }) => ({ className, score, box }));
    }

    // A result created just now cannot have an alert yet (alerts are raised after their detections).
    const decided = await this.decideAlert(event, modelVersionId, detections, { mayExist: !scoredNow });
    const alert = decided?.alert ?? null;

    // Both events at once (different topics: no order between them to keep), then the frame is done.
    const published: Promise<void>[] = [];
    published.push(
      this.deps.bus.publish(
        this.topics.detectionsProduced,
        {
          eventId: deterministicEventId('detections-produced', event.frameId, modelVersionId),
          occurredAt: this.now().toISOString(),
          frameId: event.frameId,
          lineId: event.lineId,
          cameraId: event.cameraId,
          modelVersionId,
          detections: [...detections],
          imageWidth,
          imageHeight,
          inferenceMs,
        },
        scoredNow ? {} : { headers: REPEAT_HEADERS },
      ),
    ); // a stored result published again: not a frame scored
    if (decided && alert) {
      published.push(
        this.deps.bus.publish(
          this.topics.alertRaised,
          {
            eventId: deterministicEventId('alert-raised', alert.id),
            occurredAt: this.now().toISOString(),
            alertId: alert.id,
            frameId: event.frameId,
            lineId: event.lineId,
            cameraId: event.cameraId,
            modelVersionId,
            severity: alert.severity,
            objectKey: event.objectKey,
            detections: [...alert.detections],
          },
          decided.created ? {} : { headers: REPEAT_HEADERS },
        ),
      );
    }
    // Settled, not raced: a failure retries the frame only once no publish is still in flight.
    const failed = (await Promise.allSettled(published)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    await this.deps.frames.markProcessed(event.frameId);
    return { modelVersionId, detections, alert, reused: earlier !== undefined };
  }

  /** The frame's detections: scored ahead of its turn (`hint`) or now. */
  private async score(event: FrameIngestedV1, scoredAhead: Promise<ScoredFrame> | undefined): Promise<ScoredFrame> {
    try {
      return await (scoredAhead ?? this.scoreNow(event));
    } catch (error) {
      if (error instanceof FrameUnprocessableError) await this.fail(event, error);
      throw error;
    }
  }

  private async scoreNow(event: FrameIngestedV1): Promise<ScoredFrame> {
    this.scoring += 1;
    try {
      const images = await this.deps.images.fetch(event);
      return await this.deps.scorer.submit({
        frameId: event.frameId,
        lineId: event.lineId,
        image: images.image,
        ...(images.template ? { template: images.template } : {}),
      });
    } finally {
      this.scoring -= 1;
    }
  }

  private async saveDetections(event: FrameIngestedV1, scored: ScoredFrame) {
    try {
      return await this.deps.detections.saveForFrame(event.frameId, scored.model.id, scored.detections, { inferenceMs: scored.batchMs });
    } catch (error) {
      if (error instanceof FrameNotFoundError) {
        // No frame row to mark failed: the event points at a frame camera-ingest never recorded.
        throw new NonRetryableError(`frame ${event.frameId} is not recorded in the database`, {
          code: FrameFailureCodes.frameNotRecorded,
          cause: error,
        });
      }
      throw error;
    }
  }

  /** The frame's alert, `created` now or raised before (found again on a redelivery); null when none. */
  private async decideAlert(
    event: FrameIngestedV1,
    modelVersionId: string,
    detections: readonly Detection[],
    options: { mayExist: boolean },
  ): Promise<{ alert: Alert; created: boolean } | null> {
    if (options.mayExist) {
      // An audit item on the frame (continual-fine-tune's, made after this frame raised nothing) is no alert of ours.
      const existing = (await this.deps.alerts.findForFrame(event.frameId)).find(
        (a) => a.modelVersionId === modelVersionId && a.kind === 'defect',
      );
      if (existing) return { alert: existing, created: false };
    }
    const policy = await this.deps.lines.alertPolicyFor(event.lineId);
    const qualifying = qualifyingDetections(policy?.alertRules ?? [], detections);
    if (qualifying.length === 0) return null;
    const windowSeconds = numberSetting(policy?.settings.dedupWindowSeconds, 0);
    const minIou = numberSetting(policy?.settings['dedupMinIou'], DEFAULT_DEDUP_MIN_IOU);
    const capturedAt = new Date(event.capturedAt);
    let remaining = qualifying;
    if (windowSeconds > 0) {
      const history = await this.deps.alertHistory.alertsCapturedBetween(
        event.lineId,
        event.cameraId,
        new Date(capturedAt.getTime() - windowSeconds * 1000),
        capturedAt,
        { excludeFrameId: event.frameId },
      );
      remaining = withoutDuplicates(qualifying, { frameId: event.frameId, capturedAt }, history, { windowSeconds, minIou });
    }
    const severity = highestSeverity(remaining);
    if (severity === undefined) return null;
    const raised = await this.deps.alerts.raiseOnce({
      id: deterministicEventId('alert', event.frameId, modelVersionId),
      frameId: event.frameId,
      lineId: event.lineId,
      cameraId: event.cameraId,
      modelVersionId,
      severity,
      detections: remaining.map((q) => q.detection),
    });
    const { alert } = raised;
    // The frame and model version already hold an audit item (the line's rules were tightened since
    // it raised nothing): the row is taken, and an audit item is never published as an alert.
    if (alert.kind !== 'defect') return null;
    this.deps.alertHistory.remember(event.lineId, event.cameraId, {
      alertId: alert.id,
      frameId: alert.frameId,
      modelVersionId: alert.modelVersionId,
      capturedAt,
      detections: alert.detections,
    });
    return raised;
  }

  private async fail(event: FrameIngestedV1, error: FrameUnprocessableError): Promise<never> {
    try {
      await this.deps.frames.markFailed(event.frameId, `${error.failureCode}: ${error.message}`);
    } catch (markError) {
      if (!(markError instanceof FrameNotFoundError)) throw markError; // retry: the reason must be recorded first
    }
    throw error; // a NonRetryableError: the bus dead-letters the message with its code
  }
}

function numberSetting(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
}

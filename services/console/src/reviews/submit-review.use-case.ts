import { randomUUID } from 'node:crypto';
import { type LabelledBox, type ReviewDecision, type ReviewSubmittedV1, Topics } from '@argus/contracts';
import { deterministicEventId, type MessageBus } from '@argus/messaging';
import type { AlertRepository, AlertWithFrame, LineRepository, RecordedReview, ReviewRepository } from '@argus/persistence';
import { AlertNotFoundError, RecordConflictError } from '@argus/persistence';
import { CommonErrorCodes, DomainError, InvalidRequestError } from '@argus/platform';
import { alertStatusAfterReview, findConflictingReview, reviewSubmittedAuditEntry } from '@argus/review';
import type { ReviewDecisionFeed } from './review-decision.feed';

export interface SubmitReviewCommand {
  readonly alertId: string;
  readonly decision: ReviewDecision;
  readonly boxes?: readonly LabelledBox[];
  readonly comment?: string | null;
  /** Given by the client so a retried submission records once and completes its publish. */
  readonly reviewId?: string;
  readonly reviewer: { readonly id: string; readonly name: string };
}

export interface SubmittedReview {
  readonly recorded: RecordedReview;
  /** The alert with its frame, as it stands after the review. */
  readonly alert: AlertWithFrame;
  /** The earlier review by someone else this one disagrees with. */
  readonly conflictsWith: string | null;
}

export interface SubmitReviewSettings {
  /** A publish slower than this answers 503 (the review is recorded; a retry completes it). */
  readonly publishTimeoutMs: number;
}

/**
 * An operator's decision on an alert. Order: (1) the review row, the alert's new status (the
 * review domain's `alertStatusAfterReview`) and the `review.submitted` audit entry commit in one
 * transaction; (2) `inspection.review.submitted.v1`
 * is published with an event id derived from the review id; (3) connected queues are told.
 * If (2) fails the client gets 503 with the review id: retrying with the same `reviewId` finds the
 * recorded review (nothing is written twice) and publishes again — the same event id, so
 * consumers see one event even if the first publish did land.
 */
export class SubmitReviewUseCase {
  constructor(
    private readonly alerts: Pick<AlertRepository, 'findWithFrame'>,
    private readonly reviews: Pick<ReviewRepository, 'record' | 'reviewsFor'>,
    private readonly lines: Pick<LineRepository, 'templateFor'>,
    private readonly bus: Pick<MessageBus, 'publish'>,
    private readonly feed: Pick<ReviewDecisionFeed, 'publish'>,
    private readonly settings: SubmitReviewSettings,
  ) {}

  async execute(command: SubmitReviewCommand): Promise<SubmittedReview> {
    const alert = await this.alerts.findWithFrame(command.alertId);
    if (!alert) throw new DomainError(CommonErrorCodes.notFound, `alert "${command.alertId}" does not exist`);
    const boxes = boxesFor(command, alert);
    const reviewId = command.reviewId ?? randomUUID();
    const alertStatus = alertStatusAfterReview(command.decision);
    let recorded: RecordedReview;
    try {
      recorded = await this.reviews.record({
        id: reviewId,
        alertId: alert.id,
        reviewerId: command.reviewer.id,
        decision: command.decision,
        boxes,
        comment: command.comment ?? null,
        alertStatus,
        audit: ({ statusBefore, reviewId: recordedId }) =>
          reviewSubmittedAuditEntry({
            actor: command.reviewer.name,
            alertId: alert.id,
            reviewId: recordedId,
            statusBefore,
            statusAfter: alertStatus,
            boxCount: boxes.length,
          }),
      });
    } catch (error) {
      if (error instanceof AlertNotFoundError) throw new DomainError(CommonErrorCodes.notFound, error.message);
      if (error instanceof RecordConflictError) {
        throw new DomainError(CommonErrorCodes.conflict, `review id "${reviewId}" is already used for another alert`);
      }
      throw error;
    }
    const { review } = recorded;
    const all = await this.reviews.reviewsFor(alert.id);
    const position = all.findIndex((r) => r.id === review.id);
    const conflictsWith = findConflictingReview(review, position < 0 ? all : all.slice(0, position));

    await this.announce(alert, recorded);
    this.feed.publish({ alertId: alert.id, status: recorded.alert.status, reviewId: review.id, reviewer: command.reviewer.name });
    return { recorded, alert: { ...alert, status: recorded.alert.status, updatedAt: recorded.alert.updatedAt }, conflictsWith };
  }

  private async announce(alert: AlertWithFrame, { review }: RecordedReview): Promise<void> {
    const templateKey = alert.frame.templateKey ?? (await this.lines.templateFor(alert.lineId))?.objectKey ?? null;
    const event: ReviewSubmittedV1 = {
      eventId: deterministicEventId('review-submitted', review.id),
      occurredAt: review.createdAt.toISOString(),
      reviewId: review.id,
      alertId: alert.id,
      frameId: alert.frameId,
      lineId: alert.lineId,
      cameraId: alert.cameraId,
      reviewerId: review.reviewerId,
      decision: review.decision,
      boxes: review.boxes.map((b) => ({ className: b.className, box: { ...b.box } })),
      objectKey: alert.frame.objectKey,
      templateKey,
      comment: review.comment,
    };
    try {
      await withTimeout(this.bus.publish(Topics.reviewSubmitted, event), this.settings.publishTimeoutMs);
    } catch (error) {
      throw new DomainError(
        CommonErrorCodes.unavailable,
        `the review was recorded but could not be announced (${error instanceof Error ? error.message : String(error)}); retry with the same reviewId`,
        { reviewId: review.id },
        { cause: error },
      );
    }
  }
}

/** The boxes a decision stands for: the alert's detections for a confirmation unless given, none for a rejection. */
function boxesFor(command: SubmitReviewCommand, alert: AlertWithFrame): LabelledBox[] {
  const given = command.boxes;
  switch (command.decision) {
    case 'confirmed':
      return given !== undefined ? [...given] : alert.detections.map((d) => ({ className: d.className, box: { ...d.box } }));
    case 'rejected':
      if (given !== undefined && given.length > 0) throw invalid('a rejection (false positive) has no boxes');
      return [];
    case 'corrected':
      if (given === undefined) throw invalid('a correction needs its boxes (an empty list when every box was deleted)');
      for (const [i, b] of given.entries()) {
        if (b.box.x2 > alert.frame.width || b.box.y2 > alert.frame.height) {
          throw invalid(`boxes.${i} lies outside the ${alert.frame.width}×${alert.frame.height} frame`, `boxes.${i}.box`);
        }
      }
      return [...given];
  }
}

function invalid(message: string, path = 'boxes'): InvalidRequestError {
  return new InvalidRequestError('body', [{ path, message }]);
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`publish took longer than ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

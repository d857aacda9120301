import { Observable, Subject } from 'rxjs';

/** What the queue's live stream says when an alert is reviewed (`event: alert.reviewed`). */
export interface ReviewDecisionNotice {
  readonly alertId: string;
  readonly status: string;
  readonly reviewId: string;
  readonly reviewer: string;
}

/**
 * Review decisions made through this console instance, in process: the SSE stream pushes them
 * to every connected queue so a reviewed alert leaves the other operators' screens at once.
 */
export class ReviewDecisionFeed {
  private readonly subject = new Subject<ReviewDecisionNotice>();

  publish(notice: ReviewDecisionNotice): void {
    this.subject.next(notice);
  }

  get decisions(): Observable<ReviewDecisionNotice> {
    return this.subject.asObservable();
  }

  complete(): void {
    this.subject.complete();
  }
}

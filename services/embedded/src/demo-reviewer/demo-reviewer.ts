import type { ReviewDecision } from '@argus/contracts';
import type { AlertRepository, AlertWithFrame } from '@argus/persistence';
import type { Logger } from '@argus/platform';
import type { SubmitReviewCommand } from '../service-modules.imports';
import { decideScriptedReview } from './scripted-review.decision';
import type { LocatedScene, SimulatedSceneLocator } from './simulated-scene.locator';

/** How many open alerts one round looks at (newest first) for one this reviewer can decide. */
const QUEUE_PAGE = 50;

export interface DemoReviewerDeps {
  readonly alerts: Pick<AlertRepository, 'findAlerts' | 'findAuditItems'>;
  readonly locator: Pick<SimulatedSceneLocator, 'covers' | 'locate'>;
  /** The console's SubmitReviewUseCase: the same path as an operator's decision. */
  readonly submit: { execute(command: SubmitReviewCommand): Promise<unknown> };
  readonly reviewer: { readonly id: string; readonly name: string };
  readonly logger: Pick<Logger, 'warn' | 'debug'>;
}

export interface DemoReviewerSettings {
  /** One decision per this many milliseconds. */
  readonly paceMs: number;
  /** Alerts raised before this are left to people (their scenes came from an earlier run). */
  readonly since: Date;
}

export type DemoReviewerCounts = Readonly<Record<ReviewDecision, number>> & { readonly skipped: number };

/**
 * The embedded demo's scripted operator: every `paceMs` it takes the newest open alert of a
 * simulated camera from this run (the console's queue order), or every fourth time the most
 * uncertain open audit item, traces the frame back to its scene,
 * and decides as decideScriptedReview says, through the console's review use case — so the review
 * is recorded, audited and announced on inspection.review.submitted.v1 like anyone's, and the
 * continual fine-tune loop learns from it. An alert whose scene cannot be found is skipped (left
 * open for people), never guessed at.
 */
export class DemoReviewer {
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private stopped = false;
  private turn = 0;
  private calls = 0;
  private readonly skipped = new Set<string>();
  private readonly counts = { confirmed: 0, corrected: 0, rejected: 0, skipped: 0 };

  constructor(
    private readonly deps: DemoReviewerDeps,
    private readonly settings: DemoReviewerSettings,
  ) {}

  start(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => {
      this.round ??= this.reviewOne()
        .catch((error: unknown) => this.deps.logger.warn({ err: error }, 'the scripted reviewer could not review; it tries again'))
        .then(() => undefined)
        .finally(() => (this.round = undefined));
    }, this.settings.paceMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.round;
  }

  /** Reviews made this run, by decision, and alerts skipped (scene not found). */
  reviewed(): DemoReviewerCounts {
    return { ...this.counts };
  }

  /**
   * Decides one open alert; the decision, or null when there was none it could decide. Two turns
   * in three it picks, among the newest page of the queue, the newest alert on a defective part
   * (as an operator's eye goes to the part that is really damaged first); otherwise, or when the
   * page holds none, the newest alert. An untrained model alerts on nearly every good part, so a
   * reviewer taking the queue strictly in order would label almost nothing but false alarms, and
   * a fine-tune needs true boxes (in its training frames and in the line's holdout, which the
   * gates score) as well as hard negatives.
   */
  async reviewOne(): Promise<ReviewDecision | null> {
    // Every fourth decision goes to the audit queue (frames that raised no alert), most uncertain
    // first: a missed defect reaches the data set only this way. The alerts' turns keep their order.
    if (this.calls++ % 4 === 3) {
      const audited = await this.reviewAuditItem();
      if (audited) return audited;
    }
    const preferDefect = this.turn++ % 3 !== 2;
    const open = await this.deps.alerts.findAlerts({ status: 'open' }, { limit: QUEUE_PAGE });
    let newest: { alert: AlertWithFrame; scene: LocatedScene } | undefined;
    for (const alert of open) {
      if (alert.createdAt < this.settings.since || this.skipped.has(alert.id)) continue;
      if (!this.deps.locator.covers(alert.lineId, alert.cameraId)) continue;
      const scene = await this.deps.locator.locate({ ...alert, templateKey: alert.frame.templateKey, capturedAt: alert.frame.capturedAt });
      if (!scene) {
        this.skip(alert, 'its scene was not found among the camera’s recent scenes');
        continue;
      }
      newest ??= { alert, scene };
      if (!preferDefect || scene.boxes.length > 0) return this.decide(alert, scene);
    }
    return newest ? this.decide(newest.alert, newest.scene) : null;
  }

  /**
   * The most uncertain open audit item of this run this reviewer can trace, decided from the scene
   * like an alert: no true box → rejected ("no defect", a hard negative); the model's weak boxes
   * right → confirmed; else corrected to the true boxes (a miss, now labelled). Null when none.
   */
  private async reviewAuditItem(): Promise<ReviewDecision | null> {
    const open = await this.deps.alerts.findAuditItems({ status: 'open' }, { limit: QUEUE_PAGE });
    for (const item of open) {
      if (item.createdAt < this.settings.since || this.skipped.has(item.id)) continue;
      if (!this.deps.locator.covers(item.lineId, item.cameraId)) continue;
      const scene = await this.deps.locator.locate({ ...item, templateKey: item.frame.templateKey, capturedAt: item.frame.capturedAt });
      if (!scene) {
        this.skip(item, 'its scene was not found among the camera’s recent scenes');
        continue;
      }
      return this.decide(item, scene);
    }
    return null;
  }

  private async decide(alert: AlertWithFrame, scene: LocatedScene): Promise<ReviewDecision> {
    const review = decideScriptedReview(scene.boxes, alert.detections, alert.frame);
    await this.deps.submit.execute({
      alertId: alert.id,
      decision: review.decision,
      ...(review.boxes ? { boxes: review.boxes } : {}),
      comment: review.comment,
      reviewer: this.deps.reviewer,
    });
    this.counts[review.decision]++;
    return review.decision;
  }

  private skip(alert: AlertWithFrame, why: string): void {
    this.skipped.add(alert.id);
    this.counts.skipped++;
    // bounded: the oldest skipped ids fall out of the queue's newest page long before this fills
    if (this.skipped.size > 10_000) this.skipped.delete(this.skipped.values().next().value as string);
    this.deps.logger.debug(
      { alertId: alert.id, lineId: alert.lineId, cameraId: alert.cameraId },
      `scripted reviewer skipped an alert: ${why}`,
    );
  }
}

import { CommonErrorCodes, DomainError } from '@argus/platform';
import type { AlertFilter, AlertRepository, LineRepository, ModelRegistryRepository, ReviewRepository } from '@argus/persistence';
import { decodeCursor, pageOf } from '../http/keyset-cursor.codec';
import { type AlertCount, countOrEstimate, EXACT_COUNT_LIMIT } from './alert-count';
import { type AlertDetail, type AlertSummary, toAlertDetail, toAlertSummary } from './alert.presenter';
import type { ModelThresholdsReader } from './model-thresholds.reader';

export interface AlertListQuery extends AlertFilter {
  readonly limit: number;
  readonly cursor?: string;
}

/** The review queue's reads: the filtered, keyset-paged list, its size, and one alert with its reviews. */
export class AlertQueriesService {
  constructor(
    private readonly alerts: Pick<AlertRepository, 'findAlerts' | 'findWithFrame' | 'countAlerts' | 'estimateAlerts'>,
    private readonly reviews: Pick<ReviewRepository, 'reviewsWithReviewerNames' | 'latestReviewsFor'>,
    private readonly models: Pick<ModelRegistryRepository, 'findVersion'>,
    private readonly lines: Pick<LineRepository, 'templateFor' | 'alertRulesFor'>,
    private readonly thresholds: Pick<ModelThresholdsReader, 'read'>,
    private readonly exactCountLimit: number = EXACT_COUNT_LIMIT,
  ) {}

  async list(query: AlertListQuery): Promise<{ items: AlertSummary[]; nextCursor: string | null }> {
    const { limit, cursor, ...filter } = query;
    const before = cursor === undefined ? undefined : decodeCursor(cursor);
    // One more than asked: whether it comes back tells if there is a next page.
    const rows = await this.alerts.findAlerts(filter, {
      limit: limit + 1,
      ...(before ? { before: { createdAt: before.at, id: before.id } } : {}),
    });
    const page = pageOf(rows, limit, (alert) => ({ at: alert.createdAt, id: alert.id }));
    const reviewed = page.items.filter((a) => a.status !== 'open').map((a) => a.id);
    const latest = await this.reviews.latestReviewsFor(reviewed);
    return { items: page.items.map((a) => toAlertSummary(a, latest.get(a.id) ?? null)), nextCursor: page.nextCursor };
  }

  /** How many alerts match the filter: exact up to the limit, else an estimate marked as one. */
  async count(filter: AlertFilter): Promise<AlertCount> {
    return countOrEstimate(
      { count: (upTo) => this.alerts.countAlerts(filter, upTo), estimate: () => this.alerts.estimateAlerts(filter) },
      this.exactCountLimit,
    );
  }

  async detail(alertId: string): Promise<AlertDetail> {
    const alert = await this.alerts.findWithFrame(alertId);
    if (!alert) throw new DomainError(CommonErrorCodes.notFound, `alert "${alertId}" does not exist`);
    const [reviews, model, lineTemplate, rules] = await Promise.all([
      this.reviews.reviewsWithReviewerNames(alertId),
      this.models.findVersion(alert.modelVersionId),
      alert.frame.templateKey === null ? this.lines.templateFor(alert.lineId) : Promise.resolve(null),
      this.lines.alertRulesFor(alert.lineId),
    ]);
    // The page is still worth showing when the package cannot be read: the thresholds are then unknown.
    const thresholds = model ? await this.thresholds.read(model.artifactKey).catch(() => null) : null;
    return toAlertDetail(alert, {
      hasTemplate: alert.frame.templateKey !== null || lineTemplate !== null,
      reviews,
      model,
      thresholds,
      rules,
    });
  }
}

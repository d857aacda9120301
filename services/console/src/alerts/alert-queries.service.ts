import { CommonErrorCodes, DomainError } from '@argus/platform';
import type { AlertFilter, AlertRepository, LineRepository, ModelRegistryRepository, ReviewRepository } from '@argus/persistence';
import { decodeCursor, pageOf } from '../http/keyset-cursor.codec';
import { type AlertDetail, type AlertSummary, toAlertDetail, toAlertSummary } from './alert.presenter';

export interface AlertListQuery extends AlertFilter {
  readonly limit: number;
  readonly cursor?: string;
}

/** The review queue's reads: the filtered, keyset-paged list and one alert with its reviews. */
export class AlertQueriesService {
  constructor(
    private readonly alerts: Pick<AlertRepository, 'findAlerts' | 'findWithFrame'>,
    private readonly reviews: Pick<ReviewRepository, 'reviewsWithReviewerNames'>,
    private readonly models: Pick<ModelRegistryRepository, 'findVersion'>,
    private readonly lines: Pick<LineRepository, 'templateFor'>,
  ) {}

  async list(query: AlertListQuery): Promise<{ items: AlertSummary[]; nextCursor: string | null }> {
    const { limit, cursor, ...filter } = query;
    const before = cursor === undefined ? undefined : decodeCursor(cursor);
    // One more than asked: whether it comes back tells if there is a next page.
    const rows = await this.alerts.findAlerts(filter, { limit: limit + 1, ...(before ? { before: { createdAt: before.at, id: before.id } } : {}) });
    const page = pageOf(rows, limit, (alert) => ({ at: alert.createdAt, id: alert.id }));
    return { items: page.items.map(toAlertSummary), nextCursor: page.nextCursor };
  }

  async detail(alertId: string): Promise<AlertDetail> {
    const alert = await this.alerts.findWithFrame(alertId);
    if (!alert) throw new DomainError(CommonErrorCodes.notFound, `alert "${alertId}" does not exist`);
    const [reviews, model, lineTemplate] = await Promise.all([
      this.reviews.reviewsWithReviewerNames(alertId),
      this.models.findVersion(alert.modelVersionId),
      alert.frame.templateKey === null ? this.lines.templateFor(alert.lineId) : Promise.resolve(null),
    ]);
    return toAlertDetail(alert, {
      hasTemplate: alert.frame.templateKey !== null || lineTemplate !== null,
      modelClasses: model?.classes ?? [],
      reviews,
    });
  }
}

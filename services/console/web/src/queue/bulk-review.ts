import { apiRequest, queryString } from '../api/api-client';
import type { AlertSummary, Page, BulkReviewAnswer, BulkReviewRequest } from '../api/api-types';
import { queueFilterToApiParams, type QueueFilter } from './queue-filter';

/** The API takes at most this many alert ids per bulk request. */
export const BULK_CHUNK = 200;

/** Every open alert id matching the filter, page by page (not just the pages on screen). */
export async function collectMatchingAlertIds(filter: QueueFilter, signal?: AbortSignal): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<AlertSummary> = await apiRequest<Page<AlertSummary>>(
      `/api/v1/alerts${queryString({ ...queueFilterToApiParams(filter), limit: BULK_CHUNK, cursor })}`,
      { signal },
    );
    ids.push(...page.items.map((a) => a.id));
    cursor = page.nextCursor;
  } while (cursor !== null);
  return ids;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

export interface BulkOutcome {
  done: string[];
  failed: { alertId: string; message: string }[];
}

export async function bulkReview(decision: 'confirmed' | 'rejected', alertIds: readonly string[]): Promise<BulkOutcome> {
  const outcome: BulkOutcome = { done: [], failed: [] };
  for (const part of chunk(alertIds, BULK_CHUNK)) {
    const answer = await apiRequest<BulkReviewAnswer>('/api/v1/alerts/bulk-review', {
      method: 'POST',
      body: { decision, alertIds: part, confirm: true } satisfies BulkReviewRequest,
    });
    for (const result of answer.results) {
      if ('error' in result) outcome.failed.push({ alertId: result.alertId, message: `${result.error.code}: ${result.error.message}` });
      else outcome.done.push(result.alertId);
    }
  }
  return outcome;
}

import { Topics } from '@argus/contracts';
import { deterministicEventId } from '@argus/messaging';
import type { AlertWithFrame, RecordedReview, Review } from '@argus/persistence';
import { DomainError, InvalidRequestError } from '@argus/platform';
import { strictMock } from '@argus/platform/testing';
import { SubmitReviewUseCase } from './submit-review.use-case';

type Deps = ConstructorParameters<typeof SubmitReviewUseCase>;

const alert: AlertWithFrame = {
  id: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
  frameId: '0b8f4c3e-1d2a-4b5c-8d9e-0f1a2b3c4d5e',
  lineId: 'line-1',
  cameraId: 'cam-1',
  modelVersionId: '1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e',
  severity: 'high',
  status: 'open',
  kind: 'defect',
  audit: null,
  detections: [{ className: 'open', score: 0.9, box: { x1: 1, y1: 2, x2: 30, y2: 40 } }],
  createdAt: new Date('2026-11-28T10:00:00.000Z'),
  updatedAt: new Date('2026-11-28T10:00:00.000Z'),
  frame: { capturedAt: new Date('2026-11-28T09:59:59.000Z'), width: 64, height: 48, objectKey: 'line-1/cam-1/f.png', templateKey: null },
};
const reviewer = { id: '2c1d4f7a-8b9e-4c3d-9e8f-7a6b5c4d3e2f', name: 'ana' };

function setUp(overrides: { publish?: jest.Mock; earlier?: Review[] } = {}) {
  const calls: string[] = [];
  let stored: Review | undefined;
  const reviews = strictMock<Deps[1]>('reviews', {
    record: jest.fn(async (input) => {
      calls.push('record');
      stored = {
        id: input.id as string,
        alertId: input.alertId,
        reviewerId: input.reviewerId,
        decision: input.decision,
        boxes: input.boxes,
        comment: input.comment ?? null,
        createdAt: new Date('2026-11-28T10:01:00.000Z'),
      };
      const recorded: RecordedReview = { review: stored, alert: { ...alert, status: input.alertStatus }, created: true };
      return recorded;
    }),
    reviewsFor: jest.fn(async () => [...(overrides.earlier ?? []), stored as Review]),
  });
  const bus = strictMock<Deps[3]>('bus', { publish: overrides.publish ?? jest.fn(async () => void calls.push('publish')) });
  const feed = strictMock<Deps[4]>('feed', { publish: jest.fn(() => void calls.push('feed')) });
  const useCase = new SubmitReviewUseCase(
    strictMock<Deps[0]>('alerts', { findWithFrame: jest.fn(async (id: string) => (id === alert.id ? alert : null)) }),
    reviews,
    strictMock<Deps[2]>('lines', {
      templateFor: jest.fn(async () => ({
        lineId: 'line-1',
        objectKey: 'line-1/template.png',
        width: 64,
        height: 48,
        createdAt: new Date(0),
      })),
    }),
    bus,
    feed,
    { publishTimeoutMs: 200 },
  );
  return { useCase, calls, reviews, bus, feed };
}

describe('SubmitReviewUseCase', () => {
  it('records (with its audit actor), then publishes review-submitted with a derived event id, then tells the live queues', async () => {
    const { useCase, calls, reviews, bus, feed } = setUp();
    const result = await useCase.execute({ alertId: alert.id, decision: 'confirmed', reviewer });
    expect(calls).toEqual(['record', 'publish', 'feed']);
    const input = (reviews.record as jest.Mock).mock.calls[0][0];
    expect(input).toMatchObject({
      alertId: alert.id,
      reviewerId: reviewer.id,
      alertStatus: 'confirmed',
      boxes: [{ className: 'open', box: alert.detections[0]?.box }],
    });
    expect(input.audit({ statusBefore: 'open', reviewId: input.id })).toEqual({
      actor: 'ana',
      action: 'review.submitted',
      subjectType: 'alert',
      subjectId: alert.id,
      before: { status: 'open' },
      after: { status: 'confirmed', reviewId: input.id, boxes: 1 },
    });
    const [topic, event] = (bus.publish as jest.Mock).mock.calls[0];
    expect(topic).toBe(Topics.reviewSubmitted);
    expect(Topics.reviewSubmitted.schema.parse(event)).toMatchObject({
      eventId: deterministicEventId('review-submitted', input.id),
      reviewId: input.id,
      decision: 'confirmed',
      objectKey: 'line-1/cam-1/f.png',
      templateKey: 'line-1/template.png',
    });
    expect(feed.publish).toHaveBeenCalledWith({ alertId: alert.id, status: 'confirmed', reviewId: input.id, reviewer: 'ana' });
    expect(result).toMatchObject({ conflictsWith: null, alert: { status: 'confirmed' } });
  });

  it('answers 503 (unavailable, with the review id) when the publish fails, after the review was recorded; a retry with that id publishes the same event', async () => {
    const failing = jest.fn(async () => Promise.reject(new Error('broker down')));
    const { useCase, feed } = setUp({ publish: failing });
    const error = await useCase.execute({ alertId: alert.id, decision: 'rejected', reviewer }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'unavailable', details: { reviewId: expect.any(String) } });
    expect(feed.publish).not.toHaveBeenCalled();

    const reviewId = (error as DomainError).details?.['reviewId'] as string;
    const retry = setUp();
    await retry.useCase.execute({ alertId: alert.id, decision: 'rejected', reviewer, reviewId });
    expect((retry.bus.publish as jest.Mock).mock.calls[0][1]).toMatchObject({
      eventId: deterministicEventId('review-submitted', reviewId),
      reviewId,
    });
  });

  it('names the conflicting earlier review of another reviewer', async () => {
    const earlier: Review = {
      id: 'e4d909c2-90d0-4b8a-9c1e-2f3a4b5c6d7e',
      alertId: alert.id,
      reviewerId: 'someone-else',
      decision: 'confirmed',
      boxes: [],
      comment: null,
      createdAt: new Date(0),
    };
    const { useCase } = setUp({ earlier: [earlier] });
    await expect(useCase.execute({ alertId: alert.id, decision: 'rejected', reviewer })).resolves.toMatchObject({
      conflictsWith: earlier.id,
    });
  });

  it('refuses what the decision cannot mean, before writing anything; 404 for an unknown alert', async () => {
    const { useCase, reviews } = setUp();
    const outside = { className: 'open', box: { x1: 1, y1: 1, x2: 65, y2: 10 } };
    await expect(useCase.execute({ alertId: alert.id, decision: 'corrected', reviewer })).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(useCase.execute({ alertId: alert.id, decision: 'rejected', boxes: [outside], reviewer })).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
    await expect(useCase.execute({ alertId: alert.id, decision: 'corrected', boxes: [outside], reviewer })).rejects.toThrow(
      /outside the 64×48 frame/,
    );
    await expect(
      useCase.execute({ alertId: '00000000-0000-4000-8000-000000000000', decision: 'confirmed', reviewer }),
    ).rejects.toMatchObject({ code: 'not-found' });
    expect(reviews.record).not.toHaveBeenCalled();
  });
});

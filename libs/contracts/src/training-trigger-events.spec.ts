import { findTopic, Topics } from './index';

const requested = {
  eventId: '00000000-0000-4000-8000-000000000001',
  occurredAt: '2026-12-07T10:00:00.000+00:00',
  requestId: '00000000-0000-4000-8000-0000000000d1',
  lineId: 'pcb-1',
  requestedBy: 'ana',
  reason: 'operators corrected many pin-hole alerts this morning',
};

const answered = {
  eventId: '00000000-0000-4000-8000-000000000002',
  occurredAt: '2026-12-07T10:00:01.000+00:00',
  requestId: requested.requestId,
  lineId: 'pcb-1',
  requestedBy: 'ana',
  outcome: 'refused',
  jobId: null,
  errorCode: 'training-job.no-production-model',
  reason: 'line pcb-1 has no production model to fine-tune',
};

describe('training.job.trigger-requested.v1 and training.job.trigger-answered.v1', () => {
  it('are keyed by line, so a line’s requests and answers stay in order', () => {
    expect(findTopic('training.job.trigger-requested.v1')).toBe(Topics.trainingTriggerRequested);
    expect(findTopic('training.job.trigger-answered.v1')).toBe(Topics.trainingTriggerAnswered);
    expect(Topics.trainingTriggerRequested.keyOf(Topics.trainingTriggerRequested.schema.parse(requested))).toBe('pcb-1');
    expect(Topics.trainingTriggerAnswered.keyOf(Topics.trainingTriggerAnswered.schema.parse(answered))).toBe('pcb-1');
  });

  it('refuse a request without a reason or with a malformed id, and an answer with an unknown outcome', () => {
    expect(Topics.trainingTriggerRequested.schema.safeParse({ ...requested, reason: '  ' }).success).toBe(false);
    expect(Topics.trainingTriggerRequested.schema.safeParse({ ...requested, requestId: 'r1' }).success).toBe(false);
    expect(Topics.trainingTriggerAnswered.schema.safeParse({ ...answered, outcome: 'maybe' }).success).toBe(false);
  });

  it('carry an adaptation only when asked for one (new-line wizard); older requests parse unchanged as fine-tunes', () => {
    expect(Topics.trainingTriggerRequested.schema.parse(requested).adaptation).toBeUndefined();
    const adaptation = {
      start: 'finetune',
      baseModelVersionId: '00000000-0000-4000-8000-0000000000b1',
      shotFrameIds: ['00000000-0000-4000-8000-0000000000f1'],
      budgetSeconds: 120,
    };
    expect(Topics.trainingTriggerRequested.schema.parse({ ...requested, adaptation }).adaptation).toEqual(adaptation);
    expect(Topics.trainingTriggerRequested.schema.safeParse({ ...requested, adaptation: { ...adaptation, start: 'magic' } }).success).toBe(
      false,
    );
    expect(
      Topics.trainingTriggerRequested.schema.safeParse({ ...requested, adaptation: { ...adaptation, shotFrameIds: [] } }).success,
    ).toBe(false);
    const { baseModelVersionId: _base, ...withoutBase } = adaptation;
    expect(Topics.trainingTriggerRequested.schema.safeParse({ ...requested, adaptation: withoutBase }).success).toBe(false);
  });
});

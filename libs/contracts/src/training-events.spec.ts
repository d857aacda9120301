import { deadLetterTopicFor, findTopic, Topics } from './index';

const job = {
  eventId: '00000000-0000-4000-8000-000000000001',
  occurredAt: '2026-12-07T10:00:00.000+00:00',
  jobId: '00000000-0000-4000-8000-0000000000a1',
  lineId: 'pcb-1',
  datasetVersionId: '00000000-0000-4000-8000-0000000000b1',
  datasetFingerprint: `sha256:${'a'.repeat(64)}`,
  manifestKey: 'datasets/pcb-1/3/manifest.jsonl',
  baseModelVersionId: '00000000-0000-4000-8000-0000000000c1',
  baseArtifactKey: 'models/pcb/1',
  requestedBy: 'policy',
  triggers: [{ kind: 'new-labels', reason: '50 frames labelled since the last job (policy: 50)' }],
  epochs: 3,
  seed: 1,
};

describe('training job events', () => {
  it('are topics of their own, keyed by job id, with dead-letter twins', () => {
    expect(findTopic('training.job.requested.v1')).toBe(Topics.trainingJobRequested);
    expect(Topics.trainingJobRequested.keyOf(Topics.trainingJobRequested.schema.parse(job))).toBe(job.jobId);
    expect(deadLetterTopicFor(Topics.trainingJobFailed.name)).toBe('training.job.failed.v1.dlq');
  });

  it('refuse a job without a trigger, with a malformed fingerprint, or an unknown trigger kind', () => {
    const schema = Topics.trainingJobRequested.schema;
    expect(schema.safeParse({ ...job, triggers: [] }).success).toBe(false);
    expect(schema.safeParse({ ...job, datasetFingerprint: 'abc' }).success).toBe(false);
    expect(schema.safeParse({ ...job, triggers: [{ kind: 'whim', reason: 'x' }] }).success).toBe(false);
  });

  it('are fine-tunes unless they carry an adaptation, whose start and shots are checked', () => {
    const schema = Topics.trainingJobRequested.schema;
    expect(schema.parse(job).adaptation).toBeUndefined();
    const adaptation = { start: 'meta', shotFrameIds: ['00000000-0000-4000-8000-0000000000f1'], budgetSeconds: 120 };
    expect(schema.parse({ ...job, adaptation }).adaptation).toEqual(adaptation);
    expect(schema.safeParse({ ...job, adaptation: { ...adaptation, start: 'fine-tune' } }).success).toBe(false);
    expect(schema.safeParse({ ...job, adaptation: { ...adaptation, shotFrameIds: ['f1'] } }).success).toBe(false);
    expect(schema.safeParse({ ...job, adaptation: { ...adaptation, budgetSeconds: 0 } }).success).toBe(false);
  });

  it('carry progress with the phase, losses, validation AP and ETA, nullable where unknown yet', () => {
    const progress = {
      eventId: job.eventId,
      occurredAt: job.occurredAt,
      jobId: job.jobId,
      lineId: 'pcb-1',
      workerId: 'host-1:4242',
      attempt: 1,
      phase: 'training',
      step: 40,
      totalSteps: 300,
      losses: { total: 1.25, distillation: 0.1 },
      validationAp: null,
      etaSeconds: 120,
      message: null,
    };
    expect(Topics.trainingJobProgress.schema.safeParse(progress).success).toBe(true);
    expect(Topics.trainingJobProgress.schema.safeParse({ ...progress, phase: 'napping' }).success).toBe(false);
    expect(Topics.trainingJobProgress.schema.safeParse({ ...progress, validationAp: 1.2 }).success).toBe(false);
  });
});

import type { FrameLabelRepository, LineLearningStateQuery, TrainingJobRepository } from '@argus/persistence';
import { strictMock } from '@argus/platform/testing';
import { DEFAULT_GATE_POLICY } from '@argus/registry';
import { JobAlreadyActiveError, UnknownFrameError } from '../continual.errors';
import type { FrameLabel } from '../labels/frame-label';
import type { FinishedJob, JobProgress } from '../jobs/training-job.ports';
import { DEFAULT_TRIGGER_POLICY } from '../triggers/trigger-policy';
import { PostgresLabelStore } from './postgres-label.store';
import { PostgresLineLearningStateReader } from './postgres-line-learning-state.reader';
import { PostgresTrainingJobLedger } from './postgres-training-job.ledger';
import { PostgresTrainingJobRequests } from './postgres-training-job.requests';

type Jobs = Pick<TrainingJobRepository, 'claim' | 'recordProgress' | 'cancelRequested' | 'complete' | 'fail'>;

const label: FrameLabel = {
  frameId: '00000000-0000-4000-8000-000000000001',
  lineId: 'line-1',
  cameraId: 'cam-a',
  reviewId: '00000000-0000-4000-8000-000000000002',
  reviewerId: '00000000-0000-4000-8000-000000000003',
  decision: 'rejected',
  boxes: [],
  kind: 'hard-negative',
  objectKey: 'line-1/cam-a/f.png',
  templateKey: null,
  reviewedAt: '2026-03-01T08:00:00.000Z',
};

describe('PostgresLabelStore', () => {
  it('throws UnknownFrameError when the frame is not stored', async () => {
    const store = new PostgresLabelStore(
      strictMock<Pick<FrameLabelRepository, 'record' | 'saveResolved' | 'labelsOf'>>('labels', { record: async () => null }),
    );
    await expect(store.record(label)).rejects.toEqual(new UnknownFrameError(label.frameId));
  });
});

describe('PostgresTrainingJobRequests', () => {
  it('throws JobAlreadyActiveError naming the active job when the line has one', async () => {
    const requests = new PostgresTrainingJobRequests(
      strictMock<TrainingJobRepository>('jobs', { create: async () => ({ created: false as const, activeJobId: 'job-0' }) }),
    );
    const job = {
      id: 'job-1',
      lineId: 'line-1',
      datasetVersionId: 'd',
      baseModelVersionId: 'm',
      baseArtifactKey: 'models/m',
      triggers: [{ kind: 'manual' as const, reason: 'asked' }],
      requestedBy: 'ada',
      epochs: 1,
      seed: 1,
    };
    await expect(requests.create(job)).rejects.toEqual(new JobAlreadyActiveError('line-1', 'job-0'));
  });
});

describe('PostgresTrainingJobLedger', () => {
  const cancelled: FinishedJob = { status: 'cancelled', errorCode: 'job.cancelled', reason: 'cancelled while training', attempt: 2 };

  it('passes claims through and answers a finished job with its stored outcome', async () => {
    const claims = [
      { kind: 'run' as const, attempt: 1 },
      { kind: 'cancelled' as const, attempt: 2 },
      { kind: 'finished' as const, outcome: cancelled },
    ];
    const ledger = new PostgresTrainingJobLedger(strictMock<Jobs>('jobs', { claim: async () => claims.shift() ?? null }));
    expect(await ledger.claim('job-1', 'w')).toEqual({ kind: 'run', attempt: 1 });
    expect(await ledger.claim('job-1', 'w')).toEqual({ kind: 'cancelled', attempt: 2 });
    expect(await ledger.claim('job-1', 'w')).toEqual({ kind: 'finished', outcome: cancelled });
    await expect(ledger.claim('job-1', 'w')).rejects.toThrow('training job job-1 is not in the ledger');
  });

  it('records a completion with its candidate and gate verdict; an earlier outcome standing is not an error, an unknown job is', async () => {
    const finishes: ('recorded' | 'already-finished' | 'unknown')[] = ['recorded', 'already-finished', 'unknown'];
    const complete = jest.fn(async () => finishes.shift() ?? 'unknown');
    const ledger = new PostgresTrainingJobLedger(strictMock<Jobs>('jobs', { complete }));
    const outcome: Extract<FinishedJob, { status: 'completed' }> = {
      status: 'completed',
      candidate: {
        modelVersionId: 'mv-2',
        name: 'm',
        version: 'ft',
        artifactKey: 'models/m/ft',
        classes: ['scratch'],
        usesTemplate: false,
        metrics: {},
      },
      gates: { passed: false, policy: DEFAULT_GATE_POLICY, checks: [], reasons: ['latency'] },
      durationMs: 5,
    };
    await ledger.complete('job-1', outcome);
    await ledger.complete('job-1', outcome);
    await expect(ledger.complete('job-1', outcome)).rejects.toThrow('not in the ledger');
    expect(complete).toHaveBeenCalledWith('job-1', outcome, { modelVersionId: 'mv-2', gatesPassed: false });
  });

  it('answers whether cancel was requested, and throws for an unknown job; fail of an unknown job throws', async () => {
    const answers = [true, null];
    const ledger = new PostgresTrainingJobLedger(
      strictMock<Jobs>('jobs', { cancelRequested: async () => answers.shift() ?? null, fail: async () => 'unknown' as const }),
    );
    expect(await ledger.cancelRequested('job-1')).toBe(true);
    await expect(ledger.cancelRequested('job-1')).rejects.toThrow('not in the ledger');
    await expect(ledger.fail('job-1', cancelled as Extract<FinishedJob, { status: 'cancelled' }>)).rejects.toThrow('not in the ledger');
  });

  it('stores progress as given', async () => {
    const recordProgress = jest.fn(async () => undefined);
    const ledger = new PostgresTrainingJobLedger(strictMock<Jobs>('jobs', { recordProgress }));
    const progress: JobProgress = {
      phase: 'training',
      step: 1,
      totalSteps: 2,
      losses: { total: 1 },
      validationAp: null,
      etaSeconds: 3,
      message: null,
    };
    await ledger.recordProgress('job-1', progress);
    expect(recordProgress).toHaveBeenCalledWith('job-1', progress);
  });
});

describe('PostgresLineLearningStateReader', () => {
  const record = {
    lastJobAt: null,
    productionSince: new Date('2026-11-01T00:00:00Z'),
    jobActive: false,
    newLabelledFrames: 3,
    newLabelledClassFrames: { scratch: 3 },
    productionClasses: ['scratch'],
    recentDecisions: [],
    scores: null,
  };

  it("reads only what the policy uses: the reject-rate window, at least the score rule's minimum frames per side", async () => {
    const stateOf = jest.fn(async () => record);
    const reader = new PostgresLineLearningStateReader(strictMock<LineLearningStateQuery>('query', { stateOf }), {
      scoreFramesPerSide: 100,
    });
    const now = new Date('2026-03-01T08:00:00.000Z');
    expect(await reader.learningState('line-1', now, DEFAULT_TRIGGER_POLICY)).toEqual({ now, ...record });
    expect(stateOf).toHaveBeenLastCalledWith('line-1', { decisions: 50, scoreFrames: 200 });
    await reader.learningState('line-1', now, { ...DEFAULT_TRIGGER_POLICY, rejectRate: null, scoreShift: null });
    expect(stateOf).toHaveBeenLastCalledWith('line-1', { decisions: 0, scoreFrames: null });
  });

  it('answers null for a line without a production model', async () => {
    const reader = new PostgresLineLearningStateReader(strictMock<LineLearningStateQuery>('query', { stateOf: async () => null }));
    expect(await reader.learningState('line-1', new Date(), DEFAULT_TRIGGER_POLICY)).toBeNull();
  });
});

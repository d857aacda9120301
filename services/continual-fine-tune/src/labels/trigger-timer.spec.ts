import { strictMock } from '@argus/platform/testing';
import type { ContinualFineTuneEnv } from '../config';
import type { RequestTrainingJobUseCase } from '../jobs/request-training-job.use-case';
import type { EvaluateLineTriggersUseCase } from '../triggers/evaluate-line-triggers.use-case';
import { DEFAULT_TRIGGER_POLICY } from '../triggers/trigger-policy';
import { TriggerTimer, triggerPolicyOf } from './labels.module';

describe('TriggerTimer', () => {
  const now = new Date('2026-03-01T08:00:00.000Z');

  it('evaluates every line, then announces what a crash left unannounced', async () => {
    const calls: string[] = [];
    const timer = new TriggerTimer(
      strictMock<EvaluateLineTriggersUseCase>('triggers', { evaluateAll: async () => (calls.push('evaluateAll'), 1) }),
      strictMock<RequestTrainingJobUseCase>('requests', {
        announceStalled: async (at: Date) => (calls.push(`announceStalled ${at.toISOString()}`), 2),
      }),
      strictMock('logger', { info: jest.fn(), warn: jest.fn() }),
      () => now,
    );
    await timer.runOnce();
    expect(calls).toEqual(['evaluateAll', `announceStalled ${now.toISOString()}`]);
  });

  it('judges the auto-promotion lines after the triggers, even when the trigger round failed', async () => {
    const calls: string[] = [];
    const warn = jest.fn();
    const timer = new TriggerTimer(
      strictMock<EvaluateLineTriggersUseCase>('triggers', {
        evaluateAll: async () => {
          calls.push('evaluateAll');
          throw new Error('database down');
        },
      }),
      strictMock<RequestTrainingJobUseCase>('requests', {}),
      strictMock('logger', { info: jest.fn(), warn }),
      () => now,
      { runOnce: async () => (calls.push('autoPromotion'), []) },
    );
    await timer.runOnce();
    expect(calls).toEqual(['evaluateAll', 'autoPromotion']);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('logs a failing round and does not throw (the next round tries again)', async () => {
    const warn = jest.fn();
    const timer = new TriggerTimer(
      strictMock<EvaluateLineTriggersUseCase>('triggers', {
        evaluateAll: async () => {
          throw new Error('database down');
        },
      }),
      strictMock<RequestTrainingJobUseCase>('requests', {}),
      strictMock('logger', { info: jest.fn(), warn }),
      () => now,
    );
    await expect(timer.runOnce()).resolves.toBeUndefined();
    expect(warn).toHaveBeenCalledWith({ err: new Error('database down') }, expect.stringContaining('next round'));
  });
});

describe('triggerPolicyOf', () => {
  it('takes the service defaults with the configured label count, new-class frames and schedule; 0 turns each rule off', () => {
    const env = (n: number, hours: number, unknownClassFrames = 10) =>
      ({
        ARGUS_FINETUNE_MIN_NEW_LABELS: n,
        ARGUS_FINETUNE_SCHEDULE_HOURS: hours,
        ARGUS_FINETUNE_UNKNOWN_CLASS_MIN_FRAMES: unknownClassFrames,
      }) as ContinualFineTuneEnv;
    expect(triggerPolicyOf(env(50, 168))).toEqual(DEFAULT_TRIGGER_POLICY);
    expect(triggerPolicyOf(env(2, 1, 4))).toEqual({
      ...DEFAULT_TRIGGER_POLICY,
      minNewLabelledFrames: 2,
      unknownClass: { minFrames: 4 },
      everyMs: 3_600_000,
    });
    expect(triggerPolicyOf(env(0, 0, 0))).toMatchObject({ minNewLabelledFrames: null, unknownClass: null, everyMs: null });
  });
});

import { planModelThreads } from './model-threads.plan';

describe('planModelThreads', () => {
  it('says how the model threads sit on the cores', () => {
    expect(planModelThreads(2, 1, 2)).toEqual({
      level: 'info',
      message: '2 model workers × 1 ONNX Runtime thread on 2 cores',
      fields: { modelWorkers: 2, ortThreadsPerWorker: 1, cores: 2 },
    });
    expect(planModelThreads(1, 4, 8).level).toBe('info');
  });

  it('warns when the model alone asks for more threads than there are cores', () => {
    const plan = planModelThreads(2, 2, 2);
    expect(plan.level).toBe('warn');
    expect(plan.message).toBe(
      '2 model workers × 2 ONNX Runtime threads = 4 threads for 2 cores: they will contend; keep ARGUS_INFER_WORKERS × ARGUS_INFER_THREADS at or below the cores',
    );
    expect(planModelThreads(3, 1, 2).level).toBe('warn');
  });
});

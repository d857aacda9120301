import { argValue, checkArgs, describeProgress, exactCommand, shadowCountsBetween } from './continual-bench.support';

describe('the loop benchmarks’ helpers', () => {
  it('sum only the shadow lines whose whole span lies inside the window', () => {
    const line = (time: string, offered: number, skipped: Record<string, number>) =>
      JSON.stringify({ time, shadowOffered: offered, shadowScored: 1, shadowStored: 1, shadowFailed: 0, shadowSkipped: skipped });
    const from = Date.parse('2026-12-07T12:00:00.000Z');
    const to = Date.parse('2026-12-07T12:00:10.000Z');
    const stdout = [
      line('2026-12-07T12:00:01.000Z', 5, { 'not-sampled': 4 }), // began 1 s before the window
      line('2026-12-07T12:00:04.000Z', 6, { 'not-sampled': 3, 'production-queued': 2 }),
      '{"msg":"model workers: 12 frames"}',
      'not JSON',
      line('2026-12-07T12:00:06.000Z', 7, { 'shadow-busy': 1 }),
      line('2026-12-07T12:00:12.000Z', 9, { 'not-sampled': 8 }), // ended after it
    ];
    expect(shadowCountsBetween({ stdout }, from, to, 2_000)).toEqual({
      offered: 13,
      scored: 2,
      stored: 2,
      failed: 0,
      skipped: { 'not-sampled': 3, 'production-queued': 2, 'shadow-busy': 1 },
    });
    expect(shadowCountsBetween({ stdout }, to, to + 1_000, 2_000)).toBeUndefined();
  });

  it('refuse an unknown option and read values either way', () => {
    const known = { flags: ['continual'], values: ['data'] };
    expect([...checkArgs(known, ['--continual', '--data', 'x'])]).toEqual(['continual']);
    expect(() => checkArgs(known, ['--continuous'])).toThrow('unknown option --continuous (known: --continual, --data)');
    expect(argValue('data', undefined, ['--data=../d'])).toBe('../d');
    expect(argValue('data', 'fallback', [])).toBe('fallback');
    expect(() => argValue('data', undefined, ['--data', '--continual'])).toThrow('--data needs a value');
  });

  it('print the command with the variables that change a run, quoted for a shell', () => {
    const env = { BENCH_WINDOW_S: '5', ARGUS_FINETUNE_EPOCHS: '1', HOME: '/root', ARGUS_SERVICE_NODE_FLAGS: '--cpu-prof --x' };
    expect(exactCommand('bench:loop', ['--data', "it's here"], env)).toBe(
      `ARGUS_FINETUNE_EPOCHS=1 ARGUS_SERVICE_NODE_FLAGS='--cpu-prof --x' BENCH_WINDOW_S=5 npm run bench:loop -- --data 'it'\\''s here'`,
    );
  });

  it('describe a progress event in one line', () => {
    expect(
      describeProgress({
        eventId: '00000000-0000-4000-8000-000000000000',
        occurredAt: '2026-12-07T12:00:00.000Z',
        jobId: '00000000-0000-4000-8000-000000000001',
        lineId: 'pcb-1',
        workerId: 'w',
        attempt: 1,
        phase: 'training',
        step: 26,
        totalSteps: 37,
        losses: { total: 0.6961 },
        validationAp: null,
        etaSeconds: 72.4,
        message: 'epoch 1/1',
      }),
    ).toBe('training step 26/37, epoch 1/1, loss 0.696, ETA 1 min 12 s, attempt 1');
  });
});

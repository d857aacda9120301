import type { TrainingTriggerAnsweredV1, TrainingTriggerRequestedV1 } from '@argus/contracts';
import { runTriggerCli } from './trigger-cli.runner';

function harness(answer: (request: TrainingTriggerRequestedV1) => Partial<TrainingTriggerAnsweredV1> | null) {
  const asked: { request: TrainingTriggerRequestedV1; timeoutMs: number }[] = [];
  const out: string[] = [];
  const err: string[] = [];
  const deps = {
    ask: async (request: TrainingTriggerRequestedV1, timeoutMs: number) => {
      asked.push({ request, timeoutMs });
      const a = answer(request);
      return a === null
        ? null
        : ({
            eventId: 'e',
            occurredAt: new Date().toISOString(),
            requestId: request.requestId,
            lineId: request.lineId,
            requestedBy: request.requestedBy,
            jobId: null,
            errorCode: null,
            reason: 'r',
            outcome: 'accepted',
            ...a,
          } as TrainingTriggerAnsweredV1);
    },
    out: (line: string) => void out.push(line),
    err: (line: string) => void err.push(line),
  };
  return { deps, asked, out, err };
}

const JOB = '0c6f1f7e-8f0e-4c5a-9b4a-1d2e3f4a5b6c';

describe('the trigger CLI', () => {
  it('asks for a job of the line with who and why, and prints the queued job (exit 0)', async () => {
    const h = harness(() => ({ outcome: 'accepted', jobId: JOB, reason: 'job asked for by ana' }));
    const code = await runTriggerCli(['--line', 'pcb-1', '--by', 'ana', '--reason', 'new fixture since 6:00'], h.deps);
    expect(code).toBe(0);
    expect(h.asked).toHaveLength(1);
    expect(h.asked[0]).toMatchObject({
      request: { lineId: 'pcb-1', requestedBy: 'ana', reason: 'new fixture since 6:00', requestId: expect.any(String) },
      timeoutMs: 60_000,
    });
    expect(h.out).toEqual([`accepted: job ${JOB} queued for pcb-1 (job asked for by ana)`]);
  });

  it('prints a refusal with its code and the active job (exit 1)', async () => {
    const h = harness(() => ({ outcome: 'refused', jobId: JOB, errorCode: 'training-job.already-active', reason: 'a job is active' }));
    expect(await runTriggerCli(['--line', 'pcb-1', '--by', 'ana', '--reason', 'again', '--timeout-s', '5'], h.deps)).toBe(1);
    expect(h.asked[0]?.timeoutMs).toBe(5_000);
    expect(h.out).toEqual([`refused (training-job.already-active): a job is active [job ${JOB}]`]);
  });

  it('says that no answer came, and what that likely means (exit 2)', async () => {
    const h = harness(() => null);
    expect(await runTriggerCli(['--line', 'pcb-1', '--by', 'ana', '--reason', 'now please'], h.deps)).toBe(2);
    expect(h.err.join('\n')).toMatch(/no answer to request .* within 60 s: is continual-fine-tune running/);
  });

  it('refuses bad arguments before asking anything, naming each (exit 1)', async () => {
    const h = harness(() => ({}));
    expect(await runTriggerCli(['--line', 'PCB 1', '--reason', 'x'], h.deps)).toBe(1);
    expect(h.asked).toEqual([]);
    const text = h.err.join('\n');
    expect(text).toContain('--line must be a line id');
    expect(text).toContain('--by must name who asks');
    expect(text).toContain('--reason must say why');
    expect(await runTriggerCli(['--lin', 'pcb-1'], h.deps)).toBe(1);
    expect(h.err.at(-1)).toContain('Usage: trigger');
  });
});

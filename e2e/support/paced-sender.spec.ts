import { sendPaced } from './paced-sender';

describe('sendPaced', () => {
  it('sends each item on its schedule and tallies why items were not accepted', async () => {
    const sentAt: number[] = [];
    const t0 = performance.now();
    const run = await sendPaced({
      count: 6,
      rate: 100,
      maxInFlight: 10,
      send: async (i) => {
        sentAt.push(performance.now() - t0);
        if (i === 1) return 'HTTP 503: unavailable';
        if (i === 4) throw new Error('socket hang up');
        return undefined;
      },
    });
    expect(sentAt).toHaveLength(6);
    sentAt.forEach((ms, i) => expect(ms).toBeGreaterThanOrEqual(i * 10 - 2)); // on its time (timers may fire a ms early), never a send ahead
    expect(run.refused).toBe(2);
    expect([...run.refusals]).toEqual([
      ['HTTP 503: unavailable', 1],
      ['no answer: socket hang up', 1],
    ]);
    expect(run.elapsedS).toBeGreaterThanOrEqual(0.05 - 0.002); // the last item is due at 50 ms; the same early-timer allowance
  });

  it('refuses, without sending, an item that falls due while maxInFlight sends are unanswered', async () => {
    const answers: Array<() => void> = [];
    const sent: number[] = [];
    const running = sendPaced({
      count: 4,
      rate: 1000,
      maxInFlight: 2,
      send: (i) => {
        sent.push(i);
        return new Promise((resolve) => answers.push(() => resolve(undefined)));
      },
    });
    await new Promise((r) => setTimeout(r, 30));
    answers.forEach((answer) => answer());
    const run = await running;
    expect(sent).toEqual([0, 1]);
    expect([...run.refusals]).toEqual([['not sent: 2 uploads were still unanswered', 2]]);
  });

  it('reports progress while it sends', async () => {
    const seen: number[] = [];
    await sendPaced({
      count: 5,
      rate: 100,
      maxInFlight: 5,
      send: async () => undefined,
      progressEveryS: 0.02,
      onProgress: (s) => seen.push(s),
    });
    expect(seen.length).toBeGreaterThanOrEqual(1);
    expect(seen.every((s) => s >= 0.02)).toBe(true);
  });
});

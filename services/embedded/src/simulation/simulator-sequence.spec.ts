import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { SimulatorSequence } from './simulator-sequence';

/** Scenes a paced camera can have sent `ms` after its run claimed the sequence: at most fps per second, plus the first at once. */
const sentBy = (fps: number, ms: number) => Math.floor((fps * ms) / 1000) + 1;

describe('SimulatorSequence', () => {
  let dataDir: string;
  let now: number;
  const clock = () => now;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'argus-sim-seq-'));
    now = 1_765_000_000_000;
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('a restart starts past every scene the run before could have sent, at any frame rate', async () => {
    for (const [fps, nextFps] of [
      [2, 2],
      [2, 50],
      [50, 0.5],
      [1000, 1000],
    ] as const) {
      const first = await SimulatorSequence.claim(dataDir, fps, { now: clock, leaseMs: 60_000 });
      now += 7.5 * 60_000; // the run of the report: 7.5 minutes
      await first.stop();
      const lastSent = first.start + sentBy(fps, 7.5 * 60_000) - 1;
      now += 1_000; // restarted a second later
      const second = await SimulatorSequence.claim(dataDir, nextFps, { now: clock, leaseMs: 60_000 });
      expect(second.start).toBeGreaterThan(lastSent);
      await second.stop();
    }
  });

  it('a run killed without writing at the end still left a start past its last scene (the lease, renewed in time)', async () => {
    const run = await SimulatorSequence.claim(dataDir, 20, { now: clock, leaseMs: 60_000 });
    // Renewed every 20 s (a third of the lease) for 10 minutes, then killed 19.9 s after the last renewal.
    for (let t = 20_000; t <= 600_000; t += 20_000) {
      now += 20_000;
      await run.reserve();
    }
    now += 19_900;
    const lastSent = run.start + sentBy(20, 619_900) - 1;
    const next = await SimulatorSequence.claim(dataDir, 20, { now: clock, leaseMs: 60_000 });
    expect(next.start).toBeGreaterThan(lastSent);
  });

  it('never starts behind the clock (a lost or unreadable file), nor behind a reservation when the clock went back', async () => {
    expect((await SimulatorSequence.claim(dataDir, 2, { now: clock })).start).toBe(now);
    await writeFile(path.join(dataDir, 'simulator-sequence.json'), 'garbage');
    expect((await SimulatorSequence.claim(dataDir, 2, { now: clock })).start).toBe(now);

    const run = await SimulatorSequence.claim(dataDir, 2, { now: clock, leaseMs: 60_000 });
    now += 3_600_000;
    await run.stop();
    const reserved = run.reservationNow();
    now -= 2 * 3_600_000; // the clock was set back two hours
    expect((await SimulatorSequence.claim(dataDir, 2, { now: clock })).start).toBe(reserved);
  });

  it('starts far past the sequence runs used before it existed (seconds since the epoch)', async () => {
    const oldStyleLastScene = Math.floor(now / 1000) + 2 * 86_400; // a day at 2 frames/s
    expect((await SimulatorSequence.claim(dataDir, 2, { now: clock })).start).toBeGreaterThan(oldStyleLastScene);
  });
});

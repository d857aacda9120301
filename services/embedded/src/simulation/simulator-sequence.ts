import { readFile, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

const FILE = 'simulator-sequence.json';
/** How far ahead of the scenes sent so far a reservation reaches (renewed at a third of it). */
const DEFAULT_LEASE_MS = 120_000;

interface SequenceFile {
  /** Every scene index below this may have been sent by an earlier run. */
  readonly reservedUntil: number;
}

export interface SimulatorSequenceOptions {
  readonly leaseMs?: number;
  readonly now?: () => number;
}

/**
 * Where the simulated cameras' scene sequence starts, so a restart goes on with scenes no earlier
 * run sent. A scene is a function of its index, and ingest is idempotent on content: a scene sent
 * again is a duplicate, stored and scored only the first time.
 *
 * A run claims the indices from `start` on: the larger of what earlier runs reserved (kept in the
 * data folder) and the clock in milliseconds. While it runs it keeps a reservation ahead of what
 * it can have sent — at most `fps` scenes per second since the claim (the cameras are paced), plus
 * a lease — written before it is reached, so even a run killed without a chance to write anything
 * left the next one a start past its last scene, at any frame rate, whatever ARGUS_SIMULATOR_FPS
 * the next run uses. The clock floor covers a data folder that lost the file (or one from before
 * it existed): below 1000 frames/s a run sends fewer scenes than milliseconds pass.
 */
export class SimulatorSequence {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private readonly leaseMs: number;
  private readonly now: () => number;
  private readonly claimedAt: number;

  private constructor(
    private readonly file: string,
    readonly start: number,
    private readonly fps: number,
    options: SimulatorSequenceOptions,
  ) {
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.now = options.now ?? Date.now;
    this.claimedAt = this.now();
  }

  /** Claims the sequence for a run at `fps` (per camera) and writes its first reservation. */
  static async claim(dataDir: string, fps: number, options: SimulatorSequenceOptions = {}): Promise<SimulatorSequence> {
    const file = path.join(dataDir, FILE);
    const earlier = await readReservation(file);
    const now = (options.now ?? Date.now)();
    const sequence = new SimulatorSequence(file, Math.max(earlier, Math.floor(now)), fps, options);
    await sequence.reserve();
    return sequence;
  }

  /** Every scene index below this may have been sent by this run (the reservation to write now). */
  reservationNow(): number {
    const elapsedMs = Math.max(0, this.now() - this.claimedAt);
    return this.start + Math.ceil((this.fps * (elapsedMs + this.leaseMs)) / 1000) + 1;
  }

  /**
   * Renews the reservation every third of the lease until `stop()`. A failed write is reported to
   * `onError` (the next renewal tries again; until one succeeds, a restart may repeat scenes).
   */
  keepReserving(onError: (error: unknown) => void): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.reserve().catch(onError), Math.max(1_000, Math.floor(this.leaseMs / 3)));
    this.timer.unref();
  }

  /** Stops renewing and writes the last reservation (from which the next run starts). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.reserve();
  }

  /** Writes the reservation (to a temporary file renamed over the old one: never a half-written file). */
  reserve(): Promise<void> {
    const body: SequenceFile = { reservedUntil: this.reservationNow() };
    this.writing = this.writing
      .catch(() => undefined)
      .then(async () => {
        const temporary = `${this.file}.tmp`;
        await writeFile(temporary, `${JSON.stringify(body)}\n`);
        await rename(temporary, this.file);
      });
    return this.writing;
  }
}

async function readReservation(file: string): Promise<number> {
  const text = await readFile(file, 'utf8').catch(() => '');
  if (!text.trim()) return 0;
  try {
    const reservedUntil = (JSON.parse(text) as Partial<SequenceFile>).reservedUntil;
    return typeof reservedUntil === 'number' && Number.isSafeInteger(reservedUntil) && reservedUntil > 0 ? reservedUntil : 0;
  } catch {
    return 0; // unreadable: the clock floor still applies
  }
}

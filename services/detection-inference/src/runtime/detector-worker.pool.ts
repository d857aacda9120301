import type { DetectorBatchOutput, DetectorInput, DetectorRuntime, RuntimeModel } from './detector-runtime.port';
import { addGcStats, type GcStats } from './gc-account';

interface Member {
  readonly runtime: DetectorRuntime;
  /** Batches this member is scoring now. */
  inFlight: number;
}

/**
 * Several model runtimes (worker threads, each with its own ONNX Runtime sessions) as one: every
 * version is loaded into each, and each batch goes to the member with the fewest batches in
 * flight (the first of them on a tie). The collector runs as many batches at once as there are
 * members.
 *
 * Why more than one worker: on a small machine shared with Kafka, S3 and Postgres, N
 * single-threaded sessions, each scoring its own batch, keep scoring while another process holds
 * a core, where one session with N intra-op threads waits at every operator for its slowest
 * thread. So the pool scores more frames/s than one session of as many threads, at about the same
 * CPU per frame, and more so beside other load: the figures, alone and in the pipeline, and how to
 * measure them are in docs/performance.md, "Two model workers of one thread instead of one of two".
 */
export class DetectorWorkerPool implements DetectorRuntime {
  private readonly members: Member[];

  constructor(runtimes: readonly DetectorRuntime[]) {
    if (runtimes.length === 0) throw new RangeError('a worker pool needs at least one runtime');
    this.members = runtimes.map((runtime) => ({ runtime, inFlight: 0 }));
  }

  async load(model: RuntimeModel): Promise<void> {
    await Promise.all(this.members.map((m) => m.runtime.load(model)));
  }

  async detect(model: RuntimeModel, inputs: readonly DetectorInput[]): Promise<DetectorBatchOutput> {
    const member = this.members.reduce((best, m) => (m.inFlight < best.inFlight ? m : best));
    member.inFlight += 1;
    try {
      return await member.runtime.detect(model, inputs);
    } finally {
      member.inFlight -= 1;
    }
  }

  async unload(modelId: string): Promise<void> {
    await Promise.all(this.members.map((m) => m.runtime.unload(modelId)));
  }

  /** Versions loaded in any member (a member whose worker died reloads on its next batch). */
  loadedModelIds(): readonly string[] {
    return [...new Set(this.members.flatMap((m) => m.runtime.loadedModelIds()))];
  }

  /** The members' GC added up: pause time over all worker threads, full GCs of all of them. */
  takeGcStats(): GcStats {
    return this.members.reduce<GcStats>((sum, m) => (m.runtime.takeGcStats ? addGcStats(sum, m.runtime.takeGcStats()) : sum), {
      pauseMs: 0,
      fullGcs: 0,
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.members.map((m) => m.runtime.close()));
  }
}

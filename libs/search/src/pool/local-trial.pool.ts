import { spawn, type ChildProcess } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TrialRequest, TrialResult } from '../search.types';
import { TrialWorkerError } from '../trial/trial.errors';
import type { TrialWorkerSetup, WorkerToPoolMessage } from './trial-worker.protocol';

export interface LocalTrialPoolOptions extends Omit<TrialWorkerSetup, 'workerId'> {
  /** Worker processes (one trial each at a time; on this machine, one per core). */
  readonly workers: number;
  /**
   * Nice value of the workers, 0–19 (default 10; a parent already nicer passes its own on): a
   * search shares the machine with whatever else runs, and a trial is throughput work that should
   * yield to it.
   */
  readonly nice?: number;
  /** Prefix of the workers' ids in results (default `local`). */
  readonly workerIdPrefix?: string;
  /** Receives the pool's and the workers' log lines. */
  readonly log?: (line: string) => void;
  /** Extra environment of the workers (e.g. ARGUS_TF_BACKEND). */
  readonly env?: Readonly<Record<string, string>>;
}

/** A trial dispatched to a worker, and how many workers it has started on. */
interface Job {
  readonly request: TrialRequest;
  attempts: number;
  readonly resolve: (result: TrialResult) => void;
}

interface Worker {
  readonly id: string;
  readonly child: ChildProcess;
  ready: boolean;
  job: Job | undefined;
  /** The last lines of its stderr, for the reason when it dies. */
  readonly stderr: string[];
}

/** A trial runs on at most this many workers: the first, and one fresh one if that one died. */
const MAX_ATTEMPTS = 2;

const REPO_ROOT = path.resolve(__dirname, '../../../..');

/** The worker entry: the TypeScript source under swc-node (run from source), else compiled JS. */
function workerCommand(nice: number): { command: string; args: string[] } {
  const isTs = __filename.endsWith('.ts');
  const entry = path.join(__dirname, isTs ? 'trial-worker.entry.ts' : 'trial-worker.entry.js');
  const nodeArgs = isTs ? ['-r', '@swc-node/register', entry] : [entry];
  // `nice` before exec, so every thread of the worker (ONNX Runtime's, the wasm backend's) has it.
  // `nice -n` adds to the parent's value; the option is the worker's value, never below the parent's.
  const increment = process.platform === 'win32' ? 0 : Math.max(0, nice - os.getPriority());
  return increment > 0
    ? { command: 'nice', args: ['-n', String(increment), process.execPath, ...nodeArgs] }
    : { command: process.execPath, args: nodeArgs };
}

/**
 * A local pool of trial worker processes: what `argus search` and `npm run bench:nas` run trials
 * on, on one machine. Each worker prepares the search data once and runs one trial at a time. A
 * trial that throws comes back `failed` with the reason; a worker that dies (kill -9, out of
 * memory) is replaced and its trial retried once on the fresh worker, then failed with the reason.
 */
export class LocalTrialPool {
  private readonly workers: Worker[] = [];
  private readonly queue: Job[] = [];
  private closed = false;
  private generation = 0;
  private readonly log: (line: string) => void;
  private readonly nice: number;

  private constructor(private readonly options: LocalTrialPoolOptions) {
    this.log = options.log ?? (() => undefined);
    this.nice = options.nice ?? 10;
  }

  /** Starts the workers and waits until each has prepared the search data. */
  static async start(options: LocalTrialPoolOptions): Promise<LocalTrialPool> {
    if (!(Number.isInteger(options.workers) && options.workers >= 1)) {
      throw new RangeError(`workers must be a whole number ≥ 1, got ${options.workers}`);
    }
    const nice = options.nice ?? 10;
    if (!(Number.isInteger(nice) && nice >= 0 && nice <= 19)) throw new RangeError(`nice must be a whole number in 0–19, got ${nice}`);
    const pool = new LocalTrialPool(options);
    try {
      await Promise.all(Array.from({ length: options.workers }, () => pool.startWorker()));
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  /** Runs a trial on the next free worker. Resolves with its result, never rejects once the pool runs. */
  run(request: TrialRequest): Promise<TrialResult> {
    if (this.closed) return Promise.reject(new TrialWorkerError(`trial ${request.trialId}: the pool is closed`));
    return new Promise((resolve) => {
      this.queue.push({ request, attempts: 0, resolve });
      this.dispatch();
    });
  }

  /** The workers, and the trial each is running (for progress lines and tests). */
  status(): { workerId: string; pid: number | undefined; ready: boolean; trialId: string | null }[] {
    return this.workers.map((w) => ({ workerId: w.id, pid: w.child.pid, ready: w.ready, trialId: w.job?.request.trialId ?? null }));
  }

  /** Stops the workers; trials not finished come back failed with the reason. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const job of this.queue.splice(0)) job.resolve(this.failed(job.request, 'pool', 'the pool was closed before the trial ran'));
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.child.exitCode !== null || w.child.signalCode !== null) return resolve();
            w.child.once('exit', () => resolve());
            w.child.kill('SIGTERM');
          }),
      ),
    );
  }

  private startWorker(): Promise<void> {
    const id = `${this.options.workerIdPrefix ?? 'local'}-${this.generation++}`;
    const { command, args } = workerCommand(this.nice);
    const child = spawn(command, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, SWC_NODE_PROJECT: path.join(REPO_ROOT, 'tsconfig.json'), ...this.options.env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const worker: Worker = { id, child, ready: false, job: undefined, stderr: [] };
    this.workers.push(worker);
    const lines = (stream: NodeJS.ReadableStream | null, onLine: (line: string) => void) => {
      let rest = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        const parts = (rest + chunk).split('\n');
        rest = parts.pop() ?? '';
        for (const line of parts) if (line.trim() !== '') onLine(line);
      });
    };
    lines(child.stdout, (line) => this.log(`[${id}] ${line}`));
    lines(child.stderr, (line) => {
      worker.stderr.push(line);
      if (worker.stderr.length > 20) worker.stderr.shift();
      this.log(`[${id}] ${line}`);
    });
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (error?: Error) => {
        if (settled) return;
        settled = true;
        if (error) reject(error);
        else resolve();
      };
      child.on('message', (message: WorkerToPoolMessage) => {
        switch (message.type) {
          case 'ready':
            worker.ready = true;
            this.log(`[${id}] ready (pid ${child.pid}, nice ${message.nice}, TensorFlow.js backend ${message.backend}); ${message.data}`);
            settle();
            this.dispatch();
            return;
          case 'setup-failed':
            settle(new TrialWorkerError(`trial worker ${id} could not start: ${message.reason}`));
            child.kill('SIGTERM');
            return;
          case 'log':
            this.log(`[${id}] ${message.line}`);
            return;
          case 'completed':
          case 'failed':
            this.finish(worker, message);
            return;
        }
      });
      child.on('error', (error) => settle(new TrialWorkerError(`trial worker ${id} could not start: ${error.message}`)));
      child.on('exit', (code, signal) => {
        const how = signal ? `signal ${signal}` : `exit code ${code}`;
        settle(new TrialWorkerError(`trial worker ${id} exited (${how}) before it was ready${this.lastLines(worker)}`));
        this.onExit(worker, how);
      });
      child.send({ type: 'setup', setup: { ...this.setup(), workerId: id } });
    });
  }

  private setup(): Omit<TrialWorkerSetup, 'workerId'> {
    const { data, dataOptions, objective, reference, trainer, latencyTiming } = this.options;
    return {
      data,
      objective,
      ...(dataOptions ? { dataOptions } : {}),
      ...(reference ? { reference } : {}),
      ...(trainer ? { trainer } : {}),
      ...(latencyTiming ? { latencyTiming } : {}),
    };
  }

  private lastLines(worker: Worker): string {
    return worker.stderr.length > 0 ? `; its last output: ${worker.stderr.slice(-3).join(' | ')}` : '';
  }

  private finish(worker: Worker, message: Extract<WorkerToPoolMessage, { type: 'completed' | 'failed' }>): void {
    const job = worker.job;
    if (!job || job.request.trialId !== message.trialId || job.request.rung !== message.rung) {
      this.log(`[${worker.id}] answered trial ${message.trialId} rung ${message.rung}, which it was not running: ignored`);
      return;
    }
    worker.job = undefined;
    const { searchId, trialId, rung } = job.request;
    job.resolve(
      message.type === 'completed'
        ? { searchId, trialId, rung, workerId: worker.id, outcome: 'completed', measurement: message.measurement }
        : this.failed(job.request, worker.id, message.reason),
    );
    this.dispatch();
  }

  /** A worker died: its trial goes back to the front of the queue (once), and a fresh worker replaces it. */
  private onExit(worker: Worker, how: string): void {
    this.workers.splice(this.workers.indexOf(worker), 1);
    const job = worker.job;
    worker.job = undefined;
    if (job) {
      if (this.closed) {
        job.resolve(this.failed(job.request, worker.id, 'the pool was closed while the trial ran'));
      } else if (job.attempts < MAX_ATTEMPTS) {
        this.log(`[${worker.id}] died (${how}) during trial ${job.request.trialId}: retrying it on a fresh worker`);
        this.queue.unshift(job);
      } else {
        job.resolve(
          this.failed(
            job.request,
            worker.id,
            `its trial worker died (${how}) on each of ${MAX_ATTEMPTS} attempts${this.lastLines(worker)}`,
          ),
        );
      }
    }
    if (this.closed || !worker.ready) {
      // A worker that never got ready is not replaced (its setup would fail again); the queue is
      // failed if no worker is left to run it.
      if (!this.closed) this.failQueueIfNoWorkers(`trial worker ${worker.id} exited (${how}) before it was ready${this.lastLines(worker)}`);
      return;
    }
    this.startWorker().catch((error: unknown) => {
      this.log(`replacing ${worker.id} failed: ${error instanceof Error ? error.message : String(error)}`);
      this.failQueueIfNoWorkers(error instanceof Error ? error.message : String(error));
    });
  }

  private failQueueIfNoWorkers(reason: string): void {
    if (this.workers.length > 0) return;
    for (const job of this.queue.splice(0)) job.resolve(this.failed(job.request, 'pool', `no trial worker left: ${reason}`));
  }

  private dispatch(): void {
    for (const worker of this.workers) {
      if (this.queue.length === 0) return;
      if (!worker.ready || worker.job) continue;
      const job = this.queue.shift() as Job;
      job.attempts++;
      worker.job = job;
      worker.child.send({ type: 'run', request: job.request });
    }
  }

  private failed(request: TrialRequest, workerId: string, reason: string): TrialResult {
    return { searchId: request.searchId, trialId: request.trialId, rung: request.rung, workerId, outcome: 'failed', reason };
  }
}

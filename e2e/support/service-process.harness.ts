import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { isPortOpen, tryHttp, type HttpAnswer } from './network.probe';
import { pollUntil } from './wait-for.poller';

export const REPO_ROOT = resolve(__dirname, '..', '..');

export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface StartOptions {
  /** Entry file relative to the repository root, e.g. `services/console/src/main.ts`. */
  readonly entry: string;
  readonly port: number;
  /** Added to (and overriding) this process's environment. `undefined` removes a variable. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * A service started as its own process, the way it runs in production:
 * `node -r @swc-node/register <entry>` from the repository root. Collects stdout and stderr line
 * by line and knows how to wait for health, for exit, and for the port to close.
 */
export class ServiceProcess {
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  private readonly exited: Promise<ExitStatus>;
  private exitStatus: ExitStatus | undefined;

  private constructor(
    private readonly child: ChildProcess,
    readonly entry: string,
    readonly port: number,
  ) {
    this.exited = new Promise((resolveExit) => {
      child.once('exit', (code, signal) => {
        this.exitStatus = { code, signal };
        resolveExit(this.exitStatus);
      });
    });
    if (child.stdout) createInterface({ input: child.stdout }).on('line', (line) => this.stdout.push(line));
    if (child.stderr) createInterface({ input: child.stderr }).on('line', (line) => this.stderr.push(line));
  }

  static start(options: StartOptions): ServiceProcess {
    const env: Record<string, string | undefined> = { ...process.env, PORT: String(options.port), ...options.env };
    for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
    // ARGUS_SERVICE_NODE_FLAGS: extra node flags for every service, e.g. `--cpu-prof --cpu-prof-dir=tmp/prof`
    // (flags NODE_OPTIONS refuses).
    const flags = (process.env['ARGUS_SERVICE_NODE_FLAGS'] ?? '').split(/\s+/).filter(Boolean);
    const child = spawn(process.execPath, [...flags, '-r', '@swc-node/register', options.entry], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new ServiceProcess(child, options.entry, options.port);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exitStatus === undefined;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  get(path: string, init?: RequestInit): Promise<HttpAnswer | undefined> {
    return tryHttp(this.url(path), init);
  }

  /** Polls `path` until it answers `status`; fails early, with the process output, if the process exits. */
  async waitForStatus(path: string, status: number, timeoutMs: number): Promise<HttpAnswer> {
    let last: HttpAnswer | undefined;
    return pollUntil(
      `${this.entry} ${path} to answer ${status}`,
      async () => {
        if (!this.running) throw new Error(`${this.entry} exited (${JSON.stringify(this.exitStatus)}) ${this.describe()}`);
        last = await this.get(path);
        return last?.status === status ? last : undefined;
      },
      { timeoutMs, intervalMs: 250 },
      () => `last answer: ${last ? `${last.status} ${last.text}` : 'none'}; ${this.describe()}`,
    );
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Resolves with the exit status, or rejects if the process is still running after `timeoutMs`. */
  async waitForExit(timeoutMs: number): Promise<ExitStatus> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.entry} did not exit within ${timeoutMs} ms; ${this.describe()}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async portClosed(timeoutMs = 5_000): Promise<boolean> {
    await pollUntil(`port ${this.port} to close`, async () => ((await isPortOpen(this.port)) ? undefined : true), {
      timeoutMs,
      intervalMs: 100,
    });
    return true;
  }

  /** Every stdout line parsed as JSON; throws naming the first line that is not a JSON object. */
  jsonStdout(): Record<string, unknown>[] {
    return this.stdout.map((line, index) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        throw new Error(`stdout line ${index + 1} of ${this.entry} is not JSON: ${line}`);
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new Error(`stdout line ${index + 1} of ${this.entry} is not a JSON object: ${line}`);
      }
      return parsed as Record<string, unknown>;
    });
  }

  /** Whether a stdout line has this `msg` (checked on the raw text, so it works mid-line-parse). */
  logged(message: string): boolean {
    const needle = `"msg":${JSON.stringify(message)}`;
    return this.stdout.some((line) => line.includes(needle));
  }

  /**
   * For afterAll: SIGTERM to every one still running, so their consumer-group members leave at once
   * and the next run does not wait for their sessions to expire; SIGKILL to any that outlasts `timeoutMs`.
   */
  static async stopAll(services: readonly ServiceProcess[], timeoutMs = 30_000): Promise<void> {
    await Promise.all(
      services
        .filter((s) => s.running)
        .map(async (s) => {
          s.signal('SIGTERM');
          await s.waitForExit(timeoutMs).catch(() => s.kill());
        }),
    );
  }

  /** For afterEach: make sure nothing outlives the test. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  describe(): string {
    const tail = (lines: string[]) => lines.slice(-15).join('\n');
    return `stdout:\n${tail(this.stdout)}\nstderr:\n${tail(this.stderr)}`;
  }
}

/** How a run of paced sends went. */
export interface PacedRun {
  /** Sends that did not count as accepted, by reason: the window's verdict names them. */
  readonly refusals: ReadonlyMap<string, number>;
  readonly refused: number;
  /** From the first send until the last answer, in seconds. */
  readonly elapsedS: number;
}

export interface PacedSendOptions {
  readonly count: number;
  /** Sends per second: send i is due i / rate seconds after the start, whatever came back by then. */
  readonly rate: number;
  /**
   * Sends still unanswered at most. A send that falls due beyond it is not made but refused: the
   * receiver cannot keep up, and this one would never go out on time.
   */
  readonly maxInFlight: number;
  /** Sends item `i`; resolves with why it was not accepted, or undefined when it was. A throw: no answer. */
  readonly send: (i: number) => Promise<string | undefined>;
  /** Called about every `progressEveryS` seconds of sending with the seconds elapsed. */
  readonly onProgress?: (elapsedS: number) => void;
  readonly progressEveryS?: number;
}

/**
 * The benchmarks' fixed-rate driver: `count` sends at `rate` per second, as a camera line sends
 * frames (on time, not waiting for answers), up to `maxInFlight` unanswered.
 */
export async function sendPaced(options: PacedSendOptions): Promise<PacedRun> {
  const { count, rate, maxInFlight, send, onProgress, progressEveryS = 5 } = options;
  const refusals = new Map<string, number>();
  let refused = 0;
  const refuse = (reason: string) => {
    refused++;
    refusals.set(reason, (refusals.get(reason) ?? 0) + 1);
  };
  let inFlight = 0;
  let nextProgress = progressEveryS;
  const t0 = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const wait = t0 + (i * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (onProgress) {
      const elapsedS = (performance.now() - t0) / 1000;
      if (elapsedS >= nextProgress) {
        onProgress(elapsedS);
        nextProgress += progressEveryS;
      }
    }
    if (inFlight >= maxInFlight) {
      refuse(`not sent: ${maxInFlight} uploads were still unanswered`);
      continue;
    }
    inFlight++;
    pending.push(
      send(i)
        .then(
          (reason) => {
            if (reason !== undefined) refuse(reason);
          },
          (error: unknown) => refuse(`no answer: ${error instanceof Error ? error.message : String(error)}`),
        )
        .finally(() => void inFlight--),
    );
  }
  await Promise.all(pending);
  return { refusals, refused, elapsedS: (performance.now() - t0) / 1000 };
}

import { Inject, Injectable } from '@nestjs/common';
import type { ReadinessCheck } from './readiness-check.interface';

/** HealthModule-internal tokens: the checks the module was given, and the per-check timeout. */
export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');
export const HEALTH_CHECK_TIMEOUT_MS = Symbol('HEALTH_CHECK_TIMEOUT_MS');

export type CheckOutcome = 'up' | { status: 'down'; error: string };

export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: Record<string, CheckOutcome>;
}

class CheckTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
  }
}

/**
 * Runs every readiness check in parallel, each bounded by a timeout. Probes that arrive while an
 * evaluation is running share it, so a slow dependency is not hammered by queued probes.
 */
@Injectable()
export class ReadinessService {
  private inFlight: Promise<ReadinessReport> | undefined;

  constructor(
    @Inject(HEALTH_CHECKS) private readonly checks: readonly ReadinessCheck[],
    @Inject(HEALTH_CHECK_TIMEOUT_MS) private readonly timeoutMs: number,
  ) {
    const names = checks.map((c) => c.name);
    const duplicate = names.find((name, index) => names.indexOf(name) !== index);
    if (duplicate) throw new Error(`two readiness checks are named "${duplicate}"`);
  }

  evaluate(): Promise<ReadinessReport> {
    this.inFlight ??= this.runAll().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async runAll(): Promise<ReadinessReport> {
    const outcomes = await Promise.all(
      this.checks.map(async (check): Promise<[string, CheckOutcome]> => {
        try {
          await this.withTimeout(check);
          return [check.name, 'up'];
        } catch (error) {
          return [check.name, { status: 'down', error: describe(error) }];
        }
      }),
    );
    return {
      ready: outcomes.every(([, outcome]) => outcome === 'up'),
      checks: Object.fromEntries(outcomes),
    };
  }

  private withTimeout(check: ReadinessCheck): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CheckTimeoutError(this.timeoutMs)), this.timeoutMs);
    });
    // `Promise.resolve().then` also turns a check that throws synchronously into a rejection.
    return Promise.race([Promise.resolve().then(() => check.check()), timeout]).finally(() => clearTimeout(timer));
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    if (error.message) return error.message;
    // AggregateError (e.g. a connection refused on both IPv4 and IPv6) has an empty message.
    if (error instanceof AggregateError && error.errors.length > 0) return describe(error.errors[0]);
    return error.name;
  }
  return String(error);
}

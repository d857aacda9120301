import { Topics, type SearchTrialRequestedV1 } from '@argus/contracts';
import { deterministicEventId, type MessageBus } from '@argus/messaging';
import type { Logger } from '@argus/platform';
import { TrialInterruptedError, type TrialRequest } from '@argus/search';
import type { ArchitectureSpec } from '@argus/vision';
import { UnknownSearchError, UnknownTrialError } from '../search.errors';
import type { TrialEvaluator, TrialLedger } from './trial-worker.ports';

export interface TrialRunnerDeps {
  readonly ledger: TrialLedger;
  readonly evaluator: TrialEvaluator;
  readonly bus: Pick<MessageBus, 'publish'>;
  readonly logger: Pick<Logger, 'info' | 'warn' | 'debug'>;
  readonly clock?: () => number;
}

export type TrialHandling = 'answered' | 'skipped';

/**
 * A trial worker's handling of one `search.trial.requested.v1`: skip a trial whose search ended or
 * that was answered already (a re-published request, a redelivery after the answer was counted);
 * else train and measure it and publish the answer — and only then let the delivery be
 * acknowledged, so a worker killed mid-trial leaves it to be redelivered to another. A trial that
 * cannot run (its spec, budget or data) is answered as failed with the reason: the controller
 * counts it (reward 0) and moves on. A shutdown mid-trial is not the trial's outcome: it throws,
 * and the delivery stays unacknowledged.
 */
export class TrialRunner {
  private stopping = false;

  constructor(
    private readonly deps: TrialRunnerDeps,
    private readonly workerId: string,
  ) {}

  /** Shutdown: the running trial stops at its next training step and is left for redelivery. */
  stop(): void {
    this.stopping = true;
  }

  async handle(message: SearchTrialRequestedV1): Promise<TrialHandling> {
    const { ledger, evaluator, bus, logger } = this.deps;
    const { searchId, trialId, rung } = message;
    const view = await ledger.trialView(searchId, trialId, rung);
    if (!view) throw new UnknownSearchError(searchId, 'a trial request');
    if (view.trialStatus === null) throw new UnknownTrialError(searchId, trialId, rung);
    if (view.searchStatus !== 'running') {
      logger.info({ searchId, trialId, rung, searchStatus: view.searchStatus }, 'trial of a search that has ended: skipped');
      return 'skipped';
    }
    if (view.trialStatus !== 'requested') {
      logger.debug({ searchId, trialId, rung, trialStatus: view.trialStatus }, 'trial answered already: skipped');
      return 'skipped';
    }
    // A shutdown is not the trial's outcome: the delivery stays unacknowledged and is redelivered.
    if (this.stopping) throw new TrialInterruptedError(trialId);
    const attempt = await ledger.markTrialStarted(searchId, trialId, rung, this.workerId);
    logger.info({ searchId, trialId, rung, sequence: message.sequence, attempt }, 'trial started');

    const started = this.now();
    let answer:
      { outcome: 'completed'; measurement: Awaited<ReturnType<TrialEvaluator['evaluate']>> } | { outcome: 'failed'; reason: string };
    try {
      const measurement = await evaluator.evaluate(
        trialRequestOf(message),
        { dataSource: message.dataSource, objective: message.objective },
        { shouldStop: () => this.stopping },
      );
      if (this.stopping) throw new TrialInterruptedError(trialId);
      answer = { outcome: 'completed', measurement };
    } catch (error) {
      if (this.stopping) throw error instanceof TrialInterruptedError ? error : new TrialInterruptedError(trialId);
      // The trial's own failure is its answer: the controller counts it and the search goes on.
      answer = { outcome: 'failed', reason: (error instanceof Error ? error.message : String(error)).slice(0, 2000) || 'failed' };
    }
    await bus.publish(Topics.searchTrialCompleted, {
      eventId: deterministicEventId('search.trial.completed', trialId, String(rung), this.workerId, String(attempt)),
      occurredAt: new Date(this.now()).toISOString(),
      searchId,
      trialId,
      rung,
      workerId: this.workerId,
      ...answer,
    });
    const seconds = Math.round((this.now() - started) / 100) / 10;
    if (answer.outcome === 'completed') {
      logger.info(
        { searchId, trialId, rung, ap: answer.measurement.ap, latencyMs: answer.measurement.latencyMs, seconds },
        'trial answered',
      );
    } else {
      logger.warn({ searchId, trialId, rung, reason: answer.reason, seconds }, 'trial failed');
    }
    return 'answered';
  }

  private now(): number {
    return (this.deps.clock ?? Date.now)();
  }
}

/** The request as @argus/search names it; the spec is checked by the evaluator (checkSpec). */
export function trialRequestOf(message: SearchTrialRequestedV1): TrialRequest {
  return {
    searchId: message.searchId,
    trialId: message.trialId,
    sequence: message.sequence,
    controller: message.controller,
    rung: message.rung,
    budget: message.budget,
    choices: message.choices,
    spec: message.spec as unknown as ArchitectureSpec,
    seed: message.seed,
  };
}

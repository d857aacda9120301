import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { SlugSchema, type TrainingTriggerAnsweredV1, type TrainingTriggerRequestedV1 } from '@argus/contracts';

export const TRIGGER_CLI_USAGE = `Usage: trigger --line LINE --by WHO --reason TEXT [--timeout-s N]

Asks continual-fine-tune for a fine-tune job of the line now (a manual trigger, as the console's
"trigger now" does): publishes training.job.trigger-requested.v1 and waits for its answer on
training.job.trigger-answered.v1. Prints the queued job, or why it was refused (no production
model, a job already active, nothing labelled). Exit code 0 when accepted, 1 when refused or on a
usage error, 2 when no answer came within --timeout-s (default 60: is continual-fine-tune running?).`;

export interface TriggerCliDeps {
  /** Publishes the request; resolves with its answer, or null when none came in time. */
  readonly ask: (request: TrainingTriggerRequestedV1, timeoutMs: number) => Promise<TrainingTriggerAnsweredV1 | null>;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/** The manual trigger from a terminal: argument checks, the request, the answer in words. */
export async function runTriggerCli(argv: readonly string[], deps: TriggerCliDeps): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        line: { type: 'string' },
        by: { type: 'string' },
        reason: { type: 'string' },
        'timeout-s': { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (error) {
    deps.err(`${error instanceof Error ? error.message : String(error)}\n\n${TRIGGER_CLI_USAGE}`);
    return 1;
  }
  if (values['help']) {
    deps.out(TRIGGER_CLI_USAGE);
    return 0;
  }
  const problems: string[] = [];
  const line = SlugSchema.safeParse(values['line']);
  if (!line.success)
    problems.push(`--line must be a line id (lowercase letters, digits, dashes), got ${JSON.stringify(values['line'] ?? '')}`);
  const by = typeof values['by'] === 'string' ? values['by'].trim() : '';
  if (by.length === 0 || by.length > 128) problems.push('--by must name who asks (1–128 characters)');
  const reason = typeof values['reason'] === 'string' ? values['reason'].trim() : '';
  if (reason.length < 3 || reason.length > 2000) problems.push('--reason must say why (3–2000 characters): it is the job’s trigger reason');
  const timeoutS = values['timeout-s'] === undefined ? 60 : Number(values['timeout-s']);
  if (!Number.isFinite(timeoutS) || timeoutS <= 0 || timeoutS > 3600) problems.push('--timeout-s must be a number of seconds in (0, 3600]');
  if (problems.length > 0 || !line.success) {
    deps.err(`${problems.join('\n')}\n\n${TRIGGER_CLI_USAGE}`);
    return 1;
  }
  const request: TrainingTriggerRequestedV1 = {
    eventId: randomUUID(),
    occurredAt: new Date().toISOString(),
    requestId: randomUUID(),
    lineId: line.data,
    requestedBy: by,
    reason,
  };
  const answer = await deps.ask(request, timeoutS * 1000);
  if (!answer) {
    deps.err(
      `no answer to request ${request.requestId} within ${timeoutS} s: is continual-fine-tune running (with ARGUS_FINETUNE_LABELS on)? The request stays on training.job.trigger-requested.v1 and will still be answered.`,
    );
    return 2;
  }
  if (answer.outcome === 'accepted') {
    deps.out(`accepted: job ${answer.jobId} queued for ${answer.lineId} (${answer.reason})`);
    return 0;
  }
  deps.out(`refused (${answer.errorCode}): ${answer.reason}${answer.jobId ? ` [job ${answer.jobId}]` : ''}`);
  return 1;
}

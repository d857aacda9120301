// A trial worker process of LocalTrialPool: prepares the search data once, then runs one trial at
// a time for its parent over the IPC channel. Started by the pool (child_process, under `nice`).
import * as os from 'node:os';
import { parseTrainingDataSource, selectTfBackend, type VisionLogger } from '@argus/vision';
import type { TrialContext } from '../trial/trial.evaluator';
import { evaluateTrial } from '../trial/trial.evaluator';
import { prepareSearchData } from '../trial/search-data';
import { timedModelOf } from '../trial/serving-latency.meter';
import type { PoolToWorkerMessage, TrialWorkerSetup, WorkerToPoolMessage } from './trial-worker.protocol';

function send(message: WorkerToPoolMessage): void {
  process.send?.(message);
}

const log = (line: string) => send({ type: 'log', line });
const logger: VisionLogger = {
  info: (obj, msg) => log(`${msg ?? ''} ${JSON.stringify(obj)}`.trim()),
  warn: (obj, msg) => log(`warning: ${msg ?? ''} ${JSON.stringify(obj)}`.trim()),
};

let context: TrialContext | undefined;
// Trials run one at a time: the parent sends the next only after this one's answer, but a queue
// keeps that true even if it did not.
let queue: Promise<void> = Promise.resolve();

async function setUp(setup: TrialWorkerSetup): Promise<void> {
  try {
    const backend = await selectTfBackend({ logger });
    const data = await prepareSearchData({ ...setup.dataOptions, source: parseTrainingDataSource(setup.data) });
    context = {
      data,
      objective: setup.objective,
      ...(setup.reference
        ? { latencyReference: { ...timedModelOf(setup.reference.spec, setup.reference.seed), quietMs: setup.reference.quietMs } }
        : {}),
      ...(setup.trainer ? { trainer: setup.trainer } : {}),
      ...(setup.latencyTiming ? { latencyTiming: setup.latencyTiming } : {}),
      log,
    };
    send({ type: 'ready', backend: backend.choice, nice: os.getPriority(), data: data.description });
  } catch (error) {
    send({ type: 'setup-failed', reason: error instanceof Error ? error.message : String(error) });
  }
}

async function runTrial(request: Extract<PoolToWorkerMessage, { type: 'run' }>['request']): Promise<void> {
  if (!context) {
    send({ type: 'failed', trialId: request.trialId, rung: request.rung, reason: 'the worker was not set up' });
    return;
  }
  try {
    const measurement = await evaluateTrial(request, context);
    send({ type: 'completed', trialId: request.trialId, rung: request.rung, measurement });
  } catch (error) {
    // The error is the trial's outcome: the parent records it as a failed trial with this reason.
    send({ type: 'failed', trialId: request.trialId, rung: request.rung, reason: error instanceof Error ? error.message : String(error) });
  }
}

process.on('message', (message: PoolToWorkerMessage) => {
  if (message.type === 'setup') queue = queue.then(() => setUp(message.setup));
  else if (message.type === 'run') queue = queue.then(() => runTrial(message.request));
});
// The parent gone (closed or killed): nothing is left to answer to.
process.on('disconnect', () => process.exit(0));

// A trainer thread that dies as a thread can (here: exits with code 3) right after its first
// checkpoint is in the run folder: the real candidate-trainer.worker, with its first `checkpoint`
// message replaced by the exit. For thread-candidate.trainer.int-spec.ts.
import { parentPort } from 'node:worker_threads';

const port = parentPort;
if (!port) throw new Error('crash-after-checkpoint.worker must run in a worker thread');
const post = port.postMessage.bind(port);
port.postMessage = (message: unknown) => {
  if ((message as { type?: unknown } | null)?.type === 'checkpoint') process.exit(3);
  post(message);
};
require('../candidate-trainer.worker');

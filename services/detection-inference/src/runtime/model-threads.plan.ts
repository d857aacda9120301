/** How the model's threads sit on the machine's cores: one line for the start-up log. */
export interface ModelThreadsPlan {
  readonly level: 'info' | 'warn';
  readonly message: string;
  readonly fields: { readonly modelWorkers: number; readonly ortThreadsPerWorker: number; readonly cores: number };
}

/**
 * Describes ARGUS_INFER_WORKERS × ARGUS_INFER_THREADS against the cores this process may use, and
 * warns when the model alone asks for more threads than there are cores: ONNX Runtime's intra-op
 * threads then wait for each other while descheduled, and more threads than cores score fewer
 * frames/s than as many as the cores (docs/performance.md, "Measurements behind design choices").
 */
export function planModelThreads(workers: number, threads: number, cores: number): ModelThreadsPlan {
  const fields = { modelWorkers: workers, ortThreadsPerWorker: threads, cores };
  const total = workers * threads;
  const shape = `${workers} model worker${workers === 1 ? '' : 's'} × ${threads} ONNX Runtime thread${threads === 1 ? '' : 's'}`;
  if (total > cores) {
    return {
      level: 'warn',
      message: `${shape} = ${total} threads for ${cores} core${cores === 1 ? '' : 's'}: they will contend; keep ARGUS_INFER_WORKERS × ARGUS_INFER_THREADS at or below the cores`,
      fields,
    };
  }
  return { level: 'info', message: `${shape} on ${cores} core${cores === 1 ? '' : 's'}`, fields };
}

export * from './trial-worker.protocol';
export * from './local-trial.pool';

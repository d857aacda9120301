export * from './trial.errors';
export * from './search-data';
export * from './serving-latency.meter';
export * from './trial.evaluator';

export * from './architecture-spec';
export * from './backend';
export * from './default-specs';
export * from './detector-graph';
export * from './gradients';
export * from './vision-logger.port';
export * from './wasm-kernels';

export * from './backend';
export * from './gradients';
export * from './vision-logger.port';
export * from './wasm-kernels';

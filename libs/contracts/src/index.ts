export * from './primitives';
export * from './events';
export * from './topics';
export * from './dead-letter';

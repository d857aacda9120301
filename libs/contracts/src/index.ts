export * from './primitives';
export * from './events';
export * from './training-events';
export * from './training-trigger-events';
export * from './shadow-events';
export * from './topics';
export * from './dead-letter';
export * from './event-headers';

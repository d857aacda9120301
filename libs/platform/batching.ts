/**
 * Secondary entry point `@argus/platform/batching`: only RequestCoalescer, for code that wants it
 * without loading Nest, pino and express through the main entry point (the I/O floor benchmark).
 */
export { type CoalescedOutcome, RequestCoalescer, type RequestCoalescerOptions } from './src/batching/request.coalescer';

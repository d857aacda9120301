/** The time, injected so session expiry can be tested without waiting. */
export interface Clock {
  now(): Date;
}
export const CONSOLE_CLOCK = Symbol('CONSOLE_CLOCK');
export const systemClock: Clock = { now: () => new Date() };

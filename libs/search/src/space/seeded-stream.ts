import { SeededRandom, hashStringWithSeed } from '@argus/vision';

/**
 * A fresh generator for draw number `counter` of a named stream. Controllers and the engine draw
 * every random decision from one of these instead of keeping a generator alive: their stored state
 * then needs only the counters, and a search restored after `kill -9` draws exactly what the
 * original would have drawn.
 */
export function seededStream(seed: number, stream: string, counter: number): SeededRandom {
  return new SeededRandom(hashStringWithSeed(`${stream}#${counter}`, seed));
}

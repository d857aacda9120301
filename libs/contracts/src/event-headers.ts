/**
 * Headers producers add to an event besides its body. Optional: a consumer that ignores them
 * loses nothing, since every event is at-least-once and idempotent anyway.
 */
export const EventHeaders = {
  /**
   * `true` on an event that repeats one published before for the same fact, so counts of new work
   * (frames stored, scored, alerts raised) can leave it out: camera-ingest announcing again a frame
   * whose bytes it had stored already (a duplicate upload or a replayed scene), detection-inference
   * publishing a stored result again (a redelivered frame) or an alert raised before.
   */
  repeat: 'argus-repeat',
} as const;

/** The headers of a repeated event (EventHeaders.repeat). */
export const REPEAT_HEADERS: Readonly<Record<string, string>> = { [EventHeaders.repeat]: 'true' };

export function isRepeat(headers: Readonly<Record<string, string>>): boolean {
  return headers[EventHeaders.repeat] === 'true';
}

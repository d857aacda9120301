/** Header values as Kafka clients carry them (kafkajs `IHeaders` is assignable to this). */
export type RawHeaderValue = Buffer | string | (Buffer | string)[] | undefined;
export type RawHeaders = Record<string, RawHeaderValue>;

/** Header names the bus sets on every message besides the W3C trace context. */
export const BusHeaders = {
  /** The topic (event type and version) the message was published to. */
  eventType: 'argus-event-type',
} as const;

/** Headers as UTF-8 strings; the last value wins when a header repeats; absent values are dropped. */
export function decodeHeaders(raw: RawHeaders | undefined): Record<string, string> {
  const decoded: Record<string, string> = {};
  if (!raw) return decoded;
  for (const [name, value] of Object.entries(raw)) {
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last === undefined) continue;
    decoded[name] = typeof last === 'string' ? last : last.toString('utf8');
  }
  return decoded;
}

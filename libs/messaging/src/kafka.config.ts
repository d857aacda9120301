import { z } from 'zod';

/** Connection settings of the Kafka bus. */
export interface KafkaConfig {
  readonly clientId: string;
  /** `host:port` of one or more bootstrap brokers. */
  readonly brokers: readonly string[];
}

export const KAFKA_BROKERS_ENV = 'ARGUS_KAFKA_BROKERS';
export const KAFKA_CLIENT_ID_ENV = 'ARGUS_KAFKA_CLIENT_ID';

/**
 * The variables {@link kafkaConfigFromEnv} reads, described for people: `npm run docs:config`
 * renders them into libs/messaging/README.md, and a unit test checks the parser reads exactly
 * these. The parsing (and its messages) stays in the function.
 */
export const KafkaEnvSchema = z.object({
  [KAFKA_BROKERS_ENV]: z.string().meta({
    description: 'Comma-separated `host:port` of one or more bootstrap brokers, e.g. `127.0.0.1:19092`.',
  }),
  [KAFKA_CLIENT_ID_ENV]: z.string().optional().meta({
    description:
      "Client id the brokers see in their logs and quotas (letters, digits, `.`, `_`, `-`); unset: the service's name, else `argus`.",
  }),
});

const BROKER_PATTERN = /^(?<host>[A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\]):(?<port>\d{1,5})$/;
const CLIENT_ID_PATTERN = /^[A-Za-z0-9._-]{1,255}$/;

/**
 * Reads `ARGUS_KAFKA_BROKERS` (comma-separated `host:port`) and the optional
 * `ARGUS_KAFKA_CLIENT_ID` (default: `options.clientId`, else `argus`). Throws an error naming the
 * variable when it is missing or malformed, so the service stops at start-up with a clear message.
 */
export function kafkaConfigFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
  options: { clientId?: string } = {},
): KafkaConfig {
  const raw = env[KAFKA_BROKERS_ENV];
  if (raw === undefined || raw.trim() === '') {
    throw new Error(`${KAFKA_BROKERS_ENV} is missing: set it to comma-separated host:port broker addresses, e.g. 127.0.0.1:19092`);
  }
  const brokers = raw.split(',').map((entry) => entry.trim());
  for (const broker of brokers) {
    const match = BROKER_PATTERN.exec(broker);
    const port = Number(match?.groups?.['port']);
    if (!match || port < 1 || port > 65535) {
      throw new Error(`${KAFKA_BROKERS_ENV} is malformed: "${broker}" is not host:port (value: "${raw}")`);
    }
  }

  const fromEnv = env[KAFKA_CLIENT_ID_ENV]?.trim();
  const clientId = fromEnv || options.clientId || 'argus';
  if (!CLIENT_ID_PATTERN.test(clientId)) {
    const source = fromEnv ? KAFKA_CLIENT_ID_ENV : 'clientId';
    throw new Error(`${source} is malformed: "${clientId}" (letters, digits, ".", "_", "-"; at most 255)`);
  }
  return { clientId, brokers };
}

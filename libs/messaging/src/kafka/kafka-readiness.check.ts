import { Kafka, logLevel } from 'kafkajs';
import type { KafkaConfig } from '../kafka.config';
import type { ReadinessCheck } from '@argus/platform';

export interface KafkaReadinessOptions {
  /** The whole check (connect + describe cluster) fails after this long. Default 3000 ms. */
  readonly timeoutMs?: number;
}

/**
 * `{ name: 'kafka', check() }` for the services' readiness endpoint: connects an admin client with
 * no retries, asks the cluster to describe itself, disconnects. Throws when the cluster does not
 * answer in time. Each check uses a fresh connection, so a probe never holds sockets open.
 */
export function kafkaReadinessCheck(config: KafkaConfig, options: KafkaReadinessOptions = {}): ReadinessCheck {
  const timeoutMs = options.timeoutMs ?? 3000;
  return {
    name: 'kafka',
    async check(): Promise<void> {
      const kafka = new Kafka({
        clientId: `${config.clientId}-readiness`,
        brokers: [...config.brokers],
        connectionTimeout: timeoutMs,
        requestTimeout: timeoutMs,
        retry: { retries: 0 },
        logLevel: logLevel.NOTHING,
      });
      const admin = kafka.admin();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([
          (async () => {
            await admin.connect();
            const cluster = await admin.describeCluster();
            if (cluster.brokers.length === 0) throw new Error('the cluster reports no brokers');
          })(),
          timeout,
        ]);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(`kafka is not ready at ${config.brokers.join(',')}: ${reason}`, { cause: error });
      } finally {
        clearTimeout(timer);
        await admin.disconnect().catch(() => undefined);
      }
    },
  };
}

// "Trigger now" from a terminal, as the console's jobs page does it:
//   node -r @swc-node/register services/continual-fine-tune/src/trigger-cli.ts --line L --by WHO --reason TEXT
// (or `npm run trigger -w @argus/continual-fine-tune -- --line L --by WHO --reason TEXT`). Reads ARGUS_KAFKA_BROKERS.
import { randomUUID } from 'node:crypto';
import { type TrainingTriggerAnsweredV1, Topics } from '@argus/contracts';
import { KafkaMessageBusAdapter, kafkaConfigFromEnv, type MessagingLogger } from '@argus/messaging';
import { runTriggerCli } from './cli/trigger-cli.runner';

const quiet: MessagingLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

async function main(argv: readonly string[]): Promise<number> {
  let bus: KafkaMessageBusAdapter | undefined;
  try {
    return await runTriggerCli(argv, {
      ask: async (request, timeoutMs) => {
        bus = new KafkaMessageBusAdapter({ config: kafkaConfigFromEnv(process.env, { clientId: 'trigger-cli' }), logger: quiet });
        await bus.ensureTopics([Topics.trainingTriggerRequested, Topics.trainingTriggerAnswered]);
        let resolveAnswer: (answer: TrainingTriggerAnsweredV1) => void = () => undefined;
        const answered = new Promise<TrainingTriggerAnsweredV1>((resolve) => (resolveAnswer = resolve));
        // A group of its own, from the topic's end: it listens before it asks, so the answer cannot pass it by.
        await bus.subscribe(Topics.trainingTriggerAnswered, {
          groupId: `trigger-cli-${randomUUID()}`,
          fromBeginning: false,
          retry: { attempts: 1, initialBackoffMs: 1, maxBackoffMs: 1 },
          handler: (answer) => {
            if (answer.requestId === request.requestId) resolveAnswer(answer);
          },
        });
        await bus.start();
        await bus.publish(Topics.trainingTriggerRequested, request);
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), timeoutMs)));
        try {
          return await Promise.race([answered, timeout]);
        } finally {
          clearTimeout(timer);
        }
      },
      out: (line) => process.stdout.write(`${line}\n`),
      err: (line) => process.stderr.write(`${line}\n`),
    });
  } finally {
    await bus?.stop().catch(() => undefined);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`trigger-cli: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);

import { logLevel } from 'kafkajs';
import { RecordingLogger } from '../testing/recording.logger';
import { kafkaLogCreator, kafkaLogLevel, KafkaSettlingWindow } from './kafka-logger.adapter';

const entry = (level: logLevel, message: string, extra: Record<string, unknown> = {}) => ({
  namespace: 'Connection',
  level,
  label: 'x',
  log: { timestamp: 'now', logger: 'kafkajs', message, ...extra },
});
/** What kafkajs' Connection logs when a broker answers a request with an error. */
const response = (request: string, error: string) =>
  entry(logLevel.ERROR, `Response ${request}`, { broker: '127.0.0.1:9092', clientId: 'c', error, correlationId: 4, size: 412 });

describe('kafkaLogCreator', () => {
  it('routes kafkajs log entries to the logger at the matching level, with their fields', () => {
    const logger = new RecordingLogger();
    const log = kafkaLogCreator(logger)(logLevel.WARN);
    const consumer = (level: logLevel, message: string) => ({ ...entry(level, message, { groupId: 'g' }), namespace: 'Consumer' });

    log(consumer(logLevel.ERROR, 'crash'));
    log(consumer(logLevel.WARN, 'rebalancing'));
    log(consumer(logLevel.INFO, 'started'));

    expect(logger.entries).toEqual([
      { level: 'error', obj: { component: 'kafkajs', namespace: 'Consumer', groupId: 'g' }, msg: 'crash' },
      { level: 'warn', obj: { component: 'kafkajs', namespace: 'Consumer', groupId: 'g' }, msg: 'rebalancing' },
      { level: 'info', obj: { component: 'kafkajs', namespace: 'Consumer', groupId: 'g' }, msg: 'started' },
    ]);
  });

  it('logs the answers expected while topics are created and leaders elected as info, saying so, while the bus settles', () => {
    const logger = new RecordingLogger();
    const log = kafkaLogCreator(logger, { settling: true })(logLevel.WARN);

    log(response('CreateTopics(key: 19, version: 3)', 'Topic creation errors'));
    log(response('Metadata(key: 3, version: 6)', 'This server does not host this topic-partition'));
    log(
      response(
        'ListOffsets(key: 2, version: 4)',
        'There is no leader for this topic-partition as we are in the middle of a leadership election',
      ),
    );
    log({
      ...entry(logLevel.ERROR, 'This server is not the leader for that topic-partition', { retryCount: 0, retryTime: 300 }),
      namespace: 'BrokerPool',
    });

    expect(logger.entries.map((e) => e.level)).toEqual(['info', 'info', 'info', 'info']);
    expect(logger.entries[0]).toEqual({
      level: 'info',
      obj: {
        component: 'kafkajs',
        namespace: 'Connection',
        broker: '127.0.0.1:9092',
        clientId: 'c',
        error: 'Topic creation errors',
        correlationId: 4,
        size: 412,
        expected: 'while topics are created and partitions elect leaders',
      },
      msg: 'Response CreateTopics(key: 19, version: 3)',
    });
  });

  it('keeps the same answers at error once the bus has settled, and other errors at error while it settles', () => {
    const settled = new RecordingLogger();
    kafkaLogCreator(settled, { settling: false })(logLevel.WARN)(
      response('Produce(key: 0, version: 7)', 'This server does not host this topic-partition'),
    );
    expect(settled.entries.map((e) => e.level)).toEqual(['error']);

    const settling = new RecordingLogger();
    const log = kafkaLogCreator(settling, { settling: true })(logLevel.WARN);
    log(response('Produce(key: 0, version: 7)', 'The request included a message larger than the max message size the server will accept'));
    log(entry(logLevel.ERROR, 'Failed to connect to broker, reconnecting', { retryCount: 1 }));
    log({
      ...entry(logLevel.ERROR, 'Crash: KafkaJSNumberOfRetriesExceeded: This server does not host this topic-partition'),
      namespace: 'Consumer',
    });
    expect(settling.entries.map((e) => e.level)).toEqual(['error', 'error', 'error']);
  });

  it('without a settling window (no bus around it), maps levels one to one', () => {
    expect(kafkaLogLevel(response('Metadata(key: 3, version: 6)', 'This server does not host this topic-partition'), false)).toBe('error');
    expect(kafkaLogLevel(entry(logLevel.WARN, 'Topic creation errors'), true)).toBe('info');
    expect(kafkaLogLevel(entry(logLevel.WARN, 'something else'), true)).toBe('warn');
  });
});

describe('KafkaSettlingWindow', () => {
  it('settles from construction and during work, until the grace after the last work ended', async () => {
    let now = 0;
    const window = new KafkaSettlingWindow(30_000, () => now);
    expect(window.settling).toBe(true);
    now = 30_000;
    expect(window.settling).toBe(false);
    let inside: boolean | undefined;
    await window.during(async () => {
      now = 200_000; // a slow topic creation
      inside = window.settling;
    });
    expect(inside).toBe(true);
    now = 229_999;
    expect(window.settling).toBe(true);
    now = 230_000;
    expect(window.settling).toBe(false);
  });
});

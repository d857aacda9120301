import { logLevel } from 'kafkajs';
import { RecordingLogger } from '../testing/recording.logger';
import { kafkaLogCreator } from './kafka-logger.adapter';

describe('kafkaLogCreator', () => {
  it('routes kafkajs log entries to the logger at the matching level, with their fields', () => {
    const logger = new RecordingLogger();
    const log = kafkaLogCreator(logger)(logLevel.WARN);
    const entry = (level: logLevel, message: string) => ({
      namespace: 'Consumer',
      level,
      label: 'x',
      log: { timestamp: 'now', logger: 'kafkajs', message, groupId: 'g' },
    });

    log(entry(logLevel.ERROR, 'crash'));
    log(entry(logLevel.WARN, 'rebalancing'));
    log(entry(logLevel.INFO, 'started'));

    expect(logger.entries).toEqual([
      { level: 'error', obj: { component: 'kafkajs', namespace: 'Consumer', groupId: 'g' }, msg: 'crash' },
      { level: 'warn', obj: { component: 'kafkajs', namespace: 'Consumer', groupId: 'g' }, msg: 'rebalancing' },
      { level: 'info', obj: { component: 'kafkajs', namespace: 'Consumer', groupId: 'g' }, msg: 'started' },
    ]);
  });
});

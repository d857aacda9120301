import { logLevel, type logCreator } from 'kafkajs';
import type { MessagingLogger } from '../messaging-logger.port';

/** Routes kafkajs' own logs (WARN and above, as configured on the client) into our logger. */
export function kafkaLogCreator(logger: MessagingLogger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, logger: _kafkaLogger, ...extra } = log;
      const obj = { component: 'kafkajs', namespace, ...extra };
      if (level === logLevel.ERROR) logger.error(obj, message);
      else if (level === logLevel.WARN) logger.warn(obj, message);
      else logger.info(obj, message);
    };
}

import { variablesReadBy } from '@argus/platform';
import { kafkaConfigFromEnv, KafkaEnvSchema } from './kafka.config';

describe('kafkaConfigFromEnv', () => {
  it('reads comma-separated brokers, trimming spaces', () => {
    expect(
      kafkaConfigFromEnv({ ARGUS_KAFKA_BROKERS: '127.0.0.1:19092, kafka-2.internal:9092,[::1]:9093' }, { clientId: 'camera-ingest' }),
    ).toEqual({
      clientId: 'camera-ingest',
      brokers: ['127.0.0.1:19092', 'kafka-2.internal:9092', '[::1]:9093'],
    });
  });

  it('takes the client id from ARGUS_KAFKA_CLIENT_ID, else the option, else "argus"', () => {
    expect(kafkaConfigFromEnv({ ARGUS_KAFKA_BROKERS: 'k:1', ARGUS_KAFKA_CLIENT_ID: 'from-env' }, { clientId: 'opt' }).clientId).toBe(
      'from-env',
    );
    expect(kafkaConfigFromEnv({ ARGUS_KAFKA_BROKERS: 'k:1' }).clientId).toBe('argus');
  });

  it.each([undefined, '', '   '])('names the variable when it is missing (%p)', (value) => {
    expect(() => kafkaConfigFromEnv({ ARGUS_KAFKA_BROKERS: value })).toThrow(/^ARGUS_KAFKA_BROKERS is missing/);
  });

  it.each(['localhost', 'k:0', 'k:65536', 'k:9092,', 'http://k:9092', 'k:9092;j:9092'])(
    'names the variable when it is malformed (%p)',
    (value) => {
      expect(() => kafkaConfigFromEnv({ ARGUS_KAFKA_BROKERS: value })).toThrow(/^ARGUS_KAFKA_BROKERS is malformed/);
    },
  );

  it('rejects a malformed client id, naming where it came from', () => {
    expect(() => kafkaConfigFromEnv({ ARGUS_KAFKA_BROKERS: 'k:1', ARGUS_KAFKA_CLIENT_ID: 'has space' })).toThrow(
      /^ARGUS_KAFKA_CLIENT_ID is malformed/,
    );
    expect(() => kafkaConfigFromEnv({ ARGUS_KAFKA_BROKERS: 'k:1' }, { clientId: 'bad/id' })).toThrow(/^clientId is malformed/);
  });
});

describe('KafkaEnvSchema', () => {
  it('documents exactly the variables kafkaConfigFromEnv reads', () => {
    const env = { ARGUS_KAFKA_BROKERS: 'k:1', ARGUS_KAFKA_CLIENT_ID: 'c' };
    expect(variablesReadBy(kafkaConfigFromEnv, env)).toEqual(Object.keys(KafkaEnvSchema.shape).sort());
  });
});

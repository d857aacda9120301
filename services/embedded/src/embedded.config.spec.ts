import * as path from 'node:path';
import { invalidConfigVariables } from '@argus/platform';
import { EMBEDDED_SERVICE_DEFAULTS, loadEmbeddedConfig } from './embedded.config';
import { CameraIngestEnvSchema } from './service-modules.imports';

describe('embedded mode configuration', () => {
  it('runs with nothing configured: every dependency embedded, console port 3000, quiet logs, simulator on', () => {
    const config = loadEmbeddedConfig({});
    expect(config).toMatchObject({ PORT: 3000, HOST: '127.0.0.1', LOG_LEVEL: 'warn', ARGUS_SIMULATOR: true, ARGUS_SIMULATOR_FPS: 2 });
    expect(config.ARGUS_EMBEDDED_PG_PORT).toBeUndefined(); // the last start's port, else the default, else a free one
    expect(config.kafka).toBeUndefined();
    expect(config.s3).toBeUndefined();
    expect(config.database).toBeUndefined();
    expect(config.dataDir).toBe(path.resolve('.argus-data'));
  });

  it('uses the real adapter for each dependency whose address is set, independently', () => {
    const kafkaOnly = loadEmbeddedConfig({ ARGUS_KAFKA_BROKERS: '127.0.0.1:19092' });
    expect(kafkaOnly.kafka).toEqual({ clientId: 'argus-embedded', brokers: ['127.0.0.1:19092'] });
    expect(kafkaOnly.s3).toBeUndefined();
    expect(kafkaOnly.database).toBeUndefined();

    const dbOnly = loadEmbeddedConfig({ ARGUS_DATABASE_URL: 'postgres://argus:pw@127.0.0.1:15432/argus' });
    expect(dbOnly.database).toMatchObject({ host: '127.0.0.1', port: 15432, database: 'argus' });
    expect(dbOnly.kafka).toBeUndefined();

    const s3Only = loadEmbeddedConfig({
      ARGUS_S3_ENDPOINT: 'http://127.0.0.1:19000',
      ARGUS_S3_ACCESS_KEY: 'argus',
      ARGUS_S3_SECRET_KEY: 'secret-value',
    });
    expect(s3Only.s3).toMatchObject({ endPoint: '127.0.0.1', port: 19000 });
    expect(s3Only.database).toBeUndefined();
  });

  it('names the variables it refuses: a set but malformed address, a half-configured S3, a bad port', () => {
    expect(invalidConfigVariables(loadEmbeddedConfig, { ARGUS_KAFKA_BROKERS: 'nohostport' })).toEqual(['ARGUS_KAFKA_BROKERS']);
    expect(invalidConfigVariables(loadEmbeddedConfig, { ARGUS_S3_ENDPOINT: 'http://127.0.0.1:19000' })).toEqual(['ARGUS_S3_ACCESS_KEY']);
    expect(invalidConfigVariables(loadEmbeddedConfig, { PORT: '70000', ARGUS_SIMULATOR: 'maybe' })).toEqual(['ARGUS_SIMULATOR', 'PORT']);
    expect(loadEmbeddedConfig({ PORT: '0', ARGUS_SIMULATOR: 'off' })).toMatchObject({ PORT: 0, ARGUS_SIMULATOR: false });
  });
  it("warns about a data folder over 1 GiB by default, and caps each line's frames where camera-ingest alone would not", () => {
    expect(loadEmbeddedConfig({}).ARGUS_DATA_DIR_WARN_SIZE).toBe(1024 ** 3);
    expect(loadEmbeddedConfig({ ARGUS_DATA_DIR_WARN_SIZE: 'none' }).ARGUS_DATA_DIR_WARN_SIZE).toBeNull();
    expect(invalidConfigVariables(loadEmbeddedConfig, { ARGUS_DATA_DIR_WARN_SIZE: 'big' })).toEqual(['ARGUS_DATA_DIR_WARN_SIZE']);
    const token = { ARGUS_CAMERA_TOKEN: 'camera-token-0123456789' };
    expect(CameraIngestEnvSchema.parse({ ...EMBEDDED_SERVICE_DEFAULTS, ...token })).toMatchObject({
      ARGUS_RETENTION_MAX_BYTES_PER_LINE: 128 * 1024 ** 2,
      ARGUS_RETENTION_MIN_AGE: 120_000,
    });
    // A variable that is set still wins.
    expect(
      CameraIngestEnvSchema.parse({ ...EMBEDDED_SERVICE_DEFAULTS, ...token, ARGUS_RETENTION_MAX_BYTES_PER_LINE: 'none' })
        .ARGUS_RETENTION_MAX_BYTES_PER_LINE,
    ).toBeNull();
  });
});

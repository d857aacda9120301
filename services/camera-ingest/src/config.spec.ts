import { loadCameraIngestConfig } from './config';

const validEnv = {
  ARGUS_KAFKA_BROKERS: '127.0.0.1:19092',
  ARGUS_S3_ENDPOINT: 'http://127.0.0.1:19000',
  ARGUS_S3_ACCESS_KEY: 'argus',
  ARGUS_S3_SECRET_KEY: 'argus-dev-secret',
  ARGUS_DATABASE_URL: 'postgres://argus:pg-secret@127.0.0.1:15432/argus',
};

const noExit = {
  write: () => undefined,
  exit: (code: number): never => {
    throw new Error(`exit ${code}`);
  },
};

describe('camera-ingest configuration', () => {
  it('reads its own variables with defaults and its dependencies through their adapters', () => {
    const config = loadCameraIngestConfig(validEnv, noExit);
    expect(config.PORT).toBe(3001);
    expect(config.SHUTDOWN_TIMEOUT_MS).toBe(15_000);
    expect(config.kafka).toEqual({ clientId: 'camera-ingest', brokers: ['127.0.0.1:19092'] });
    expect(config.s3).toMatchObject({ endPoint: '127.0.0.1', port: 19000, bucket: 'argus' });
    expect(config.database).toMatchObject({ host: '127.0.0.1', port: 15432, database: 'argus', applicationName: 'camera-ingest' });
  });

  it('stops with EX_CONFIG naming every missing dependency variable', () => {
    const lines: string[] = [];
    expect(() => loadCameraIngestConfig({ PORT: 'x' }, { ...noExit, write: (line) => lines.push(line) })).toThrow('exit 78');
    const { invalidVariables } = JSON.parse(lines[0] ?? '{}') as { invalidVariables: { variable: string }[] };
    expect(invalidVariables.map((p) => p.variable).sort()).toEqual(['ARGUS_DATABASE_URL', 'ARGUS_KAFKA_BROKERS', 'ARGUS_S3_ENDPOINT', 'PORT']);
  });

  it('never prints its secrets', () => {
    const config = loadCameraIngestConfig(validEnv, noExit);
    expect(JSON.stringify(config)).not.toContain('argus-dev-secret');
    expect(JSON.stringify(config)).not.toContain('pg-secret');
  });
});

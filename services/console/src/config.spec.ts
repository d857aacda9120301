import { loadConsoleConfig } from './config';

const validEnv = {
  ARGUS_KAFKA_BROKERS: '127.0.0.1:19092',
  ARGUS_DATABASE_URL: 'postgres://argus:pg-secret@127.0.0.1:15432/argus',
};

const noExit = {
  write: () => undefined,
  exit: (code: number): never => {
    throw new Error(`exit ${code}`);
  },
};

describe('console configuration', () => {
  it('reads its own variables with defaults and its dependencies through their adapters', () => {
    const config = loadConsoleConfig(validEnv, noExit);
    expect(config.PORT).toBe(3000);
    expect(config.SHUTDOWN_TIMEOUT_MS).toBe(15_000);
    expect(config.kafka).toEqual({ clientId: 'console', brokers: ['127.0.0.1:19092'] });
    expect(config.database).toMatchObject({ host: '127.0.0.1', port: 15432, database: 'argus', applicationName: 'console' });
  });

  it('stops with EX_CONFIG naming every missing dependency variable', () => {
    const lines: string[] = [];
    expect(() => loadConsoleConfig({ PORT: 'x' }, { ...noExit, write: (line) => lines.push(line) })).toThrow('exit 78');
    const { invalidVariables } = JSON.parse(lines[0] ?? '{}') as { invalidVariables: { variable: string }[] };
    expect(invalidVariables.map((p) => p.variable).sort()).toEqual(['ARGUS_DATABASE_URL', 'ARGUS_KAFKA_BROKERS', 'PORT']);
  });

  it('never prints its secrets', () => {
    const config = loadConsoleConfig(validEnv, noExit);
    expect(JSON.stringify(config)).not.toContain('pg-secret');
  });
});

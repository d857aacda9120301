import { loadArchitectureSearchConfig } from './config';

const validEnv = {
  ARGUS_KAFKA_BROKERS: '127.0.0.1:19092',
};

const noExit = {
  write: () => undefined,
  exit: (code: number): never => {
    throw new Error(`exit ${code}`);
  },
};

describe('architecture-search configuration', () => {
  it('reads its own variables with defaults and its dependencies through their adapters', () => {
    const config = loadArchitectureSearchConfig(validEnv, noExit);
    expect(config.PORT).toBe(3004);
    expect(config.SHUTDOWN_TIMEOUT_MS).toBe(15_000);
    expect(config.kafka).toEqual({ clientId: 'architecture-search', brokers: ['127.0.0.1:19092'] });
  });

  it('stops with EX_CONFIG naming every missing dependency variable', () => {
    const lines: string[] = [];
    expect(() => loadArchitectureSearchConfig({ PORT: 'x' }, { ...noExit, write: (line) => lines.push(line) })).toThrow('exit 78');
    const { invalidVariables } = JSON.parse(lines[0] ?? '{}') as { invalidVariables: { variable: string }[] };
    expect(invalidVariables.map((p) => p.variable).sort()).toEqual(['ARGUS_KAFKA_BROKERS', 'PORT']);
  });
});

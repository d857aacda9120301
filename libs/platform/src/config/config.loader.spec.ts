import { inspect } from 'node:util';
import { z } from 'zod';
import { CONFIG_ERROR_EXIT_CODE, loadConfig, parseConfig } from './config.loader';
import { ConfigValidationError } from './config-validation.error';
import { serviceEnvSchema } from './env-fields.schema';
import { Secret, secret } from './secret.schema';

const schema = serviceEnvSchema(3001).extend({
  ARGUS_DATABASE_URL: z.url(),
  ARGUS_KAFKA_BROKERS: z.string().min(1),
  ARGUS_S3_SECRET_KEY: secret(),
});

const validEnv = {
  ARGUS_DATABASE_URL: 'postgres://argus:pw@db:5432/argus',
  ARGUS_KAFKA_BROKERS: 'kafka:9092',
  ARGUS_S3_SECRET_KEY: 'super-secret-value',
};

function captureError(run: () => unknown): ConfigValidationError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigValidationError) return error;
    throw error;
  }
  throw new Error('expected a ConfigValidationError');
}

describe('parseConfig', () => {
  it('parses a valid environment into a typed object with defaults', () => {
    const config = parseConfig(schema, { ...validEnv, PORT: '4000' });
    expect(config.PORT).toBe(4000);
    expect(config.LOG_LEVEL).toBe('info');
    expect(config.SHUTDOWN_TIMEOUT_MS).toBe(15_000);
    expect(config.ARGUS_S3_SECRET_KEY).toBeInstanceOf(Secret);
    expect(config.ARGUS_S3_SECRET_KEY.reveal()).toBe('super-secret-value');
  });

  it('names every missing and every malformed variable in one error', () => {
    const error = captureError(() => parseConfig(schema, { PORT: 'eighty', LOG_LEVEL: 'loud', ARGUS_DATABASE_URL: 'not a url' }));
    expect(error.variables.sort()).toEqual(
      ['ARGUS_DATABASE_URL', 'ARGUS_KAFKA_BROKERS', 'ARGUS_S3_SECRET_KEY', 'LOG_LEVEL', 'PORT'].sort(),
    );
    for (const name of error.variables) expect(error.message).toContain(name);
    expect(error.problems.find((p) => p.variable === 'ARGUS_KAFKA_BROKERS')?.problem).toBe('is not set');
  });

  it('treats an empty variable as unset', () => {
    const error = captureError(() => parseConfig(schema, { ...validEnv, ARGUS_KAFKA_BROKERS: '' }));
    expect(error.problems).toEqual([{ variable: 'ARGUS_KAFKA_BROKERS', problem: 'is not set' }]);
    expect(parseConfig(schema, { ...validEnv, PORT: '' }).PORT).toBe(3001);
  });

  it('never quotes a malformed value in the error', () => {
    const strict = z.object({ API_TOKEN: secret(z.string().regex(/^tok_/)) });
    const error = captureError(() => parseConfig(strict, { API_TOKEN: 'hunter2-leaked' }));
    expect(error.variables).toEqual(['API_TOKEN']);
    expect(error.message).not.toContain('hunter2-leaked');
  });
});

describe('Secret', () => {
  it('redacts itself in strings, JSON and inspection', () => {
    const config = parseConfig(schema, validEnv);
    const value = config.ARGUS_S3_SECRET_KEY;
    expect(String(value)).toBe('***');
    expect(`${value}`).toBe('***');
    expect(JSON.stringify(config)).not.toContain('super-secret-value');
    expect(JSON.stringify({ key: value })).toBe('{"key":"***"}');
    expect(inspect(config)).not.toContain('super-secret-value');
  });
});

describe('loadConfig', () => {
  it('returns the parsed configuration without writing or exiting', () => {
    const write = jest.fn();
    const exit = jest.fn() as unknown as (code: number) => never;
    expect(loadConfig(schema, validEnv, { write, exit }).ARGUS_KAFKA_BROKERS).toBe('kafka:9092');
    expect(write).not.toHaveBeenCalled();
    expect(exit).not.toHaveBeenCalled();
  });

  it('writes one JSON line naming every bad variable and exits with EX_CONFIG', () => {
    const lines: string[] = [];
    const exit = jest.fn((code: number) => {
      throw new Error(`exit ${code}`);
    }) as unknown as (code: number) => never;
    expect(() =>
      loadConfig(schema, { ARGUS_S3_SECRET_KEY: 'super-secret-value', PORT: '0' }, { write: (l) => lines.push(l), exit }),
    ).toThrow(`exit ${CONFIG_ERROR_EXIT_CODE}`);
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] ?? '') as { level: string; msg: string; invalidVariables: { variable: string }[] };
    expect(line.level).toBe('fatal');
    expect(line.invalidVariables.map((p) => p.variable).sort()).toEqual(['ARGUS_DATABASE_URL', 'ARGUS_KAFKA_BROKERS', 'PORT']);
    expect(lines[0]).not.toContain('super-secret-value');
  });
});

describe('parseConfig with adapter sections', () => {
  class AdapterConfigError extends Error {
    constructor(
      readonly variable: string,
      problem: string,
    ) {
      super(`${variable} ${problem}`);
    }
  }
  const kafka = (env: Record<string, string | undefined>) => {
    if (!env['ARGUS_KAFKA_BROKERS']) throw new Error('ARGUS_KAFKA_BROKERS is missing: set it to host:port');
    return { brokers: env['ARGUS_KAFKA_BROKERS'].split(',') };
  };
  const s3 = (env: Record<string, string | undefined>) => {
    if (!env['ARGUS_S3_ENDPOINT']) throw new AdapterConfigError('ARGUS_S3_ENDPOINT', 'is required but not set');
    return { endpoint: env['ARGUS_S3_ENDPOINT'] };
  };
  const base = serviceEnvSchema(3002);

  it('puts each section under its name next to the schema fields', () => {
    const config = parseConfig(base, { ARGUS_KAFKA_BROKERS: 'a:1,b:2', ARGUS_S3_ENDPOINT: 'http://s3:9000' }, { kafka, s3 });
    expect(config.PORT).toBe(3002);
    expect(config.kafka.brokers).toEqual(['a:1', 'b:2']);
    expect(config.s3.endpoint).toBe('http://s3:9000');
  });

  it('reports the schema problems and every failing section together', () => {
    const error = captureError(() => parseConfig(base, { PORT: '99999' }, { kafka, s3 }));
    expect(error.problems).toEqual([
      { variable: 'PORT', problem: expect.any(String) },
      { variable: 'ARGUS_KAFKA_BROKERS', problem: 'is missing: set it to host:port' },
      { variable: 'ARGUS_S3_ENDPOINT', problem: 'is required but not set' },
    ]);
  });

  it('names the section when its error names no variable', () => {
    const broken = () => {
      throw new Error('something odd');
    };
    expect(captureError(() => parseConfig(base, {}, { broken })).problems).toEqual([{ variable: '(broken)', problem: 'something odd' }]);
  });
});

import { z } from 'zod';
import { describeEnvSchema, renderEnvTable, variablesReadBy } from './config-docs';
import { serviceEnvSchema } from './env-fields.schema';
import { durationField } from './quantity.fields';
import { secret } from './secret.schema';

describe('describeEnvSchema', () => {
  it('reads description, default, required and secret through the wrappers', () => {
    const schema = z.object({
      TOKEN: secret(z.string().min(16)).meta({ description: 'a token' }),
      OPTIONAL_SECRET: secret().optional().meta({ description: 'maybe' }),
      AGE: durationField('7d')
        .refine((ms) => ms !== null, 'never is not allowed')
        .meta({ description: 'how old' }),
      COUNT: z.coerce.number().int().default(5).pipe(z.number().max(10)).meta({ description: 'how many' }),
      FILE: z.string().optional().meta({ description: 'a path' }),
      DIR: z.string().default('/tmp/x').meta({ description: 'a folder', defaultText: '<temp>/x' }),
    });
    expect(describeEnvSchema(schema)).toEqual([
      { name: 'TOKEN', description: 'a token', default: undefined, required: true, secret: true },
      { name: 'OPTIONAL_SECRET', description: 'maybe', default: undefined, required: false, secret: true },
      { name: 'AGE', description: 'how old', default: '7d', required: false, secret: false },
      { name: 'COUNT', description: 'how many', default: '5', required: false, secret: false },
      { name: 'FILE', description: 'a path', default: undefined, required: false, secret: false },
      { name: 'DIR', description: 'a folder', default: '<temp>/x', required: false, secret: false },
    ]);
  });

  it('refuses a variable without a description, naming it', () => {
    expect(() => describeEnvSchema(z.object({ UNDOCUMENTED: z.string() }))).toThrow(/^UNDOCUMENTED has no description/);
  });

  it('documents every variable of serviceEnvSchema', () => {
    expect(describeEnvSchema(serviceEnvSchema(3001)).map((v) => [v.name, v.default])).toEqual([
      ['PORT', '3001'],
      ['LOG_LEVEL', 'info'],
      ['SHUTDOWN_TIMEOUT_MS', '15000'],
      ['READINESS_CHECK_TIMEOUT_MS', '3000'],
      ['HTTP_BODY_LIMIT', '1mb'],
    ]);
  });
});

describe('renderEnvTable', () => {
  it('marks secrets and required variables, and escapes table pipes', () => {
    const table = renderEnvTable([
      { name: 'A', description: 'one | two', default: undefined, required: true, secret: true },
      { name: 'B', description: 'b', default: '7d', required: false, secret: false },
      { name: 'C', description: 'c', default: undefined, required: false, secret: false },
    ]);
    expect(table).toBe(
      [
        '| variable | default | meaning |',
        '|---|---|---|',
        '| `A` (secret) | **required** | one \\| two |',
        '| `B` | `7d` | b |',
        '| `C` | unset | c |',
      ].join('\n'),
    );
  });
});

describe('variablesReadBy', () => {
  it('lists the names a parser looks up, sorted', () => {
    const parse = (env: Readonly<Record<string, string | undefined>>) => [env['B'], env['A'], env['A']];
    expect(variablesReadBy(parse, { A: '1' })).toEqual(['A', 'B']);
  });
});

import {
  AuditLogRepository,
  createThrowawayDatabase,
  databaseConfigFromEnv,
  runMigrations,
  type ThrowawayDatabase,
  UserRepository,
} from '@argus/persistence';
import { adminCommand } from './admin-cli';
import { PasswordHasher } from './identity/password.hasher';

jest.setTimeout(60_000);

let db: ThrowawayDatabase;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  db = await createThrowawayDatabase(databaseConfigFromEnv(process.env, 'console-cli-it'));
  await runMigrations(db.dataSource);
  const url = new URL(process.env['ARGUS_DATABASE_URL'] ?? '');
  url.pathname = `/${db.name}`;
  env = { ARGUS_DATABASE_URL: url.toString() };
});
afterAll(() => db?.drop());

function run(args: string[], extraEnv: Record<string, string> = {}, typed = 'typed-password-1') {
  const lines: string[] = [];
  const prompts: string[] = [];
  const io = {
    out: (line: string) => lines.push(line),
    readPassword: (prompt: string) => {
      prompts.push(prompt);
      return Promise.resolve(typed);
    },
  };
  return adminCommand(args, { ...env, ...extraEnv }, io).then((code) => ({ code, lines, prompts }));
}

describe('console admin CLI against Postgres', () => {
  it('creates a user with the password from ARGUS_CONSOLE_PASSWORD, hashed, audited as cli', async () => {
    const result = await run(['create-user', '--username', 'Boss', '--role', 'admin', '--display-name', 'The Boss'], {
      ARGUS_CONSOLE_PASSWORD: 'env-password-1',
    });
    expect(result).toMatchObject({ code: 0, prompts: [] });
    expect(result.lines[0]).toMatch(/^created admin "boss" \(/);
    const login = await new UserRepository(db.dataSource).findLoginByUsername('boss');
    expect(login?.user).toMatchObject({ displayName: 'The Boss', role: 'admin', disabled: false });
    await expect(new PasswordHasher().verify('env-password-1', login?.passwordHash ?? '')).resolves.toBe(true);
    const entries = await new AuditLogRepository(db.dataSource).list({ actor: 'cli', action: 'user.created' });
    expect(entries.items).toHaveLength(1);
    expect(JSON.stringify(entries.items)).not.toContain('env-password-1');
  });

  it('prompts for the password when the variable is not set', async () => {
    const result = await run(['create-user', '--username', 'olga', '--role', 'operator']);
    expect(result.code).toBe(0);
    expect(result.prompts).toEqual(['password for olga: ']);
    const login = await new UserRepository(db.dataSource).findLoginByUsername('olga');
    await expect(new PasswordHasher().verify('typed-password-1', login?.passwordHash ?? '')).resolves.toBe(true);
  });

  it('refuses a taken username (exit 1), a short password and bad usage (exit 2)', async () => {
    expect((await run(['create-user', '--username', 'BOSS', '--role', 'operator'])).code).toBe(1);
    const short = await run(['create-user', '--username', 'x', '--role', 'operator'], {}, 'short');
    expect(short.code).toBe(2);
    expect(short.lines[0]).toMatch(/at least 10/);
    expect((await run(['create-user', '--username', 'y', '--role', 'root'])).code).toBe(2);
    expect((await run(['delete-everything'])).code).toBe(2);
    expect((await run(['create-user', '--bogus'])).code).toBe(2);
  });
});

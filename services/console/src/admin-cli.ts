/**
 * Console administration from a shell, for the first admin or a locked-out one:
 *
 *   npm run console:admin -w @argus/console -- create-user --username NAME --role admin [--display-name "Full Name"]
 *
 * The password comes from ARGUS_CONSOLE_PASSWORD, else it is prompted (not echoed on a terminal;
 * read from the first line of stdin otherwise). Reads ARGUS_DATABASE_URL; the database must be
 * migrated. Writes the `user.created` audit entry with actor `cli`. Exit 0 done, 1 failed, 2 bad usage.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createDataSource, databaseConfigFromEnv } from '@argus/persistence';
import { DomainError } from '@argus/platform';
import { USER_ROLES } from './identity/principal';
import { IdentityStore } from './identity/identity.store';
import { PasswordSchema, UsernameSchema, UserRoleSchema } from './identity/identity.schemas';
import { PasswordHasher } from './identity/password.hasher';
import { UserAdministrationUseCase } from './users/user-administration.use-case';
import { systemClock } from './identity/clock';

const USAGE = `usage: admin-cli create-user --username NAME --role ${USER_ROLES.join('|')} [--display-name NAME]
  password: ARGUS_CONSOLE_PASSWORD, else prompted`;

export interface AdminCliIo {
  out(line: string): void;
  /** Asks for the password when ARGUS_CONSOLE_PASSWORD is not set. */
  readPassword(prompt: string): Promise<string>;
}

export async function adminCommand(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  io: AdminCliIo,
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: { username: { type: 'string' }, role: { type: 'string' }, 'display-name': { type: 'string' } },
    });
  } catch (error) {
    io.out(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  const [command, ...extra] = parsed.positionals;
  const username = UsernameSchema.safeParse(parsed.values.username ?? '');
  const role = UserRoleSchema.safeParse(parsed.values.role ?? '');
  if (command !== 'create-user' || extra.length > 0 || !username.success || !role.success) {
    if (command === 'create-user' && !username.success) io.out(`--username ${username.error.issues[0]?.message ?? 'is required'}`);
    if (command === 'create-user' && !role.success) io.out(`--role must be one of ${USER_ROLES.join(', ')}`);
    io.out(USAGE);
    return 2;
  }
  const password = PasswordSchema.safeParse(env['ARGUS_CONSOLE_PASSWORD'] ?? (await io.readPassword(`password for ${username.data}: `)));
  if (!password.success) {
    io.out(`the password ${password.error.issues[0]?.message ?? 'is not valid'}`);
    return 2;
  }

  const dataSource = createDataSource(databaseConfigFromEnv(env, 'console-admin-cli'));
  await dataSource.initialize();
  try {
    const users = new UserAdministrationUseCase(new IdentityStore(dataSource), new PasswordHasher(), systemClock);
    const cli = { kind: 'user', id: 'cli', name: 'cli', role: 'admin' } as const;
    const user = await users.create(cli, {
      username: username.data,
      displayName: parsed.values['display-name'] ?? username.data,
      role: role.data,
      password: password.data,
    });
    io.out(`created ${user.role} "${user.username}" (${user.id})`);
    return 0;
  } catch (error) {
    if (error instanceof DomainError) {
      io.out(error.message);
      return 1;
    }
    throw error;
  } finally {
    await dataSource.destroy();
  }
}

/** Prompts on the terminal without echoing what is typed; reads one line when stdin is not a terminal. */
function readPassword(prompt: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: Boolean(process.stdin.isTTY) });
    const muted = rl as unknown as { _writeToOutput?: (text: string) => void };
    if (process.stdin.isTTY) {
      process.stdout.write(prompt);
      muted._writeToOutput = () => undefined;
    }
    rl.question(process.stdin.isTTY ? '' : prompt, (answer) => {
      rl.close();
      if (process.stdin.isTTY) process.stdout.write('\n');
      resolve(answer);
    });
  });
}

if (require.main === module) {
  adminCommand(process.argv.slice(2), process.env, { out: (line) => process.stdout.write(`${line}\n`), readPassword })
    .then((code) => process.exit(code))
    .catch((error: unknown) => {
      process.stderr.write(`console admin failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    });
}

import type { Logger } from '@argus/platform';
import type { IdentityStore } from './identity.store';
import type { PasswordHasher } from './password.hasher';

/**
 * Creates the first admin from the configuration when that username does not exist; an existing
 * user of that name is left exactly as it is (its password is never overwritten from env).
 */
export async function provisionFirstAdmin(
  store: IdentityStore,
  hasher: PasswordHasher,
  admin: { username: string; password: string },
  logger: Logger,
): Promise<{ created: boolean }> {
  if (await store.users.findByUsername(admin.username)) {
    logger.info({ username: admin.username }, `first admin "${admin.username}" exists: left unchanged`);
    return { created: false };
  }
  const passwordHash = await hasher.hash(admin.password);
  const result = await store.transaction(async ({ users, audit }) => {
    const outcome = await users.createIfMissing({ username: admin.username, displayName: admin.username, role: 'admin', passwordHash });
    if (outcome.created) {
      const { id, username, role } = outcome.user;
      await audit.append({
        actor: 'system',
        action: 'user.created',
        subjectType: 'user',
        subjectId: id,
        after: { id, username, role, source: 'ARGUS_CONSOLE_ADMIN_USERNAME' },
      });
    }
    return outcome;
  });
  logger.info(
    { username: admin.username, created: result.created },
    result.created ? `first admin "${admin.username}" created` : `first admin "${admin.username}" exists: left unchanged`,
  );
  return { created: result.created };
}

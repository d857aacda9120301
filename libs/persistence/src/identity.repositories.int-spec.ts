import { AuditLogRepository } from './audit-log.repository';
import { databaseConfigFromEnv } from './database.config';
import { runMigrations } from './migrations.runner';
import { NameTakenError } from './persistence.errors';
import { ServiceTokenRepository } from './service-token.repository';
import { SessionRepository } from './session.repository';
import { createThrowawayDatabase, type ThrowawayDatabase } from './throwaway-database.helper';
import { UserRepository } from './user.repository';

const HASH = 'scrypt$15$8$1$c2FsdA==$aGFzaA==';
const sha = (c: string) => c.repeat(64).slice(0, 64);

/** Against the Postgres that `infra/local/infra.sh up` starts; this file gets its own database. */
describe('identity repositories against Postgres', () => {
  let db: ThrowawayDatabase;
  let users: UserRepository;
  let sessions: SessionRepository;
  let tokens: ServiceTokenRepository;
  let audit: AuditLogRepository;

  beforeAll(async () => {
    db = await createThrowawayDatabase(databaseConfigFromEnv(process.env));
    await runMigrations(db.dataSource);
    users = new UserRepository(db.dataSource);
    sessions = new SessionRepository(db.dataSource);
    tokens = new ServiceTokenRepository(db.dataSource);
    audit = new AuditLogRepository(db.dataSource);
  });
  afterAll(async () => {
    await db?.drop();
  });

  describe('UserRepository', () => {
    it('creates a user with a lower-case username and never returns the hash except for a login check', async () => {
      const user = await users.create({ username: 'Olga.K', displayName: 'Olga K', role: 'operator', passwordHash: HASH });
      expect(user).toMatchObject({ username: 'olga.k', displayName: 'Olga K', role: 'operator', disabled: false });
      expect(JSON.stringify(user)).not.toContain('scrypt');
      expect(await users.findByUsername('OLGA.K')).toEqual(user);
      expect(await users.findById(user.id)).toEqual(user);
      expect(await users.findLoginByUsername('olga.k')).toEqual({ user, passwordHash: HASH });
      expect(await users.findLoginByUsername('nobody')).toBeNull();
      expect(await users.findById('not-a-uuid')).toBeNull();
    });

    it('refuses a username taken in another letter case with a conflict', async () => {
      await users.create({ username: 'mia', displayName: 'Mia', role: 'ml-engineer', passwordHash: HASH });
      const attempt = users.create({ username: 'MIA', displayName: 'Other', role: 'operator', passwordHash: HASH });
      await expect(attempt).rejects.toBeInstanceOf(NameTakenError);
      await expect(attempt).rejects.toMatchObject({ code: 'conflict' });
    });

    it('lets the database refuse a bad role or a hash that is not scrypt', async () => {
      await expect(users.create({ username: 'x1', displayName: 'X', role: 'root' as never, passwordHash: HASH })).rejects.toThrow(
        /chk_app_user_role/,
      );
      await expect(users.create({ username: 'x2', displayName: 'X', role: 'admin', passwordHash: 'plain' })).rejects.toThrow(
        /chk_app_user_password_hash/,
      );
    });

    it('creates if missing and never overwrites', async () => {
      const first = await users.createIfMissing({ username: 'root', displayName: 'Root', role: 'admin', passwordHash: HASH });
      expect(first.created).toBe(true);
      const second = await users.createIfMissing({
        username: 'Root',
        displayName: 'Changed',
        role: 'operator',
        passwordHash: 'scrypt$other',
      });
      expect(second).toEqual({ user: first.user, created: false });
      expect((await users.findLoginByUsername('root'))?.passwordHash).toBe(HASH);
    });

    it('updates role, disabled and password and returns before and after; lists by username; counts enabled admins', async () => {
      const user = await users.create({ username: 'zed', displayName: 'Zed', role: 'operator', passwordHash: HASH });
      const admins = await users.countEnabledAdmins();
      const changed = await users.update(user.id, { role: 'admin', passwordHash: 'scrypt$15$8$1$bmV3$bmV3' });
      expect(changed?.before.role).toBe('operator');
      expect(changed?.after.role).toBe('admin');
      expect(changed?.after.updatedAt.getTime()).toBeGreaterThanOrEqual(changed?.before.updatedAt.getTime() ?? Infinity);
      expect(await users.countEnabledAdmins()).toBe(admins + 1);
      await users.update(user.id, { disabled: true });
      expect(await users.countEnabledAdmins()).toBe(admins);
      expect((await users.findLoginByUsername('zed'))?.passwordHash).toBe('scrypt$15$8$1$bmV3$bmV3');
      expect(await users.update('00000000-0000-4000-8000-000000000000', { disabled: true })).toBeNull();
      const names = (await users.list()).map((u) => u.username);
      expect(names).toEqual([...names].sort());
      expect(names).toContain('zed');
    });
  });

  describe('SessionRepository', () => {
    it('finds a session by its token hash only while it is unexpired, unrevoked and its user enabled', async () => {
      const user = await users.create({ username: 'sam', displayName: 'Sam', role: 'operator', passwordHash: HASH });
      const createdAt = new Date('2026-01-01T08:00:00.000Z');
      const expiresAt = new Date('2026-01-01T16:00:00.000Z');
      const session = await sessions.create({ userId: user.id, tokenSha256: sha('a'), createdAt, expiresAt });
      expect(session).toMatchObject({ userId: user.id, createdAt, expiresAt, revokedAt: null, lastSeenAt: createdAt });

      const during = new Date('2026-01-01T12:00:00.000Z');
      expect(await sessions.findActiveByTokenHash(sha('a'), during)).toEqual({ session, user });
      expect(await sessions.findActiveByTokenHash(sha('b'), during)).toBeNull();
      expect(await sessions.findActiveByTokenHash(sha('a'), expiresAt)).toBeNull();

      await sessions.touch(session.id, during);
      expect((await sessions.findActiveByTokenHash(sha('a'), during))?.session.lastSeenAt).toEqual(during);

      await users.update(user.id, { disabled: true });
      expect(await sessions.findActiveByTokenHash(sha('a'), during)).toBeNull();
      await users.update(user.id, { disabled: false });
      expect(await sessions.revoke(session.id, during)).toBe(true);
      expect(await sessions.revoke(session.id, during)).toBe(false);
      expect(await sessions.findActiveByTokenHash(sha('a'), during)).toBeNull();
    });

    it('revokes every open session of a user', async () => {
      const user = await users.create({ username: 'tess', displayName: 'Tess', role: 'operator', passwordHash: HASH });
      const createdAt = new Date('2026-01-01T08:00:00.000Z');
      const expiresAt = new Date('2026-01-02T08:00:00.000Z');
      await sessions.create({ userId: user.id, tokenSha256: sha('c'), createdAt, expiresAt });
      await sessions.create({ userId: user.id, tokenSha256: sha('d'), createdAt, expiresAt });
      expect(await sessions.revokeAllForUser(user.id, createdAt)).toBe(2);
      expect(await sessions.findActiveByTokenHash(sha('c'), createdAt)).toBeNull();
      expect(await sessions.revokeAllForUser(user.id, createdAt)).toBe(0);
    });

    it('deletes the sessions that expired or were revoked before a cutoff, and only those', async () => {
      const user = await users.create({ username: 'ulla', displayName: 'Ulla', role: 'operator', passwordHash: HASH });
      const createdAt = new Date('2025-05-01T08:00:00.000Z');
      const open = (token: string, expiresAt: string) =>
        sessions.create({ userId: user.id, tokenSha256: sha(token), createdAt, expiresAt: new Date(expiresAt) });
      await open('1', '2025-06-01T00:00:00.000Z'); // expired long ago
      const revoked = await open('2', '2027-01-01T00:00:00.000Z'); // revoked long ago
      await sessions.revoke(revoked.id, new Date('2025-06-01T00:00:00.000Z'));
      await open('3', '2027-01-01T00:00:00.000Z');
      await open('4', '2025-12-15T00:00:00.000Z');
      expect(await sessions.deleteEndedBefore(new Date('2025-12-01T00:00:00.000Z'))).toBe(2);
      const left = (await db.dataSource.query(`SELECT token_sha256 FROM user_session WHERE user_id = $1`, [user.id])) as {
        token_sha256: string;
      }[];
      expect(left.map((r) => r.token_sha256).sort()).toEqual([sha('3'), sha('4')]); // live, and expired after the cutoff
    });
  });

  describe('ServiceTokenRepository', () => {
    it('creates, finds by hash (optionally by kind), lists, marks used and revokes', async () => {
      const camera = await tokens.create({ name: 'cam-1', kind: 'camera', role: null, tokenSha256: sha('e'), createdBy: 'root' });
      const script = await tokens.create({
        name: 'ops-script',
        kind: 'service',
        role: 'operator',
        tokenSha256: sha('f'),
        createdBy: 'root',
      });
      expect(camera).toMatchObject({ name: 'cam-1', kind: 'camera', role: null, createdBy: 'root', revokedAt: null, lastUsedAt: null });
      expect(JSON.stringify(camera)).not.toContain(sha('e'));

      expect(await tokens.findActiveByTokenHash(sha('e'))).toEqual(camera);
      expect(await tokens.findActiveByTokenHash(sha('e'), 'camera')).toEqual(camera);
      expect(await tokens.findActiveByTokenHash(sha('f'), 'camera')).toBeNull();
      expect(await tokens.findActiveByTokenHash(sha('f'), 'service')).toEqual(script);

      const usedAt = new Date('2026-02-02T02:02:02.002Z');
      await tokens.markUsed(camera.id, usedAt);
      expect((await tokens.findById(camera.id))?.lastUsedAt).toEqual(usedAt);
      expect((await tokens.list()).map((t) => t.name)).toEqual(expect.arrayContaining(['cam-1', 'ops-script']));

      const revokedAt = new Date('2026-02-03T00:00:00.000Z');
      const revoked = await tokens.revoke(camera.id, revokedAt);
      expect(revoked?.before.revokedAt).toBeNull();
      expect(revoked?.after.revokedAt).toEqual(revokedAt);
      expect(await tokens.findActiveByTokenHash(sha('e'))).toBeNull();
      const again = await tokens.revoke(camera.id, new Date('2026-03-01T00:00:00.000Z'));
      expect(again?.after.revokedAt).toEqual(revokedAt);
      expect(await tokens.revoke('00000000-0000-4000-8000-000000000000', revokedAt)).toBeNull();
    });

    it('refuses a taken name with a conflict, and a camera token with a role or a service token without one', async () => {
      await tokens.create({ name: 'dup', kind: 'camera', role: null, tokenSha256: sha('1'), createdBy: 'root' });
      await expect(
        tokens.create({ name: 'dup', kind: 'camera', role: null, tokenSha256: sha('2'), createdBy: 'root' }),
      ).rejects.toMatchObject({ code: 'conflict' });
      await expect(tokens.create({ name: 'c2', kind: 'camera', role: 'admin', tokenSha256: sha('3'), createdBy: 'root' })).rejects.toThrow(
        /chk_service_token_role/,
      );
      await expect(tokens.create({ name: 's2', kind: 'service', role: null, tokenSha256: sha('4'), createdBy: 'root' })).rejects.toThrow(
        /chk_service_token_role/,
      );
    });
  });

  describe('AuditLogRepository.list', () => {
    it('filters by actor, action and subject, newest first, paged by id', async () => {
      for (let i = 0; i < 5; i += 1) {
        await audit.append({
          actor: i % 2 === 0 ? 'root' : 'mia',
          action: i < 3 ? 'user.created' : 'model.promoted',
          subjectType: 'user',
          subjectId: `u-${i}`,
        });
      }
      const all = await audit.list({}, { limit: 500 });
      expect(all.items.length).toBeGreaterThanOrEqual(5);
      const ids = all.items.map((e) => BigInt(e.id));
      expect(ids).toEqual([...ids].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));

      const byRoot = await audit.list({ actor: 'root', action: 'user.created' });
      expect(byRoot.items.map((e) => e.subjectId)).toEqual(['u-2', 'u-0']);
      expect(byRoot.nextBeforeId).toBeNull();
      expect((await audit.list({ subjectType: 'user', subjectId: 'u-3' })).items.map((e) => e.action)).toEqual(['model.promoted']);

      const first = await audit.list({ subjectType: 'user' }, { limit: 2 });
      expect(first.items.map((e) => e.subjectId)).toEqual(['u-4', 'u-3']);
      expect(first.nextBeforeId).toBe(first.items[1]?.id);
      const second = await audit.list({ subjectType: 'user' }, { limit: 2, beforeId: first.nextBeforeId ?? 'missing' });
      expect(second.items.map((e) => e.subjectId)).toEqual(['u-2', 'u-1']);
      const third = await audit.list({ subjectType: 'user' }, { limit: 2, beforeId: second.nextBeforeId ?? 'missing' });
      expect(third.items.map((e) => e.subjectId)).toEqual(['u-0']);
      expect(third.nextBeforeId).toBeNull();
      await expect(audit.list({}, { beforeId: '1; DROP' })).rejects.toThrow(RangeError);
    });
  });
});

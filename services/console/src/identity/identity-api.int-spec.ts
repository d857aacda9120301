import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { AuditLogRepository } from '@argus/persistence';
import { ConsoleAppHarness } from '../testing/console-app.harness';

jest.setTimeout(90_000);

const ADMIN = { username: 'root', password: 'first-admin-password' };
const harness = new ConsoleAppHarness();
let audit: AuditLogRepository;

interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON of many shapes, checked by each test
  cookies: string[];
  headers: Headers;
}

async function call(
  method: string,
  urlPath: string,
  options: { cookie?: string; bearer?: string; json?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.cookie) headers['cookie'] = options.cookie;
  if (options.bearer) headers['authorization'] = `Bearer ${options.bearer}`;
  let body: string | undefined;
  if (options.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.raw !== undefined) body = options.raw;
  const response = await fetch(`${harness.url}${urlPath}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await response.text();
  let parsed: unknown = text;
  if ((response.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
  return { status: response.status, body: parsed, cookies: response.headers.getSetCookie(), headers: response.headers };
}

/** Signs in; returns the `Cookie` header value to send. */
async function signIn(username: string, password: string): Promise<{ cookie: string; answer: Answer }> {
  const answer = await call('POST', '/api/v1/auth/login', { json: { username, password } });
  expect(answer.status).toBe(200);
  const setCookie = answer.cookies.find((c) => c.startsWith('argus_session='));
  if (!setCookie) throw new Error('no session cookie');
  return { cookie: setCookie.split(';')[0] ?? '', answer };
}

async function createUser(
  adminCookie: string,
  username: string,
  role: string,
  password = 'a-good-password-1',
): Promise<{ id: string; username: string }> {
  const created = await call('POST', '/api/v1/users', {
    cookie: adminCookie,
    json: { username, displayName: username.toUpperCase(), role, password },
  });
  expect(created.status).toBe(201);
  return created.body as { id: string; username: string };
}

async function waitForFirstAdmin(): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const answer = await call('POST', '/api/v1/auth/login', { json: ADMIN });
    if (answer.status === 200) return;
    if (Date.now() > deadline) throw new Error(`the first admin was not created: ${JSON.stringify(answer.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  await harness.start({
    env: {
      ARGUS_CONSOLE_ADMIN_USERNAME: ADMIN.username,
      ARGUS_CONSOLE_ADMIN_PASSWORD: ADMIN.password,
      ARGUS_CONSOLE_SESSION_TTL_MINUTES: '30',
    },
  });
  audit = new AuditLogRepository(harness.database.dataSource);
  await waitForFirstAdmin();
});
afterAll(() => harness.stop());

describe('console identity and access, on Postgres and Kafka', () => {
  it('answers 401 unauthenticated to an anonymous request, in the one error shape; health stays public', async () => {
    const me = await call('GET', '/api/v1/auth/me');
    expect(me.status).toBe(401);
    expect(me.body).toEqual({ error: { code: 'unauthenticated', message: expect.any(String), errorId: expect.any(String) } });
    expect((await call('GET', '/api/v1/users')).status).toBe(401);
    expect((await call('GET', '/health/live')).status).toBe(200);
  });

  it('signs in with a HttpOnly SameSite=Strict cookie that expires with the session; /me and logout', async () => {
    const { cookie, answer } = await signIn('ROOT', ADMIN.password);
    expect(answer.body).toEqual({
      user: {
        id: expect.any(String),
        username: 'root',
        displayName: 'root',
        role: 'admin',
        disabled: false,
        createdAt: expect.any(String),
      },
      expiresAt: expect.any(String),
    });
    const ttlMs = new Date(answer.body.expiresAt).getTime() - Date.now();
    expect(ttlMs).toBeGreaterThan(29 * 60_000);
    expect(ttlMs).toBeLessThanOrEqual(30 * 60_000 + 5_000);
    const setCookie = answer.cookies.find((c) => c.startsWith('argus_session=')) ?? '';
    expect(setCookie).toMatch(/; Path=\//);
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; SameSite=Strict/);
    expect(setCookie).toMatch(/; Max-Age=1800/);
    expect(setCookie).not.toMatch(/Secure/);

    const me = await call('GET', '/api/v1/auth/me', { cookie });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ user: answer.body.user, expiresAt: answer.body.expiresAt });

    // Only the SHA-256 of the cookie's token is in the database.
    const token = cookie.split('=')[1] ?? '';
    const rows = (await harness.database.dataSource.query(`SELECT token_sha256 FROM user_session`)) as { token_sha256: string }[];
    expect(rows.some((r) => r.token_sha256.includes(token))).toBe(false);
    expect(rows.length).toBeGreaterThan(0);

    const logout = await call('POST', '/api/v1/auth/logout', { cookie, headers: { 'content-type': 'application/json' } });
    expect(logout.status).toBe(204);
    expect(logout.cookies.find((c) => c.startsWith('argus_session='))).toMatch(/^argus_session=;.*Max-Age=0/);
    expect((await call('GET', '/api/v1/auth/me', { cookie })).status).toBe(401);

    // Both ends of the session are in the audit trail, tied by its id (never by its token).
    const trail = await audit.list({ subjectType: 'user', subjectId: answer.body.user.id });
    const [loggedOut, loggedIn] = trail.items;
    expect(loggedOut).toMatchObject({ action: 'auth.logout', actor: 'root', after: { sessionId: expect.any(String) } });
    expect(loggedIn).toMatchObject({
      action: 'auth.login',
      actor: 'root',
      after: { sessionId: loggedOut?.after?.['sessionId'], expiresAt: answer.body.expiresAt },
    });
    expect(JSON.stringify(trail.items)).not.toContain(token);
  });

  it('answers 401 invalid-credentials to a wrong password and an unknown user, and audits both', async () => {
    const wrong = await call('POST', '/api/v1/auth/login', { json: { username: 'root', password: 'not-the-password' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toMatchObject({ code: 'invalid-credentials' });
    expect(wrong.cookies).toEqual([]);
    const unknown = await call('POST', '/api/v1/auth/login', { json: { username: 'ghost', password: 'not-the-password' } });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.message).toBe(wrong.body.error.message);
    const failures = await audit.list({ action: 'auth.login-failed' });
    expect(failures.items.map((e) => e.after)).toEqual(
      expect.arrayContaining([
        { username: 'root', reason: 'wrong-password' },
        { username: 'ghost', reason: 'unknown-user' },
      ]),
    );
    expect(JSON.stringify(failures.items)).not.toContain('not-the-password');
  });

  it('ends a session when it expires', async () => {
    const { cookie } = await signIn(ADMIN.username, ADMIN.password);
    expect((await call('GET', '/api/v1/auth/me', { cookie })).status).toBe(200);
    harness.clock.advance(31 * 60_000);
    try {
      const expired = await call('GET', '/api/v1/auth/me', { cookie });
      expect(expired.status).toBe(401);
      expect(expired.body.error.message).toMatch(/expired/);
    } finally {
      harness.clock.advance(-31 * 60_000);
    }
  });

  it('lets an admin create, list and change users; audits each change with before/after and no password hash', async () => {
    const { cookie } = await signIn(ADMIN.username, ADMIN.password);
    const olga = await createUser(cookie, 'Olga', 'operator');
    expect(olga).toEqual({
      id: expect.any(String),
      username: 'olga',
      displayName: 'OLGA',
      role: 'operator',
      disabled: false,
      createdAt: expect.any(String),
    });

    const duplicate = await call('POST', '/api/v1/users', {
      cookie,
      json: { username: 'OLGA', displayName: 'x', role: 'operator', password: 'a-good-password-1' },
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error.code).toBe('conflict');

    const list = await call('GET', '/api/v1/users', { cookie });
    expect(list.body.items.map((u: { username: string }) => u.username)).toEqual(expect.arrayContaining(['olga', 'root']));
    expect(JSON.stringify(list.body)).not.toMatch(/scrypt|password/i);

    const promoted = await call('PATCH', `/api/v1/users/${olga.id}`, {
      cookie,
      json: { role: 'ml-engineer', password: 'another-password-2' },
    });
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({ id: olga.id, role: 'ml-engineer' });
    await signIn('olga', 'another-password-2');

    const missing = await call('PATCH', '/api/v1/users/00000000-0000-4000-8000-000000000000', { cookie, json: { disabled: true } });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not-found');

    const entries = await audit.list({ subjectType: 'user', subjectId: olga.id });
    expect(entries.items.map((e) => [e.action, e.actor])).toEqual([
      ['auth.login', 'olga'],
      ['user.changed', 'root'],
      ['user.created', 'root'],
    ]);
    const changed = entries.items.find((e) => e.action === 'user.changed');
    expect(changed?.before).toMatchObject({ role: 'operator' });
    expect(changed?.after).toMatchObject({ role: 'ml-engineer', passwordChanged: true });
    expect(JSON.stringify(entries.items)).not.toMatch(/scrypt|another-password/);
  });

  it('disabling a user ends their sessions and refuses their sign-in; the last admin cannot be disabled', async () => {
    const { cookie } = await signIn(ADMIN.username, ADMIN.password);
    const tess = await createUser(cookie, 'tess', 'operator');
    const tessSession = await signIn('tess', 'a-good-password-1');
    expect((await call('PATCH', `/api/v1/users/${tess.id}`, { cookie, json: { disabled: true } })).status).toBe(200);
    expect((await call('GET', '/api/v1/auth/me', { cookie: tessSession.cookie })).status).toBe(401);
    expect((await call('POST', '/api/v1/auth/login', { json: { username: 'tess', password: 'a-good-password-1' } })).status).toBe(401);

    const me = await call('GET', '/api/v1/auth/me', { cookie });
    const lastAdmin = await call('PATCH', `/api/v1/users/${me.body.user.id}`, { cookie, json: { disabled: true } });
    expect(lastAdmin.status).toBe(409);
    expect(lastAdmin.body.error.message).toMatch(/last enabled admin/);
  });

  it('refuses an operator on an admin endpoint with 403 and writes access.denied', async () => {
    const { cookie: adminCookie } = await signIn(ADMIN.username, ADMIN.password);
    await createUser(adminCookie, 'oscar', 'operator');
    const { cookie } = await signIn('oscar', 'a-good-password-1');
    const denied = await call('GET', '/api/v1/users?x=1', { cookie });
    expect(denied.status).toBe(403);
    expect(denied.body.error).toMatchObject({ code: 'forbidden', details: { requiredRoles: ['admin'], role: 'operator' } });
    expect((await call('GET', '/api/v1/audit', { cookie })).status).toBe(403);
    const entries = await audit.list({ actor: 'oscar', action: 'access.denied' });
    expect(entries.items.map((e) => e.subjectId)).toEqual(['GET /api/v1/audit', 'GET /api/v1/users']);
    expect(entries.items[1]?.after).toEqual({ method: 'GET', path: '/api/v1/users', role: 'operator', requiredRoles: ['admin'] });
  });

  it('answers 415 to a cookie-authenticated change that is not JSON (request forgery guard)', async () => {
    const { cookie } = await signIn(ADMIN.username, ADMIN.password);
    const form = await call('POST', '/api/v1/users', {
      cookie,
      raw: 'username=eve&displayName=Eve&role=admin&password=a-good-password-1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(415);
    expect(form.body.error.code).toBe('unsupported-media-type');
    expect((await call('POST', '/api/v1/auth/logout', { cookie })).status).toBe(415);
    expect((await call('GET', '/api/v1/auth/me', { cookie })).status).toBe(200);
  });

  it('issues, lists, accepts and revokes service tokens; the secret is shown once and stored hashed', async () => {
    const { cookie } = await signIn(ADMIN.username, ADMIN.password);
    const created = await call('POST', '/api/v1/service-tokens', {
      cookie,
      json: { name: 'nightly-report', kind: 'service', role: 'admin' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      token: expect.stringMatching(/^argus_st_[A-Za-z0-9_-]{43}$/),
      serviceToken: {
        id: expect.any(String),
        name: 'nightly-report',
        kind: 'service',
        role: 'admin',
        createdBy: 'root',
        createdAt: expect.any(String),
        revokedAt: null,
        lastUsedAt: null,
      },
    });
    const { token, serviceToken } = created.body as { token: string; serviceToken: { id: string } };

    const asToken = await call('GET', '/api/v1/users', { bearer: token });
    expect(asToken.status).toBe(200);
    const me = await call('GET', '/api/v1/auth/me', { bearer: token });
    expect(me.body).toMatchObject({ user: { username: 'token:nightly-report', role: 'admin' }, expiresAt: null });
    // A bearer token is no browser credential: no JSON needed for its changes.
    const byScript = await call('POST', '/api/v1/service-tokens', {
      bearer: token,
      raw: JSON.stringify({ name: 'cam-7', kind: 'camera' }),
      headers: { 'content-type': 'text/plain' },
    });
    expect(byScript.status).toBe(400);

    const listed = await call('GET', '/api/v1/service-tokens', { cookie });
    expect(JSON.stringify(listed.body)).not.toContain(token.slice(9));
    expect(listed.body.items.find((t: { id: string }) => t.id === serviceToken.id)).toMatchObject({
      name: 'nightly-report',
      lastUsedAt: expect.any(String),
    });

    const camera = await call('POST', '/api/v1/service-tokens', { bearer: token, json: { name: 'cam-7', kind: 'camera' } });
    expect(camera.status).toBe(201);
    expect(camera.body.serviceToken).toMatchObject({ kind: 'camera', role: null, createdBy: 'token:nightly-report' });
    expect((await call('GET', '/api/v1/auth/me', { bearer: camera.body.token })).status).toBe(403);

    expect((await call('POST', '/api/v1/service-tokens', { cookie, json: { name: 'x', kind: 'camera', role: 'admin' } })).status).toBe(400);
    expect((await call('POST', '/api/v1/service-tokens', { cookie, json: { name: 'nightly-report', kind: 'camera' } })).status).toBe(409);

    expect(
      (await call('DELETE', `/api/v1/service-tokens/${serviceToken.id}`, { cookie, headers: { 'content-type': 'application/json' } }))
        .status,
    ).toBe(204);
    expect((await call('GET', '/api/v1/users', { bearer: token })).status).toBe(401);
    expect(
      (
        await call('DELETE', '/api/v1/service-tokens/00000000-0000-4000-8000-000000000000', {
          cookie,
          headers: { 'content-type': 'application/json' },
        })
      ).status,
    ).toBe(404);

    const trail = await audit.list({ subjectType: 'service-token', subjectId: serviceToken.id });
    expect(trail.items.map((e) => e.action)).toEqual(['service-token.revoked', 'service-token.created']);
    const hashes = (await harness.database.dataSource.query(`SELECT token_sha256 FROM service_token`)) as { token_sha256: string }[];
    expect(JSON.stringify(hashes)).not.toContain(token.slice(9));
    expect(JSON.stringify((await audit.list({}, { limit: 500 })).items)).not.toContain(token.slice(9));
  });

  it('lists the audit log to admins and ML engineers, filtered and paged by cursor', async () => {
    const { cookie: adminCookie } = await signIn(ADMIN.username, ADMIN.password);
    await createUser(adminCookie, 'mia', 'ml-engineer');
    const { cookie } = await signIn('mia', 'a-good-password-1');
    const first = await call('GET', '/api/v1/audit?actor=root&action=user.created&limit=2', { cookie });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.items[0]).toEqual({
      id: expect.any(String),
      actor: 'root',
      action: 'user.created',
      subjectType: 'user',
      subjectId: expect.any(String),
      before: null,
      after: expect.objectContaining({ username: 'mia' }),
      at: expect.any(String),
    });
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await call('GET', `/api/v1/audit?actor=root&action=user.created&limit=2&cursor=${first.body.nextCursor}`, { cookie });
    expect(second.status).toBe(200);
    const ids = [...first.body.items, ...second.body.items].map((e: { id: string }) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(new Set(ids).size).toBe(ids.length);

    const bad = await call('GET', '/api/v1/audit?limit=500&cursor=nonsense', { cookie });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid-request');
    expect(bad.body.error.details.issues).toEqual([{ path: 'limit', message: expect.any(String) }]);
  });

  it('answers a bad body with 400 invalid-request naming each issue, and a body over 256 kB with 413', async () => {
    const { cookie } = await signIn(ADMIN.username, ADMIN.password);
    const bad = await call('POST', '/api/v1/users', { cookie, json: { username: 'bad name', role: 'root', password: 'short' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'invalid-request', errorId: expect.any(String) });
    expect(bad.body.error.details.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'displayName',
      'password',
      'role',
      'username',
    ]);

    const huge = await call('POST', '/api/v1/auth/login', { json: { username: 'root', password: 'x'.repeat(300 * 1024) } });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('payload-too-large');
  });

  it('serves the OpenAPI document with the request schemas, and Swagger UI without a CDN', async () => {
    const doc = await call('GET', '/api/openapi.json');
    expect(doc.status).toBe(200);
    const paths = Object.keys(doc.body.paths as Record<string, unknown>);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/v1/auth/login',
        '/api/v1/auth/logout',
        '/api/v1/auth/me',
        '/api/v1/users',
        '/api/v1/users/{id}',
        '/api/v1/service-tokens',
        '/api/v1/service-tokens/{id}',
        '/api/v1/audit',
      ]),
    );
    const login = doc.body.paths['/api/v1/auth/login'].post.requestBody.content['application/json'].schema;
    expect(login).toMatchObject({ type: 'object', required: ['username', 'password'] });
    // What it serves is the committed contract the web UI's types are generated from (built offline by api:generate).
    expect(doc.body).toEqual(JSON.parse(await readFile(path.join(__dirname, '../../openapi.json'), 'utf8')));
    const ui = await call('GET', '/api/docs');
    expect(ui.status).toBe(200);
    expect(ui.body).toContain('swagger-ui');
    expect(ui.body).not.toMatch(/https?:\/\/(cdn|unpkg)/);
  });

  it('serves the web UI with a fallback to index.html, and a 503 page while it is not built', async () => {
    const missing = await call('GET', '/');
    expect(missing.status).toBe(503);
    expect(missing.body).toContain('the console UI is not built: run <code>npm run build -w @argus/console</code>');
    // An unknown API path is the API's 404 in the error shape, never the UI.
    const unknownApi = await call('GET', '/api/v1/nothing-here');
    expect(unknownApi.status).toBe(404);
    expect(unknownApi.body.error.code).toBe('not-found');

    const dist = path.join(harness.webDir, 'dist');
    await mkdir(path.join(dist, 'assets'), { recursive: true });
    await writeFile(path.join(dist, 'index.html'), '<!doctype html><div id="root">argus-ui</div>');
    await writeFile(path.join(dist, 'assets', 'app-abc123.js'), 'console.log("ui")');
    const index = await call('GET', '/');
    expect(index.status).toBe(200);
    expect(index.body).toContain('argus-ui');
    const deepLink = await call('GET', '/alerts/3f1c1c1e-1a4f-4b1a-9c59-0f6f9a2d7f10');
    expect(deepLink.status).toBe(200);
    expect(deepLink.body).toContain('argus-ui');
    const asset = await call('GET', '/assets/app-abc123.js');
    expect(asset.body).toBe('console.log("ui")');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    const api = await call('GET', '/api/v1/auth/me');
    expect(api.status).toBe(401);
    expect((await call('GET', '/health/ready')).headers.get('content-type')).toContain('json');
  });
});

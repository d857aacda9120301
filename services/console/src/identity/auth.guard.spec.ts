import { Controller, type ExecutionContext, Get, Post } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { createLogger, DomainError, HealthController } from '@argus/platform';
import { AuthGuard } from './auth.guard';
import type { AuthenticatedRequest } from './authenticated.request';
import type {
  AccessDenial,
  AccessDenialRecorder,
  CredentialResolver,
  PresentedCredential,
  ResolvedCredential,
} from './credential-resolver.port';
import type { Principal } from './principal';
import { AcceptsImageBody, Public, Roles } from './roles.decorator';

@Controller('things')
class ThingsController {
  @Get()
  list(): string {
    return 'list';
  }

  @Post()
  @Roles('operator')
  create(): string {
    return 'create';
  }

  @Post('image')
  @Roles('operator')
  @AcceptsImageBody()
  image(): string {
    return 'image';
  }

  @Post('danger')
  @Roles('admin')
  danger(): string {
    return 'danger';
  }

  @Post('login')
  @Public()
  login(): string {
    return 'login';
  }
}

@Controller('admin-only')
@Roles('ml-engineer')
class ClassRolesController {
  @Get()
  read(): string {
    return 'read';
  }

  @Get('open')
  @Roles('operator', 'ml-engineer')
  open(): string {
    return 'open';
  }
}

/** Credentials known to the test, in memory: the same port the real resolver implements. */
class InMemoryCredentials implements CredentialResolver {
  readonly byToken = new Map<string, ResolvedCredential>();
  add(kind: PresentedCredential['kind'], token: string, principal: Principal): void {
    this.byToken.set(`${kind}:${token}`, {
      principal,
      authentication:
        kind === 'session'
          ? { via: 'session', sessionId: `s-${token}`, expiresAt: new Date('2030-01-01T00:00:00Z') }
          : { via: 'service-token', tokenId: `t-${token}` },
    });
  }
  resolve(credential: PresentedCredential): Promise<ResolvedCredential | null> {
    return Promise.resolve(this.byToken.get(`${credential.kind}:${credential.token}`) ?? null);
  }
}

class InMemoryDenials implements AccessDenialRecorder {
  readonly denials: AccessDenial[] = [];
  recordDenial(denial: AccessDenial): Promise<void> {
    this.denials.push(denial);
    return Promise.resolve();
  }
}

const operator: Principal = { kind: 'user', id: 'u-op', name: 'olga', role: 'operator' };
const engineer: Principal = { kind: 'user', id: 'u-ml', name: 'mia', role: 'ml-engineer' };
const admin: Principal = { kind: 'user', id: 'u-ad', name: 'root', role: 'admin' };
const camera: Principal = { kind: 'service-token', id: 't-cam', name: 'token:cam-1', role: 'camera' };
const script: Principal = { kind: 'service-token', id: 't-ops', name: 'token:ops', role: 'operator' };

function setUp() {
  const credentials = new InMemoryCredentials();
  credentials.add('session', 'op-session', operator);
  credentials.add('session', 'ml-session', engineer);
  credentials.add('session', 'admin-session', admin);
  credentials.add('service-token', 'argus_st_cam', camera);
  credentials.add('service-token', 'argus_st_ops', script);
  const denials = new InMemoryDenials();
  const logger = createLogger({ service: 'test', version: '0', destination: { write: () => undefined } });
  const guard = new AuthGuard(new Reflector(), credentials, denials, logger);

  const run = async (
    controller: object,
    method: string,
    request: { method: string; url: string; headers?: Record<string, string> },
  ): Promise<{ outcome: 'allowed' | string; request: AuthenticatedRequest }> => {
    const req: AuthenticatedRequest = {
      method: request.method,
      url: request.url,
      originalUrl: request.url,
      headers: request.headers ?? {},
    };
    const handler = (controller as Record<string, unknown>)[method] as () => void;
    const context = new ExecutionContextHost([req, {}, undefined], controller.constructor as never, handler);
    context.setType('http');
    try {
      await guard.canActivate(context as ExecutionContext);
      return { outcome: 'allowed', request: req };
    } catch (error) {
      if (error instanceof DomainError) return { outcome: error.code, request: req };
      throw error;
    }
  };
  return { run, denials };
}

const things = new ThingsController();
const classRoles = new ClassRolesController();
const cookie = (token: string) => ({ cookie: `theme=dark; argus_session=${token}`, 'content-type': 'application/json' });
const bearer = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });

describe('AuthGuard', () => {
  it('lets anyone reach @Public routes (as JSON when they change something) and the health endpoints', async () => {
    const { run } = setUp();
    const json = { 'content-type': 'application/json' };
    expect((await run(things, 'login', { method: 'POST', url: '/api/v1/things/login', headers: json })).outcome).toBe('allowed');
    expect((await run(things, 'login', { method: 'POST', url: '/api/v1/things/login' })).outcome).toBe('unsupported-media-type');
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    expect((await run(things, 'login', { method: 'POST', url: '/api/v1/things/login', headers: form })).outcome).toBe(
      'unsupported-media-type',
    );
    const health = Object.create(HealthController.prototype) as HealthController;
    expect((await run(health, 'live', { method: 'GET', url: '/health/live' })).outcome).toBe('allowed');
  });

  it('guards only the console API (/api/): other routes of the process check their own credentials', async () => {
    const { run } = setUp();
    expect((await run(things, 'create', { method: 'POST', url: '/v1/lines/l/cameras/c/frames' })).outcome).toBe('allowed');
    expect((await run(things, 'create', { method: 'POST', url: '/api/v1/things' })).outcome).toBe('unauthenticated');
  });

  it('answers 401 without a credential, with an unknown one, and with a bearer that is not a service token', async () => {
    const { run, denials } = setUp();
    expect((await run(things, 'list', { method: 'GET', url: '/api/v1/things' })).outcome).toBe('unauthenticated');
    expect((await run(things, 'list', { method: 'GET', url: '/api/x', headers: cookie('expired-or-unknown') })).outcome).toBe(
      'unauthenticated',
    );
    expect((await run(things, 'list', { method: 'GET', url: '/api/x', headers: bearer('argus_st_revoked') })).outcome).toBe(
      'unauthenticated',
    );
    expect((await run(things, 'list', { method: 'GET', url: '/api/x', headers: bearer('op-session') })).outcome).toBe('unauthenticated');
    expect(denials.denials).toEqual([]);
  });

  it('lets any signed-in user through a route without @Roles and attaches who it is', async () => {
    const { run } = setUp();
    const asOperator = await run(things, 'list', { method: 'GET', url: '/api/v1/things', headers: cookie('op-session') });
    expect(asOperator.outcome).toBe('allowed');
    expect(asOperator.request.principal).toEqual(operator);
    expect(asOperator.request.authentication).toEqual({
      via: 'session',
      sessionId: 's-op-session',
      expiresAt: new Date('2030-01-01T00:00:00Z'),
    });
    const asScript = await run(things, 'list', { method: 'GET', url: '/api/v1/things', headers: bearer('argus_st_ops') });
    expect(asScript.request.principal).toEqual(script);
    expect(asScript.request.authentication).toEqual({ via: 'service-token', tokenId: 't-argus_st_ops' });
  });

  it('refuses a role not in @Roles with 403 and records the denial: who, method, path, required roles', async () => {
    const { run, denials } = setUp();
    const result = await run(things, 'danger', { method: 'POST', url: '/api/v1/things/danger?x=1', headers: cookie('op-session') });
    expect(result.outcome).toBe('forbidden');
    expect(denials.denials).toEqual([{ principal: operator, method: 'POST', path: '/api/v1/things/danger', requiredRoles: ['admin'] }]);
  });

  it('allows the named roles and admin everywhere; a handler @Roles overrides the class one', async () => {
    const { run, denials } = setUp();
    expect((await run(things, 'create', { method: 'POST', url: '/api/t', headers: cookie('op-session') })).outcome).toBe('allowed');
    expect((await run(things, 'create', { method: 'POST', url: '/api/t', headers: cookie('admin-session') })).outcome).toBe('allowed');
    expect((await run(things, 'create', { method: 'POST', url: '/api/t', headers: cookie('ml-session') })).outcome).toBe('forbidden');
    expect((await run(classRoles, 'read', { method: 'GET', url: '/api/a', headers: cookie('ml-session') })).outcome).toBe('allowed');
    expect((await run(classRoles, 'read', { method: 'GET', url: '/api/a', headers: cookie('op-session') })).outcome).toBe('forbidden');
    expect((await run(classRoles, 'open', { method: 'GET', url: '/api/a/open', headers: cookie('op-session') })).outcome).toBe('allowed');
    expect(denials.denials.map((d) => [d.principal.name, d.requiredRoles])).toEqual([
      ['mia', ['operator']],
      ['olga', ['ml-engineer']],
    ]);
  });

  it('does not treat a camera token as a console user', async () => {
    const { run, denials } = setUp();
    expect((await run(things, 'list', { method: 'GET', url: '/api/t', headers: bearer('argus_st_cam') })).outcome).toBe('forbidden');
    expect(denials.denials[0]).toMatchObject({ principal: camera, requiredRoles: ['operator', 'ml-engineer', 'admin'] });
  });

  it('answers 415 to a cookie-authenticated change that is not JSON (cross-site forms cannot send JSON)', async () => {
    const { run } = setUp();
    const form = { cookie: 'argus_session=op-session', 'content-type': 'application/x-www-form-urlencoded' };
    expect((await run(things, 'create', { method: 'POST', url: '/api/t', headers: form })).outcome).toBe('unsupported-media-type');
    const none = { cookie: 'argus_session=op-session' };
    expect((await run(things, 'create', { method: 'POST', url: '/api/t', headers: none })).outcome).toBe('unsupported-media-type');
    const json = { cookie: 'argus_session=op-session', 'content-type': 'application/json; charset=utf-8' };
    expect((await run(things, 'create', { method: 'POST', url: '/api/t', headers: json })).outcome).toBe('allowed');
    // Reads need no content type, and a bearer token is not sent by browsers on their own.
    expect((await run(things, 'list', { method: 'GET', url: '/api/t', headers: none })).outcome).toBe('allowed');
    // An image upload route takes an image body, still never a form's.
    const png = { cookie: 'argus_session=op-session', 'content-type': 'image/png' };
    expect((await run(things, 'image', { method: 'POST', url: '/api/t/image', headers: png })).outcome).toBe('allowed');
    expect((await run(things, 'create', { method: 'POST', url: '/api/t', headers: png })).outcome).toBe('unsupported-media-type');
    expect((await run(things, 'image', { method: 'POST', url: '/api/t/image', headers: form })).outcome).toBe('unsupported-media-type');
    const scriptForm = { authorization: 'Bearer argus_st_ops', 'content-type': 'text/plain' };
    expect((await run(things, 'create', { method: 'POST', url: '/api/t', headers: scriptForm })).outcome).toBe('allowed');
  });
});

import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { CommonErrorCodes, DomainError, HealthController, LOGGER, type Logger } from '@argus/platform';
import type { AuthenticatedRequest } from './authenticated.request';
import {
  ACCESS_DENIAL_RECORDER,
  type AccessDenialRecorder,
  CREDENTIAL_RESOLVER,
  type CredentialResolver,
} from './credential-resolver.port';
import { readCredential } from './credential.reader';
import { type PrincipalRole, USER_ROLES, type UserRole } from './principal';
import { IMAGE_BODY_METADATA, PUBLIC_METADATA, ROLES_METADATA } from './roles.decorator';

const MUTATING_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The console's one gate (registered as APP_GUARD, so a new controller is protected by default):
 * - it guards the console API, every route under `/api/`; other routes of the same process pass
 *   (the platform's `/health/*`, and in embedded mode camera-ingest's uploads, which check their
 *   own camera token);
 * - `@Public()` routes pass without a principal;
 * - otherwise the session cookie or bearer service token must resolve to a principal: else 401;
 * - the principal's role must be in the route's `@Roles` (any user role when there is none;
 *   `admin` always): else 403, recorded in the audit log as `access.denied`;
 * - a mutating request not authenticated by a bearer token (the cookie, or none on a public
 *   route such as login) must be `Content-Type: application/json`: else 415. Browsers send
 *   cross-site forms only as form/text types and cannot send JSON cross-origin without a CORS
 *   preflight this API never grants, so this (with SameSite=Strict) shuts out request forgery.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(CREDENTIAL_RESOLVER) private readonly credentials: CredentialResolver,
    @Inject(ACCESS_DENIAL_RECORDER) private readonly denials: AccessDenialRecorder,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    if (context.getClass() === HealthController) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const path = (request.originalUrl ?? request.url).split('?')[0] ?? '';
    if (!path.startsWith('/api/')) return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_METADATA, targets)) {
      if (!request.headers['authorization']) this.assertJsonChange(request, false);
      return true;
    }

    const presented = readCredential(request.headers);
    if (presented === 'malformed') {
      throw new DomainError(
        CommonErrorCodes.unauthenticated,
        'the Authorization header must be "Bearer argus_st_…" (a console service token)',
      );
    }
    if (presented === null) throw new DomainError(CommonErrorCodes.unauthenticated, 'sign in first');
    const resolved = await this.credentials.resolve(presented);
    if (!resolved) {
      throw new DomainError(
        CommonErrorCodes.unauthenticated,
        presented.kind === 'session'
          ? 'the session has expired or was ended: sign in again'
          : 'the service token is not valid or was revoked',
      );
    }
    request.principal = resolved.principal;
    request.authentication = resolved.authentication;

    const required = this.reflector.getAllAndOverride<UserRole[] | undefined>(ROLES_METADATA, targets) ?? [...USER_ROLES];
    if (!isAllowed(resolved.principal.role, required)) {
      await this.denials
        .recordDenial({ principal: resolved.principal, method: request.method, path, requiredRoles: required })
        .catch((error: unknown) => this.logger.error({ err: error }, 'could not record access.denied in the audit log'));
      throw new DomainError(CommonErrorCodes.forbidden, `${request.method} ${path} needs the role ${required.join(' or ')}`, {
        requiredRoles: required,
        role: resolved.principal.role,
      });
    }

    if (presented.kind === 'session') {
      this.assertJsonChange(request, this.reflector.getAllAndOverride<boolean | undefined>(IMAGE_BODY_METADATA, targets) === true);
    }
    return true;
  }

  private assertJsonChange(request: AuthenticatedRequest, imageBody: boolean): void {
    const type = request.headers['content-type'];
    if (MUTATING_METHODS.has(request.method.toUpperCase()) && !isJson(type) && !(imageBody && isImage(type))) {
      throw new DomainError(
        CommonErrorCodes.unsupportedMediaType,
        `${request.method} needs Content-Type: application/json (also without a body) unless it carries a bearer service token`,
      );
    }
  }
}

/** `admin` may do everything; a camera token is no console user and passes only where named. */
export function isAllowed(role: PrincipalRole, required: readonly string[]): boolean {
  return role === 'admin' || required.includes(role);
}

/** What an image upload may declare (AcceptsImageBody): none of them can be sent by a cross-site form. */
function isImage(contentType: string | string[] | undefined): boolean {
  const value = Array.isArray(contentType) ? contentType[0] : contentType;
  return value !== undefined && /^(image\/png|image\/jpeg|application\/octet-stream)\s*(;|$)/i.test(value.trim());
}

function isJson(contentType: string | string[] | undefined): boolean {
  const value = Array.isArray(contentType) ? contentType[0] : contentType;
  return value !== undefined && /^application\/json\s*(;|$)/i.test(value.trim());
}

import { createHash, timingSafeEqual } from 'node:crypto';
import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { CommonErrorCodes, DomainError, type Secret } from '@argus/platform';
import { CAMERA_TOKEN } from '../ingest/ingest.tokens';

/**
 * Cameras authenticate with `Authorization: Bearer <token>`: no or a malformed header answers 401,
 * a wrong token 403. Until the console issues per-camera service tokens, the one accepted token is
 * `ARGUS_CAMERA_TOKEN`. The comparison is constant-time (both sides hashed to the same length
 * first, so even the length does not leak).
 */
@Injectable()
export class CameraTokenGuard implements CanActivate {
  private readonly expectedDigest: Buffer;

  constructor(@Inject(CAMERA_TOKEN) token: Secret) {
    this.expectedDigest = digest(token.reveal());
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>();
    this.check(request.headers['authorization']);
    return true;
  }

  /** Throws the 401/403 domain error, or returns when the header carries the accepted token. */
  check(header: string | string[] | undefined): void {
    const value = Array.isArray(header) ? header[0] : header;
    const match = value ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(value) : null;
    if (!match?.[1]) {
      throw new DomainError(CommonErrorCodes.unauthenticated, 'a camera token is required: send Authorization: Bearer <token>');
    }
    if (!timingSafeEqual(digest(match[1]), this.expectedDigest)) {
      throw new DomainError(CommonErrorCodes.forbidden, 'the camera token is not valid');
    }
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

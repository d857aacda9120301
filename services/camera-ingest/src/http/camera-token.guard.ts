import { createHash, timingSafeEqual } from 'node:crypto';
import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { CommonErrorCodes, DomainError, type Secret } from '@argus/platform';
import { CAMERA_TOKEN } from '../ingest/ingest.tokens';
import { CAMERA_TOKEN_DIRECTORY, type CameraTokenDirectory } from './camera-token.directory';

/** Prefix of the console's service tokens (`argus_st_…`). */
const SERVICE_TOKEN_PREFIX = 'argus_st_';

/**
 * Cameras authenticate with `Authorization: Bearer <token>`: no or a malformed header answers 401,
 * a wrong token 403. Accepted: `ARGUS_CAMERA_TOKEN` (compared in constant time, both sides hashed
 * to the same length first, so even the length does not leak), or a non-revoked service token of
 * kind `camera` issued by the console (looked up by its SHA-256; see CachedCameraTokenDirectory).
 */
@Injectable()
export class CameraTokenGuard implements CanActivate {
  private readonly expectedDigest: Buffer;

  constructor(
    @Inject(CAMERA_TOKEN) token: Secret,
    @Inject(CAMERA_TOKEN_DIRECTORY) private readonly directory: CameraTokenDirectory,
  ) {
    this.expectedDigest = digest(token.reveal());
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>();
    await this.check(request.headers['authorization']);
    return true;
  }

  /** Throws the 401/403 domain error, or resolves when the header carries an accepted token. */
  async check(header: string | string[] | undefined): Promise<void> {
    const value = Array.isArray(header) ? header[0] : header;
    const match = value ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(value) : null;
    const token = match?.[1];
    if (!token) {
      throw new DomainError(CommonErrorCodes.unauthenticated, 'a camera token is required: send Authorization: Bearer <token>');
    }
    if (timingSafeEqual(digest(token), this.expectedDigest)) return;
    if (token.startsWith(SERVICE_TOKEN_PREFIX) && (await this.directory.findCamera(token)) !== null) return;
    throw new DomainError(CommonErrorCodes.forbidden, 'the camera token is not valid (or was revoked)');
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

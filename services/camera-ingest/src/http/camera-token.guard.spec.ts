import { Secret } from '@argus/platform';
import { CameraTokenGuard } from './camera-token.guard';

const guard = new CameraTokenGuard(new Secret('the-camera-token-123'));

function codeOf(header: string | string[] | undefined): string | undefined {
  try {
    guard.check(header);
    return undefined;
  } catch (error) {
    return (error as { code: string }).code;
  }
}

describe('CameraTokenGuard', () => {
  it('accepts the configured bearer token, with any scheme case', () => {
    expect(codeOf('Bearer the-camera-token-123')).toBeUndefined();
    expect(codeOf('bearer the-camera-token-123')).toBeUndefined();
  });

  it('answers 401 (unauthenticated) without a bearer token', () => {
    expect(codeOf(undefined)).toBe('unauthenticated');
    expect(codeOf('')).toBe('unauthenticated');
    expect(codeOf('Basic dXNlcjpwYXNz')).toBe('unauthenticated');
    expect(codeOf('Bearer')).toBe('unauthenticated');
  });

  it('answers 403 (forbidden) with a wrong token, whatever its length', () => {
    expect(codeOf('Bearer the-camera-token-124')).toBe('forbidden');
    expect(codeOf('Bearer x')).toBe('forbidden');
    expect(codeOf('Bearer the-camera-token-123-and-more')).toBe('forbidden');
  });
});

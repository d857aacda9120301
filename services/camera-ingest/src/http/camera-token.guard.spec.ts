import { createHash } from 'node:crypto';
import { createLogger, Secret } from '@argus/platform';
import type { ServiceToken } from '@argus/persistence';
import { CachedCameraTokenDirectory, type CameraTokenDirectory, type ServiceTokenLookup } from './camera-token.directory';
import { CameraTokenGuard } from './camera-token.guard';

/** The console's camera tokens, in memory: token → name. */
class InMemoryCameraTokens implements CameraTokenDirectory {
  readonly tokens = new Map<string, string>([['argus_st_camera-one', 'cam-1']]);
  asked = 0;
  findCamera(token: string): Promise<string | null> {
    this.asked += 1;
    return Promise.resolve(this.tokens.get(token) ?? null);
  }
}

const directory = new InMemoryCameraTokens();
const guard = new CameraTokenGuard(new Secret('the-camera-token-123'), directory);

async function codeOf(header: string | string[] | undefined): Promise<string | undefined> {
  try {
    await guard.check(header);
    return undefined;
  } catch (error) {
    return (error as { code: string }).code;
  }
}

describe('CameraTokenGuard', () => {
  it('accepts the configured bearer token, with any scheme case, without asking the directory', async () => {
    const asked = directory.asked;
    expect(await codeOf('Bearer the-camera-token-123')).toBeUndefined();
    expect(await codeOf('bearer the-camera-token-123')).toBeUndefined();
    expect(directory.asked).toBe(asked);
  });

  it('accepts a console camera token the directory knows, and refuses one it does not', async () => {
    expect(await codeOf('Bearer argus_st_camera-one')).toBeUndefined();
    expect(await codeOf('Bearer argus_st_camera-two')).toBe('forbidden');
  });

  it('answers 401 (unauthenticated) without a bearer token', async () => {
    expect(await codeOf(undefined)).toBe('unauthenticated');
    expect(await codeOf('')).toBe('unauthenticated');
    expect(await codeOf('Basic dXNlcjpwYXNz')).toBe('unauthenticated');
    expect(await codeOf('Bearer')).toBe('unauthenticated');
  });

  it('answers 403 (forbidden) with a wrong token, whatever its length, and asks the directory only for argus_st_ tokens', async () => {
    const asked = directory.asked;
    expect(await codeOf('Bearer the-camera-token-124')).toBe('forbidden');
    expect(await codeOf('Bearer x')).toBe('forbidden');
    expect(await codeOf('Bearer the-camera-token-123-and-more')).toBe('forbidden');
    expect(directory.asked).toBe(asked);
  });
});

describe('CachedCameraTokenDirectory', () => {
  const sha = (token: string) => createHash('sha256').update(token).digest('hex');
  const camera: ServiceToken = {
    id: 't-1',
    name: 'cam-1',
    kind: 'camera',
    role: null,
    createdBy: 'root',
    createdAt: new Date(0),
    revokedAt: null,
    lastUsedAt: null,
  };

  function setUp() {
    const active = new Map<string, ServiceToken>([[sha('argus_st_a'), camera]]);
    const calls = { lookups: 0, marks: [] as number[] };
    const lookup: ServiceTokenLookup = {
      findActiveByTokenHash: (hash, kind) => {
        calls.lookups += 1;
        expect(kind).toBe('camera');
        return Promise.resolve(active.get(hash) ?? null);
      },
      markUsed: (_id, at) => {
        calls.marks.push(at.getTime());
        return Promise.resolve();
      },
    };
    let now = 1_000_000;
    const logger = createLogger({ service: 'test', version: '0', destination: { write: () => undefined } });
    const directory = new CachedCameraTokenDirectory(
      lookup,
      logger,
      { validForMs: 30_000, invalidForMs: 5_000, markUsedEveryMs: 60_000 },
      () => now,
    );
    return { directory, active, calls, advance: (ms: number) => (now += ms) };
  }

  it('trusts a valid token for 30 s, then asks again, so a revocation takes effect within 30 s', async () => {
    const { directory, active, calls, advance } = setUp();
    expect(await directory.findCamera('argus_st_a')).toBe('cam-1');
    expect(await directory.findCamera('argus_st_a')).toBe('cam-1');
    expect(calls.lookups).toBe(1);
    active.clear(); // revoked
    advance(29_999);
    expect(await directory.findCamera('argus_st_a')).toBe('cam-1');
    advance(1);
    expect(await directory.findCamera('argus_st_a')).toBeNull();
    expect(calls.lookups).toBe(2);
  });

  it('refuses an unknown token for 5 s without asking again', async () => {
    const { directory, active, calls, advance } = setUp();
    expect(await directory.findCamera('argus_st_b')).toBeNull();
    active.set(sha('argus_st_b'), { ...camera, id: 't-2', name: 'cam-2' });
    expect(await directory.findCamera('argus_st_b')).toBeNull();
    advance(5_000);
    expect(await directory.findCamera('argus_st_b')).toBe('cam-2');
    expect(calls.lookups).toBe(2);
  });

  it('records use at most once a minute per token', async () => {
    const { directory, calls, advance } = setUp();
    await directory.findCamera('argus_st_a');
    advance(40_000);
    await directory.findCamera('argus_st_a');
    advance(20_000);
    await directory.findCamera('argus_st_a');
    expect(calls.marks).toEqual([1_000_000, 1_060_000]);
  });
});

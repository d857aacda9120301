import { createHash, randomBytes } from 'node:crypto';
import { ServiceTokenRepository } from '@argus/persistence';
import { encodeImage } from '@argus/vision/data';
import { IngestInfraHarness, silentLogger } from '../testing/ingest-infra.harness';
import { waitFor } from '@argus/platform/testing';
import { CachedCameraTokenDirectory } from './camera-token.directory';

jest.setTimeout(90_000);

const infra = new IngestInfraHarness();
let url: string;
let lineId: string;
let tokens: ServiceTokenRepository;

const sha = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
const newToken = () => `argus_st_${randomBytes(32).toString('base64url')}`;

async function png(shade: number): Promise<Buffer> {
  const data = new Uint8Array(32 * 24 * 3).map((_, i) => (i * 5 + shade * 17) % 256);
  return encodeImage({ data, width: 32, height: 24, channels: 3 }, 'png');
}

function upload(token: string, body: Buffer): Promise<Response> {
  return fetch(`${url}/v1/lines/${lineId}/cameras/cam-1/frames`, {
    method: 'POST',
    body,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png' },
  });
}

beforeAll(async () => {
  await infra.start();
  lineId = await infra.line('svc-token', ['cam-1']);
  tokens = new ServiceTokenRepository(infra.database.dataSource);
  ({ url } = await infra.app());
});
afterAll(() => infra.stop());

describe('camera-ingest accepts the console camera service tokens (Postgres)', () => {
  it('accepts an upload with a camera token, records its use, and refuses unknown and service-kind tokens', async () => {
    const cameraToken = newToken();
    const camera = await tokens.create({
      name: 'cam-1-token',
      kind: 'camera',
      role: null,
      tokenSha256: sha(cameraToken),
      createdBy: 'root',
    });
    const response = await upload(cameraToken, await png(1));
    expect(response.status).toBe(202);
    // last_used_at is written without delaying the upload: poll for it.
    await waitFor('last_used_at of the camera token', async () => (await tokens.findById(camera.id))?.lastUsedAt != null, 10_000);

    expect((await upload(newToken(), await png(2))).status).toBe(403);
    const scriptToken = newToken();
    await tokens.create({ name: 'ops-script', kind: 'service', role: 'admin', tokenSha256: sha(scriptToken), createdBy: 'root' });
    expect((await upload(scriptToken, await png(3))).status).toBe(403);
  });

  it('stops accepting a revoked token once its cache entry expires', async () => {
    const token = newToken();
    const created = await tokens.create({ name: 'cam-revoked', kind: 'camera', role: null, tokenSha256: sha(token), createdBy: 'root' });
    const directory = new CachedCameraTokenDirectory(tokens, silentLogger, { validForMs: 300, invalidForMs: 100, markUsedEveryMs: 60_000 });
    expect(await directory.findCamera(token)).toBe('cam-revoked');
    await tokens.revoke(created.id, new Date());
    expect(await directory.findCamera(token)).toBe('cam-revoked'); // cached, within validForMs
    // The cache entry lapses after validForMs; then Postgres says revoked.
    await waitFor('the revocation to take effect', async () => (await directory.findCamera(token)) === null, 5_000);
    expect(await directory.findCamera(token)).toBeNull();
  });
});

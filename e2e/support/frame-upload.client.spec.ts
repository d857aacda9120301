import { createServer, type Server, type Socket } from 'node:net';
import { FrameUploadClient } from './frame-upload.client';

const ANSWER = JSON.stringify({ frameId: 'f-1', objectKey: 'k', duplicate: false });
const RESPONSE = `HTTP/1.1 202 Accepted\r\ncontent-type: application/json\r\ncontent-length: ${ANSWER.length}\r\nconnection: keep-alive\r\n\r\n${ANSWER}`;

/**
 * A raw HTTP server whose connections answer `answered` requests each and then close without an
 * answer, the way a server closes an idle kept-alive connection while the client sends on it.
 */
async function serverAnswering(answered: number): Promise<{ server: Server; port: number; connections: () => number }> {
  let connections = 0;
  const server = createServer((socket: Socket) => {
    connections++;
    let requests = 0;
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      // One request: headers, then a body of content-length bytes.
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const length = Number(/content-length: (\d+)/i.exec(buffered.slice(0, end))?.[1] ?? 0);
        if (buffered.length < end + 4 + length) return;
        buffered = buffered.slice(end + 4 + length);
        if (requests++ < answered) socket.write(RESPONSE);
        else socket.destroy();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return { server, port: address.port, connections: () => connections };
}

describe('FrameUploadClient', () => {
  const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xe0]);
  let server: Server | undefined;
  let client: FrameUploadClient | undefined;

  afterEach(async () => {
    client?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it('sends an upload again on a new connection when the kept-alive one was closed under it', async () => {
    const s = await serverAnswering(1);
    server = s.server;
    client = new FrameUploadClient(`http://127.0.0.1:${s.port}`, 'token');
    expect((await client.upload('line', 'cam', bytes, 'image/jpeg')).status).toBe(202);
    // The second upload goes out on the kept-alive connection, which the server closes unanswered.
    const again = await client.upload('line', 'cam', bytes, 'image/jpeg');
    expect(again).toMatchObject({ status: 202, frameId: 'f-1' });
    expect(s.connections()).toBe(2);
  });

  it('does not send again when a fresh connection fails', async () => {
    const s = await serverAnswering(0);
    server = s.server;
    client = new FrameUploadClient(`http://127.0.0.1:${s.port}`, 'token');
    await expect(client.upload('line', 'cam', bytes, 'image/jpeg')).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(s.connections()).toBe(1);
  });
});

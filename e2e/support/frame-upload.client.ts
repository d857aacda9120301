import { Agent, request } from 'node:http';

/** A kept-alive connection was closed by the server as the request went out on it. */
class StaleConnectionError extends Error {
  constructor(cause: Error) {
    super(`the kept-alive connection was closed by the server: ${cause.message}`, { cause });
  }
}

/** What camera-ingest answered to one upload. */
export interface UploadAnswer {
  readonly status: number;
  readonly frameId: string | undefined;
  readonly duplicate: boolean | undefined;
  readonly text: string;
  /** When the 202 (or error) arrived, ms since the epoch. */
  readonly answeredAt: number;
}

/**
 * A camera as camera-ingest sees it: `POST /v1/lines/{line}/cameras/{camera}/frames` with a raw
 * image body, the bearer token, and an explicit capture time (`x-captured-at`) so that the alert
 * dedup window is a function of the test's frames, not of the machine's speed.
 *
 * Plain `node:http` over keep-alive connections rather than `fetch`: real cameras run on their own
 * machines, and on the benchmark's shared 2 cores every millisecond of CPU the driver spends is
 * taken from the pipeline it measures (fetch costs markedly more per upload: docs/performance.md).
 */
export class FrameUploadClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  private readonly base: URL;

  constructor(
    baseUrl: string,
    private readonly token: string,
  ) {
    this.base = new URL(baseUrl);
  }

  /**
   * One upload. A kept-alive connection that the server closed as idle (camera-ingest's Node
   * server does after 5 s) can be picked for the request at the moment the close arrives: the
   * request then fails with ECONNRESET before the server read it. Such a request is sent once
   * more on a new connection, as Node's documentation advises (`request.reusedSocket`); uploads
   * are idempotent on the camera and content hash, so a repeat is answered with the same frame.
   */
  async upload(
    lineId: string,
    cameraId: string,
    bytes: Buffer,
    contentType: 'image/png' | 'image/jpeg',
    capturedAt?: Date,
    timeoutMs = 30_000,
  ): Promise<UploadAnswer> {
    try {
      return await this.send(lineId, cameraId, bytes, contentType, capturedAt, timeoutMs);
    } catch (error) {
      if (!(error instanceof StaleConnectionError)) throw error;
      return this.send(lineId, cameraId, bytes, contentType, capturedAt, timeoutMs);
    }
  }

  private send(
    lineId: string,
    cameraId: string,
    bytes: Buffer,
    contentType: 'image/png' | 'image/jpeg',
    capturedAt: Date | undefined,
    timeoutMs: number,
  ): Promise<UploadAnswer> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          agent: this.agent,
          host: this.base.hostname,
          port: this.base.port,
          method: 'POST',
          path: `/v1/lines/${lineId}/cameras/${cameraId}/frames`,
          headers: {
            authorization: `Bearer ${this.token}`,
            'content-type': contentType,
            'content-length': bytes.length,
            ...(capturedAt ? { 'x-captured-at': capturedAt.toISOString() } : {}),
          },
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: { frameId?: unknown; duplicate?: unknown } = {};
            try {
              body = JSON.parse(text) as typeof body;
            } catch {
              // not JSON: the text tells what went wrong
            }
            resolve({
              status: res.statusCode ?? 0,
              frameId: typeof body.frameId === 'string' ? body.frameId : undefined,
              duplicate: typeof body.duplicate === 'boolean' ? body.duplicate : undefined,
              text,
              answeredAt: Date.now(),
            });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`upload to ${lineId}/${cameraId} got no answer within ${timeoutMs} ms`)));
      req.on('error', (error: NodeJS.ErrnoException) => {
        reject(req.reusedSocket && error.code === 'ECONNRESET' ? new StaleConnectionError(error) : error);
      });
      req.end(bytes);
    });
  }

  /** Closes the kept-alive connections. */
  close(): void {
    this.agent.destroy();
  }

  /** Uploads and insists on a 202, naming the answer otherwise. */
  async accept(
    lineId: string,
    cameraId: string,
    bytes: Buffer,
    contentType: 'image/png' | 'image/jpeg',
    capturedAt?: Date,
  ): Promise<UploadAnswer & { frameId: string }> {
    const answer = await this.upload(lineId, cameraId, bytes, contentType, capturedAt);
    if (answer.status !== 202 || answer.frameId === undefined) {
      throw new Error(`upload to ${lineId}/${cameraId} answered ${answer.status}: ${answer.text}`);
    }
    return { ...answer, frameId: answer.frameId };
  }
}

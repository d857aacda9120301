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
 */
export class FrameUploadClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  async upload(
    lineId: string,
    cameraId: string,
    bytes: Buffer,
    contentType: 'image/png' | 'image/jpeg',
    capturedAt?: Date,
    timeoutMs = 30_000,
  ): Promise<UploadAnswer> {
    const response = await fetch(`${this.baseUrl}/v1/lines/${lineId}/cameras/${cameraId}/frames`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${this.token}`,
        'content-type': contentType,
        ...(capturedAt ? { 'x-captured-at': capturedAt.toISOString() } : {}),
      },
      body: bytes,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let body: { frameId?: unknown; duplicate?: unknown } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      // not JSON: the text tells what went wrong
    }
    return {
      status: response.status,
      frameId: typeof body.frameId === 'string' ? body.frameId : undefined,
      duplicate: typeof body.duplicate === 'boolean' ? body.duplicate : undefined,
      text,
      answeredAt: Date.now(),
    };
  }

  /** Uploads and insists on a 202, naming the answer otherwise. */
  async accept(lineId: string, cameraId: string, bytes: Buffer, contentType: 'image/png' | 'image/jpeg', capturedAt?: Date): Promise<UploadAnswer & { frameId: string }> {
    const answer = await this.upload(lineId, cameraId, bytes, contentType, capturedAt);
    if (answer.status !== 202 || answer.frameId === undefined) {
      throw new Error(`upload to ${lineId}/${cameraId} answered ${answer.status}: ${answer.text}`);
    }
    return { ...answer, frameId: answer.frameId };
  }
}

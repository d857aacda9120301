import type { Readable } from 'node:stream';

export interface StreamPart {
  readonly bytes: Buffer;
  /** True when the stream ended: this part is the last (possibly empty) one. */
  readonly last: boolean;
}

/**
 * Cuts a byte stream into parts of exactly `partSize` bytes (the last may be shorter), holding
 * at most one part in memory. A multipart upload needs equal-sized parts of at least 5 MiB; a
 * stream that ends within its first part can go up in a single request instead.
 */
export class StreamPartReader {
  readonly #iterator: AsyncIterator<unknown>;
  #carry: Buffer = Buffer.alloc(0);
  #ended = false;
  #bytesRead = 0;

  constructor(
    source: Readable,
    private readonly partSize: number,
  ) {
    if (!Number.isSafeInteger(partSize) || partSize <= 0) throw new RangeError('partSize must be a positive integer');
    this.#iterator = source[Symbol.asyncIterator]();
  }

  /** Bytes handed out so far. */
  get bytesRead(): number {
    return this.#bytesRead;
  }

  async next(): Promise<StreamPart> {
    if (this.#carry.length >= this.partSize) {
      // A large chunk (a whole Buffer) is cut without copying what remains of it.
      const bytes = this.#carry.subarray(0, this.partSize);
      this.#carry = this.#carry.subarray(this.partSize);
      this.#bytesRead += bytes.length;
      return { bytes, last: this.#ended && this.#carry.length === 0 };
    }
    const chunks: Buffer[] = this.#carry.length > 0 ? [this.#carry] : [];
    let length = this.#carry.length;
    this.#carry = Buffer.alloc(0);
    while (length < this.partSize && !this.#ended) {
      const next = await this.#iterator.next();
      if (next.done) {
        this.#ended = true;
        break;
      }
      const chunk = toBuffer(next.value);
      chunks.push(chunk);
      length += chunk.length;
    }
    let bytes = Buffer.concat(chunks, length);
    if (bytes.length > this.partSize) {
      this.#carry = bytes.subarray(this.partSize);
      bytes = bytes.subarray(0, this.partSize);
    }
    this.#bytesRead += bytes.length;
    // An exact multiple of partSize only learns it is done on the following read.
    const last = this.#ended && this.#carry.length === 0;
    return { bytes, last };
  }

  /** Stops reading and destroys the source (an upload failed half-way). */
  async abandon(): Promise<void> {
    this.#carry = Buffer.alloc(0);
    this.#ended = true;
    await this.#iterator.return?.();
  }
}

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk);
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError(`expected a byte stream, got a chunk of type ${typeof chunk}`);
}

/** What the queue needs of a PGlite instance (a structural subset, so unit tests pass a fake). */
export interface PgliteBackend {
  runExclusive<T>(work: () => Promise<T>): Promise<T>;
  execProtocolRawStream(message: Uint8Array, options: { onRawData: (data: Uint8Array) => void }): Promise<void>;
  isInTransaction(): boolean;
  exec(sql: string): Promise<unknown>;
}

interface PendingMessage {
  readonly handlerId: number;
  readonly message: Uint8Array;
  readonly onData: (data: Uint8Array) => void;
  readonly resolve: (bytes: number) => void;
  readonly reject: (error: Error) => void;
}

/** Frontend message types after which the backend answers ReadyForQuery: Sync, Query, FunctionCall, Terminate. */
const UNIT_END_TYPES = new Set([0x53, 0x51, 0x46, 0x58]);
const SYNC_MESSAGE = Uint8Array.of(0x53, 0, 0, 0, 4);

/**
 * Serialises the wire-protocol messages of several socket connections onto PGlite's one backend
 * session, **a whole protocol unit at a time**: the connection that sends a message owns the
 * session until its unit ends (a Sync or a simple Query answered) and no transaction is open.
 *
 * Why not pglite-socket's own queue: it interleaves single messages, so connection B's query can
 * land between connection A's Parse and Bind. With 4 clients we measured `portal "" does not exist`
 * and, worse, rows answered to the wrong client. Built to be handed to `PGLiteSocketHandler`
 * (same method names as its queue).
 */
export class PgliteSessionQueue {
  private readonly pending: PendingMessage[] = [];
  private owner: number | null = null;
  /** The owner sent messages of a unit that has not ended (e.g. Parse/Bind, no Sync yet). */
  private unitOpen = false;
  private draining = false;

  constructor(private readonly db: PgliteBackend) {}

  /** Runs `message` when its connection's turn comes; resolves with the bytes answered. */
  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.pending.push({ handlerId, message, onData, resolve, reject });
      void this.drain();
    });
  }

  getQueueLength(): number {
    return this.pending.length;
  }

  /** The connection is gone: its waiting messages are rejected. */
  clearQueueForHandler(handlerId: number): void {
    for (let i = this.pending.length - 1; i >= 0; i--) {
      const item = this.pending[i] as PendingMessage;
      if (item.handlerId !== handlerId) continue;
      this.pending.splice(i, 1);
      item.reject(new Error('connection closed'));
    }
  }

  /**
   * The connection is gone: if it owned the session, end its unfinished unit (a Sync), roll back
   * its open transaction, and hand the session to the next connection.
   */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    await this.db.runExclusive(async () => {
      if (this.unitOpen) await this.db.execProtocolRawStream(SYNC_MESSAGE, { onRawData: () => undefined });
      if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    });
    this.owner = null;
    this.unitOpen = false;
    void this.drain();
  }

  private next(): PendingMessage | undefined {
    const index = this.owner === null ? (this.pending.length > 0 ? 0 : -1) : this.pending.findIndex((p) => p.handlerId === this.owner);
    return index < 0 ? undefined : this.pending.splice(index, 1)[0];
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      for (let item = this.next(); item; item = this.next()) {
        this.owner = item.handlerId;
        const current = item;
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(current.message, {
              onRawData: (data) => {
                bytes += data.length;
                current.onData(data);
              },
            }),
          );
        } catch (error) {
          this.release(current.message);
          current.reject(error instanceof Error ? error : new Error(String(error)));
          continue;
        }
        this.release(current.message);
        current.resolve(bytes);
      }
    } finally {
      this.draining = false;
    }
  }

  /** After a message: the owner keeps the session inside a unit or a transaction. */
  private release(message: Uint8Array): void {
    // Start-up and SSL requests begin with a length (first byte 0): complete on their own.
    const endsUnit = (message[0] ?? 0) === 0 || UNIT_END_TYPES.has(message[0] as number);
    this.unitOpen = !endsUnit;
    if (endsUnit && !this.db.isInTransaction()) this.owner = null;
  }
}

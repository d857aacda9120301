import { type PgliteBackend, PgliteSessionQueue } from './pglite-session.queue';

/** A backend that records the order messages ran in; `BEGIN`/`COMMIT` as simple queries move its transaction state. */
class RecordingBackend implements PgliteBackend {
  readonly ran: string[] = [];
  inTransaction = false;
  failNext = false;

  async runExclusive<T>(work: () => Promise<T>): Promise<T> {
    return work();
  }

  async execProtocolRawStream(message: Uint8Array, options: { onRawData: (data: Uint8Array) => void }): Promise<void> {
    await Promise.resolve();
    const text = Buffer.from(message).toString('latin1');
    this.ran.push(text);
    if (this.failNext) {
      this.failNext = false;
      throw new Error('backend crashed');
    }
    if (text === 'QBEGIN') this.inTransaction = true;
    if (text === 'QCOMMIT') this.inTransaction = false;
    options.onRawData(Uint8Array.of(1, 2, 3));
  }

  isInTransaction(): boolean {
    return this.inTransaction;
  }

  async exec(sql: string): Promise<unknown> {
    this.ran.push(`exec:${sql}`);
    if (sql === 'ROLLBACK') this.inTransaction = false;
    return [];
  }
}

/** A protocol message whose first byte is its type (P, B, E, S, Q, ...), the rest a label. */
const msg = (text: string) => Uint8Array.from(Buffer.from(text, 'latin1'));

describe('PgliteSessionQueue', () => {
  it('runs a connection’s extended-protocol unit (Parse…Sync) without another connection’s query in between', async () => {
    const db = new RecordingBackend();
    const queue = new PgliteSessionQueue(db);
    const parse = queue.enqueue(1, msg('Pa'), () => undefined);
    const query = queue.enqueue(2, msg('Qselect'), () => undefined);
    await parse;
    const rest = Promise.all([
      queue.enqueue(1, msg('Ba'), () => undefined),
      queue.enqueue(1, msg('Ea'), () => undefined),
      queue.enqueue(1, msg('S'), () => undefined),
    ]);
    await Promise.all([rest, query]);
    expect(db.ran).toEqual(['Pa', 'Ba', 'Ea', 'S', 'Qselect']);
  });

  it('keeps the session for the connection that holds a transaction open until it commits', async () => {
    const db = new RecordingBackend();
    const queue = new PgliteSessionQueue(db);
    await queue.enqueue(1, msg('QBEGIN'), () => undefined);
    const other = queue.enqueue(2, msg('Qother'), () => undefined);
    await queue.enqueue(1, msg('Qinsert'), () => undefined);
    await queue.enqueue(1, msg('QCOMMIT'), () => undefined);
    await other;
    expect(db.ran).toEqual(['QBEGIN', 'Qinsert', 'QCOMMIT', 'Qother']);
  });

  it('treats a start-up packet (a length first) as complete on its own', async () => {
    const db = new RecordingBackend();
    const queue = new PgliteSessionQueue(db);
    await queue.enqueue(1, Uint8Array.of(0, 0, 0, 8, 0, 3, 0, 0), () => undefined);
    await queue.enqueue(2, msg('Qnext'), () => undefined);
    expect(db.ran).toHaveLength(2);
  });

  it('passes the answer bytes to the sender and resolves with their count', async () => {
    const queue = new PgliteSessionQueue(new RecordingBackend());
    const received: number[] = [];
    await expect(queue.enqueue(1, msg('Qx'), (data) => received.push(...data))).resolves.toBe(3);
    expect(received).toEqual([1, 2, 3]);
  });

  it('when the owner disconnects mid-transaction: its waiting messages are rejected, its unit synced, its transaction rolled back, and the next connection served', async () => {
    const db = new RecordingBackend();
    const queue = new PgliteSessionQueue(db);
    await queue.enqueue(1, msg('QBEGIN'), () => undefined);
    await queue.enqueue(1, msg('Pa'), () => undefined);
    const waiting = queue.enqueue(2, msg('Qother'), () => undefined);
    queue.clearQueueForHandler(1);
    await queue.clearTransactionIfNeeded(1);
    await waiting;
    expect(db.ran).toEqual(['QBEGIN', 'Pa', 'S\u0000\u0000\u0000\u0004', 'exec:ROLLBACK', 'Qother']);
  });

  it('rejects the messages of a connection that closed before its turn', async () => {
    const db = new RecordingBackend();
    const queue = new PgliteSessionQueue(db);
    await queue.enqueue(1, msg('QBEGIN'), () => undefined);
    const orphan = queue.enqueue(2, msg('Qlate'), () => undefined);
    queue.clearQueueForHandler(2);
    await expect(orphan).rejects.toThrow('connection closed');
    expect(queue.getQueueLength()).toBe(0);
  });

  it('rejects a message the backend failed on and goes on with the next', async () => {
    const db = new RecordingBackend();
    const queue = new PgliteSessionQueue(db);
    db.failNext = true;
    await expect(queue.enqueue(1, msg('Qbad'), () => undefined)).rejects.toThrow('backend crashed');
    await expect(queue.enqueue(2, msg('Qgood'), () => undefined)).resolves.toBe(3);
  });
});

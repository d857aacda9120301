import { mkdir } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { type Extension, PGlite } from '@electric-sql/pglite';
import { PGLiteSocketHandler } from '@electric-sql/pglite-socket';
import { Secret } from '@argus/platform';
import type { DatabaseConfig } from './database.config';
import { PgliteSessionQueue } from './pglite-session.queue';

export interface EmbeddedPostgresOptions {
  /** Folder of the database files (created when missing); the data survives restarts. */
  readonly dataDir: string;
  /**
   * The port, or ports tried in order until one is free (so an address can stay the same from one
   * start to the next, yet a busy port does not stop the start). 0: any free port (the default).
   */
  readonly port?: number | readonly number[];
  readonly host?: string;
  /** Connections served at once (their queries still run one protocol unit at a time). Default 8. */
  readonly maxConnections?: number;
}

// The package exports `./contrib/*` only through "exports", which this repo's `moduleResolution:
// node` cannot see at type level; Node resolves it at run time.
const { pgcrypto } = require('@electric-sql/pglite/contrib/pgcrypto') as { pgcrypto: Extension };

type HandlerQueue = ConstructorParameters<typeof PGLiteSocketHandler>[0]['queryQueue'];

/**
 * Postgres without installing Postgres: PGlite (Postgres compiled to WebAssembly, in this process)
 * with pgcrypto, served over the Postgres wire protocol on a local TCP port, so the same pg and
 * TypeORM code as in production talks to it (`postgres://postgres@127.0.0.1:<port>/postgres`).
 *
 * PGlite is one backend session. pglite-socket's `PGLiteSocketHandler` speaks the protocol per
 * connection; our `PgliteSessionQueue` hands the session to one connection per protocol unit or
 * transaction, so a `psql` or a test may connect next to the application safely. Queries are
 * serialised whatever the number of connections: give TypeORM a pool of 1.
 */
export class EmbeddedPostgresServer {
  private readonly handlers = new Set<PGLiteSocketHandler>();
  private boundPort = 0;
  private stopped: Promise<void> | undefined;

  private constructor(
    private readonly db: PGlite,
    private readonly queue: HandlerQueue,
    private readonly server: Server,
    private readonly maxConnections: number,
    readonly host: string,
    readonly dataDir: string,
  ) {
    server.on('connection', (socket: Socket) => this.accept(socket));
  }

  static async start(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresServer> {
    await mkdir(options.dataDir, { recursive: true });
    const db = await PGlite.create({ dataDir: options.dataDir, extensions: { pgcrypto } });
    const queue = new PgliteSessionQueue(db) as unknown as HandlerQueue;
    const host = options.host ?? '127.0.0.1';
    const instance = new EmbeddedPostgresServer(db, queue, createServer(), options.maxConnections ?? 8, host, options.dataDir);
    try {
      await instance.listenOnFirstFree(typeof options.port === 'number' ? [options.port] : (options.port ?? [0]));
    } catch (error) {
      await db.close();
      throw error;
    }
    return instance;
  }

  get port(): number {
    return this.boundPort;
  }

  /** `postgres://postgres@host:port/postgres`: no password (the server listens on loopback only by default). */
  get url(): string {
    return `postgres://postgres@${this.host}:${this.port}/postgres`;
  }

  /**
   * A `DatabaseConfig` for `createDataSource`, with the pool of 1 the single session calls for, and
   * no named prepared statements: every connection shares PGlite's one session, so two of them
   * preparing the same name would collide.
   */
  databaseConfig(applicationName: string): DatabaseConfig {
    return {
      host: this.host,
      port: this.port,
      database: 'postgres',
      username: 'postgres',
      password: new Secret(''),
      poolSize: 1,
      ssl: false,
      applicationName,
      preparedStatements: false,
    };
  }

  /** Closes the connections and the port, then PGlite (which flushes its files). Idempotent. */
  stop(): Promise<void> {
    this.stopped ??= this.close();
    return this.stopped;
  }

  /** Listens on the first of `ports` not in use; any other error (or the last port in use) rejects. */
  private async listenOnFirstFree(ports: readonly number[]): Promise<void> {
    for (const [index, port] of ports.entries()) {
      try {
        return await this.listen(port);
      } catch (error) {
        const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
        if (!inUse || index === ports.length - 1) throw error;
      }
    }
    throw new Error('no port to listen on');
  }

  private listen(port: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, this.host, () => {
        this.server.off('error', reject);
        this.boundPort = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  private accept(socket: Socket): void {
    if (this.stopped || this.handlers.size >= this.maxConnections) {
      socket.end();
      return;
    }
    const handler = new PGLiteSocketHandler({ queryQueue: this.queue, closeOnDetach: true });
    this.handlers.add(handler);
    const forget = () => this.handlers.delete(handler);
    handler.addEventListener('close', forget);
    handler.addEventListener('error', forget);
    handler.attach(socket).catch(() => {
      forget();
      socket.destroy();
    });
  }

  private async close(): Promise<void> {
    await Promise.all([...this.handlers].map((handler) => handler.detach(true)));
    this.handlers.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.db.close();
  }
}

/**
 * Serves a folder on its own (e.g. to look at the embedded data with psql while Argus is stopped,
 * and for tests, since PGlite's dynamic imports do not run inside Jest's VM):
 *
 *   node -r @swc-node/register libs/persistence/src/embedded-postgres.server.ts <dataDir> [port]
 *
 * Prints one JSON line `{"url":"postgres://…"}` when it listens; stops cleanly on SIGTERM/SIGINT.
 */
if (require.main === module) {
  const [dataDir, port] = process.argv.slice(2);
  if (!dataDir) {
    process.stderr.write('usage: embedded-postgres.server.ts <dataDir> [port]\n');
    process.exit(2);
  }
  EmbeddedPostgresServer.start({ dataDir, port: port ? Number(port) : 0 }).then(
    (server) => {
      process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
      const stop = () =>
        void server.stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    },
    (error: unknown) => {
      process.stderr.write(`embedded postgres failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}

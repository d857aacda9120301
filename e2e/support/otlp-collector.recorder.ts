import { createServer, type Server } from 'node:http';

export interface RecordedExport {
  readonly path: string;
  readonly contentType: string | undefined;
  readonly body: string;
}

/**
 * Stands in for an OpenTelemetry collector: a real HTTP server that accepts OTLP/HTTP exports and
 * keeps them, so a test can check what a service sent (there is no collector in infra/local).
 */
export class OtlpCollectorRecorder {
  readonly exports: RecordedExport[] = [];
  private readonly server: Server;
  private port = 0;

  private constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.exports.push({
          path: req.url ?? '',
          contentType: req.headers['content-type'],
          body: Buffer.concat(chunks).toString('utf8'),
        });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
  }

  static async start(): Promise<OtlpCollectorRecorder> {
    const recorder = new OtlpCollectorRecorder();
    await new Promise<void>((resolve) => recorder.server.listen(0, '127.0.0.1', resolve));
    const address = recorder.server.address();
    recorder.port = typeof address === 'object' && address ? address.port : 0;
    return recorder;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

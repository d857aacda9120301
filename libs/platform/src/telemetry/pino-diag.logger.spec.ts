import { createLogger } from '../logging/logger.factory';
import { PinoDiagLogger } from './pino-diag.logger';

describe('PinoDiagLogger', () => {
  it("writes OpenTelemetry's diagnostics as JSON lines, errors serialized", () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({
      service: 'test',
      version: '0.0.0',
      level: 'debug',
      destination: { write: (chunk: string) => void lines.push(JSON.parse(chunk) as Record<string, unknown>) },
    });
    const diag = new PinoDiagLogger(logger);
    diag.error('export failed', new Error('ECONNREFUSED 127.0.0.1:4318'), { attempt: 2 });
    diag.warn('dropping spans');
    diag.verbose('below debug: dropped');
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'error',
        msg: 'export failed',
        context: 'opentelemetry',
        err: expect.objectContaining({ message: 'ECONNREFUSED 127.0.0.1:4318' }),
        args: [{ attempt: 2 }],
      }),
      expect.objectContaining({ level: 'warn', msg: 'dropping spans' }),
    ]);
  });
});

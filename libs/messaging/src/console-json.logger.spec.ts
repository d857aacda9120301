import { ConsoleJsonLogger } from './console-json.logger';

describe('ConsoleJsonLogger', () => {
  it('writes one JSON object per line: info to out, warnings and errors to err, errors serialised', () => {
    const out: string[] = [];
    const err: string[] = [];
    const logger = new ConsoleJsonLogger(
      { name: 'test' },
      (l) => out.push(l),
      (l) => err.push(l),
    );

    logger.info({ topic: 't' }, 'hello');
    logger.warn({ attempt: 2 }, 'retrying');
    const failure = Object.assign(new Error('boom'), { code: 'frame-missing' });
    logger.error({ err: failure });

    expect(out.map((l) => JSON.parse(l))).toEqual([{ level: 'info', time: expect.any(String), name: 'test', topic: 't', msg: 'hello' }]);
    const [warn, error] = err.map((l) => JSON.parse(l));
    expect(warn).toMatchObject({ level: 'warn', attempt: 2, msg: 'retrying' });
    expect(error).toMatchObject({ level: 'error', err: { type: 'Error', message: 'boom', code: 'frame-missing' } });
    expect(error.err.stack).toContain('boom');
    expect(error).not.toHaveProperty('msg');
  });
});

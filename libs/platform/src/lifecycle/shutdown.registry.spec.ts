import { EventEmitter } from 'node:events';
import { createLogger } from '../logging/logger.factory';
import { LifecycleState } from './lifecycle.state';
import { EXIT_OK, EXIT_UNCLEAN_SHUTDOWN, ShutdownCoordinator, type SignalSource } from './shutdown.coordinator';
import { ShutdownOrder, ShutdownRegistry, ShutdownTimeoutError } from './shutdown.registry';

type Line = Record<string, unknown> & { level: string; msg: string };

function capturingLogger() {
  const lines: Line[] = [];
  const logger = createLogger({
    service: 'test',
    version: '0.0.0',
    destination: { write: (chunk: string) => void lines.push(JSON.parse(chunk) as Line) },
  });
  return { logger, lines };
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('ShutdownRegistry', () => {
  it('closes in ascending order whatever the registration order, the same order in parallel', async () => {
    const registry = new ShutdownRegistry();
    const events: string[] = [];
    const step = (name: string, order: number) =>
      registry.register({
        name,
        order,
        close: async () => {
          events.push(`start ${name}`);
          await Promise.resolve();
          events.push(`end ${name}`);
        },
      });
    step('telemetry', ShutdownOrder.flushTelemetry);
    step('postgres', ShutdownOrder.closeDatabase);
    step('kafka-producer', ShutdownOrder.flushProducer);
    step('kafka-consumer', ShutdownOrder.stopConsuming);
    step('s3', ShutdownOrder.closeDatabase);

    const report = await registry.closeAll(1_000);

    expect(events).toEqual([
      'start kafka-consumer',
      'end kafka-consumer',
      'start kafka-producer',
      'end kafka-producer',
      'start postgres',
      'start s3',
      'end postgres',
      'end s3',
      'start telemetry',
      'end telemetry',
    ]);
    expect(report).toEqual({ closed: ['kafka-consumer', 'kafka-producer', 'postgres', 's3', 'telemetry'], failed: [] });
  });

  it('does not start a step before the previous one has finished', async () => {
    const registry = new ShutdownRegistry();
    const consumer = deferred();
    const producerClose = jest.fn();
    registry.register({ name: 'consumer', order: ShutdownOrder.stopConsuming, close: () => consumer.promise });
    registry.register({ name: 'producer', order: ShutdownOrder.flushProducer, close: producerClose });
    const done = registry.closeAll(1_000);
    await Promise.resolve();
    expect(producerClose).not.toHaveBeenCalled();
    consumer.resolve();
    await done;
    expect(producerClose).toHaveBeenCalledTimes(1);
  });

  it('reports a failing step and still closes the later ones', async () => {
    const { logger, lines } = capturingLogger();
    const registry = new ShutdownRegistry(logger);
    const databaseClose = jest.fn();
    registry.register({ name: 'producer', order: 1, close: () => Promise.reject(new Error('broker gone')) });
    registry.register({ name: 'database', order: 2, close: databaseClose });
    await expect(registry.closeAll(1_000)).resolves.toEqual({
      closed: ['database'],
      failed: [{ name: 'producer', error: 'broker gone' }],
    });
    expect(databaseClose).toHaveBeenCalledTimes(1);
    expect(lines.find((l) => l.level === 'error')?.msg).toBe('shutdown: closing producer failed');
  });

  it('rejects with the names of the steps still running when the deadline passes', async () => {
    jest.useFakeTimers();
    try {
      const registry = new ShutdownRegistry();
      const never = new Promise<void>(() => undefined);
      const later = jest.fn();
      registry.register({ name: 'fast', order: 1, close: () => undefined });
      registry.register({ name: 'stuck-consumer', order: 2, close: () => never });
      registry.register({ name: 'stuck-producer', order: 2, close: () => never });
      registry.register({ name: 'database', order: 3, close: later });
      const done = registry.closeAll(15_000);
      const assertion = expect(done).rejects.toEqual(new ShutdownTimeoutError(15_000, ['stuck-consumer', 'stuck-producer']));
      await jest.advanceTimersByTimeAsync(14_999);
      await jest.advanceTimersByTimeAsync(1);
      await assertion;
      await expect(done).rejects.toMatchObject({ pending: ['stuck-consumer', 'stuck-producer'] });
      expect(later).not.toHaveBeenCalled();
    } finally {
      jest.useRealTimers();
    }
  });

  it('runs once however often it is asked', async () => {
    const registry = new ShutdownRegistry();
    const close = jest.fn();
    registry.register({ name: 'db', order: 1, close });
    const [first, second] = await Promise.all([registry.closeAll(1_000), registry.closeAll(1_000)]);
    expect(first).toBe(second);
    expect(close).toHaveBeenCalledTimes(1);
  });

  it('refuses duplicate names and registrations after shutdown has begun, and can unregister', async () => {
    const registry = new ShutdownRegistry();
    const close = jest.fn();
    const unregister = registry.register({ name: 'db', order: 1, close });
    expect(() => registry.register({ name: 'db', order: 2, close })).toThrow('already registered');
    unregister();
    await registry.closeAll(1_000);
    expect(close).not.toHaveBeenCalled();
    expect(() => registry.register({ name: 'late', order: 1, close })).toThrow('shutdown has begun');
  });
});

describe('ShutdownCoordinator', () => {
  function setUp(timeoutMs = 1_000) {
    const { logger, lines } = capturingLogger();
    const registry = new ShutdownRegistry(logger);
    const state = new LifecycleState();
    const exit = jest.fn<void, [number]>();
    const signals = new EventEmitter();
    const coordinator = new ShutdownCoordinator({
      registry,
      state,
      logger,
      timeoutMs,
      exit,
      signals: signals as unknown as SignalSource,
    });
    coordinator.listen();
    return { registry, state, exit, signals, lines, coordinator };
  }

  it('on SIGTERM marks the service not ready before closing anything, then exits 0', async () => {
    const { registry, state, exit, signals, coordinator, lines } = setUp();
    const readyWhenClosing: boolean[] = [];
    registry.register({ name: 'consumer', order: 1, close: () => void readyWhenClosing.push(!state.shuttingDown) });
    signals.emit('SIGTERM', 'SIGTERM');
    await coordinator.shutdown('wait');
    expect(readyWhenClosing).toEqual([false]);
    expect(exit).toHaveBeenCalledTimes(1);
    expect(exit).toHaveBeenCalledWith(EXIT_OK);
    expect(lines.map((l) => l.msg)).toEqual(['shutting down (signal SIGTERM)', 'shutdown: closed consumer', 'shutdown complete']);
  });

  it('exits non-zero when a step fails', async () => {
    const { registry, exit, coordinator } = setUp();
    registry.register({ name: 'db', order: 1, close: () => Promise.reject(new Error('nope')) });
    await coordinator.onSignal('SIGINT');
    expect(exit).toHaveBeenCalledWith(EXIT_UNCLEAN_SHUTDOWN);
  });

  it('exits non-zero at once on a second signal', async () => {
    const { registry, exit, signals, lines } = setUp();
    const consumer = deferred();
    registry.register({ name: 'consumer', order: 1, close: () => consumer.promise });
    signals.emit('SIGTERM', 'SIGTERM');
    signals.emit('SIGINT', 'SIGINT');
    expect(exit).toHaveBeenCalledTimes(1);
    expect(exit).toHaveBeenCalledWith(EXIT_UNCLEAN_SHUTDOWN);
    expect(lines.at(-1)).toMatchObject({ level: 'fatal', msg: 'received SIGINT again during shutdown; exiting immediately' });
    consumer.resolve();
  });

  it('exits non-zero with a log line naming the stuck step when shutdown outlives its deadline', async () => {
    jest.useFakeTimers();
    try {
      const { registry, exit, coordinator, lines } = setUp(15_000);
      registry.register({ name: 'kafka-consumer', order: 1, close: () => new Promise<void>(() => undefined) });
      const done = coordinator.onSignal('SIGTERM');
      await jest.advanceTimersByTimeAsync(15_000);
      await done;
      expect(exit).toHaveBeenCalledWith(EXIT_UNCLEAN_SHUTDOWN);
      expect(lines.at(-1)).toMatchObject({ level: 'fatal', pending: ['kafka-consumer'] });
      expect(lines.at(-1)?.msg).toContain('did not finish within 15000 ms');
    } finally {
      jest.useRealTimers();
    }
  });
});

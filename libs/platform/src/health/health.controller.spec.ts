import { LifecycleState } from '../lifecycle/lifecycle.state';
import { HealthController, type StatusSettable } from './health.controller';
import type { ReadinessCheck } from './readiness-check.interface';
import { ReadinessService } from './readiness.service';

class RecordingResponse implements StatusSettable {
  code: number | undefined;
  status(code: number): this {
    this.code = code;
    return this;
  }
}

const up = (name: string): ReadinessCheck & { check: jest.Mock } => ({ name, check: jest.fn().mockResolvedValue(undefined) });
const down = (name: string, message: string): ReadinessCheck & { check: jest.Mock } => ({
  name,
  check: jest.fn().mockRejectedValue(new Error(message)),
});
function deferred(): { promise: Promise<void>; release: () => void } {
  let release: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}
const hanging = (name: string): ReadinessCheck => ({ name, check: () => new Promise<void>(() => undefined) });

function setUp(checks: readonly ReadinessCheck[], timeoutMs = 1_000) {
  const lifecycle = new LifecycleState();
  const controller = new HealthController(new ReadinessService(checks, timeoutMs), lifecycle);
  return { controller, lifecycle };
}

describe('HealthController', () => {
  it('is live while the process runs', () => {
    const { controller } = setUp([]);
    const res = new RecordingResponse();
    expect(controller.live(res)).toEqual({ status: 'ok' });
    expect(res.code).toBe(200);
  });

  it('is ready when every check answers', async () => {
    const kafka = up('kafka');
    const postgres = up('postgres');
    const { controller } = setUp([kafka, postgres]);
    const res = new RecordingResponse();
    await expect(controller.ready(res)).resolves.toEqual({ status: 'ready', checks: { kafka: 'up', postgres: 'up' } });
    expect(res.code).toBe(200);
    expect(kafka.check).toHaveBeenCalledTimes(1);
    expect(postgres.check).toHaveBeenCalledTimes(1);
  });

  it('is not ready, naming the failed check and its error, when one check fails', async () => {
    const { controller } = setUp([up('s3'), down('kafka', 'connect ECONNREFUSED 127.0.0.1:19092')]);
    const res = new RecordingResponse();
    await expect(controller.ready(res)).resolves.toEqual({
      status: 'not-ready',
      checks: { s3: 'up', kafka: { status: 'down', error: 'connect ECONNREFUSED 127.0.0.1:19092' } },
    });
    expect(res.code).toBe(503);
  });

  it('counts a check that throws synchronously or rejects with a non-Error as down', async () => {
    const throwing: ReadinessCheck = {
      name: 'postgres',
      check: () => {
        throw new Error('pool closed');
      },
    };
    const odd: ReadinessCheck = { name: 's3', check: () => Promise.reject('bucket missing') };
    const { controller } = setUp([throwing, odd]);
    const res = new RecordingResponse();
    await expect(controller.ready(res)).resolves.toEqual({
      status: 'not-ready',
      checks: { postgres: { status: 'down', error: 'pool closed' }, s3: { status: 'down', error: 'bucket missing' } },
    });
    expect(res.code).toBe(503);
  });

  it('counts a check that does not answer in time as down, without waiting for it', async () => {
    jest.useFakeTimers();
    try {
      const { controller } = setUp([up('kafka'), hanging('postgres')], 2_000);
      const res = new RecordingResponse();
      const answer = controller.ready(res);
      await jest.advanceTimersByTimeAsync(2_000);
      await expect(answer).resolves.toEqual({
        status: 'not-ready',
        checks: { kafka: 'up', postgres: { status: 'down', error: 'no answer within 2000 ms' } },
      });
      expect(res.code).toBe(503);
    } finally {
      jest.useRealTimers();
    }
  });

  it('runs the checks in parallel, so the slowest bounds the answer', async () => {
    jest.useFakeTimers();
    try {
      const slow = (name: string): ReadinessCheck => ({ name, check: () => new Promise<void>((r) => setTimeout(r, 800)) });
      const { controller } = setUp([slow('kafka'), slow('s3'), slow('postgres')], 1_000);
      const res = new RecordingResponse();
      const answer = controller.ready(res);
      await jest.advanceTimersByTimeAsync(800);
      await expect(answer).resolves.toMatchObject({ status: 'ready' });
    } finally {
      jest.useRealTimers();
    }
  });

  it('shares one evaluation between probes that arrive while it runs', async () => {
    const { promise, release } = deferred();
    const kafka: ReadinessCheck & { check: jest.Mock } = { name: 'kafka', check: jest.fn(() => promise) };
    const { controller } = setUp([kafka]);
    const first = controller.ready(new RecordingResponse());
    const second = controller.ready(new RecordingResponse());
    release();
    await expect(Promise.all([first, second])).resolves.toEqual([
      { status: 'ready', checks: { kafka: 'up' } },
      { status: 'ready', checks: { kafka: 'up' } },
    ]);
    expect(kafka.check).toHaveBeenCalledTimes(1);
    await controller.ready(new RecordingResponse());
    expect(kafka.check).toHaveBeenCalledTimes(2);
  });

  it('answers 503 on both endpoints once shutdown has begun, without running checks', async () => {
    const kafka = up('kafka');
    const { controller, lifecycle } = setUp([kafka]);
    lifecycle.markShuttingDown();
    const live = new RecordingResponse();
    const ready = new RecordingResponse();
    expect(controller.live(live)).toEqual({ status: 'shutting-down' });
    await expect(controller.ready(ready)).resolves.toEqual({ status: 'not-ready', reason: 'shutting-down', checks: {} });
    expect([live.code, ready.code]).toEqual([503, 503]);
    expect(kafka.check).not.toHaveBeenCalled();
  });

  it('answers 503 when shutdown begins while the checks run', async () => {
    const { promise, release } = deferred();
    const kafka: ReadinessCheck = { name: 'kafka', check: () => promise };
    const { controller, lifecycle } = setUp([kafka]);
    const res = new RecordingResponse();
    const answer = controller.ready(res);
    lifecycle.markShuttingDown();
    release();
    await expect(answer).resolves.toMatchObject({ status: 'not-ready', reason: 'shutting-down' });
    expect(res.code).toBe(503);
  });

  it('refuses two checks with the same name', () => {
    expect(() => setUp([up('kafka'), up('kafka')])).toThrow('two readiness checks are named "kafka"');
  });
});

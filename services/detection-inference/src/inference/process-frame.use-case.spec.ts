import type { Detection, FrameIngestedV1 } from '@argus/contracts';
import { EventHeaders, Topics } from '@argus/contracts';
import { NonRetryableError } from '@argus/messaging';
import type { Alert, AlertRule, FrameInference, LineAlertPolicy } from '@argus/persistence';
import { createLogger } from '@argus/platform';
import { strictMock } from '@argus/platform/testing';
import type { ScoredFrame } from './frame-batch.processor';
import { FrameFailureCodes, FrameUnprocessableError } from './frame-processing.errors';
import { type ProcessFrameDependencies, ProcessFrameUseCase } from './process-frame.use-case';

const FRAME_ID = '3b0c7f0e-52a4-4d55-9d43-5a2b7d0f1a01';
const MODEL_ID = '0f8e3c8e-9a44-4ce8-8b3f-2d9a1f4c6b22';
const NOW = new Date('2026-01-01T10:00:05.000Z');

const event: FrameIngestedV1 = {
  eventId: 'a1f0c6de-0b59-4f0f-9d1e-1f6a3c2b4d55',
  occurredAt: '2026-01-01T10:00:04.000Z',
  frameId: FRAME_ID,
  lineId: 'line-1',
  cameraId: 'cam-1',
  bucket: 'argus',
  objectKey: 'line-1/cam-1/2026/01/01/frame.png',
  templateKey: 'templates/line-1.png',
  contentType: 'image/png',
  width: 640,
  height: 480,
  byteSize: 1234,
  sha256: 'a'.repeat(64),
  capturedAt: '2026-01-01T10:00:03.000Z',
  source: 'simulator',
};

const scratch: Detection = { className: 'scratch', score: 0.9, box: { x1: 10, y1: 10, x2: 60, y2: 60 } };
const faint: Detection = { className: 'scratch', score: 0.2, box: { x1: 100, y1: 100, x2: 150, y2: 150 } };
const rules: AlertRule[] = [{ className: 'scratch', minScore: 0.5, minBoxAreaPx2: 100, severity: 'high' }];
const policy: LineAlertPolicy = { lineId: 'line-1', settings: { dedupWindowSeconds: 10 }, alertRules: rules };
const scored: ScoredFrame = {
  model: { id: MODEL_ID, name: 'factory', version: 'v1', artifactKey: 'models/factory/v1', usesTemplate: true, classes: ['scratch'] },
  detections: [scratch, faint],
  width: 640,
  height: 480,
  batchMs: 12,
  batchSize: 3,
};
const inference = (detections: Detection[]): FrameInference => ({
  frameId: FRAME_ID,
  modelVersionId: MODEL_ID,
  inferenceMs: 12,
  createdAt: NOW,
  detections: detections.map((d, ordinal) => ({ ...d, id: `d${ordinal}`, ordinal })),
});
const alertOf = (detections: Detection[]): Alert => ({
  id: 'c0ffee00-0000-4000-8000-000000000001',
  frameId: FRAME_ID,
  lineId: 'line-1',
  cameraId: 'cam-1',
  modelVersionId: MODEL_ID,
  severity: 'high',
  status: 'open',
  detections,
  kind: 'defect',
  audit: null,
  createdAt: NOW,
  updatedAt: NOW,
});

/** Strict mocks that record the order of every call. */
function harness(overrides: { [K in keyof ProcessFrameDependencies]?: Partial<NonNullable<ProcessFrameDependencies[K]>> } = {}) {
  const calls: string[] = [];
  const record = <A extends unknown[], R>(name: string, impl: (...args: A) => R) =>
    jest.fn((...args: A) => {
      calls.push(name);
      return impl(...args);
    });
  const deps = {
    frames: strictMock('frames', {
      markProcessed: record('frames.markProcessed', async () => ({}) as never),
      markFailed: record('frames.markFailed', async () => ({}) as never),
      ...overrides.frames,
    }),
    detections: strictMock('detections', {
      listForFrame: record('detections.listForFrame', async () => []),
      saveForFrame: record('detections.saveForFrame', async (_f: string, _m: string, d: readonly Detection[]) => ({
        inference: inference([...d]),
        created: true,
      })),
      ...overrides.detections,
    }),
    alerts: strictMock('alerts', {
      findForFrame: record('alerts.findForFrame', async () => []),
      raiseOnce: record('alerts.raiseOnce', async (input: { detections: readonly Detection[] }) => ({
        alert: alertOf([...input.detections]),
        created: true,
      })),
      ...overrides.alerts,
    }),
    alertHistory: strictMock('alertHistory', {
      alertsCapturedBetween: record('alertHistory.alertsCapturedBetween', async () => []),
      remember: record('alertHistory.remember', () => undefined),
      ...overrides.alertHistory,
    }),
    lines: strictMock('lines', {
      alertPolicyFor: record('lines.alertPolicyFor', async () => policy),
      ...overrides.lines,
    }),
    images: strictMock('images', {
      fetch: record('images.fetch', async () => ({ image: Buffer.from('frame'), template: Buffer.from('template') })),
      ...overrides.images,
    }),
    scorer: strictMock('scorer', { submit: record('scorer.submit', async () => scored), ...overrides.scorer }),
    bus: strictMock('bus', { publish: record('bus.publish', async () => undefined), ...overrides.bus }),
    now: () => NOW,
  } as ProcessFrameDependencies;
  return { deps, calls, useCase: new ProcessFrameUseCase(deps) };
}

describe('ProcessFrameUseCase', () => {
  it('looks for an existing alert when another delivery stored the same result first (save found it: created false)', async () => {
    const existing = { ...alertOf([scratch]), id: 'existing-alert' };
    const { calls, useCase } = harness({
      detections: {
        saveForFrame: async (_f: string, _m: string, d: readonly Detection[]) => ({ inference: inference([...d]), created: false }),
      },
      alerts: { findForFrame: async () => [existing] },
    });
    const result = await useCase.execute(event);
    expect(result.alert?.id).toBe('existing-alert');
    expect(calls).not.toContain('alerts.raiseOnce');
    expect(calls).not.toContain('lines.alertPolicyFor');
  });

  it("never takes continual-fine-tune's audit item on the frame for its alert, nor publishes one as raised", async () => {
    const auditItem = {
      ...alertOf([]),
      id: 'audit-item',
      kind: 'audit' as const,
      audit: { reason: 'near-threshold' as const, uncertainty: 0.9 },
    };
    const redelivered = harness({
      detections: {
        saveForFrame: async (_f: string, _m: string, d: readonly Detection[]) => ({ inference: inference([...d]), created: false }),
      },
      alerts: { findForFrame: async () => [auditItem] },
    });
    // The stored result meets the rules: the audit item found is not its alert, so it raises its own.
    expect((await redelivered.useCase.execute(event)).alert?.id).not.toBe('audit-item');
    expect(redelivered.calls).toContain('alerts.raiseOnce');

    // The rules were tightened after the item was made: the row is the item's, and nothing is published as an alert.
    const taken = harness({ alerts: { raiseOnce: async () => ({ alert: auditItem, created: false }) } });
    expect((await taken.useCase.execute(event)).alert).toBeNull();
    expect(taken.deps.bus.publish).toHaveBeenCalledTimes(1);
    expect(taken.calls).not.toContain('alertHistory.remember');
  });

  it('writes detections and the alert BEFORE publishing, and marks the frame processed last', async () => {
    const { deps, calls, useCase } = harness();
    const result = await useCase.execute(event);
    expect(calls).toEqual([
      'detections.listForFrame',
      'images.fetch',
      'scorer.submit',
      'detections.saveForFrame',
      // no alerts.findForFrame: detections created just now cannot have an alert yet
      'lines.alertPolicyFor',
      'alertHistory.alertsCapturedBetween',
      'alerts.raiseOnce',
      'alertHistory.remember', // the camera's history holds it before its next frame is judged
      'bus.publish',
      'bus.publish',
      'frames.markProcessed',
    ]);
    expect(deps.scorer.submit).toHaveBeenCalledWith({
      frameId: FRAME_ID,
      lineId: 'line-1',
      image: Buffer.from('frame'),
      template: Buffer.from('template'),
    });
    expect(deps.detections.saveForFrame).toHaveBeenCalledWith(FRAME_ID, MODEL_ID, [scratch, faint], { inferenceMs: 12 });
    expect(deps.alertHistory.alertsCapturedBetween).toHaveBeenCalledWith(
      'line-1',
      'cam-1',
      new Date('2026-01-01T09:59:53.000Z'),
      new Date('2026-01-01T10:00:03.000Z'),
      { excludeFrameId: FRAME_ID },
    );
    expect(deps.alerts.raiseOnce).toHaveBeenCalledWith(
      expect.objectContaining({ frameId: FRAME_ID, modelVersionId: MODEL_ID, severity: 'high', detections: [scratch] }),
    );
    expect(deps.alertHistory.remember).toHaveBeenCalledWith('line-1', 'cam-1', {
      alertId: alertOf([scratch]).id,
      frameId: FRAME_ID,
      modelVersionId: MODEL_ID,
      capturedAt: new Date(event.capturedAt),
      detections: [scratch],
    });
    const [detectionsCall, alertCall] = (deps.bus.publish as jest.Mock).mock.calls;
    expect(detectionsCall[0]).toBe(Topics.detectionsProduced);
    expect(Topics.detectionsProduced.schema.parse(detectionsCall[1])).toMatchObject({
      frameId: FRAME_ID,
      modelVersionId: MODEL_ID,
      detections: [scratch, faint],
      imageWidth: 640,
      imageHeight: 480,
      inferenceMs: 12,
    });
    expect(alertCall[0]).toBe(Topics.alertRaised);
    expect(Topics.alertRaised.schema.parse(alertCall[1])).toMatchObject({
      frameId: FRAME_ID,
      severity: 'high',
      detections: [scratch],
      objectKey: event.objectKey,
    });
    expect(result).toMatchObject({ modelVersionId: MODEL_ID, reused: false, alert: { severity: 'high' } });
  });

  it('does not resolve (so the offset is not committed) and publishes nothing when the detections write fails', async () => {
    const { deps, useCase } = harness({ detections: { saveForFrame: jest.fn(async () => Promise.reject(new Error('connection reset'))) } });
    await expect(useCase.execute(event)).rejects.toThrow('connection reset');
    expect(deps.bus.publish).not.toHaveBeenCalled();
    expect(deps.frames.markProcessed).not.toHaveBeenCalled();
    expect(deps.frames.markFailed).not.toHaveBeenCalled();
  });

  it('does not resolve when the alert write fails: nothing is published', async () => {
    const { deps, useCase } = harness({ alerts: { raiseOnce: jest.fn(async () => Promise.reject(new Error('deadlock'))) } });
    await expect(useCase.execute(event)).rejects.toThrow('deadlock');
    expect(deps.bus.publish).not.toHaveBeenCalled();
  });

  it('does not mark the frame processed (nor resolve) until both events are published', async () => {
    let releaseAlert: (() => void) | undefined;
    const { deps, calls, useCase } = harness({
      bus: {
        publish: jest.fn(async (topic: { name: string }) => {
          calls.push(`bus.publish ${topic.name}`);
          if (topic.name === Topics.alertRaised.name) await new Promise<void>((r) => (releaseAlert = r));
        }),
      },
    });
    let settled = false;
    const done = useCase.execute(event).finally(() => void (settled = true));
    await new Promise((r) => setImmediate(r));
    expect(calls.filter((c) => c.startsWith('bus.publish'))).toHaveLength(2);
    expect(deps.frames.markProcessed).not.toHaveBeenCalled();
    expect(settled).toBe(false);
    releaseAlert?.();
    await done;
    expect(calls[calls.length - 1]).toBe('frames.markProcessed');
  });

  it('does not resolve (the offset stays) and does not mark the frame processed when a publish fails', async () => {
    const { deps, useCase } = harness({
      bus: {
        publish: jest.fn(async (topic: { name: string }) =>
          topic.name === Topics.alertRaised.name ? Promise.reject(new Error('broker down')) : undefined,
        ),
      },
    });
    await expect(useCase.execute(event)).rejects.toThrow('broker down');
    expect(deps.frames.markProcessed).not.toHaveBeenCalled();
  });

  it('reads no alert policy for a line it does not know: no alert', async () => {
    const { deps, useCase } = harness({ lines: { alertPolicyFor: jest.fn(async () => null) } });
    const result = await useCase.execute(event);
    expect(result.alert).toBeNull();
    expect(deps.alerts.raiseOnce).not.toHaveBeenCalled();
  });

  it('publishes detections but raises no alert when nothing meets the rules', async () => {
    const { deps, useCase } = harness({ scorer: { submit: jest.fn(async () => ({ ...scored, detections: [faint] })) } });
    const result = await useCase.execute(event);
    expect(result.alert).toBeNull();
    expect(deps.alerts.raiseOnce).not.toHaveBeenCalled();
    expect(deps.alertHistory.alertsCapturedBetween).not.toHaveBeenCalled();
    expect((deps.bus.publish as jest.Mock).mock.calls.map((c) => c[0])).toEqual([Topics.detectionsProduced]);
    expect(deps.frames.markProcessed).toHaveBeenCalledWith(FRAME_ID);
  });

  it('raises no alert when the same defect was alerted on this camera within the window', async () => {
    const { deps, useCase } = harness({
      alertHistory: {
        alertsCapturedBetween: jest.fn(async () => [
          {
            alertId: 'x',
            frameId: 'f0c4a4e4-0000-4000-8000-000000000000',
            modelVersionId: MODEL_ID,
            capturedAt: new Date('2026-01-01T10:00:01.000Z'),
            detections: [{ ...scratch, box: { x1: 12, y1: 11, x2: 61, y2: 62 } }],
          },
        ]),
      },
    });
    const result = await useCase.execute(event);
    expect(result.alert).toBeNull();
    expect(deps.alerts.raiseOnce).not.toHaveBeenCalled();
    expect((deps.bus.publish as jest.Mock).mock.calls.map((c) => c[0])).toEqual([Topics.detectionsProduced]);
  });

  it('skips the history query when the line has no dedup window', async () => {
    const { deps, useCase } = harness({ lines: { alertPolicyFor: jest.fn(async () => ({ ...policy, settings: {} })) } });
    await useCase.execute(event);
    expect(deps.alertHistory.alertsCapturedBetween).not.toHaveBeenCalled();
    expect(deps.alerts.raiseOnce).toHaveBeenCalled();
  });

  it.each([
    ['a missing frame object', FrameFailureCodes.objectMissing, 'images'],
    ['a missing template object', FrameFailureCodes.templateMissing, 'images'],
    ['an undecodable frame', FrameFailureCodes.undecodable, 'scorer'],
    ['a line without a production model', FrameFailureCodes.noProductionModel, 'scorer'],
  ] as const)('marks %s failed with the reason and dead-letters it (NonRetryableError %s)', async (_what, code, where) => {
    const failure = jest.fn(async () => Promise.reject(new FrameUnprocessableError(code, 'the details')));
    const { deps, calls, useCase } = harness(where === 'images' ? { images: { fetch: failure } } : { scorer: { submit: failure } });
    const error = await useCase.execute(event).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NonRetryableError);
    expect((error as NonRetryableError).code).toBe(code);
    expect(deps.frames.markFailed).toHaveBeenCalledWith(FRAME_ID, `${code}: the details`);
    expect(calls[calls.length - 1]).toBe('frames.markFailed');
    expect(deps.detections.saveForFrame).not.toHaveBeenCalled();
    expect(deps.bus.publish).not.toHaveBeenCalled();
  });

  it('dead-letters an unscorable frame with its reason said once in the log line the bus writes', async () => {
    const reason = 'model pcb-template-s4 20261128T192216Z compares frames with the line’s golden template, and frame f-1 came without one';
    const { useCase } = harness({
      scorer: { submit: jest.fn(async () => Promise.reject(new FrameUnprocessableError(FrameFailureCodes.templateMissing, reason))) },
    });
    const error = await useCase.execute(event).catch((e: unknown) => e);
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({
      service: 'detection-inference',
      version: 't',
      destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
    });
    logger.error({ err: error }, 'handler failed: dead-lettering the message'); // as MessageProcessor logs it
    expect((lines[0]?.['err'] as { message: string; code: string }).message).toBe(reason);
    expect((lines[0]?.['err'] as { code: string }).code).toBe(FrameFailureCodes.templateMissing);
  });

  it('retries (not dead-letters) when the failure reason cannot be recorded', async () => {
    const { useCase } = harness({
      images: { fetch: jest.fn(async () => Promise.reject(new FrameUnprocessableError(FrameFailureCodes.objectMissing, 'gone'))) },
      frames: { markFailed: jest.fn(async () => Promise.reject(new Error('database down'))) },
    });
    const error = await useCase.execute(event).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(NonRetryableError);
    expect((error as Error).message).toBe('database down');
  });

  it('lets a transient failure (worker died, store unavailable) retry, without marking the frame failed', async () => {
    const { deps, useCase } = harness({
      scorer: { submit: jest.fn(async () => Promise.reject(new Error('inference worker exited with code 1'))) },
    });
    const error = await useCase.execute(event).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(NonRetryableError);
    expect(deps.frames.markFailed).not.toHaveBeenCalled();
  });

  it('on redelivery reuses the stored result and alert: no model run, no second alert, same event ids', async () => {
    const first = harness();
    await first.useCase.execute(event);
    const firstEvents = (first.deps.bus.publish as jest.Mock).mock.calls.map((c) => c[1] as { eventId: string; alertId?: string });

    const stored = alertOf([scratch]);
    const again = harness({
      detections: { listForFrame: jest.fn(async () => [inference([scratch, faint])]) },
      alerts: { findForFrame: jest.fn(async () => [{ ...stored, id: firstEvents[1]?.alertId as string }]) },
    });
    const result = await again.useCase.execute(event);
    expect(result.reused).toBe(true);
    expect(again.deps.images.fetch).not.toHaveBeenCalled();
    expect(again.deps.scorer.submit).not.toHaveBeenCalled();
    expect(again.deps.detections.saveForFrame).not.toHaveBeenCalled();
    expect(again.deps.alerts.raiseOnce).not.toHaveBeenCalled();
    const againEvents = (again.deps.bus.publish as jest.Mock).mock.calls.map((c) => c[1] as { eventId: string });
    expect(againEvents.map((e) => e.eventId)).toEqual(firstEvents.map((e) => e.eventId));
    // The first time new (no header), again marked as repeats: counts of frames scored and alerts raised leave them out.
    const repeatHeader = (calls: unknown[][]) =>
      calls.map((c) => (c[2] as { headers?: Record<string, string> } | undefined)?.headers?.[EventHeaders.repeat]);
    expect(repeatHeader((first.deps.bus.publish as jest.Mock).mock.calls)).toEqual([undefined, undefined]);
    expect(repeatHeader((again.deps.bus.publish as jest.Mock).mock.calls)).toEqual(['true', 'true']);
    expect(again.deps.frames.markProcessed).toHaveBeenCalledWith(FRAME_ID);
  });
  describe('read-ahead (hint)', () => {
    it('scores a hinted frame at once and writes nothing; its turn uses that score instead of scoring again', async () => {
      const { deps, calls, useCase } = harness();
      useCase.hint(event);
      await new Promise((resolve) => setImmediate(resolve));
      expect(calls).toEqual(['images.fetch', 'scorer.submit']);

      await useCase.execute(event);
      expect(deps.scorer.submit).toHaveBeenCalledTimes(1);
      expect(deps.images.fetch).toHaveBeenCalledTimes(1);
      expect(calls.slice(2)).toEqual([
        'detections.listForFrame',
        'detections.saveForFrame',
        'lines.alertPolicyFor',
        'alertHistory.alertsCapturedBetween',
        'alerts.raiseOnce',
        'alertHistory.remember',
        'bus.publish',
        'bus.publish',
        'frames.markProcessed',
      ]);
      // A later attempt (a retry) scores again: a read-ahead result is used once.
      await useCase.execute(event);
      expect(deps.scorer.submit).toHaveBeenCalledTimes(2);
    });

    it('a hinted frame that cannot be scored fails in its turn, as if scored then: marked failed, dead-lettered', async () => {
      const { deps, calls, useCase } = harness({
        images: { fetch: jest.fn(async () => Promise.reject(new FrameUnprocessableError(FrameFailureCodes.objectMissing, 'gone'))) },
      });
      useCase.hint(event);
      await new Promise((resolve) => setImmediate(resolve));
      expect(deps.frames.markFailed).not.toHaveBeenCalled(); // nothing is written before the turn

      const error = await useCase.execute(event).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NonRetryableError);
      expect(deps.images.fetch).toHaveBeenCalledTimes(1);
      expect(calls[calls.length - 1]).toBe('frames.markFailed');
    });

    it('reads no further ahead while readAheadLimit frames are being scored, in their turn or ahead', async () => {
      const release: Array<() => void> = [];
      const { deps } = harness();
      const scorer = { submit: jest.fn(() => new Promise<ScoredFrame>((resolve) => release.push(() => resolve(scored)))) };
      const useCase = new ProcessFrameUseCase({ ...deps, scorer, readAheadLimit: 2 });
      const other = (n: number) => ({ ...event, frameId: `a6f0c6de-0b59-4f0f-9d1e-1f6a3c2b4d9${n}` });
      const inTurn = useCase.execute(other(0));
      await new Promise((resolve) => setTimeout(resolve, 5)); // scoring in its turn: 1 of 2
      useCase.hint(other(1)); // 2 of 2
      useCase.hint(other(2)); // skipped: the model has a batch's worth
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(scorer.submit).toHaveBeenCalledTimes(2);
      release.shift()?.();
      await inTurn;
      useCase.hint(other(2)); // room again
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(scorer.submit).toHaveBeenCalledTimes(3);
      release.forEach((r) => r());
    });

    it('drops the read-ahead score of a frame that was scored before (a redelivery reuses the stored result)', async () => {
      const { deps, useCase } = harness({
        detections: { listForFrame: jest.fn(async () => [inference([scratch])]) },
        alerts: { findForFrame: jest.fn(async () => []) },
      });
      useCase.hint(event);
      const result = await useCase.execute(event);
      expect(result.reused).toBe(true);
      expect(deps.detections.saveForFrame).not.toHaveBeenCalled();
    });
  });
});

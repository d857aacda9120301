import { REPEAT_HEADERS, Topics } from '@argus/contracts';
import { InMemoryMessageBusAdapter, type MessagingLogger, type PipelineHealthReader } from '@argus/messaging';
import { type ModelNames, PipelineStatusMonitor, type StoredTotalsSource } from './pipeline-status.monitor';

const quiet: MessagingLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const V1 = '00000000-0000-4000-8000-000000000001';
const V2 = '00000000-0000-4000-8000-000000000002';
const names: ModelNames = {
  findVersionDetails: async (ids) =>
    ids.flatMap((id): Awaited<ReturnType<ModelNames['findVersionDetails']>> =>
      id === V1
        ? [{ id, name: 'factory-template', version: 'v1', evaluation: null }]
        : id === V2
          ? [{ id, name: 'factory-template', version: 'v2', evaluation: { split: 'holdout', map50: 0.8125 } }]
          : [],
    ),
};
const nothingStored: StoredTotalsSource = { storedTotals: async () => ({ framesStored: 0, framesScored: 0, alerts: 0 }) };
const fresh = { headers: {} };
const repeat = { headers: REPEAT_HEADERS };

describe('PipelineStatusMonitor', () => {
  it('counts new frames stored and scored per second over its window, alerts over the last minute', async () => {
    let now = 0;
    const monitor = new PipelineStatusMonitor(new InMemoryMessageBusAdapter({ logger: quiet }), names, nothingStored, undefined, {
      frameWindowMs: 10_000,
      now: () => now,
    });
    now = 20_000;
    for (let i = 0; i < 30; i++) {
      monitor.onFrameIngested(fresh);
      await monitor.onFrameScored('factory-1', V1, fresh);
    }
    monitor.onAlert(fresh);
    now = 25_000;
    expect(monitor.snapshot()).toMatchObject({
      framesStoredPerSecond: 3,
      framesScoredPerSecond: 3,
      alertsPerMinute: 1,
      totals: { framesStored: 30, framesScored: 30, alerts: 1 },
    });
    now = 31_000; // the frames left the 10 s window; the alert is still within the minute
    expect(monitor.snapshot()).toMatchObject({
      framesStoredPerSecond: 0,
      framesScoredPerSecond: 0,
      alertsPerMinute: 1,
      totals: { framesStored: 30 },
    });
    now = 81_000;
    expect(monitor.snapshot()).toMatchObject({ alertsPerMinute: 0, totals: { alerts: 1 } });
  });

  it('divides by the time since start while it is shorter than the window', async () => {
    let now = 1_000;
    const monitor = new PipelineStatusMonitor(new InMemoryMessageBusAdapter({ logger: quiet }), names, nothingStored, undefined, {
      frameWindowMs: 10_000,
      now: () => now,
    });
    now = 3_000;
    for (let i = 0; i < 4; i++) await monitor.onFrameScored('pcb-1', V1, fresh);
    expect(monitor.snapshot().framesScoredPerSecond).toBe(2);
  });

  it('counts repeated events (a frame sent again, its stored result and alert published again) as duplicates, never as work', async () => {
    const monitor = new PipelineStatusMonitor(new InMemoryMessageBusAdapter({ logger: quiet }), names, nothingStored, undefined);
    monitor.onFrameIngested(fresh);
    await monitor.onFrameScored('factory-1', V1, fresh);
    monitor.onAlert(fresh);
    for (let i = 0; i < 5; i++) {
      monitor.onFrameIngested(repeat);
      await monitor.onFrameScored('factory-1', V1, repeat);
      monitor.onAlert(repeat);
    }
    expect(monitor.snapshot()).toMatchObject({
      duplicatesSkipped: 5,
      alertsPerMinute: 1,
      totals: { framesStored: 1, framesScored: 1, alerts: 1 },
    });
  });

  it('starts its totals from what the database holds (earlier runs) and reads dead letters from the bus', async () => {
    const stored: StoredTotalsSource = { storedTotals: async () => ({ framesStored: 500, framesScored: 498, alerts: 40 }) };
    const health: PipelineHealthReader = {
      pipelineHealth: async () => ({
        consumerGroups: [],
        deadLetters: [
          { topic: `${Topics.frameIngested.name}.dlq`, count: 2 },
          { topic: `${Topics.alertRaised.name}.dlq`, count: 1 },
        ],
      }),
    };
    const bus = new InMemoryMessageBusAdapter({ logger: quiet });
    const monitor = new PipelineStatusMonitor(bus, names, stored, health);
    await monitor.start();
    monitor.onFrameIngested(fresh);
    expect(monitor.snapshot()).toMatchObject({
      totals: { framesStored: 501, framesScored: 498, alerts: 40 },
      deadLetters: 3,
      duplicatesSkipped: 0,
    });
    await monitor.stop();
  });

  it('shows the model that scored each line’s latest frame, by name and version (id prefix when unknown)', async () => {
    const monitor = new PipelineStatusMonitor(new InMemoryMessageBusAdapter({ logger: quiet }), names, nothingStored, undefined);
    await monitor.onFrameScored('pcb-1', '00000000-0000-4000-8000-0000000000ff', fresh);
    await monitor.onFrameScored('factory-1', V1, fresh);
    await monitor.onFrameScored('factory-1', V2, repeat);
    expect(monitor.snapshot().models).toEqual([
      { lineId: 'factory-1', model: 'factory-template@v2', ap50: { value: 0.8125, split: 'holdout' } },
      { lineId: 'pcb-1', model: '00000000' },
    ]);
  });

  it('shows per line what the fine-tune loop does: a job’s progress, then its candidate with its holdout AP and gates, or why it failed', async () => {
    const monitor = new PipelineStatusMonitor(new InMemoryMessageBusAdapter({ logger: quiet }), names, nothingStored, undefined);
    await monitor.onFrameScored('factory-1', V1, fresh);
    await monitor.onFrameScored('pcb-1', V1, fresh);
    await monitor.onTrainingProgress({ lineId: 'factory-1', phase: 'training', step: 3, totalSteps: 12 });
    expect(monitor.snapshot().models[0]).toEqual({
      lineId: 'factory-1',
      model: 'factory-template@v1',
      learning: { state: 'training', phase: 'training', step: 3, totalSteps: 12 },
    });
    await monitor.onTrainingCompleted({ lineId: 'factory-1', candidateModelVersionId: V2, gatesPassed: false });
    await monitor.onTrainingFailed({ lineId: 'pcb-1', outcome: 'failed', errorCode: 'training-job.bad-data' });
    expect(monitor.snapshot().models).toEqual([
      {
        lineId: 'factory-1',
        model: 'factory-template@v1',
        learning: {
          state: 'candidate',
          candidate: { model: 'factory-template@v2', ap50: { value: 0.8125, split: 'holdout' } },
          gatesPassed: false,
        },
      },
      {
        lineId: 'pcb-1',
        model: 'factory-template@v1',
        learning: { state: 'failed', outcome: 'failed', errorCode: 'training-job.bad-data' },
      },
    ]);
  });

  it('follows frame-ingested, detections-produced and alert-raised on the bus, with its own consumer groups, repeats apart', async () => {
    const bus = new InMemoryMessageBusAdapter({ logger: quiet });
    const monitor = new PipelineStatusMonitor(bus, names, nothingStored, undefined);
    await monitor.start();
    await bus.start();
    const frameId = '00000000-0000-4000-8000-00000000000a';
    const base = { occurredAt: new Date().toISOString(), frameId, lineId: 'factory-1', cameraId: 'cam-1' };
    const ingested = {
      ...base,
      eventId: '00000000-0000-4000-8000-0000000000a1',
      bucket: 'argus',
      objectKey: 'factory-1/cam-1/x.png',
      templateKey: null,
      contentType: 'image/png' as const,
      width: 64,
      height: 64,
      byteSize: 100,
      sha256: 'a'.repeat(64),
      capturedAt: new Date().toISOString(),
      source: 'simulator' as const,
    };
    const detection = { className: 'dent', score: 0.9, box: { x1: 1, y1: 1, x2: 9, y2: 9 } };
    const produced = {
      ...base,
      modelVersionId: V1,
      eventId: '00000000-0000-4000-8000-0000000000b1',
      detections: [detection],
      imageWidth: 64,
      imageHeight: 64,
      inferenceMs: 3,
    };
    const raised = {
      ...base,
      modelVersionId: V1,
      eventId: '00000000-0000-4000-8000-0000000000b2',
      alertId: '00000000-0000-4000-8000-0000000000c1',
      severity: 'high' as const,
      objectKey: 'factory-1/cam-1/x.png',
      detections: [detection],
    };
    // The frame once, then sent again with the same bytes (what a restart that replayed old scenes did).
    for (const options of [{}, { headers: REPEAT_HEADERS }]) {
      await bus.publish(Topics.frameIngested, ingested, options);
      await bus.publish(Topics.detectionsProduced, produced, options);
      await bus.publish(Topics.alertRaised, raised, options);
    }
    await bus.idle(5_000);
    expect(monitor.snapshot()).toMatchObject({
      totals: { framesStored: 1, framesScored: 1, alerts: 1 },
      duplicatesSkipped: 1,
      models: [{ lineId: 'factory-1', model: 'factory-template@v1' }],
    });
    await monitor.stop();
    await bus.stop();
  });
});

import { Topics } from '@argus/contracts';
import { InMemoryMessageBusAdapter, type MessagingLogger } from '@argus/messaging';
import { type ModelNames, PipelineStatusMonitor } from './pipeline-status.monitor';

const quiet: MessagingLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const V1 = '00000000-0000-4000-8000-000000000001';
const V2 = '00000000-0000-4000-8000-000000000002';
const names: ModelNames = {
  findVersion: async (id) => (id === V1 ? { name: 'factory-template', version: 'v1' } : id === V2 ? { name: 'factory-template', version: 'v2' } : null),
};

describe('PipelineStatusMonitor', () => {
  it('counts frames per second over its window and alerts over the last minute', async () => {
    let now = 0;
    const monitor = new PipelineStatusMonitor(new InMemoryMessageBusAdapter({ logger: quiet }), names, { frameWindowMs: 10_000, now: () => now });
    now = 20_000;
    for (let i = 0; i < 30; i++) await monitor.onFrameScored('factory-1', V1);
    monitor.onAlert();
    now = 25_000;
    expect(monitor.snapshot()).toMatchObject({ framesPerSecond: 3, alertsPerMinute: 1, framesTotal: 30, alertsTotal: 1 });
    now = 31_000; // the frames left the 10 s window; the alert is still within the minute
    expect(monitor.snapshot()).toMatchObject({ framesPerSecond: 0, alertsPerMinute: 1, framesTotal: 30 });
    now = 81_000;
    expect(monitor.snapshot()).toMatchObject({ alertsPerMinute: 0, alertsTotal: 1 });
  });

  it('divides by the time since start while it is shorter than the window', async () => {
    let now = 1_000;
    const monitor = new PipelineStatusMonitor(new InMemoryMessageBusAdapter({ logger: quiet }), names, { frameWindowMs: 10_000, now: () => now });
    now = 3_000;
    for (let i = 0; i < 4; i++) await monitor.onFrameScored('pcb-1', V1);
    expect(monitor.snapshot().framesPerSecond).toBe(2);
  });

  it('shows the model that scored each line’s latest frame, by name and version (id prefix when unknown)', async () => {
    const monitor = new PipelineStatusMonitor(new InMemoryMessageBusAdapter({ logger: quiet }), names);
    await monitor.onFrameScored('pcb-1', '00000000-0000-4000-8000-0000000000ff');
    await monitor.onFrameScored('factory-1', V1);
    await monitor.onFrameScored('factory-1', V2);
    expect(monitor.snapshot().models).toEqual([
      { lineId: 'factory-1', model: 'factory-template@v2' },
      { lineId: 'pcb-1', model: '00000000' },
    ]);
  });

  it('follows detections-produced and alert-raised on the bus, with its own consumer groups', async () => {
    const bus = new InMemoryMessageBusAdapter({ logger: quiet });
    const monitor = new PipelineStatusMonitor(bus, names);
    await monitor.start();
    await bus.start();
    const frameId = '00000000-0000-4000-8000-00000000000a';
    const base = { occurredAt: new Date().toISOString(), frameId, lineId: 'factory-1', cameraId: 'cam-1', modelVersionId: V1 };
    const detection = { className: 'dent', score: 0.9, box: { x1: 1, y1: 1, x2: 9, y2: 9 } };
    await bus.publish(Topics.detectionsProduced, { ...base, eventId: '00000000-0000-4000-8000-0000000000b1', detections: [detection], imageWidth: 64, imageHeight: 64, inferenceMs: 3 });
    await bus.publish(Topics.alertRaised, { ...base, eventId: '00000000-0000-4000-8000-0000000000b2', alertId: '00000000-0000-4000-8000-0000000000c1', severity: 'high', objectKey: 'factory-1/cam-1/x.png', detections: [detection] });
    await bus.idle(5_000);
    expect(monitor.snapshot()).toMatchObject({ framesTotal: 1, alertsTotal: 1, models: [{ lineId: 'factory-1', model: 'factory-template@v1' }] });
    await monitor.stop();
    await bus.stop();
  });
});

import type { Detection, DetectionsProducedV1 } from '@argus/contracts';
import { strictMock } from '@argus/platform/testing';
import { AuditUnknownFrameError } from '../continual.errors';
import { DEFAULT_AUDIT_POLICY } from './audit-sampler';
import type { AuditItemStore, LineAlertThresholds } from './audit-item.ports';
import { LineAlertThresholdCache } from './line-alert-threshold.cache';
import { SampleAuditItemUseCase } from './sample-audit-item.use-case';

const FRAME = '00000000-0000-4000-8000-0000000000f1';
const MODEL = '00000000-0000-4000-8000-0000000000e1';
const box = { x1: 1, y1: 2, x2: 30, y2: 40 };
const det = (score: number, className = 'short'): Detection => ({ className, score, box });
const event = (detections: Detection[]): DetectionsProducedV1 => ({
  eventId: '00000000-0000-4000-8000-000000000001',
  occurredAt: '2026-12-07T10:00:00.000Z',
  frameId: FRAME,
  lineId: 'pcb-1',
  cameraId: 'cam-1',
  modelVersionId: MODEL,
  detections,
  imageWidth: 64,
  imageHeight: 48,
  inferenceMs: 3,
});
/** No random share: only the near-threshold rule samples, so each case is decided by the score alone. */
const policy = { ...DEFAULT_AUDIT_POLICY, noAlertShare: 0 };

function setUp(options: { threshold?: number | null; open?: number; stored?: { created: boolean; kind: 'defect' | 'audit' } } = {}) {
  const thresholds = strictMock<LineAlertThresholds>('thresholds', {
    thresholdFor: jest.fn(async () => (options.threshold === undefined ? 0.5 : options.threshold)),
  });
  const items = strictMock<{ [K in keyof AuditItemStore]: jest.Mock }>('items', {
    frameHash: jest.fn(async () => 'ab'.repeat(32)),
    countOpen: jest.fn(async () => options.open ?? 0),
    createOnce: jest.fn(async () => ({ id: 'audit-1', ...(options.stored ?? { created: true, kind: 'audit' as const }) })),
  });
  return { items, useCase: new SampleAuditItemUseCase(thresholds, items, policy) };
}

describe('SampleAuditItemUseCase', () => {
  it("makes a frame whose best score fell just under the line's threshold an audit item, with the weak boxes", async () => {
    const { items, useCase } = setUp();
    await expect(useCase.execute(event([det(0.2), det(0.45, 'open')]))).resolves.toEqual({ outcome: 'created', alertId: 'audit-1' });
    expect(items.countOpen).toHaveBeenCalledWith('pcb-1', policy.maxOpenItems);
    expect(items.createOnce).toHaveBeenCalledWith({
      frameId: FRAME,
      lineId: 'pcb-1',
      cameraId: 'cam-1',
      modelVersionId: MODEL,
      detections: [det(0.2), det(0.45, 'open')],
      audit: { reason: 'near-threshold', uncertainty: expect.closeTo(0.9, 6) },
    });
  });

  it('leaves a frame with a detection at or above the threshold alone: it alerted (or was a duplicate of an alert)', async () => {
    const { items, useCase } = setUp();
    await expect(useCase.execute(event([det(0.5)]))).resolves.toEqual({ outcome: 'skipped', reason: 'alerted' });
    await expect(useCase.execute(event([det(0.1), det(0.97)]))).resolves.toEqual({ outcome: 'skipped', reason: 'alerted' });
    expect(items.createOnce).not.toHaveBeenCalled();
  });

  it('samples nothing on a line without alert rules, and nothing far under the threshold (no random share)', async () => {
    const noRules = setUp({ threshold: null });
    await expect(noRules.useCase.execute(event([det(0.45)]))).resolves.toEqual({ outcome: 'skipped', reason: 'no-alert-rules' });
    const far = setUp();
    await expect(far.useCase.execute(event([det(0.1)]))).resolves.toEqual({ outcome: 'skipped', reason: 'not-sampled' });
    await expect(far.useCase.execute(event([]))).resolves.toEqual({ outcome: 'skipped', reason: 'not-sampled' });
    expect(far.items.createOnce).not.toHaveBeenCalled();
  });

  it("stops at the line's open-item cap", async () => {
    const { items, useCase } = setUp({ open: policy.maxOpenItems });
    await expect(useCase.execute(event([det(0.45)]))).resolves.toEqual({ outcome: 'skipped', reason: 'not-sampled' });
    expect(items.createOnce).not.toHaveBeenCalled();
  });

  it('answers the stored item on a redelivery', async () => {
    const { useCase } = setUp({ stored: { created: false, kind: 'audit' } });
    await expect(useCase.execute(event([det(0.45)]))).resolves.toEqual({ outcome: 'exists', alertId: 'audit-1' });
  });

  it('refuses a frame this installation does not store (the consumer dead-letters it)', async () => {
    const { items, useCase } = setUp();
    items.frameHash.mockResolvedValueOnce(null);
    await expect(useCase.execute(event([det(0.45)]))).rejects.toBeInstanceOf(AuditUnknownFrameError);
  });
});

describe('LineAlertThresholdCache', () => {
  it("is the lowest min-score of the line's rules, read once per TTL, null without rules", async () => {
    let now = 0;
    const rules = { alertRulesFor: jest.fn() };
    rules.alertRulesFor
      .mockResolvedValueOnce([
        { className: '*', minScore: 0.6, minBoxAreaPx2: 0, severity: 'low' },
        { className: 'short', minScore: 0.4, minBoxAreaPx2: 0, severity: 'high' },
      ])
      .mockResolvedValueOnce([]);
    const cache = new LineAlertThresholdCache(rules, 1_000, () => now);
    await expect(cache.thresholdFor('pcb-1')).resolves.toBe(0.4);
    now = 999;
    await expect(cache.thresholdFor('pcb-1')).resolves.toBe(0.4);
    expect(rules.alertRulesFor).toHaveBeenCalledTimes(1);
    now = 1_000;
    await expect(cache.thresholdFor('pcb-1')).resolves.toBeNull();
    expect(rules.alertRulesFor).toHaveBeenCalledTimes(2);
  });

  it('does not keep a failed read', async () => {
    const rules = { alertRulesFor: jest.fn().mockRejectedValueOnce(new Error('db down')).mockResolvedValueOnce([]) };
    const cache = new LineAlertThresholdCache(rules, 60_000, () => 0);
    await expect(cache.thresholdFor('pcb-1')).rejects.toThrow('db down');
    await expect(cache.thresholdFor('pcb-1')).resolves.toBeNull();
  });
});

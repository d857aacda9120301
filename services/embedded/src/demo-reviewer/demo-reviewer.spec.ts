import type { AlertWithFrame } from '@argus/persistence';
import type { SubmitReviewCommand } from '../service-modules.imports';
import { DemoReviewer } from './demo-reviewer';
import type { LocatedScene } from './simulated-scene.locator';

const SINCE = new Date('2026-12-07T10:00:00Z');
const dent = { className: 'dent', box: { x1: 10, y1: 10, x2: 50, y2: 50 } };

function alert(id: string, overrides: Partial<AlertWithFrame> = {}): AlertWithFrame {
  return {
    id,
    frameId: `frame-${id}`,
    lineId: 'factory-1',
    cameraId: 'cam-1',
    modelVersionId: 'model',
    severity: 'high',
    status: 'open',
    kind: 'defect',
    audit: null,
    detections: [{ className: 'scratch', score: 0.9, box: { x1: 100, y1: 100, x2: 140, y2: 140 } }],
    createdAt: new Date(SINCE.getTime() + 1000),
    updatedAt: new Date(SINCE.getTime() + 1000),
    frame: { capturedAt: new Date(SINCE.getTime() + 900), width: 256, height: 256, objectKey: `k/${id}.png`, templateKey: null },
    ...overrides,
  };
}

/** A reviewer over a fixed queue (newest first) whose scenes are known by frame id. */
function reviewerOver(queue: AlertWithFrame[], scenes: Record<string, LocatedScene | null>, auditQueue: AlertWithFrame[] = []) {
  const submitted: SubmitReviewCommand[] = [];
  const reviewer = new DemoReviewer(
    {
      alerts: {
        findAlerts: async () => queue.filter((a) => !submitted.some((s) => s.alertId === a.id)),
        findAuditItems: async () => auditQueue.filter((a) => !submitted.some((s) => s.alertId === a.id)),
      },
      locator: { covers: (_line, camera) => camera !== 'upload-cam', locate: async (frame) => scenes[frame.frameId] ?? null },
      submit: { execute: async (command) => void submitted.push(command) },
      reviewer: { id: 'user-1', name: 'demo-reviewer' },
      logger: { warn: () => undefined, debug: () => undefined },
    },
    { paceMs: 1000, since: SINCE },
  );
  return { reviewer, submitted };
}

describe('DemoReviewer', () => {
  it('decides through the review use case as its user: rejects a good part, corrects with the true boxes', async () => {
    const { reviewer, submitted } = reviewerOver([alert('good'), alert('bad')], {
      'frame-good': { boxes: [] },
      'frame-bad': { index: 7, boxes: [dent] },
    });
    expect(await reviewer.reviewOne()).toBe('corrected'); // first turn: the defective part first
    expect(await reviewer.reviewOne()).toBe('rejected');
    expect(await reviewer.reviewOne()).toBeNull();
    expect(submitted).toEqual([
      expect.objectContaining({ alertId: 'bad', decision: 'corrected', boxes: [dent], reviewer: { id: 'user-1', name: 'demo-reviewer' } }),
      expect.objectContaining({ alertId: 'good', decision: 'rejected', reviewer: { id: 'user-1', name: 'demo-reviewer' } }),
    ]);
    expect(submitted[1]?.boxes).toBeUndefined();
    expect(reviewer.reviewed()).toEqual({ confirmed: 0, corrected: 1, rejected: 1, skipped: 0 });
  });

  it('takes the newest alert every third turn, and the newest when the page holds no defective part', async () => {
    const { reviewer, submitted } = reviewerOver([alert('good-1'), alert('bad-1'), alert('good-2'), alert('bad-2'), alert('good-3')], {
      'frame-good-1': { boxes: [] },
      'frame-good-2': { boxes: [] },
      'frame-good-3': { boxes: [] },
      'frame-bad-1': { index: 7, boxes: [dent] },
      'frame-bad-2': { index: 9, boxes: [dent] },
    });
    for (let turn = 0; turn < 5; turn++) await reviewer.reviewOne();
    // a defect, a defect, the newest; then a defect is preferred but none is left: the newest
    expect(submitted.map((s) => s.alertId)).toEqual(['bad-1', 'bad-2', 'good-1', 'good-2', 'good-3']);
  });

  it('leaves to people what it cannot know: alerts from before this run, other cameras, scenes it cannot find (skipped once)', async () => {
    const { reviewer, submitted } = reviewerOver(
      [alert('old', { createdAt: new Date(SINCE.getTime() - 1) }), alert('upload', { cameraId: 'upload-cam' }), alert('lost'), alert('ok')],
      { 'frame-old': { boxes: [] }, 'frame-upload': { boxes: [] }, 'frame-lost': null, 'frame-ok': { boxes: [] } },
    );
    expect(await reviewer.reviewOne()).toBe('rejected');
    expect(await reviewer.reviewOne()).toBeNull();
    expect(submitted.map((s) => s.alertId)).toEqual(['ok']);
    expect(reviewer.reviewed()).toEqual({ confirmed: 0, corrected: 0, rejected: 1, skipped: 1 });
  });

  it('every fourth decision takes the most uncertain audit item: a missed defect corrected to its true boxes, a good part "no defect"', async () => {
    const audit = (id: string) => alert(id, { kind: 'audit', audit: { reason: 'near-threshold', uncertainty: 0.9 }, detections: [] });
    const { reviewer, submitted } = reviewerOver(
      [alert('good-1'), alert('good-2'), alert('good-3'), alert('good-4'), alert('good-5'), alert('good-6')],
      Object.fromEntries([
        ...[1, 2, 3, 4, 5, 6].map((i) => [`frame-good-${i}`, { boxes: [] }]),
        ['frame-missed', { index: 4, boxes: [dent] }],
        ['frame-clean', { boxes: [] }],
      ]),
      [audit('missed'), audit('clean')],
    );
    for (let turn = 0; turn < 8; turn++) await reviewer.reviewOne();
    expect(submitted.map((s) => s.alertId)).toEqual(['good-1', 'good-2', 'good-3', 'missed', 'good-4', 'good-5', 'good-6', 'clean']);
    expect(submitted[3]).toMatchObject({ decision: 'corrected', boxes: [dent] });
    expect(submitted[7]).toMatchObject({ decision: 'rejected' });
  });

  it('confirms an alert whose boxes match the scene', async () => {
    const { reviewer, submitted } = reviewerOver([alert('right', { detections: [{ ...dent, score: 0.8 }] })], {
      'frame-right': { index: 3, boxes: [dent] },
    });
    expect(await reviewer.reviewOne()).toBe('confirmed');
    expect(submitted[0]).toMatchObject({ alertId: 'right', decision: 'confirmed' });
    expect(submitted[0]?.boxes).toBeUndefined();
  });
});

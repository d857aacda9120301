import type { AlertWithFrame, ModelVersion, NamedReview } from '@argus/persistence';
import { strictMock } from '@argus/platform/testing';
import { countOrEstimate, estimated } from './alert-count';
import { AlertQueriesService } from './alert-queries.service';

type Deps = ConstructorParameters<typeof AlertQueriesService>;

const alert: AlertWithFrame = {
  id: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
  frameId: '0b8f4c3e-1d2a-4b5c-8d9e-0f1a2b3c4d5e',
  lineId: 'line-1',
  cameraId: 'cam-1',
  modelVersionId: '1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e',
  severity: 'high',
  status: 'corrected',
  kind: 'defect',
  audit: null,
  detections: [
    { className: 'open', score: 0.9, box: { x1: 1, y1: 2, x2: 30, y2: 40 } },
    { className: 'spur', score: 0.7, box: { x1: 40, y1: 2, x2: 50, y2: 20 } },
  ],
  createdAt: new Date('2026-11-28T10:00:00.000Z'),
  updatedAt: new Date('2026-11-28T10:00:00.000Z'),
  frame: {
    capturedAt: new Date('2026-11-28T09:59:59.000Z'),
    width: 64,
    height: 48,
    objectKey: 'line-1/cam-1/f.png',
    templateKey: 'line-1/t.png',
  },
};
const openAlert: AlertWithFrame = { ...alert, id: '8c9e6679-7425-40de-944b-e07fc1f90ae7', status: 'open' };

const review = (decision: NamedReview['decision'], boxes: NamedReview['boxes'], at: string, id: string): NamedReview => ({
  id,
  alertId: alert.id,
  reviewerId: 'u-1',
  reviewerName: 'admin',
  decision,
  boxes,
  comment: null,
  createdAt: new Date(at),
});
const corrected = review(
  'corrected',
  [
    { className: 'short', box: { x1: 2, y1: 3, x2: 20, y2: 30 } },
    { className: 'open', box: { x1: 40, y1: 2, x2: 50, y2: 20 } },
  ],
  '2026-11-28T10:05:00.000Z',
  'r-2',
);
const confirmed = review(
  'confirmed',
  alert.detections.map((d) => ({ className: d.className, box: d.box })),
  '2026-11-28T10:02:00.000Z',
  'r-1',
);

const model: ModelVersion = {
  id: alert.modelVersionId,
  name: 'pcb-template-s4',
  version: '3',
  artifactKey: 'models/pcb-template-s4/3',
  classes: ['open', 'short', 'spur'],
  spec: {},
  metrics: {},
  usesTemplate: true,
  parentVersionId: null,
  trainingDataFingerprint: null,
  backend: 'onnx',
  createdAt: new Date('2026-11-01T00:00:00.000Z'),
} as ModelVersion;

function service(overrides: { count?: number; estimate?: number; thresholds?: Deps[4]['read'] } = {}) {
  const alerts = strictMock<Deps[0]>('alerts', {
    findAlerts: jest.fn(async () => [openAlert, alert]),
    findWithFrame: jest.fn(async (id: string) => (id === alert.id ? alert : null)),
    countAlerts: jest.fn(async (_filter, upTo: number) => Math.min(overrides.count ?? 0, upTo)),
    estimateAlerts: jest.fn(async () => overrides.estimate ?? 0),
  });
  const reviews = strictMock<Deps[1]>('reviews', {
    reviewsWithReviewerNames: jest.fn(async () => [confirmed, corrected]),
    latestReviewsFor: jest.fn(async (ids: readonly string[]) => new Map(ids.includes(alert.id) ? [[alert.id, corrected]] : [])),
  });
  const models = strictMock<Deps[2]>('models', { findVersion: jest.fn(async () => model) });
  const lines = strictMock<Deps[3]>('lines', {
    templateFor: jest.fn(async () => null),
    alertRulesFor: jest.fn(async () => [
      { className: '*', minScore: 0.8, minBoxAreaPx2: 0, severity: 'low' as const },
      { className: 'dent', minScore: 0.6, minBoxAreaPx2: 9, severity: 'high' as const },
      { className: 'open', minScore: 0.5, minBoxAreaPx2: 9, severity: 'high' as const },
    ]),
  });
  const thresholds = strictMock<Deps[4]>('thresholds', {
    read: overrides.thresholds ?? jest.fn(async () => ({ scoreThreshold: 0.05, deploymentThreshold: 0.41 })),
  });
  return { queries: new AlertQueriesService(alerts, reviews, models, lines, thresholds, 100), alerts, reviews };
}

describe('AlertQueriesService', () => {
  it('counts exactly up to the limit (asking for one more than it), and gives an estimate past it', async () => {
    const exact = service({ count: 61 });
    expect(await exact.queries.count({ status: 'open' })).toEqual({ count: 61, exact: true });
    expect(exact.alerts.countAlerts).toHaveBeenCalledWith({ status: 'open' }, 101);
    expect(exact.alerts.estimateAlerts).not.toHaveBeenCalled();
    expect(await service({ count: 100 }).queries.count({})).toEqual({ count: 100, exact: true });
    expect(await service({ count: 4043, estimate: 4187.4 }).queries.count({ status: 'open', lineId: 'line-1' })).toEqual({
      count: 4190,
      exact: false,
    });
    // A stale estimate below what was counted still says "more than the limit".
    expect(await service({ count: 4043, estimate: 12 }).queries.count({})).toEqual({ count: 101, exact: false });
  });

  it("lists alerts with each reviewed one's latest review (the open ones are not looked up)", async () => {
    const { queries, reviews } = service();
    const page = await queries.list({ limit: 50 });
    expect(reviews.latestReviewsFor).toHaveBeenCalledWith([alert.id]);
    expect(page.items.map((a) => [a.id, a.review?.id ?? null])).toEqual([
      [openAlert.id, null],
      [alert.id, 'r-2'],
    ]);
    expect(page.items[1]?.review).toEqual({
      id: 'r-2',
      reviewer: 'admin',
      decision: 'corrected',
      boxes: corrected.boxes,
      comment: null,
      createdAt: '2026-11-28T10:05:00.000Z',
    });
  });

  it('shows an alert with its latest review, the model as name and version with its thresholds, and the rules its classes met', async () => {
    const detail = await service().queries.detail(alert.id);
    expect(detail.review?.id).toBe('r-2');
    expect(detail.review?.boxes).toEqual(corrected.boxes);
    expect(detail.reviews.map((r) => r.id)).toEqual(['r-1', 'r-2']);
    expect(detail.model).toEqual({ id: model.id, name: 'pcb-template-s4', version: '3', scoreThreshold: 0.05, deploymentThreshold: 0.41 });
    expect(detail.modelClasses).toEqual(['open', 'short', 'spur']);
    // open has its own rule; spur falls to the catch-all; dent is not in the alert.
    expect(detail.alertRules).toEqual([
      { className: 'open', minScore: 0.5, minBoxAreaPx2: 9, severity: 'high' },
      { className: '*', minScore: 0.8, minBoxAreaPx2: 0, severity: 'low' },
    ]);
  });

  it('still shows the alert when the package cannot be read: the thresholds are unknown', async () => {
    const detail = await service({ thresholds: jest.fn(async () => Promise.reject(new Error('S3 down'))) }).queries.detail(alert.id);
    expect(detail.model).toMatchObject({ name: 'pcb-template-s4', version: '3', scoreThreshold: null, deploymentThreshold: null });
  });
});

describe('counting with an estimate', () => {
  it('rounds an estimate to three significant digits, never below the limit', async () => {
    expect(estimated(12_437)).toEqual({ count: 12_400, exact: false });
    expect(estimated(1_234_567)).toEqual({ count: 1_230_000, exact: false });
    expect(estimated(3, 10_000)).toEqual({ count: 10_001, exact: false });
    expect(await countOrEstimate({ count: async (upTo) => Math.min(10, upTo), estimate: async () => 99 }, 10)).toEqual({
      count: 10,
      exact: true,
    });
    expect(await countOrEstimate({ count: async (upTo) => Math.min(11, upTo), estimate: async () => 99 }, 10)).toEqual({
      count: 99,
      exact: false,
    });
  });
});

import { Topics } from '@argus/contracts';
import type { AlertWithFrame, NamedReview } from '@argus/persistence';
import { DomainError } from '@argus/platform';
import { strictMock } from '@argus/platform/testing';
import { AdaptationRequestUseCase } from './adaptation-request.use-case';
import { LineSetupUseCase } from './line-setup.use-case';
import type { OnboardingImageReader } from './onboarding-image.reader';
import { OnboardingSetUseCase } from './onboarding-set.use-case';

const BASE = '00000000-0000-4000-8000-0000000000c1';
const F = (n: number) => `00000000-0000-4000-8000-0000000000f${n}`;
const A = (n: number) => `00000000-0000-4000-8000-0000000000a${n}`;
const at = new Date('2026-12-07T10:00:00.000Z');
const png: OnboardingImageReader = { read: async () => ({ contentType: 'image/png', extension: 'png', width: 64, height: 48 }) };
const line = (settings: Record<string, unknown> = {}) => ({ id: 'cells-1', name: 'Cells', settings, createdAt: at, updatedAt: at });
const codeOf = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return (error as DomainError).code;
};

describe('LineSetupUseCase', () => {
  const audit = () =>
    strictMock<ConstructorParameters<typeof LineSetupUseCase>[1]>('audit', { append: jest.fn(async () => ({}) as never) });

  it('creates a line with its feed kind and template flag, and audits it', async () => {
    const log = audit();
    const lines = strictMock<ConstructorParameters<typeof LineSetupUseCase>[0]>('lines', {
      createLineIfAbsent: jest.fn(async (input) => ({ ...line(input.settings), id: input.id, name: input.name })),
    });
    const created = await new LineSetupUseCase(lines, log, strictMock('store', {}), png).createLine(
      { id: 'cells-1', name: 'Cells', feedKind: 'medical', usesTemplate: false },
      'ana',
    );
    expect(created.settings).toEqual({ feedKind: 'medical', usesTemplate: false });
    expect(log.append).toHaveBeenCalledWith({
      actor: 'ana',
      action: 'line.created',
      subjectType: 'production_line',
      subjectId: 'cells-1',
      after: { name: 'Cells', feedKind: 'medical', usesTemplate: false },
    });
  });

  it('refuses a taken line id (409 line.id-taken) and a taken camera id, auditing nothing', async () => {
    const log = audit();
    const lines = strictMock<ConstructorParameters<typeof LineSetupUseCase>[0]>('lines', {
      createLineIfAbsent: jest.fn(async () => null),
      findLine: jest.fn(async () => line()),
      findCamera: jest.fn(async () => ({}) as never),
    });
    const setup = new LineSetupUseCase(lines, log, strictMock('store', {}), png);
    expect(await codeOf(setup.createLine({ id: 'cells-1', name: 'x', feedKind: 'other', usesTemplate: false }, 'ana'))).toBe(
      'line.id-taken',
    );
    expect(await codeOf(setup.addCamera('cells-1', { id: 'cam-1', name: 'x' }, 'ana'))).toBe('line.camera-id-taken');
    expect(log.append).not.toHaveBeenCalled();
  });

  it('stores a golden template under a key named by its content, records it, audits it; refuses it on a line without one', async () => {
    const log = audit();
    const store = strictMock<ConstructorParameters<typeof LineSetupUseCase>[2]>('store', { put: jest.fn(async () => ({}) as never) });
    const lines = strictMock<ConstructorParameters<typeof LineSetupUseCase>[0]>('lines', {
      findLine: jest.fn(async (id: string) => (id === 'pcb-9' ? line({ usesTemplate: true }) : line({ usesTemplate: false }))),
      setTemplate: jest.fn(async (lineId, t) => ({ lineId, ...t, createdAt: at })),
    });
    const setup = new LineSetupUseCase(lines, log, store, png);
    const template = await setup.setTemplate('pcb-9', new Uint8Array([1, 2, 3]), 'ana');
    expect(template.objectKey).toBe('pcb-9/templates/golden-039058c6f2c0cb49.png');
    expect(store.put).toHaveBeenCalledWith(template.objectKey, Buffer.from([1, 2, 3]), { contentType: 'image/png' });
    expect(log.append).toHaveBeenCalledWith(expect.objectContaining({ action: 'line.template-set', subjectId: 'pcb-9' }));
    expect(await codeOf(setup.setTemplate('cells-1', new Uint8Array([1]), 'ana'))).toBe('line.template-not-expected');
  });
});

const item = (n: number, frameId: string): AlertWithFrame =>
  ({
    id: A(n),
    frameId,
    lineId: 'cells-1',
    cameraId: 'cam-1',
    status: 'open',
    audit: { reason: 'onboarding', uncertainty: 1 },
    frame: { width: 64, height: 48 },
  }) as AlertWithFrame;
const review = (boxes: NamedReview['boxes']) => ({ boxes }) as NamedReview;

describe('OnboardingSetUseCase', () => {
  const make = (over: { frames?: object; alerts?: object; reviews?: object; registry?: object; audit?: object } = {}) =>
    new OnboardingSetUseCase(
      strictMock('lines', {
        findLineWithCameras: jest.fn(async (id: string) =>
          id === 'cells-1' ? ({ line: line(), cameras: [{ id: 'cam-1' }], template: null } as never) : null,
        ),
      }),
      strictMock('frames', over.frames ?? {}),
      strictMock('alerts', over.alerts ?? {}),
      strictMock('reviews', over.reviews ?? {}),
      strictMock('registry', over.registry ?? {}),
      strictMock('audit', over.audit ?? {}),
      strictMock('store', {}),
      png,
      () => at,
    );

  it('puts the line’s frames in the set as onboarding audit items for the base model, audits the new ones, answers the set with labels', async () => {
    const append = jest.fn(async () => ({}) as never);
    const createAuditItemOnce = jest.fn(async (input: { frameId: string }) => ({ alert: {} as never, created: input.frameId === F(1) }));
    const set = make({
      frames: {
        findById: jest.fn(async (id: string) => ({ id, lineId: 'cells-1', cameraId: 'cam-1' })),
        listForCamera: jest.fn(async () => [
          { id: F(1), cameraId: 'cam-1', width: 64, height: 48, capturedAt: at },
          { id: F(3), cameraId: 'cam-1', width: 64, height: 48, capturedAt: at },
        ]),
      },
      alerts: { createAuditItemOnce, findAuditItems: jest.fn(async () => [item(1, F(1)), item(2, F(2))]) },
      reviews: {
        latestReviewsFor: jest.fn(async () => new Map([[A(1), review([{ className: 'wbc', box: { x1: 1, y1: 2, x2: 3, y2: 4 } }])]])),
      },
      registry: {
        findVersion: jest.fn(async (id: string) => ({ id, name: 'bccd', version: '1', usesTemplate: false, createdAt: at })),
        productionPointers: jest.fn(async () => [{ lineId: 'cells-0', modelVersionId: BASE, promotionId: A(8), promotedAt: at }]),
      },
      audit: { append },
    });
    const view = await set.pick('cells-1', [F(1), F(2), F(1)], BASE, 'ana');
    expect(createAuditItemOnce).toHaveBeenCalledTimes(2);
    expect(createAuditItemOnce).toHaveBeenCalledWith({
      frameId: F(1),
      lineId: 'cells-1',
      cameraId: 'cam-1',
      modelVersionId: BASE,
      detections: [],
      audit: { reason: 'onboarding', uncertainty: 1 },
    });
    expect(append).toHaveBeenCalledWith(
      expect.objectContaining({ action: 'line.onboarding-frames-picked', after: { frameIds: [F(1)], baseModelVersionId: BASE } }),
    );
    expect(view.items.map((i) => [i.frameId, i.labelled, i.boxes.length])).toEqual([
      [F(1), true, 1],
      [F(2), false, 0],
    ]);
    expect(view.available.map((f) => f.frameId)).toEqual([F(3)]);
    expect(view.suggestedBase).toMatchObject({ modelVersionId: BASE, reason: expect.stringContaining('in production on cells-0') });
  });

  it('refuses a frame of another line (422) and an unregistered base (422) before changing anything', async () => {
    const set = make({
      frames: { findById: jest.fn(async (id: string) => ({ id, lineId: 'other-line', cameraId: 'cam-1' })) },
      registry: { findVersion: jest.fn(async (id: string) => (id === BASE ? { id } : null)) },
    });
    expect(await codeOf(set.pick('cells-1', [F(1)], BASE, 'ana'))).toBe('onboarding.frame-not-on-line');
    expect(await codeOf(set.pick('cells-1', [F(1)], A(9), 'ana'))).toBe('onboarding.base-model-invalid');
    expect(await codeOf(set.view('nope'))).toBe('not-found');
  });
});

describe('AdaptationRequestUseCase', () => {
  const items = [
    { frameId: F(1), labelled: true },
    { frameId: F(2), labelled: true },
    { frameId: F(3), labelled: false },
  ];
  const make = (publish = jest.fn(async () => undefined), append = jest.fn(async () => ({}) as never)) =>
    new AdaptationRequestUseCase(
      strictMock('onboarding', { items: jest.fn(async () => items as never) }),
      strictMock('registry', {
        findVersion: jest.fn(async (id: string) => (id === BASE ? ({ id, name: 'bccd', version: '1.0.0' } as never) : null)),
      }),
      strictMock('audit', { append }),
      strictMock('bus', { publish }),
      { defaultStart: 'finetune', budgetSeconds: 120 },
      () => at,
    );

  it('publishes the adaptation (the default start, the shots) for continual-fine-tune and audits it; the other labelled frames evaluate', async () => {
    const publish = jest.fn(async () => undefined);
    const append = jest.fn(async () => ({}) as never);
    const view = await make(publish, append).request('cells-1', { baseModelVersionId: BASE, shotFrameIds: [F(1)] }, 'ana');
    expect(view).toMatchObject({ start: 'finetune', shotFrameIds: [F(1)], evaluationFrameIds: [F(2)], budgetSeconds: 120 });
    expect(publish).toHaveBeenCalledWith(
      Topics.trainingTriggerRequested,
      expect.objectContaining({
        requestId: view.requestId,
        lineId: 'cells-1',
        requestedBy: 'ana',
        adaptation: { start: 'finetune', baseModelVersionId: BASE, shotFrameIds: [F(1)], budgetSeconds: 120 },
      }),
    );
    expect(Topics.trainingTriggerRequested.schema.safeParse((publish.mock.calls[0] as unknown[])[1]).success).toBe(true);
    expect(append).toHaveBeenCalledWith(expect.objectContaining({ action: 'line.adaptation-requested', subjectId: 'cells-1' }));
  });

  it('refuses an unlabelled shot, a set with nothing left to evaluate on, and an unregistered base (422), publishing nothing', async () => {
    const publish = jest.fn(async () => undefined);
    const wizard = make(publish);
    expect(await codeOf(wizard.request('cells-1', { baseModelVersionId: BASE, shotFrameIds: [F(1), F(3)] }, 'ana'))).toBe(
      'onboarding.shot-not-labelled',
    );
    expect(await codeOf(wizard.request('cells-1', { baseModelVersionId: BASE, shotFrameIds: [F(1), F(2)] }, 'ana'))).toBe(
      'onboarding.no-evaluation-frames',
    );
    expect(await codeOf(wizard.request('cells-1', { baseModelVersionId: A(9), shotFrameIds: [F(1)] }, 'ana'))).toBe(
      'onboarding.base-model-invalid',
    );
    expect(publish).not.toHaveBeenCalled();
  });
});

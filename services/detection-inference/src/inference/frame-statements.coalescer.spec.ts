import {
  type AlertHistoryWindow,
  type DetectionsToSave,
  FrameNotFoundError,
  type FrameInference,
  type NewAlert,
  type RaisedAlert,
  type SavedDetections,
} from '@argus/persistence';
import { CoalescedFrameStatements, type FrameStatementRepositories } from './frame-statements.coalescer';

/** The statements over stand-in repositories; a repository a test does not give must not be used. */
function statementsWith(given: Partial<FrameStatementRepositories>): CoalescedFrameStatements {
  const unused = () => jest.fn(async () => Promise.reject(new Error('not expected in this test')));
  return new CoalescedFrameStatements({
    detections: given.detections ?? { listForFrames: unused(), saveForFrames: unused() },
    frames: given.frames ?? { markProcessedMany: unused() },
    alerts: given.alerts ?? { raiseEachOnce: unused() },
    alertHistory: given.alertHistory ?? { historiesOf: unused() },
  });
}

const result = (frameId: string): FrameInference => ({
  frameId,
  modelVersionId: 'm1',
  detections: [],
  inferenceMs: 5,
  createdAt: new Date(0),
});

describe('CoalescedFrameStatements', () => {
  it('asks for the results of frames that arrive together in one statement', async () => {
    const listForFrames = jest.fn(
      async (ids: readonly string[]) => new Map(ids.filter((id) => id !== 'f2').map((id) => [id, [result(id)]])),
    );
    const statements = statementsWith({ detections: { listForFrames, saveForFrames: jest.fn() } });
    const [f1, f2, f3] = await Promise.all(['f1', 'f2', 'f3'].map((id) => statements.listForFrame(id)));
    expect(listForFrames).toHaveBeenCalledTimes(1);
    expect(listForFrames).toHaveBeenCalledWith(['f1', 'f2', 'f3']);
    expect(f1).toEqual([result('f1')]);
    expect(f2).toEqual([]);
    expect(f3).toEqual([result('f3')]);
  });

  it('marks frames processed together, and fails only a frame that has no row', async () => {
    const markProcessedMany = jest.fn(async (ids: readonly string[]) => new Set(ids.filter((id) => id !== 'ghost')));
    const statements = statementsWith({ frames: { markProcessedMany } });
    const outcomes = await Promise.allSettled(['f1', 'ghost', 'f3'].map((id) => statements.markProcessed(id)));
    expect(markProcessedMany).toHaveBeenCalledTimes(1);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(FrameNotFoundError);
  });

  it('fails every frame of a statement that fails (each is retried by the bus)', async () => {
    const statements = statementsWith({
      frames: { markProcessedMany: jest.fn(async () => Promise.reject(new Error('connection terminated'))) },
    });
    const outcomes = await Promise.allSettled(['f1', 'f2'].map((id) => statements.markProcessed(id)));
    expect(outcomes.map((o) => (o.status === 'rejected' ? (o.reason as Error).message : 'ok'))).toEqual([
      'connection terminated',
      'connection terminated',
    ]);
  });

  describe('detections writes', () => {
    const saved = (item: DetectionsToSave): SavedDetections => ({
      created: true,
      inference: { ...result(item.frameId), modelVersionId: item.modelVersionId },
    });

    it('writes the frames of one batch in one statement, each getting its own result', async () => {
      const saveForFrames = jest.fn(async (items: readonly DetectionsToSave[]) => items.map(saved));
      const statements = statementsWith({ detections: { listForFrames: jest.fn(), saveForFrames } });
      const results = await Promise.all(['f1', 'f2'].map((id) => statements.saveForFrame(id, 'm1', [], { inferenceMs: 7 })));
      expect(saveForFrames).toHaveBeenCalledTimes(1);
      expect(saveForFrames).toHaveBeenCalledWith([
        { frameId: 'f1', modelVersionId: 'm1', detections: [], inferenceMs: 7 },
        { frameId: 'f2', modelVersionId: 'm1', detections: [], inferenceMs: 7 },
      ]);
      expect(results.map((r) => r.inference.frameId)).toEqual(['f1', 'f2']);
    });

    it('when the many-frame statement fails, writes each frame alone: only the bad one fails', async () => {
      const saveForFrames = jest.fn(async (items: readonly DetectionsToSave[]) => {
        if (items.some((i) => i.frameId === 'ghost'))
          throw items.length === 1 ? new FrameNotFoundError('ghost') : new Error('fk violation');
        return items.map(saved);
      });
      const statements = statementsWith({ detections: { listForFrames: jest.fn(), saveForFrames } });
      const outcomes = await Promise.allSettled(['f1', 'ghost', 'f3'].map((id) => statements.saveForFrame(id, 'm1', [])));
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(FrameNotFoundError);
      expect(saveForFrames.mock.calls.map(([items]) => items.map((i) => i.frameId))).toEqual([
        ['f1', 'ghost', 'f3'],
        ['f1'],
        ['ghost'],
        ['f3'],
      ]);
    });
  });

  it('reads the alert histories of several cameras in one statement, each answer to its asker', async () => {
    const historiesOf = jest.fn(async (windows: readonly AlertHistoryWindow[]) =>
      windows.map((w) => [{ alertId: `a-${w.cameraId}`, frameId: 'old', modelVersionId: 'm1', capturedAt: w.from, detections: [] }]),
    );
    const statements = statementsWith({ alertHistory: { historiesOf } });
    const [top, side] = await Promise.all(
      ['top', 'side'].map((camera) =>
        statements.alertsCapturedBetween('line-1', camera, new Date(1000), new Date(2000), { excludeFrameId: `f-${camera}` }),
      ),
    );
    expect(historiesOf).toHaveBeenCalledTimes(1);
    expect(historiesOf.mock.calls[0]?.[0].map((w) => [w.cameraId, w.excludeFrameId])).toEqual([
      ['top', 'f-top'],
      ['side', 'f-side'],
    ]);
    expect(top?.[0]?.alertId).toBe('a-top');
    expect(side?.[0]?.alertId).toBe('a-side');
  });

  it('raises the alerts of one batch in one statement, and alone when that statement fails', async () => {
    const raisedFor = (input: NewAlert): RaisedAlert => ({ created: true, alert: { id: `a-${input.frameId}` } as RaisedAlert['alert'] });
    const raiseEachOnce = jest.fn(async (inputs: readonly NewAlert[]) => {
      if (inputs.length > 1 && inputs.some((i) => i.frameId === 'ghost')) throw new Error('fk_alert_frame');
      if (inputs[0]?.frameId === 'ghost') throw new FrameNotFoundError('ghost');
      return inputs.map(raisedFor);
    });
    const statements = statementsWith({ alerts: { raiseEachOnce } });
    const input = (frameId: string): NewAlert => ({
      frameId,
      lineId: 'l',
      cameraId: 'c',
      modelVersionId: 'm1',
      severity: 'high',
      detections: [],
    });
    const together = await Promise.all(['f1', 'f2'].map((id) => statements.raiseOnce(input(id))));
    expect(together.map((r) => r.alert.id)).toEqual(['a-f1', 'a-f2']);
    expect(raiseEachOnce).toHaveBeenCalledTimes(1);
    const outcomes = await Promise.allSettled(['f3', 'ghost'].map((id) => statements.raiseOnce(input(id))));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(FrameNotFoundError);
  });
});

import { type DetectionsToSave, FrameNotFoundError, type FrameInference, type SavedDetections } from '@argus/persistence';
import { CoalescedFrameStatements } from './frame-statements.coalescer';

const result = (frameId: string): FrameInference => ({ frameId, modelVersionId: 'm1', detections: [], inferenceMs: 5, createdAt: new Date(0) });

describe('CoalescedFrameStatements', () => {
  it('asks for the results of frames that arrive together in one statement', async () => {
    const listForFrames = jest.fn(async (ids: readonly string[]) => new Map(ids.filter((id) => id !== 'f2').map((id) => [id, [result(id)]])));
    const statements = new CoalescedFrameStatements({ listForFrames, saveForFrames: jest.fn() }, { markProcessedMany: jest.fn() });
    const [f1, f2, f3] = await Promise.all(['f1', 'f2', 'f3'].map((id) => statements.listForFrame(id)));
    expect(listForFrames).toHaveBeenCalledTimes(1);
    expect(listForFrames).toHaveBeenCalledWith(['f1', 'f2', 'f3']);
    expect(f1).toEqual([result('f1')]);
    expect(f2).toEqual([]);
    expect(f3).toEqual([result('f3')]);
  });

  it('marks frames processed together, and fails only a frame that has no row', async () => {
    const markProcessedMany = jest.fn(async (ids: readonly string[]) => new Set(ids.filter((id) => id !== 'ghost')));
    const statements = new CoalescedFrameStatements({ listForFrames: jest.fn(), saveForFrames: jest.fn() }, { markProcessedMany });
    const outcomes = await Promise.allSettled(['f1', 'ghost', 'f3'].map((id) => statements.markProcessed(id)));
    expect(markProcessedMany).toHaveBeenCalledTimes(1);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(FrameNotFoundError);
  });

  it('fails every frame of a statement that fails (each is retried by the bus)', async () => {
    const statements = new CoalescedFrameStatements(
      { listForFrames: jest.fn(), saveForFrames: jest.fn() },
      { markProcessedMany: jest.fn(async () => Promise.reject(new Error('connection terminated'))) },
    );
    const outcomes = await Promise.allSettled(['f1', 'f2'].map((id) => statements.markProcessed(id)));
    expect(outcomes.map((o) => (o.status === 'rejected' ? (o.reason as Error).message : 'ok'))).toEqual(['connection terminated', 'connection terminated']);
  });

  describe('detections writes', () => {
    const saved = (item: DetectionsToSave): SavedDetections => ({ created: true, inference: { ...result(item.frameId), modelVersionId: item.modelVersionId } });

    it('writes the frames of one batch in one statement, each getting its own result', async () => {
      const saveForFrames = jest.fn(async (items: readonly DetectionsToSave[]) => items.map(saved));
      const statements = new CoalescedFrameStatements({ listForFrames: jest.fn(), saveForFrames }, { markProcessedMany: jest.fn() });
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
        if (items.some((i) => i.frameId === 'ghost')) throw items.length === 1 ? new FrameNotFoundError('ghost') : new Error('fk violation');
        return items.map(saved);
      });
      const statements = new CoalescedFrameStatements({ listForFrames: jest.fn(), saveForFrames }, { markProcessedMany: jest.fn() });
      const outcomes = await Promise.allSettled(['f1', 'ghost', 'f3'].map((id) => statements.saveForFrame(id, 'm1', [])));
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(FrameNotFoundError);
      expect(saveForFrames.mock.calls.map(([items]) => items.map((i) => i.frameId))).toEqual([['f1', 'ghost', 'f3'], ['f1'], ['ghost'], ['f3']]);
    });
  });
});

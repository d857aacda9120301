import { FrameNotFoundError, type FrameInference } from '@argus/persistence';
import { CoalescedFrameStatements } from './frame-statements.coalescer';

const result = (frameId: string): FrameInference => ({ frameId, modelVersionId: 'm1', detections: [], inferenceMs: 5, createdAt: new Date(0) });

describe('CoalescedFrameStatements', () => {
  it('asks for the results of frames that arrive together in one statement', async () => {
    const listForFrames = jest.fn(async (ids: readonly string[]) => new Map(ids.filter((id) => id !== 'f2').map((id) => [id, [result(id)]])));
    const statements = new CoalescedFrameStatements({ listForFrames }, { markProcessedMany: jest.fn() });
    const [f1, f2, f3] = await Promise.all(['f1', 'f2', 'f3'].map((id) => statements.listForFrame(id)));
    expect(listForFrames).toHaveBeenCalledTimes(1);
    expect(listForFrames).toHaveBeenCalledWith(['f1', 'f2', 'f3']);
    expect(f1).toEqual([result('f1')]);
    expect(f2).toEqual([]);
    expect(f3).toEqual([result('f3')]);
  });

  it('marks frames processed together, and fails only a frame that has no row', async () => {
    const markProcessedMany = jest.fn(async (ids: readonly string[]) => new Set(ids.filter((id) => id !== 'ghost')));
    const statements = new CoalescedFrameStatements({ listForFrames: jest.fn() }, { markProcessedMany });
    const outcomes = await Promise.allSettled(['f1', 'ghost', 'f3'].map((id) => statements.markProcessed(id)));
    expect(markProcessedMany).toHaveBeenCalledTimes(1);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(FrameNotFoundError);
  });

  it('fails every frame of a statement that fails (each is retried by the bus)', async () => {
    const statements = new CoalescedFrameStatements(
      { listForFrames: jest.fn() },
      { markProcessedMany: jest.fn(async () => Promise.reject(new Error('connection terminated'))) },
    );
    const outcomes = await Promise.allSettled(['f1', 'f2'].map((id) => statements.markProcessed(id)));
    expect(outcomes.map((o) => (o.status === 'rejected' ? (o.reason as Error).message : 'ok'))).toEqual(['connection terminated', 'connection terminated']);
  });
});

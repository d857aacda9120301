import { REPEAT_HEADERS, Topics } from '@argus/contracts';
import { type ShadowPointerPort, StartShadowUseCase } from './start-shadow.use-case';

class InMemoryShadows implements ShadowPointerPort {
  readonly byLine = new Map<string, string>();
  async current(lineId: string) {
    const id = this.byLine.get(lineId);
    return id ? { modelVersionId: id } : null;
  }
  async setShadow(input: { lineId: string; modelVersionId: string }) {
    const previous = this.byLine.get(input.lineId) ?? null;
    if (previous === input.modelVersionId) return { changed: false, previousModelVersionId: null };
    this.byLine.set(input.lineId, input.modelVersionId);
    return { changed: true, previousModelVersionId: previous };
  }
}

describe('StartShadowUseCase', () => {
  const job = { jobId: '00000000-0000-4000-8000-0000000000a1', lineId: 'pcb-1' };
  const older = '00000000-0000-4000-8000-0000000000c1';
  const candidate = '00000000-0000-4000-8000-0000000000c2';
  let shadows: InMemoryShadows;
  let published: { topic: string; message: Record<string, unknown>; options: unknown }[];
  let useCase: StartShadowUseCase;

  beforeEach(() => {
    shadows = new InMemoryShadows();
    published = [];
    const bus = {
      publish: jest.fn(async (topic: { name: string }, message: unknown, options?: unknown) => {
        published.push({ topic: topic.name, message: message as Record<string, unknown>, options });
      }),
    };
    useCase = new StartShadowUseCase(shadows, bus as never, { now: () => Date.parse('2026-12-07T11:00:00Z') });
  });

  it('makes the candidate its line’s shadow, replacing the previous one, and announces it', async () => {
    shadows.byLine.set('pcb-1', older);
    expect(await useCase.execute(job, candidate, { repeat: false })).toBe('started');
    expect(shadows.byLine.get('pcb-1')).toBe(candidate);
    expect(published).toHaveLength(1);
    expect(published[0]?.topic).toBe(Topics.modelShadowed.name);
    expect(Topics.modelShadowed.schema.parse(published[0]?.message)).toMatchObject({
      lineId: 'pcb-1',
      modelVersionId: candidate,
      previousShadowVersionId: older,
      setBy: 'continual-fine-tune',
    });
    expect(published[0]?.options).toEqual({});
  });

  it('on a repeat: announces again (as a repeat) when the candidate is still the shadow, sets it when the line has none', async () => {
    shadows.byLine.set('pcb-1', candidate);
    expect(await useCase.execute(job, candidate, { repeat: true })).toBe('started');
    expect(published[0]?.options).toEqual({ headers: REPEAT_HEADERS });
    shadows.byLine.clear();
    expect(await useCase.execute(job, candidate, { repeat: true })).toBe('started');
    expect(shadows.byLine.get('pcb-1')).toBe(candidate);
  });

  it('on a repeat: leaves a newer shadow alone and announces nothing', async () => {
    shadows.byLine.set('pcb-1', older);
    expect(await useCase.execute(job, candidate, { repeat: true })).toBe('superseded');
    expect(shadows.byLine.get('pcb-1')).toBe(older);
    expect(published).toEqual([]);
  });
});

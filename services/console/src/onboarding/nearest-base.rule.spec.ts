import { type BaseCandidate, suggestNearestBase } from './nearest-base.rule';

const model = (id: string, usesTemplate: boolean, day: number): BaseCandidate => ({
  modelVersionId: id,
  name: `m-${id}`,
  version: '1',
  usesTemplate,
  createdAt: new Date(Date.UTC(2026, 11, day)),
  lines: [`line-${id}`],
});

describe('suggestNearestBase', () => {
  const pcb = model('pcb', true, 1);
  const cellsOld = model('cells-old', false, 2);
  const cells = model('cells', false, 3);

  it('prefers a production model with the line’s template use, then the newest', () => {
    expect(suggestNearestBase([pcb, cellsOld, cells], false)?.modelVersionId).toBe('cells');
    expect(suggestNearestBase([cells, pcb, cellsOld], true)?.modelVersionId).toBe('pcb');
    expect(suggestNearestBase([cells, pcb], true)?.reason).toBe(
      "m-pcb@1, in production on line-pcb: frames with a golden template, as this line's; the newest of 2 production model(s) that fit as well",
    );
  });

  it('says so when none fits (the adaptation transplants), and suggests nothing without a production model', () => {
    expect(suggestNearestBase([cellsOld, cells], true)?.reason).toMatch(/no production model reads frames with a template/);
    expect(suggestNearestBase([], true)).toBeNull();
  });
});

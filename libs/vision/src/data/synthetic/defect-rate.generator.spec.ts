import { createCellSmearGenerator } from './cell-smear.generator';
import { isDefective, withDefectRate } from './defect-rate.generator';
import { createPcbBoardGenerator } from './pcb-board.generator';

describe('withDefectRate', () => {
  const pcb = createPcbBoardGenerator({ seed: 3, width: 64, height: 64, board: 0 });

  it('keeps about the share of defective scenes asked for, the others being their own template', () => {
    const n = 2000;
    const defective = Array.from({ length: n }, (_, i) => isDefective('pcb', 3, i, 0.05)).filter(Boolean).length;
    expect(defective / n).toBeGreaterThan(0.035);
    expect(defective / n).toBeLessThan(0.065);
    const rated = withDefectRate(pcb, 0.05, 3);
    const clean = Array.from({ length: 40 }, (_, i) => i).find((i) => !isDefective('pcb', 3, i, 0.05))!;
    const scene = rated.generate(clean);
    expect(scene.boxes).toEqual([]);
    expect(scene.image).toBe(scene.template);
    expect(scene.id).toBe(pcb.generate(clean).id);
  });

  it('leaves a defective scene exactly as the generator made it', () => {
    const rated = withDefectRate(pcb, 0.5, 3);
    const index = Array.from({ length: 40 }, (_, i) => i).find((i) => isDefective('pcb', 3, i, 0.5))!;
    const scene = rated.generate(index);
    const original = pcb.generate(index);
    expect(scene.boxes).toEqual(original.boxes);
    expect(Buffer.from(scene.image.data).equals(Buffer.from(original.image.data))).toBe(true);
  });

  it('gives every scene its defects at rate 1 and none at rate 0', () => {
    expect(withDefectRate(pcb, 1, 3).generate(5).boxes).toEqual(pcb.generate(5).boxes);
    expect(withDefectRate(pcb, 0, 3).generate(5).boxes).toEqual([]);
  });

  it('refuses a rate outside [0, 1] and a feed without templates', () => {
    expect(() => withDefectRate(pcb, 1.5, 3)).toThrow(RangeError);
    expect(() => withDefectRate(createCellSmearGenerator({ seed: 1 }), 0.1, 1)).toThrow(/no defect-free template/);
  });
});

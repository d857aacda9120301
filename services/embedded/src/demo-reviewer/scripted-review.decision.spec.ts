import { decideScriptedReview, matchOneToOne } from './scripted-review.decision';

const frame = { width: 256, height: 256 };
const dent = { className: 'dent', box: { x1: 10, y1: 10, x2: 50, y2: 50 } };
const hole = { className: 'hole', box: { x1: 100, y1: 100, x2: 120, y2: 130 } };
const near = (b: typeof dent, dx: number) => ({ ...b, box: { ...b.box, x1: b.box.x1 + dx, x2: b.box.x2 + dx }, score: 0.9 });

describe('the scripted reviewer’s decision (truth vs the alert’s boxes)', () => {
  it('rejects an alert on a good part: no true defect, whatever was detected', () => {
    expect(decideScriptedReview([], [near(dent, 0)], frame)).toMatchObject({ decision: 'rejected' });
    expect(decideScriptedReview([], [near(dent, 0)], frame).boxes).toBeUndefined();
  });

  it('confirms when every detected box pairs one to one with a true defect of its class (IoU ≥ 0.5)', () => {
    expect(decideScriptedReview([dent, hole], [near(hole, 2), near(dent, 5)], frame)).toMatchObject({ decision: 'confirmed' });
    expect(decideScriptedReview([dent, hole], [near(hole, 2), near(dent, 5)], frame).boxes).toBeUndefined();
  });

  it('corrects with the true boxes when a box is misplaced, a class mistaken, a defect missed or a box extra', () => {
    const misplaced = decideScriptedReview([dent], [near(dent, 30)], frame); // IoU 0.14
    expect(misplaced).toMatchObject({ decision: 'corrected', boxes: [dent] });
    expect(decideScriptedReview([dent], [{ ...near(dent, 0), className: 'scratch' }], frame)).toMatchObject({
      decision: 'corrected',
      boxes: [dent],
    });
    expect(decideScriptedReview([dent, hole], [near(dent, 0)], frame)).toMatchObject({ decision: 'corrected', boxes: [dent, hole] });
    expect(decideScriptedReview([dent], [near(dent, 0), near(dent, 1)], frame)).toMatchObject({ decision: 'corrected', boxes: [dent] });
  });

  it('clips true boxes to the frame (the console refuses a box outside it) and drops one wholly outside', () => {
    const edge = { className: 'stain', box: { x1: 240, y1: 250, x2: 270, y2: 262 } };
    const outside = { className: 'stain', box: { x1: 300, y1: 10, x2: 320, y2: 20 } };
    expect(decideScriptedReview([edge, outside], [near(dent, 0)], frame)).toMatchObject({
      decision: 'corrected',
      boxes: [{ className: 'stain', box: { x1: 240, y1: 250, x2: 256, y2: 256 } }],
    });
  });

  it('pairs one box per defect: two boxes on one defect do not confirm two defects', () => {
    const a = { className: 'dent', box: { x1: 0, y1: 0, x2: 10, y2: 10 } };
    const b = { className: 'dent', box: { x1: 2, y1: 0, x2: 12, y2: 10 } };
    const far = { className: 'dent', box: { x1: 100, y1: 100, x2: 110, y2: 110 } };
    expect(matchOneToOne([a, b], [b, a])).toBe(true);
    expect(matchOneToOne([a, far], [a, b])).toBe(false);
  });
});

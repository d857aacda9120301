import {
  boxToScreen,
  clampBox,
  fitTransform,
  frameToScreen,
  isValidBox,
  MIN_BOX_SIZE,
  moveBox,
  normaliseDrawnBox,
  resizeBox,
  resizeBoxBy,
  screenToFrame,
} from './box-geometry';

const frame = { width: 640, height: 480 };

describe('fitTransform', () => {
  it('fits a wide view by height and centres the frame horizontally', () => {
    const t = fitTransform(frame, { width: 1000, height: 240 });
    expect(t.scale).toBeCloseTo(0.5);
    expect(t.offsetX).toBeCloseTo((1000 - 320) / 2);
    expect(t.offsetY).toBeCloseTo(0);
  });

  it('fits a tall view by width and centres the frame vertically', () => {
    const t = fitTransform(frame, { width: 320, height: 1000 });
    expect(t.scale).toBeCloseTo(0.5);
    expect(t.offsetX).toBeCloseTo(0);
    expect(t.offsetY).toBeCloseTo((1000 - 240) / 2);
  });

  it('falls back to identity while the view has no size yet', () => {
    expect(fitTransform(frame, { width: 0, height: 0 })).toEqual({ scale: 1, offsetX: 0, offsetY: 0 });
  });
});

describe('screen and frame pixels', () => {
  it('round-trips a point through the transform', () => {
    const t = fitTransform(frame, { width: 900, height: 500 });
    const p = { x: 123.5, y: 456.25 };
    const back = screenToFrame(frameToScreen(p, t), t);
    expect(back.x).toBeCloseTo(p.x);
    expect(back.y).toBeCloseTo(p.y);
  });

  it('maps the frame corners to the letterboxed image corners', () => {
    const t = fitTransform(frame, { width: 1000, height: 240 });
    expect(screenToFrame({ x: 340, y: 0 }, t)).toEqual({ x: 0, y: 0 });
    expect(screenToFrame({ x: 660, y: 240 }, t)).toEqual({ x: 640, y: 480 });
    expect(boxToScreen({ x1: 0, y1: 0, x2: 640, y2: 480 }, t)).toEqual({ x1: 340, y1: 0, x2: 660, y2: 240 });
  });
});

describe('moveBox', () => {
  const box = { x1: 100, y1: 100, x2: 150, y2: 130 };

  it('moves by whole pixels and keeps the size', () => {
    expect(moveBox(box, 10.4, -20.6, frame)).toEqual({ x1: 110, y1: 79, x2: 160, y2: 109 });
  });

  it('stops at the frame edges without shrinking', () => {
    expect(moveBox(box, -500, 1000, frame)).toEqual({ x1: 0, y1: 450, x2: 50, y2: 480 });
    expect(moveBox(box, 1000, -1000, frame)).toEqual({ x1: 590, y1: 0, x2: 640, y2: 30 });
  });
});

describe('resizeBox', () => {
  const box = { x1: 100, y1: 100, x2: 200, y2: 200 };

  it('drags a corner while the opposite corner stays put', () => {
    expect(resizeBox(box, 'se', { x: 250, y: 260 }, frame)).toEqual({ x1: 100, y1: 100, x2: 250, y2: 260 });
    expect(resizeBox(box, 'nw', { x: 50, y: 40 }, frame)).toEqual({ x1: 50, y1: 40, x2: 200, y2: 200 });
    expect(resizeBox(box, 'ne', { x: 300, y: 90 }, frame)).toEqual({ x1: 100, y1: 90, x2: 300, y2: 200 });
    expect(resizeBox(box, 'sw', { x: 90, y: 300 }, frame)).toEqual({ x1: 90, y1: 100, x2: 200, y2: 300 });
  });

  it('flips instead of inverting when dragged past the opposite corner', () => {
    expect(resizeBox(box, 'se', { x: 60, y: 70 }, frame)).toEqual({ x1: 60, y1: 70, x2: 100, y2: 100 });
  });

  it('clamps to the frame and never goes below the minimum size', () => {
    expect(resizeBox(box, 'se', { x: 9999, y: -50 }, frame)).toEqual({ x1: 100, y1: 0, x2: 640, y2: 100 });
    const collapsed = resizeBox(box, 'se', { x: 100, y: 100 }, frame);
    expect(collapsed.x2 - collapsed.x1).toBe(MIN_BOX_SIZE);
    expect(collapsed.y2 - collapsed.y1).toBe(MIN_BOX_SIZE);
    expect(isValidBox(collapsed, frame)).toBe(true);
  });
});

describe('resizeBoxBy (keyboard)', () => {
  it('grows and shrinks the right/bottom edges within the frame', () => {
    const box = { x1: 600, y1: 10, x2: 630, y2: 20 };
    expect(resizeBoxBy(box, 1, 0, frame)).toEqual({ x1: 600, y1: 10, x2: 631, y2: 20 });
    expect(resizeBoxBy(box, 50, 0, frame).x2).toBe(640);
    expect(resizeBoxBy(box, 0, -50, frame).y2).toBe(10 + MIN_BOX_SIZE);
  });
});

describe('normaliseDrawnBox', () => {
  it('orders the corners whichever way the drag went', () => {
    expect(normaliseDrawnBox({ x: 300, y: 200 }, { x: 100.4, y: 50.6 }, frame)).toEqual({ x1: 100, y1: 51, x2: 300, y2: 200 });
  });

  it('clips a drag that leaves the frame', () => {
    expect(normaliseDrawnBox({ x: -20, y: 400 }, { x: 50, y: 900 }, frame)).toEqual({ x1: 0, y1: 400, x2: 50, y2: 480 });
  });

  it('ignores a click or a sliver', () => {
    expect(normaliseDrawnBox({ x: 10, y: 10 }, { x: 11, y: 40 }, frame)).toBeNull();
    expect(normaliseDrawnBox({ x: 10, y: 10 }, { x: 10, y: 10 }, frame)).toBeNull();
  });
});

describe('clampBox', () => {
  it('rounds, orders and clamps', () => {
    expect(clampBox({ x1: 700, y1: -3, x2: 600.6, y2: 20.2 }, frame)).toEqual({ x1: 601, y1: 0, x2: 640, y2: 20 });
  });

  it('keeps a box at the far edge at least the minimum size', () => {
    expect(clampBox({ x1: 640, y1: 480, x2: 640, y2: 480 }, frame)).toEqual({ x1: 638, y1: 478, x2: 640, y2: 480 });
  });
});

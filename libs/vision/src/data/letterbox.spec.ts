import { boxToModelInput, boxToOriginal, computeLetterbox } from './letterbox';

describe('computeLetterbox', () => {
  it('fits a wide image: full width, centred vertically', () => {
    expect(computeLetterbox(640, 480, 320, 320)).toEqual({
      srcWidth: 640,
      srcHeight: 480,
      dstWidth: 320,
      dstHeight: 320,
      resizedWidth: 320,
      resizedHeight: 240,
      scaleX: 0.5,
      scaleY: 0.5,
      padX: 0,
      padY: 40,
    });
  });

  it('fits a tall image and upscales a small one', () => {
    const m = computeLetterbox(100, 200, 256, 256);
    expect([m.resizedWidth, m.resizedHeight, m.padX, m.padY]).toEqual([128, 256, 64, 0]);
  });

  it('rounds to whole pixels and keeps the exact per-axis scale', () => {
    const m = computeLetterbox(333, 100, 256, 256);
    expect(m.resizedWidth).toBe(256);
    expect(m.resizedHeight).toBe(77);
    expect(m.scaleY).toBeCloseTo(77 / 100, 12);
    expect(m.padY).toBe(89);
  });

  it('rejects sizes that are not positive integers', () => {
    expect(() => computeLetterbox(0, 10, 10, 10)).toThrow('srcWidth must be a positive integer');
  });
});

describe('box mapping', () => {
  it('maps a box to the model input and back exactly', () => {
    const m = computeLetterbox(640, 480, 320, 320);
    const box = { x1: 100, y1: 50, x2: 300, y2: 470 };
    const inInput = boxToModelInput(box, m);
    expect(inInput).toEqual({ x1: 50, y1: 65, x2: 150, y2: 275 });
    expect(boxToOriginal(inInput, m)).toEqual(box);
  });

  it('clips boxes that reach into the padding to the image', () => {
    const m = computeLetterbox(640, 480, 320, 320);
    expect(boxToOriginal({ x1: -5, y1: 10, x2: 330, y2: 300 }, m)).toEqual({ x1: 0, y1: 0, x2: 640, y2: 480 });
  });
});

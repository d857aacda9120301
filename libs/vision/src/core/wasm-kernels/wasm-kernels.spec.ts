import * as tf from '@tensorflow/tfjs-core';
import { selectTfBackend } from '../backend';
import { silentVisionLogger } from '../vision-logger.port';
import { argusKernelsRegistered } from './wasm-kernels.registry';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

interface ConvCase {
  batch: number;
  height: number;
  width: number;
  inChannels: number;
  outChannels: number;
  kernel: number;
  stride: number | [number, number];
  pad: Pad;
}

/** Deterministic uniform floats in [-1, 1) (mulberry32). */
function randomValues(count: number, seed: number): Float32Array {
  let state = seed >>> 0;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

function randomInt(seed: number, min: number, max: number): number {
  return min + Math.floor((((randomValues(1, seed)[0] ?? 0) + 1) / 2) * (max - min + 1));
}

async function convGradients(backend: string, c: ConvCase, seed: number): Promise<{ dx: Float32Array; dw: Float32Array }> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const xShape: [number, number, number, number] = [c.batch, c.height, c.width, c.inChannels];
    const wShape: [number, number, number, number] = [c.kernel, c.kernel, c.inChannels, c.outChannels];
    const x = tf.tensor4d(
      randomValues(
        xShape.reduce((a, b) => a * b),
        seed,
      ),
      xShape,
    );
    const w = tf.tensor4d(
      randomValues(
        wShape.reduce((a, b) => a * b),
        seed + 1,
      ),
      wShape,
    );
    const outShape = tf.conv2d(x, w, c.stride, c.pad).shape;
    const dy = tf.tensor(
      randomValues(
        outShape.reduce((a, b) => a * b),
        seed + 2,
      ),
      outShape,
    );
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), dy)),
    )([x, w]);
    if (dx === undefined || dw === undefined) throw new Error('missing gradient');
    return { dx: dx.dataSync() as Float32Array, dw: dw.dataSync() as Float32Array };
  });
}

function maxRelativeDiff(actual: Float32Array, expected: Float32Array): number {
  expect(actual.length).toBe(expected.length);
  let scale = 1;
  for (const v of expected) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs((actual[i] ?? NaN) - (expected[i] ?? NaN)));
  }
  return worst / scale;
}

const cases: Array<[string, ConvCase]> = [];
let seed = 11;
for (const kernel of [1, 3, 5]) {
  for (const stride of [1, 2]) {
    for (const pad of ['same', 'valid'] as const) {
      seed += 7;
      const c: ConvCase = {
        batch: randomInt(seed, 1, 3),
        height: randomInt(seed + 1, kernel + 1, 13),
        width: randomInt(seed + 2, kernel + 1, 13),
        inChannels: randomInt(seed + 3, 1, 5),
        outChannels: randomInt(seed + 4, 1, 6),
        kernel,
        stride,
        pad,
      };
      cases.push([`k${kernel} s${stride} ${pad} ${c.batch}x${c.height}x${c.width}x${c.inChannels}->${c.outChannels}`, c]);
    }
  }
}
// Symmetric explicit padding (what the detector uses) and a lopsided one, odd and even sizes.
cases.push([
  'k3 s2 explicit 1 even',
  {
    batch: 2,
    height: 8,
    width: 10,
    inChannels: 3,
    outChannels: 4,
    kernel: 3,
    stride: 2,
    pad: [
      [0, 0],
      [1, 1],
      [1, 1],
      [0, 0],
    ],
  },
]);
cases.push([
  'k5 s2 explicit 2 odd',
  {
    batch: 2,
    height: 9,
    width: 7,
    inChannels: 2,
    outChannels: 3,
    kernel: 5,
    stride: 2,
    pad: [
      [0, 0],
      [2, 2],
      [2, 2],
      [0, 0],
    ],
  },
]);
cases.push([
  'k3 s1 explicit lopsided',
  {
    batch: 3,
    height: 6,
    width: 5,
    inChannels: 4,
    outChannels: 2,
    kernel: 3,
    stride: 1,
    pad: [
      [0, 0],
      [0, 2],
      [2, 1],
      [0, 0],
    ],
  },
]);
cases.push([
  'k4 s2 same (even kernel)',
  { batch: 2, height: 9, width: 8, inChannels: 3, outChannels: 2, kernel: 4, stride: 2, pad: 'same' },
]);
cases.push(['k3 s3 same', { batch: 2, height: 10, width: 11, inChannels: 2, outChannels: 3, kernel: 3, stride: 3, pad: 'same' }]);
cases.push([
  'k3 strides 2x1 same',
  { batch: 2, height: 9, width: 7, inChannels: 3, outChannels: 4, kernel: 3, stride: [2, 1], pad: 'same' },
]);
cases.push([
  'k5 strides 1x2 valid',
  { batch: 1, height: 8, width: 11, inChannels: 2, outChannels: 3, kernel: 5, stride: [1, 2], pad: 'valid' },
]);
cases.push([
  'k3 s2 explicit lopsided',
  {
    batch: 2,
    height: 7,
    width: 8,
    inChannels: 2,
    outChannels: 3,
    kernel: 3,
    stride: 2,
    pad: [
      [0, 0],
      [2, 0],
      [0, 3],
      [0, 0],
    ],
  },
]);
cases.push([
  'k3 s2 wider batch and channels',
  { batch: 4, height: 16, width: 16, inChannels: 8, outChannels: 12, kernel: 3, stride: 2, pad: 'same' },
]);

describe('Argus wasm kernels', () => {
  beforeAll(async () => {
    await selectTfBackend({ env: { ARGUS_TF_BACKEND: 'wasm' }, logger: silentVisionLogger });
  });

  describe.each(['cpu', 'wasm'])('resizeNearestNeighbor gradient on %s', (backend) => {
    it.each<[string, [number, number, number, number], [number, number], boolean, boolean]>([
      ['×2, batch 3', [3, 3, 4, 2], [6, 8], false, false],
      ['×4, batch 2', [2, 3, 2, 2], [12, 8], false, false],
      ['non-integer scale', [2, 5, 3, 2], [7, 8], false, false],
      ['align corners', [2, 4, 3, 3], [7, 5], true, false],
      ['half-pixel centres', [2, 4, 3, 3], [7, 5], false, true],
    ])('is exact: %s', async (_name, shape, size, alignCorners, halfPixelCenters) => {
      await tf.setBackend(backend);
      tf.tidy(() => {
        const dy = tf.tensor4d(randomValues(shape[0] * size[0] * size[1] * shape[3], 4), [shape[0], size[0], size[1], shape[3]]);
        const f = (x: tf.Tensor): tf.Scalar =>
          tf.sum(tf.mul(tf.image.resizeNearestNeighbor(x as tf.Tensor4D, size, alignCorners, halfPixelCenters), dy));
        const actual = tf.grad(f)(tf.zeros(shape)).dataSync() as Float32Array;
        // The resize is linear, so ∂f/∂x_i is f at the i-th unit vector.
        const count = shape.reduce((a, b) => a * b);
        const expected = Float32Array.from({ length: count }, (_v, i) =>
          tf.tidy(() => f(tf.reshape(tf.oneHot([i], count), shape)).dataSync()[0] ?? NaN),
        );
        expect(maxRelativeDiff(actual, expected)).toBeLessThanOrEqual(1e-5);
      });
    });
  });

  it.each<[string, number[][], number]>([
    [
      'channels of two feature maps',
      [
        [2, 5, 6, 3],
        [2, 5, 6, 4],
      ],
      3,
    ],
    [
      'three maps with long runs',
      [
        [2, 3, 4, 200],
        [2, 3, 4, 1],
        [2, 3, 4, 130],
      ],
      3,
    ],
    [
      'rows',
      [
        [2, 3, 4, 2],
        [2, 1, 4, 2],
      ],
      1,
    ],
    [
      'the batch',
      [
        [1, 3, 2],
        [3, 3, 2],
      ],
      0,
    ],
    [
      'with an empty part',
      [
        [2, 0],
        [2, 3],
      ],
      1,
    ],
  ])('split (and concat) match the cpu backend: %s', async (_name, shapes, axis) => {
    const run = async (backend: string, dtype: 'float32' | 'int32'): Promise<number[][]> => {
      await tf.setBackend(backend);
      return tf.tidy(() => {
        const parts = shapes.map((shape, i) =>
          tf.tensor(
            Array.from(
              randomValues(
                shape.reduce((a, b) => a * b, 1),
                40 + i,
              ),
              (v) => Math.round(v * 100),
            ),
            shape,
            dtype,
          ),
        );
        const joined = tf.concat(parts, axis);
        const back = tf.split(
          joined,
          shapes.map((shape) => shape[axis] ?? 0),
          axis,
        );
        return [Array.from(joined.dataSync()), ...back.map((t) => Array.from(t.dataSync()))];
      });
    };
    for (const dtype of ['float32', 'int32'] as const) {
      expect(await run('wasm', dtype)).toEqual(await run('cpu', dtype));
    }
  });

  it('splits into equal parts', async () => {
    await tf.setBackend('wasm');
    tf.tidy(() => {
      const x = tf.tensor2d([
        [1, 2, 3, 4, 5, 6],
        [7, 8, 9, 10, 11, 12],
      ]);
      expect(tf.split(x, 3, 1).map((t) => t.arraySync())).toEqual([
        [
          [1, 2],
          [7, 8],
        ],
        [
          [3, 4],
          [9, 10],
        ],
        [
          [5, 6],
          [11, 12],
        ],
      ]);
    });
  });

  it('replaces the upstream kernels', () => {
    expect(argusKernelsRegistered()).toBe(true);
  });

  it.each(cases)('conv2d gradients match the cpu backend: %s', async (_name, c) => {
    const caseSeed = c.height * 1000 + c.width * 10 + c.kernel;
    const expected = await convGradients('cpu', c, caseSeed);
    const before = tf.memory().numTensors;
    const actual = await convGradients('wasm', c, caseSeed);
    expect(tf.memory().numTensors).toBe(before);
    expect(maxRelativeDiff(actual.dw, expected.dw)).toBeLessThanOrEqual(1e-4);
    expect(maxRelativeDiff(actual.dx, expected.dx)).toBeLessThanOrEqual(1e-4);
  });
});

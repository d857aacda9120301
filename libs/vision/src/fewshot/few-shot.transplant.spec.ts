import * as tf from '@tensorflow/tfjs-core';
import { type ArchitectureSpec, inputChannels, validateSpec } from '../core/architecture-spec';
import { selectTfBackend } from '../core/backend';
import { DetectorModel } from '../core/detector-model';
import { type DetectorWeights, initDetectorWeights, PREDICTION_PRIOR } from '../core/detector-weights';
import { silentVisionLogger } from '../core/vision-logger.port';
import { SeededRandom } from '../data/seeded-random';
import type { ModelPackage } from '../artifact/model-package.store';
import { FewShotTransplantError, retargetClasses, STEM_KERNEL, transplantInput } from './few-shot.transplant';
import { encodeImage } from '../data/image-codec';
import type { LabelledSample } from '../data/sample';
import { chooseNearestModel, describeFrames, NearestModelError } from './nearest-model';

function smallSpec(over: Partial<ArchitectureSpec> = {}): ArchitectureSpec {
  return validateSpec({
    specVersion: 1,
    name: 'small',
    input: { height: 16, width: 16, channels: 1 },
    template: 'stack-difference',
    backbone: {
      stages: [
        { depth: 0, width: 6, kernelSize: 3, stride: 2, activation: 'relu', block: 'plain' },
        { depth: 1, width: 8, kernelSize: 3, stride: 2, activation: 'relu', block: 'csp' },
      ],
    },
    neck: { type: 'fpn-lite', width: 6, kernelSize: 3, activation: 'relu' },
    head: { style: 'centerness', strides: [2, 4], depth: 1, width: 6, kernelSize: 3, activation: 'relu' },
    classes: ['a', 'b', 'c'],
    ...over,
  });
}

/** Fresh weights jittered (batch-norm statistics included) so nothing sits at its initial value. */
function jittered(spec: ArchitectureSpec, seed = 3): DetectorWeights {
  const weights = initDetectorWeights(spec, seed);
  const random = new SeededRandom(seed + 8);
  for (const [name, w] of Object.entries(weights)) {
    for (let i = 0; i < w.values.length; i++) {
      const v = (w.values[i] as number) + random.normal(0, 0.2);
      w.values[i] = name.endsWith('.bn.variance') ? Math.abs(v) + 0.1 : v;
    }
  }
  return weights;
}

function predict(spec: ArchitectureSpec, weights: DetectorWeights, input: tf.Tensor4D): Float32Array {
  const model = DetectorModel.fromWeights(spec, weights);
  try {
    const out = model.predict(input);
    const data = out.dataSync() as Float32Array;
    out.dispose();
    return data;
  } finally {
    model.dispose();
  }
}

const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] as number))), 0);

beforeAll(async () => {
  await selectTfBackend({ env: { ARGUS_TF_BACKEND: 'wasm' }, logger: silentVisionLogger });
});

describe('transplantInput', () => {
  it('grey → RGB: on a grey scene the RGB model answers exactly as the grey one (each colour a third of the grey kernel)', () => {
    const grey = smallSpec();
    const weights = jittered(grey);
    const moved = transplantInput(grey, weights, { channels: 3, template: 'stack-difference' });
    expect(moved.stemConverted).toBe(true);
    expect(moved.spec.input.channels).toBe(3);
    expect(moved.weights[STEM_KERNEL]?.shape).toEqual([3, 3, 9, 6]);
    expect(moved.notes.join(' ')).toMatch(/grey → RGB: each colour a third/);
    const greyInput = tf.randomUniform([1, 16, 16, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
    // group-major RGB layout: frame RGB, template RGB, difference RGB — each colour the grey plane.
    const rgbInput = tf.concat(
      [0, 0, 0, 1, 1, 1, 2, 2, 2].map((c) => tf.slice(greyInput, [0, 0, 0, c], [1, 16, 16, 1])),
      3,
    ) as tf.Tensor4D;
    expect(maxDiff(predict(grey, weights, greyInput), predict(moved.spec, moved.weights, rgbInput))).toBeLessThan(1e-4);
    // Every other weight is the parent's own array.
    expect(moved.weights['neck.fuse.s2.kernel']).toBe(weights['neck.fuse.s2.kernel']);
    tf.dispose([greyInput, rgbInput]);
  });

  it('RGB → grey sums the colour kernels: same answer on a grey scene', () => {
    const rgb = smallSpec({ input: { height: 16, width: 16, channels: 3 }, template: 'none' });
    const weights = jittered(rgb);
    const moved = transplantInput(rgb, weights, { channels: 1, template: 'none' });
    expect(moved.weights[STEM_KERNEL]?.shape).toEqual([3, 3, 1, 6]);
    const greyInput = tf.randomUniform([1, 16, 16, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
    const rgbInput = tf.concat([greyInput, greyInput, greyInput], 3) as tf.Tensor4D;
    expect(maxDiff(predict(rgb, weights, rgbInput), predict(moved.spec, moved.weights, greyInput))).toBeLessThan(1e-4);
    tf.dispose([greyInput, rgbInput]);
  });

  it('template none → stack-difference: the frame kept, template and difference zero (the old answer whatever the template)', () => {
    const plain = smallSpec({ template: 'none' });
    const weights = jittered(plain);
    const moved = transplantInput(plain, weights, { channels: 1, template: 'stack-difference' });
    expect(inputChannels(moved.spec)).toBe(3);
    expect(moved.notes.join(' ')).toMatch(/frame carried over; template, difference new, zero-initialised/);
    const frame = tf.randomUniform([1, 16, 16, 1], 0, 1, 'float32', 6) as tf.Tensor4D;
    const rest = tf.randomUniform([1, 16, 16, 2], 0, 1, 'float32', 7) as tf.Tensor4D;
    const stacked = tf.concat([frame, rest], 3) as tf.Tensor4D;
    expect(maxDiff(predict(plain, weights, frame), predict(moved.spec, moved.weights, stacked))).toBeLessThan(1e-5);
    // And back: stack-difference → none drops template and difference.
    const back = transplantInput(moved.spec, moved.weights, { channels: 1, template: 'none' });
    expect(back.notes.join(' ')).toMatch(/template, difference dropped/);
    expect(Array.from(back.weights[STEM_KERNEL]?.values ?? [])).toEqual(Array.from(weights[STEM_KERNEL]?.values ?? []));
    tf.dispose([frame, rest, stacked]);
  });

  it('changes nothing for the same input; a new size keeps every weight; a size the strides do not divide is refused', () => {
    const spec = smallSpec();
    const weights = jittered(spec);
    const same = transplantInput(spec, weights, { channels: 1, template: 'stack-difference' });
    expect(same.weights).toBe(weights);
    expect(same.notes).toEqual([]);
    const bigger = transplantInput(spec, weights, { channels: 1, template: 'stack-difference', width: 32, height: 24 });
    expect(bigger.weights).toBe(weights);
    expect(bigger.notes[0]).toMatch(/16x16 → 32x24: every weight carried over/);
    expect(() => transplantInput(spec, weights, { channels: 1, template: 'none', width: 18, height: 16 })).toThrow(FewShotTransplantError);
  });
});

describe('retargetClasses', () => {
  it('keeps objectness and box channels, copies a known class’s channel, and starts a new class as head growth does', () => {
    const spec = smallSpec();
    const weights = jittered(spec);
    const out = retargetClasses(spec, weights, ['c', 'new'], ['c', null], 1);
    expect(out.spec.classes).toEqual(['c', 'new']);
    for (const stride of [2, 4]) {
      const oldBias = weights[`head.s${stride}.predict.bias`]?.values as Float32Array; // [obj, a, b, c, l, t, r, b]
      const newBias = out.weights[`head.s${stride}.predict.bias`]?.values as Float32Array; // [obj, c, new, l, t, r, b]
      expect(newBias.length).toBe(7);
      expect(newBias[0]).toBe(oldBias[0]);
      expect(newBias[1]).toBe(oldBias[3]);
      expect(newBias[2]).toBeCloseTo(Math.log(PREDICTION_PRIOR / (1 - PREDICTION_PRIOR)), 6);
      expect([...newBias.slice(3)]).toEqual([...oldBias.slice(4)]);
      const oldKernel = weights[`head.s${stride}.predict.kernel`];
      const newKernel = out.weights[`head.s${stride}.predict.kernel`];
      expect(newKernel?.shape).toEqual([1, 1, 6, 7]);
      for (let row = 0; row < 6; row++) {
        expect(newKernel?.values[row * 7 + 1]).toBe(oldKernel?.values[row * 8 + 3]);
        expect(newKernel?.values[row * 7 + 6]).toBe(oldKernel?.values[row * 8 + 7]);
        expect(Math.abs(newKernel?.values[row * 7 + 2] as number)).toBeLessThan(0.06);
      }
    }
    expect(out.weights['backbone.stages.0.down.kernel']).toBe(weights['backbone.stages.0.down.kernel']);
  });

  it('maps slots in order (meta-init) and refuses a source the model lacks', () => {
    const spec = smallSpec({ classes: ['slot-1', 'slot-2'] });
    const weights = jittered(spec);
    const out = retargetClasses(spec, weights, ['RBC', 'WBC', 'Platelets'], ['slot-1', 'slot-2', null], 2);
    const oldBias = weights['head.s2.predict.bias']?.values as Float32Array;
    const newBias = out.weights['head.s2.predict.bias']?.values as Float32Array;
    expect([newBias[1], newBias[2]]).toEqual([oldBias[1], oldBias[2]]);
    expect(() => retargetClasses(spec, weights, ['x'], ['slot-9'], 1)).toThrow(/slot-9 are not the model's/);
  });
});

describe('chooseNearestModel', () => {
  const pkg = (name: string, channels: 1 | 3, template: ArchitectureSpec['template'], createdAt: string) =>
    ({
      metadata: { name, version: '1', createdAt, spec: smallSpec({ input: { height: 16, width: 16, channels }, template }) },
    }) as unknown as ModelPackage;
  const pcb = pkg('pcb', 1, 'stack-difference', '2026-01-01T00:00:00.000Z');
  const factory = pkg('factory', 3, 'stack-difference', '2026-01-02T00:00:00.000Z');
  const bccd = pkg('bccd', 3, 'none', '2026-01-01T00:00:00.000Z');
  const bccdNewer = pkg('bccd-2', 3, 'none', '2026-02-01T00:00:00.000Z');
  const greyPlain = pkg('grey-plain', 1, 'none', '2026-03-01T00:00:00.000Z');

  it('prefers template use, then channels, then the exact mode, then the newest', () => {
    expect(chooseNearestModel([pcb, factory, bccd], { channels: 3, template: 'none' }).package).toBe(bccd);
    expect(chooseNearestModel([pcb, factory, bccd], { channels: 1, template: 'stack-difference' }).package).toBe(pcb);
    // RGB with a template: the template-using RGB factory model beats the plain RGB one.
    expect(chooseNearestModel([pcb, factory, bccd], { channels: 3, template: 'difference' }).package).toBe(factory);
    // Template use outranks channels: a grey template line takes the RGB template model over a grey plain one.
    expect(chooseNearestModel([greyPlain, factory], { channels: 1, template: 'stack' }).package).toBe(factory);
    const newest = chooseNearestModel([bccd, bccdNewer], { channels: 3, template: 'none' });
    expect(newest.package).toBe(bccdNewer);
    expect(newest.reason).toMatch(/same template use, channels, template mode, of 2 candidate/);
  });

  it('refuses an empty list', () => {
    expect(() => chooseNearestModel([], { channels: 3, template: 'none' })).toThrow(NearestModelError);
  });
});

describe('describeFrames', () => {
  const frame = async (id: string, rgb: (i: number) => [number, number, number], template: boolean): Promise<LabelledSample> => {
    const data = new Uint8Array(8 * 8 * 3);
    for (let i = 0; i < 64; i++) data.set(rgb(i), i * 3);
    const bytes = await encodeImage({ data, width: 8, height: 8, channels: 3 }, 'png');
    return {
      id,
      image: { kind: 'encoded', bytes, format: 'png' },
      ...(template ? { template: { kind: 'encoded', bytes, format: 'png' } } : {}),
      boxes: [],
      source: 'test',
    } as LabelledSample;
  };

  it('grey when three equal channels, RGB otherwise; a template when every frame has one', async () => {
    const grey = await frame('g', (i) => [i, i + 1, i], true);
    const colour = await frame('c', (i) => [i, 200, 30], false);
    expect(await describeFrames([grey, grey])).toEqual({ channels: 1, template: 'stack-difference' });
    expect(await describeFrames([grey, colour])).toEqual({ channels: 3, template: 'none' });
    expect(await describeFrames([grey], { templateMode: 'difference' })).toEqual({ channels: 1, template: 'difference' });
    expect(await describeFrames([colour], { templateMode: 'difference' })).toEqual({ channels: 3, template: 'none' });
  });
});

import { decodeWeights, encodeWeights, WeightsFormatError } from './weights.codec';

describe('weights codec', () => {
  const weights = {
    'b.kernel': { shape: [1, 1, 2, 3], values: Float32Array.from([1, -2, 3.5, 1e-8, -0, 6]) },
    'a.bias': { shape: [2], values: Float32Array.from([0.25, Number.MAX_VALUE > 0 ? 3.4e38 : 0]) },
  };

  it('round-trips names, shapes and every float bit for bit, in name order', () => {
    const { manifest, data } = encodeWeights(weights, 'weights.bin');
    expect(manifest.weightsManifest[0]?.paths).toEqual(['weights.bin']);
    expect(manifest.weightsManifest[0]?.weights.map((w) => w.name)).toEqual(['a.bias', 'b.kernel']);
    expect(data.length).toBe(8 * 4);
    const back = decodeWeights(JSON.parse(JSON.stringify(manifest)), data);
    expect(back).toEqual(weights);
  });

  it('says what is wrong with a damaged file', () => {
    const { manifest, data } = encodeWeights(weights, 'weights.bin');
    expect(() => decodeWeights(manifest, data.subarray(0, 20), 'weights.json')).toThrow(
      new WeightsFormatError('weights.json: the manifest describes 32 bytes of weights, the binary file has 20'),
    );
    expect(() => decodeWeights({ format: 'something-else' }, data)).toThrow(/not an Argus weights manifest/);
    expect(() => encodeWeights({ x: { shape: [3], values: new Float32Array(2) } }, 'w.bin')).toThrow('weight x has 2 values for shape [3]');
  });
});

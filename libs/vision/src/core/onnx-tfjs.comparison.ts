import * as tf from '@tensorflow/tfjs-core';
import { ArchitectureSpec } from './architecture-spec';
import { DetectorModel } from './detector-model';
import { DetectorWeights } from './detector-weights';
import { exportDetectorToOnnx } from './onnx-export';
import { OnnxDetectorSession, OnnxSessionOptions } from './onnx-runtime';

/** A preprocessed batch in the ONNX layout: NCHW floats. */
export interface NchwBatch {
  data: Float32Array;
  dims: [number, number, number, number];
}

/**
 * Runs the same weights through the TF.js model (on the active backend, inference mode) and through
 * the ONNX export in ONNX Runtime, and returns the largest absolute difference of their head
 * outputs: the numerical check every export gets.
 */
export async function compareOnnxWithTfjs(
  spec: ArchitectureSpec,
  weights: DetectorWeights,
  input: NchwBatch,
  sessionOptions: OnnxSessionOptions = {},
): Promise<number> {
  const model = DetectorModel.fromWeights(spec, weights);
  let tfjsOutput: Float32Array;
  try {
    tfjsOutput = tf.tidy(() => {
      const nhwc = tf.transpose(tf.tensor4d(input.data, input.dims), [0, 2, 3, 1]) as tf.Tensor4D;
      return model.predict(nhwc).dataSync() as Float32Array;
    });
  } finally {
    model.dispose();
  }
  const session = await OnnxDetectorSession.create(exportDetectorToOnnx(spec, weights), sessionOptions);
  try {
    const onnxOutput = await session.run(input.data, input.dims);
    if (onnxOutput.data.length !== tfjsOutput.length) {
      throw new Error(`ONNX output has ${onnxOutput.data.length} values, TF.js ${tfjsOutput.length}`);
    }
    let worst = 0;
    for (let i = 0; i < tfjsOutput.length; i++) {
      const diff = Math.abs((onnxOutput.data[i] ?? NaN) - (tfjsOutput[i] ?? NaN));
      worst = Number.isNaN(diff) ? Infinity : Math.max(worst, diff);
    }
    return worst;
  } finally {
    await session.dispose();
  }
}

import * as ort from 'onnxruntime-node';
import { ONNX_INPUT_NAME, ONNX_OUTPUT_NAME } from './onnx-export';

export interface OnnxSessionOptions {
  /** Threads for one operator (ONNX Runtime's intra-op pool). Default 2, this host's core count. */
  intraOpNumThreads?: number;
  /**
   * Default `['cpu']`: the CPU binaries ship inside onnxruntime-node. A Linux x64 host with an
   * NVIDIA GPU installs the CUDA provider (`npm install onnxruntime-node
   * --onnxruntime-node-install-cuda=v12`, i.e. without this project's `onnxruntime-node-install=skip`
   * setting) and passes `['cuda', 'cpu']`.
   */
  executionProviders?: string[];
  /**
   * Let idle intra-op threads spin-wait for work (ONNX Runtime's default). Default false: Argus
   * always shares its cores (JPEG decoding, Kafka, S3, Postgres on the same machine), and spinning
   * threads burn the CPU the rest needs: on a busy machine, spinning cost more CPU per image and gave
   * fewer images/s (docs/performance.md).
   */
  allowSpinning?: boolean;
}

export interface HeadBatchOutput {
  /** [batch, cells, 5 + classes], row-major: the layout of DetectorModel.predict. */
  data: Float32Array;
  dims: [number, number, number];
}

export class OnnxRuntimeError extends Error {
  readonly code = 'ONNX_RUNTIME_FAILED';
}

/**
 * An ONNX Runtime session over an exported detector: batches of preprocessed NCHW float32 inputs
 * in, raw head outputs out. Create once, run many times, `dispose` at shutdown.
 */
export class OnnxDetectorSession {
  private constructor(
    private readonly session: ort.InferenceSession,
    /** Cells and channels of the output (its batch dimension is dynamic). */
    private readonly outputShape: [number, number],
  ) {}

  /** Loads a model from its bytes (or a file path). */
  static async create(model: Uint8Array | string, options: OnnxSessionOptions = {}): Promise<OnnxDetectorSession> {
    const sessionOptions: ort.InferenceSession.SessionOptions = {
      executionProviders: options.executionProviders ?? ['cpu'],
      intraOpNumThreads: options.intraOpNumThreads ?? 2,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
      extra: { session: { intra_op: { allow_spinning: options.allowSpinning === true ? '1' : '0' } } },
    };
    const session =
      typeof model === 'string'
        ? await ort.InferenceSession.create(model, sessionOptions)
        : await ort.InferenceSession.create(model, sessionOptions);
    const output = session.outputMetadata.find((m) => m.name === ONNX_OUTPUT_NAME);
    const [, cells, channels] = output?.isTensor ? output.shape : [];
    if (!session.inputNames.includes(ONNX_INPUT_NAME) || typeof cells !== 'number' || typeof channels !== 'number') {
      await session.release();
      throw new OnnxRuntimeError(
        `not an Argus detector: expected input '${ONNX_INPUT_NAME}' and output '${ONNX_OUTPUT_NAME}' [batch, cells, channels], ` +
          `found inputs [${session.inputNames.join(', ')}] and outputs [${session.outputNames.join(', ')}]`,
      );
    }
    return new OnnxDetectorSession(session, [cells, channels]);
  }

  /** Runs a batch [batch, channels, height, width] (NCHW, floats in [0, 1]). */
  async run(input: Float32Array, dims: readonly [number, number, number, number]): Promise<HeadBatchOutput> {
    const expected = dims.reduce((a, b) => a * b, 1);
    if (input.length !== expected) {
      throw new RangeError(`input has ${input.length} values, [${dims.join(', ')}] needs ${expected}`);
    }
    const [cells, channels] = this.outputShape;
    const outputDims: [number, number, number] = [dims[0], cells, channels];
    // The output goes into a buffer we allocate (ONNX Runtime writes into pre-allocated outputs),
    // which also keeps its typed array in this JavaScript realm (under Jest, a native-created one
    // fails onnxruntime-common's instanceof checks).
    const data = new Float32Array(dims[0] * cells * channels);
    const feed = new ort.Tensor('float32', input, [...dims]);
    const fetch = new ort.Tensor('float32', data, outputDims);
    try {
      await this.session.run({ [ONNX_INPUT_NAME]: feed }, { [ONNX_OUTPUT_NAME]: fetch });
    } catch (error) {
      throw new OnnxRuntimeError(
        `ONNX Runtime failed on a [${dims.join(', ')}] batch: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      feed.dispose();
    }
    return { data, dims: outputDims };
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

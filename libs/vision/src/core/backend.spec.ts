import * as tf from '@tensorflow/tfjs-core';
import { selectTfBackend, TfBackendUnavailableError } from './backend';
import { VisionLogger } from './vision-logger.port';

function recordingLogger(): VisionLogger & { lines: Array<{ level: string; obj: Record<string, unknown>; msg?: string }> } {
  const lines: Array<{ level: string; obj: Record<string, unknown>; msg?: string }> = [];
  return {
    lines,
    info: (obj, msg) => lines.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => lines.push({ level: 'warn', obj, msg }),
  };
}

const nativeAbsent = (name: string): never => {
  throw new Error(`Cannot find module '${name}'`);
};

describe('selectTfBackend', () => {
  it('falls back from the native bindings to wasm, and logs the choice', async () => {
    const logger = recordingLogger();
    const tried: string[] = [];
    const selection = await selectTfBackend({
      env: {},
      logger,
      loadModule: (name) => {
        tried.push(name);
        return nativeAbsent(name);
      },
    });
    expect(tried).toEqual(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']);
    expect(selection).toMatchObject({ choice: 'wasm', backendName: 'wasm', forced: false });
    expect(selection.attempts.map((a) => [a.choice, a.error !== undefined])).toEqual([
      ['tfjs-node-gpu', true],
      ['tfjs-node', true],
      ['wasm', false],
    ]);
    expect(tf.getBackend()).toBe('wasm');
    expect(logger.lines).toEqual([expect.objectContaining({ level: 'info', msg: 'TensorFlow.js backend in use: wasm' })]);
  });

  it('honours ARGUS_TF_BACKEND without trying anything else', async () => {
    const logger = recordingLogger();
    const selection = await selectTfBackend({ env: { ARGUS_TF_BACKEND: 'cpu' }, logger, loadModule: nativeAbsent });
    expect(selection).toMatchObject({ choice: 'cpu', forced: true, attempts: [{ choice: 'cpu' }] });
    expect(tf.getBackend()).toBe('cpu');
    expect(logger.lines.map((l) => l.level)).toEqual(['info', 'warn']);
  });

  it('fails, naming the variable, when a forced backend is unavailable', async () => {
    await expect(
      selectTfBackend({ env: { ARGUS_TF_BACKEND: 'tfjs-node' }, logger: recordingLogger(), loadModule: nativeAbsent }),
    ).rejects.toThrow(/ARGUS_TF_BACKEND=tfjs-node could not be activated \(tfjs-node: Cannot find module/);
  });

  it('rejects an unknown ARGUS_TF_BACKEND value', async () => {
    await expect(selectTfBackend({ env: { ARGUS_TF_BACKEND: 'webgl' }, logger: recordingLogger() })).rejects.toThrow(
      TfBackendUnavailableError,
    );
    await expect(selectTfBackend({ env: { ARGUS_TF_BACKEND: 'webgl' }, logger: recordingLogger() })).rejects.toThrow(
      'ARGUS_TF_BACKEND=webgl is not a backend; use one of tfjs-node-gpu, tfjs-node, wasm, cpu',
    );
  });
});

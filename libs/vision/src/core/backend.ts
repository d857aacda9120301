import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerTfjsGradients } from './gradients';
import { VisionLogger, stderrJsonVisionLogger } from './vision-logger.port';
import { registerArgusKernels } from './wasm-kernels';

/**
 * Which TensorFlow.js backend runs training and the TF.js inference fallback, best first:
 * a native binding (GPU, then CPU; neither installs on a host without libtensorflow downloads),
 * then WebAssembly (XNNPACK, single-threaded in Node, with Argus's own gradient kernels), then the
 * pure-JS cpu backend (correct but far too slow to train on).
 */
export const TF_BACKEND_CHOICES = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'] as const;
export type TfBackendChoice = (typeof TF_BACKEND_CHOICES)[number];

/** Environment variable that forces one backend (no fallback: a forced backend that fails is an error). */
export const TF_BACKEND_ENV = 'ARGUS_TF_BACKEND';

export interface TfBackendAttempt {
  choice: TfBackendChoice;
  error?: string;
}

export interface TfBackendSelection {
  choice: TfBackendChoice;
  /** The name tfjs knows the backend by (`tensorflow` for both native bindings). */
  backendName: string;
  forced: boolean;
  /** Every backend tried, in order, with the reason the rejected ones failed. */
  attempts: TfBackendAttempt[];
}

export interface SelectTfBackendOptions {
  env?: Record<string, string | undefined>;
  logger?: VisionLogger;
  /** Loads an optional native binding by package name; `require` unless a test injects one. */
  loadModule?: (packageName: string) => unknown;
}

export class TfBackendUnavailableError extends Error {
  readonly code = 'TF_BACKEND_UNAVAILABLE';
}

/** Folder holding the .wasm binaries of the installed tfjs-backend-wasm (read from disk, never fetched). */
export function wasmBinaryFolder(): string {
  const packageJson = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
  return `${path.join(path.dirname(packageJson), 'dist')}${path.sep}`;
}

function parseForcedChoice(env: Record<string, string | undefined>): TfBackendChoice | undefined {
  const raw = env[TF_BACKEND_ENV]?.trim();
  if (raw === undefined || raw === '') {
    return undefined;
  }
  if (!(TF_BACKEND_CHOICES as readonly string[]).includes(raw)) {
    throw new TfBackendUnavailableError(`${TF_BACKEND_ENV}=${raw} is not a backend; use one of ${TF_BACKEND_CHOICES.join(', ')}`);
  }
  return raw as TfBackendChoice;
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error);
}

// A native binding is an optional dependency: load it only if it is installed.
const defaultLoadModule = (packageName: string): unknown => require(packageName);

async function activate(choice: TfBackendChoice, loadModule: (name: string) => unknown): Promise<string> {
  switch (choice) {
    case 'tfjs-node-gpu':
    case 'tfjs-node': {
      loadModule(`@tensorflow/${choice}`);
      if (!(await tf.setBackend('tensorflow'))) {
        throw new Error(`@tensorflow/${choice} loaded but its 'tensorflow' backend did not initialise`);
      }
      return 'tensorflow';
    }
    case 'wasm': {
      setWasmPaths(wasmBinaryFolder());
      if (!(await tf.setBackend('wasm'))) {
        throw new Error('the wasm backend did not initialise');
      }
      return 'wasm';
    }
    case 'cpu': {
      if (!(await tf.setBackend('cpu'))) {
        throw new Error('the cpu backend did not initialise');
      }
      return 'cpu';
    }
  }
}

/**
 * Picks and activates the best available TF.js backend (or the one `ARGUS_TF_BACKEND` forces),
 * logs which one is in use and returns it.
 */
export async function selectTfBackend(options: SelectTfBackendOptions = {}): Promise<TfBackendSelection> {
  const env = options.env ?? process.env;
  const logger = options.logger ?? stderrJsonVisionLogger;
  const loadModule = options.loadModule ?? defaultLoadModule;
  const forcedChoice = parseForcedChoice(env);
  registerTfjsGradients();
  registerArgusKernels();
  const candidates: readonly TfBackendChoice[] = forcedChoice ? [forcedChoice] : TF_BACKEND_CHOICES;

  const attempts: TfBackendAttempt[] = [];
  for (const choice of candidates) {
    try {
      const backendName = await activate(choice, loadModule);
      attempts.push({ choice });
      const selection: TfBackendSelection = { choice, backendName, forced: forcedChoice !== undefined, attempts };
      logger.info(
        { tfBackend: choice, tfBackendName: backendName, forced: selection.forced, rejected: attempts.slice(0, -1) },
        `TensorFlow.js backend in use: ${choice}`,
      );
      if (choice === 'cpu') {
        logger.warn({ tfBackend: choice }, 'the cpu backend is far too slow to train detectors on');
      }
      return selection;
    } catch (error) {
      attempts.push({ choice, error: describe(error) });
    }
  }
  const reasons = attempts.map((a) => `${a.choice}: ${a.error ?? 'unknown'}`).join('; ');
  throw new TfBackendUnavailableError(
    forcedChoice
      ? `${TF_BACKEND_ENV}=${forcedChoice} could not be activated (${reasons})`
      : `no TensorFlow.js backend could be activated (${reasons})`,
  );
}

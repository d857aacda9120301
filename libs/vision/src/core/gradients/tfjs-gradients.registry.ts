import { getGradient, GradConfig, registerGradient } from '@tensorflow/tfjs-core';
import { elementwiseGradientConfigs } from './elementwise.gradients';
import { nnGradientConfigs } from './nn.gradients';
import { structuralGradientConfigs } from './structural.gradients';

/**
 * tfjs-core's CommonJS build (what Node and Jest load) registers no gradients at all: upstream
 * registers them from `@tensorflow/tfjs-core/dist/register_all_gradients`, an ES module with
 * extension-less imports that only bundlers can load. So Argus owns the gradients a detector and its
 * training losses need, written against tfjs-core's public API with the same maths as upstream's.
 */
export const argusGradientConfigs: readonly GradConfig[] = [
  ...elementwiseGradientConfigs,
  ...structuralGradientConfigs,
  ...nnGradientConfigs,
];

/** Registers Argus's gradients for every kernel that has none yet. Idempotent. */
export function registerTfjsGradients(): void {
  for (const config of argusGradientConfigs) {
    if (getGradient(config.kernelName) == null) {
      registerGradient(config);
    }
  }
}

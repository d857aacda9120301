import type { ArchitectureSpec } from '../core/architecture-spec';

/** DeepPCB's six defect classes, in the data set's order. */
export const TINY_PCB_CLASSES = ['open', 'short', 'mousebite', 'spur', 'copper', 'pin-hole'] as const;

/**
 * A detector small enough to train on a few synthetic PCB scenes in seconds: what tests that run
 * real training (fine-tunes, jobs, the CLI) start from. Not a useful model.
 */
export function tinyPcbSpec(classes: readonly string[] = TINY_PCB_CLASSES): ArchitectureSpec {
  return {
    specVersion: 1,
    name: 'tiny-pcb',
    input: { height: 96, width: 96, channels: 1 },
    template: 'stack-difference',
    backbone: {
      stages: [
        { depth: 0, width: 8, kernelSize: 3, stride: 2, activation: 'relu', block: 'plain' },
        { depth: 1, width: 12, kernelSize: 3, stride: 2, activation: 'relu', block: 'residual' },
      ],
    },
    neck: { type: 'none', width: 12, kernelSize: 3, activation: 'relu' },
    head: { style: 'centerness', strides: [4], depth: 1, width: 12, kernelSize: 3, activation: 'relu' },
    classes: [...classes],
  } as ArchitectureSpec;
}

import { ArchitectureSpec, SPEC_VERSION, validateSpec } from './architecture-spec';

export const FEEDS = ['factory', 'pcb', 'medical', 'driving'] as const;
export type Feed = (typeof FEEDS)[number];

/**
 * Starting architectures per feed (architecture search explores around them). Sized for this
 * project's budget: training within ~90 minutes and serving well above 62 images/s on 2 CPU cores.
 */
const DEFAULT_SPECS: Record<Feed, ArchitectureSpec> = {
  /**
   * DeepPCB-style AOI: binarised grey frames with an aligned golden template. The template carries
   * localisation, so the input is frame, template and |frame − template|, and a small network
   * classifies the six defect types. CenterNet-like: one stride-4 level at 320×320 (640×640 boards
   * halved); ~0.39 GMAC, 0.27 M parameters — about half the compute of the half-width CenterNet that
   * met the AP target (datasets/README), because serving must also decode two JPEGs per board within
   * 1/62 s on 2 cores; architecture search can trade it back if accuracy needs it.
   */
  pcb: {
    specVersion: SPEC_VERSION,
    name: 'pcb-template-s4',
    input: { height: 320, width: 320, channels: 1 },
    template: 'stack-difference',
    backbone: {
      stages: [
        { depth: 0, width: 16, kernelSize: 3, stride: 2, activation: 'relu', block: 'plain' },
        { depth: 1, width: 32, kernelSize: 3, stride: 2, activation: 'relu', block: 'csp' },
        { depth: 1, width: 64, kernelSize: 3, stride: 2, activation: 'relu', block: 'csp' },
        { depth: 2, width: 128, kernelSize: 3, stride: 2, activation: 'relu', block: 'csp' },
      ],
    },
    neck: { type: 'fpn-lite', width: 32, kernelSize: 3, activation: 'relu' },
    head: { style: 'centerness', strides: [4], depth: 1, width: 32, kernelSize: 3, activation: 'relu' },
    classes: ['open', 'short', 'mousebite', 'spur', 'copper', 'pin-hole'],
  },
  /** Synthetic factory surfaces and parts with a defect-free template: scratches, dents, stains, holes. */
  factory: {
    specVersion: SPEC_VERSION,
    name: 'factory-template-s8s16',
    input: { height: 256, width: 256, channels: 3 },
    template: 'stack-difference',
    backbone: {
      stages: [
        { depth: 0, width: 16, kernelSize: 3, stride: 2, activation: 'relu', block: 'plain' },
        { depth: 1, width: 32, kernelSize: 3, stride: 2, activation: 'relu', block: 'residual' },
        { depth: 1, width: 64, kernelSize: 3, stride: 2, activation: 'relu', block: 'csp' },
        { depth: 1, width: 96, kernelSize: 3, stride: 2, activation: 'relu', block: 'csp' },
      ],
    },
    neck: { type: 'fpn-lite', width: 48, kernelSize: 3, activation: 'relu' },
    head: { style: 'centerness', strides: [8, 16], depth: 1, width: 48, kernelSize: 3, activation: 'relu' },
    classes: ['scratch', 'dent', 'stain', 'hole'],
  },
  /** Blood-cell smears (BCCD-like, 640×480 letterboxed): many round cells, two scales. */
  medical: {
    specVersion: SPEC_VERSION,
    name: 'medical-s8s16',
    input: { height: 320, width: 320, channels: 3 },
    template: 'none',
    backbone: {
      stages: [
        { depth: 0, width: 16, kernelSize: 3, stride: 2, activation: 'silu', block: 'plain' },
        { depth: 1, width: 32, kernelSize: 3, stride: 2, activation: 'silu', block: 'csp' },
        { depth: 1, width: 64, kernelSize: 3, stride: 2, activation: 'silu', block: 'csp' },
        { depth: 1, width: 96, kernelSize: 3, stride: 2, activation: 'silu', block: 'csp' },
      ],
    },
    neck: { type: 'fpn-lite', width: 48, kernelSize: 3, activation: 'silu' },
    head: { style: 'centerness', strides: [8, 16], depth: 1, width: 48, kernelSize: 3, activation: 'silu' },
    classes: ['RBC', 'WBC', 'Platelets'],
  },
  /** Road scenes with vehicles and pedestrians at many distances: deeper backbone, strides 8 and 16. */
  driving: {
    specVersion: SPEC_VERSION,
    name: 'driving-s8s16',
    input: { height: 320, width: 320, channels: 3 },
    template: 'none',
    backbone: {
      stages: [
        { depth: 0, width: 16, kernelSize: 3, stride: 2, activation: 'silu', block: 'plain' },
        { depth: 1, width: 32, kernelSize: 3, stride: 2, activation: 'silu', block: 'csp' },
        { depth: 2, width: 64, kernelSize: 3, stride: 2, activation: 'silu', block: 'csp' },
        { depth: 2, width: 128, kernelSize: 3, stride: 2, activation: 'silu', block: 'csp' },
        { depth: 1, width: 160, kernelSize: 3, stride: 2, activation: 'silu', block: 'csp' },
      ],
    },
    neck: { type: 'fpn-lite', width: 64, kernelSize: 3, activation: 'silu' },
    head: { style: 'centerness', strides: [8, 16], depth: 1, width: 64, kernelSize: 3, activation: 'silu' },
    classes: ['vehicle', 'pedestrian'],
  },
};

/** A fresh copy of the default spec of a feed. */
export function defaultSpec(feed: Feed): ArchitectureSpec {
  return validateSpec(structuredClone(DEFAULT_SPECS[feed]));
}

/**
 * The smallest useful detector: `size`×`size` grey, template stack-difference, two 8-wide stages
 * and strides 2 and 4. Untrained placeholders (embedded mode) and tests that need a real model
 * package fast are built from it.
 */
export function tinySpec(name: string, classes: readonly string[], size = 32): ArchitectureSpec {
  return validateSpec({
    specVersion: SPEC_VERSION,
    name,
    input: { height: size, width: size, channels: 1 },
    template: 'stack-difference',
    backbone: {
      stages: [
        { depth: 0, width: 8, kernelSize: 3, stride: 2, activation: 'relu', block: 'plain' },
        { depth: 1, width: 8, kernelSize: 3, stride: 2, activation: 'relu', block: 'csp' },
      ],
    },
    neck: { type: 'fpn-lite', width: 8, kernelSize: 3, activation: 'relu' },
    head: { style: 'centerness', strides: [2, 4], depth: 1, width: 8, kernelSize: 3, activation: 'relu' },
    classes: [...classes],
  });
}

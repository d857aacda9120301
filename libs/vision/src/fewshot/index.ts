// Few-shot adaptation of a detector to a new line, and the meta-learned initialisation it can start from.
export * from './few-shot.transplant';
export * from './nearest-model';
export * from './few-shot.adapt';
export * from './few-shot.pipeline';
export * from './reptile';
export * from './task.sampler';
export * from './meta.trainer';
export * from './shot.draw';

// The detector core: architectures as data, TF.js training, ONNX export and serving, data, evaluation.
export * from './core';
export * from './data';
export * from './eval';
export * from './train';
export * from './artifact';
export * from './continual';
export * from './fewshot';

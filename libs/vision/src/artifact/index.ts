// Model artifacts: the versioned package (metadata, TF.js weights, ONNX), its storage, and the runner.
export * from './weights.codec';
export * from './model-package.errors';
export * from './model-package.metadata';
export * from './model-package.files';
export * from './model-package.store';
export * from './model-package.builder';
export * from './detector.runner';
export * from './model.evaluator';
export * from './model.benchmark';
export * from './serving-latency.comparison';
export * from './model-heap';

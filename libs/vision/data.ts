// Light entry point `@argus/vision/data`: decoding/encoding (sharp), data-set loaders and the
// synthetic generators, without the detector core (TensorFlow.js, ONNX Runtime). Services that
// only need images — camera-ingest's simulated cameras — import this instead of `@argus/vision`.
export * from './src/data';

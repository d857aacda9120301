// Data: labelled samples, loaders (DeepPCB, Pascal VOC, Argus manifests), splits, synthetic
// generators, decoding and pre/post-processing around a detector.
export * from './sample';
export * from './annotation-format.error';
export * from './annotation-issue.collector';
export * from './image-input.errors';
export * from './seeded-random';
export * from './deeppcb.loader';
export * from './deeppcb-result.format';
export * from './pascal-voc.loader';
export * from './sample-manifest.loader';
export * from './dataset-split';
export * from './image-ref.reader';
export * from './image-codec';
export * from './letterbox';
export * from './preprocess';
export * from './box-iou';
export * from './postprocess';
export * from './synthetic';
export * from './template.cache';

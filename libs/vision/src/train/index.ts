// Training: target assignment, loss, optimiser and schedule, augmentation, the training loop.
export * from './head.layout';
export * from './head-output.decoder';
export * from './head-target.assigner';
export * from './detection.loss';
export * from './detections.postprocessor';
export * from './learning-rate.schedule';
export * from './adam.optimizer';
export * from './sample.augmenter';
export * from './training-batch.builder';
export * from './training-image.loader';
export * from './dataset.fingerprint';
export * from './detector.validator';
export * from './training-checkpoint.store';
export * from './training-progress.tracker';
export * from './detector.trainer';
export * from './training-data.source';
export * from './training.pipeline';

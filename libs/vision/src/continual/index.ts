// Continual learning: fine-tuning a shipped detector on new data without forgetting what it knew.
export * from './distillation.loss';
export * from './exemplar.selector';
export * from './head-growth';
export * from './fine-tune';
export * from './fine-tune.pipeline';
export * from './class-comparison';

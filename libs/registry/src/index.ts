// The model registry's domain: which version may serve a line, where a rollback goes, what it keeps of an evaluation, and the
// promotion use case shared by the services that move production pointers (detection-inference's
// registry CLI and start-up registration, the console's promotions page).
export * from './registry.errors';
export * from './production-pointer.rules';
export * from './promotion-audit.entry';
export * from './model-promotion.service';
export * from './evaluation-summary.builder';
export * from './model-package.publisher';
export * from './shadow-agreement';
export * from './candidate-gates';

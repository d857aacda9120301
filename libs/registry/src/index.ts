// The model registry's use cases shared by the services that move production pointers
// (detection-inference's registry CLI and start-up registration, the console's promotions page).
export * from './model-promotion.service';

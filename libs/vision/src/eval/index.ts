// Evaluation: COCO-style mAP, deployment-threshold metrics, the DeepPCB benchmark, PR plots.
export * from './evaluation-image';
export * from './coco-evaluator';
export * from './threshold-metrics';
export * from './deeppcb-benchmark';
export * from './pr-curve.plot';
export * from './svg-plot';
export * from './evaluation-report';

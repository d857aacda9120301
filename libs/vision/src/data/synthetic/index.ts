// Synthetic feeds with exact ground truth, deterministic by seed.
export * from './raster-canvas';
export * from './synthetic-scene';
export * from './synthetic-dataset.renderer';
export * from './factory-surface.generator';
export * from './cell-smear.generator';
export * from './road-scene.generator';
export * from './pcb-board.generator';
export * from './defect-rate.generator';

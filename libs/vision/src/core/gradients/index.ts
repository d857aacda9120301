export { argusGradientConfigs, registerTfjsGradients } from './tfjs-gradients.registry';

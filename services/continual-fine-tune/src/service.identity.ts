import { version } from '../package.json';

export const SERVICE_NAME = 'continual-fine-tune';
export const SERVICE_VERSION: string = version;

import { version } from '../package.json';

export const SERVICE_NAME = 'architecture-search';
export const SERVICE_VERSION: string = version;

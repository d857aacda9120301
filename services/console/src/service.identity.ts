import { version } from '../package.json';

export const SERVICE_NAME = 'console';
export const SERVICE_VERSION: string = version;

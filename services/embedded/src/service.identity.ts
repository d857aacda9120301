import { version } from '../package.json';

export const SERVICE_NAME = 'argus-embedded';
export const SERVICE_VERSION: string = version;

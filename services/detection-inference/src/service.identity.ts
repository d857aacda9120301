import { version } from '../package.json';

export const SERVICE_NAME = 'detection-inference';
export const SERVICE_VERSION: string = version;

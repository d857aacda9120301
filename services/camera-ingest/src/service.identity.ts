import { version } from '../package.json';

export const SERVICE_NAME = 'camera-ingest';
export const SERVICE_VERSION: string = version;

// Imported first by main.ts: tracing must be running before anything else is loaded.
import { startTelemetry } from '@argus/platform/telemetry';
import { SERVICE_NAME, SERVICE_VERSION } from './service.identity';

/** Flushes and stops telemetry; the last step of the shutdown sequence. */
export const shutdownTelemetry = startTelemetry({ serviceName: SERVICE_NAME, serviceVersion: SERVICE_VERSION });

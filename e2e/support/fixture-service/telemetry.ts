import { startTelemetry } from '@argus/platform/telemetry';

export const shutdownTelemetry = startTelemetry({ serviceName: 'platform-fixture', serviceVersion: '0.0.1' });

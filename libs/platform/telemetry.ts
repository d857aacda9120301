/**
 * Secondary entry point `@argus/platform/telemetry`: only the OpenTelemetry starter, so a service's
 * `src/telemetry.ts` can start tracing before Nest, pino, express or any adapter is loaded (the
 * main entry point would load them all first, and instrumentations patch modules as they load).
 */
export { startTelemetry, type TelemetryOptions, type TelemetryShutdown } from './src/telemetry/telemetry.starter';

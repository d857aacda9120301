/**
 * The minimal structured logger the bus needs. pino's `Logger` satisfies it, so services inject
 * their own; `ConsoleJsonLogger` is the default.
 */
export interface MessagingLogger {
  info(obj: Record<string, unknown>, msg?: string): void;
  warn(obj: Record<string, unknown>, msg?: string): void;
  error(obj: Record<string, unknown>, msg?: string): void;
}

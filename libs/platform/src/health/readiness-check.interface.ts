/**
 * Something the service needs before it can do its work (Kafka, the object store, Postgres).
 * `check()` resolves when the dependency answers and rejects (with a reason) when it does not.
 * Adapter libraries provide these (their Nest modules export one under a token of their own); a
 * service hands those tokens, or a token providing a list such as {@link READINESS_CHECKS}, to
 * `HealthModule.register`.
 */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<void>;
}

/** Conventional injection token for a service's `ReadinessCheck[]`. */
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

/**
 * Something the service needs before it can do its work (Kafka, the object store, Postgres).
 * `check()` resolves when the dependency answers and rejects (with a reason) when it does not.
 * Adapter libraries provide these; a service provides its list under {@link READINESS_CHECKS}
 * (or a token of its own) and hands the token to `HealthModule.register`.
 */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<void>;
}

/** Conventional injection token for a service's `ReadinessCheck[]`. */
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

import { DomainError, type ErrorHttpStatusMap } from '@argus/platform';

/** The model registry's own error codes (promotion and rollback refusals). */
export const RegistryErrorCodes = {
  noProductionVersion: 'model.no-production-version',
  noPreviousVersion: 'model.no-previous-version',
  incompatibleWithLine: 'model.incompatible-with-line',
  gatesFailed: 'model.gates-failed',
} as const;
export type RegistryErrorCode = (typeof RegistryErrorCodes)[keyof typeof RegistryErrorCodes];

/** Each refusal is a conflict with the line's current state. */
export const REGISTRY_ERROR_HTTP_STATUS: ErrorHttpStatusMap<RegistryErrorCode> = {
  'model.no-production-version': 409,
  'model.no-previous-version': 409,
  'model.incompatible-with-line': 409,
  'model.gates-failed': 409,
};

/** A move of a production pointer the registry's rules refuse. */
export class RegistryError extends DomainError<RegistryErrorCode> {}

/** A line has no production model yet (nothing to roll back, nothing to serve). */
export class NoProductionModelError extends RegistryError {
  constructor(readonly lineId: string) {
    super(RegistryErrorCodes.noProductionVersion, `line "${lineId}" has no production model`);
  }
}

/** Rollback asked on a line whose production model was its first one. */
export class NoPreviousModelVersionError extends RegistryError {
  constructor(readonly lineId: string) {
    super(RegistryErrorCodes.noPreviousVersion, `line "${lineId}" has no earlier production model to roll back to`);
  }
}

/**
 * The version cannot serve the line: it needs a golden template the line does not have, or it
 * detects none of the classes the line's alert rules name (a PCB model promoted to a machined-parts
 * line). Refused rather than letting inference dead-letter every frame or never alert.
 */
export class ModelIncompatibleWithLineError extends RegistryError {
  readonly modelVersionId: string;

  /** `model` is named as people know it (`pcb-template-s4@1.0.0`), not by its id: the message is shown to them. */
  constructor(
    readonly lineId: string,
    readonly model: { readonly id: string; readonly name: string; readonly version: string },
    readonly why: string,
  ) {
    super(RegistryErrorCodes.incompatibleWithLine, `${model.name}@${model.version} cannot serve line ${lineId}: ${why}`);
    this.modelVersionId = model.id;
  }
}

/**
 * The version is a fine-tune candidate that failed its gates (metric `gatesPassed` = 0): it is
 * promoted only with an explicit override and its reason, which the audit entry keeps.
 */
export class CandidateGatesFailedError extends RegistryError {
  constructor(
    readonly lineId: string,
    readonly model: { readonly id: string; readonly name: string; readonly version: string },
  ) {
    super(
      RegistryErrorCodes.gatesFailed,
      `${model.name}@${model.version} failed its gates and cannot serve line ${lineId} without an override and its reason`,
      { modelVersionId: model.id },
    );
  }
}

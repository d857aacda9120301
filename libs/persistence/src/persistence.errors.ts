import { DomainError } from '@argus/platform';

/**
 * Errors the repositories raise, domain errors of the platform. Each has a stable `code` (the HTTP
 * filter and the messaging policy map codes, not classes) and names the record concerned.
 */
export class PersistenceError extends DomainError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, undefined, options);
  }
}

export class RecordNotFoundError extends PersistenceError {
  constructor(
    readonly entity: string,
    readonly id: string,
    options?: { cause?: unknown },
  ) {
    super(`${entity}.not-found`, `${entity.replace(/-/g, ' ')} "${id}" does not exist`, options);
  }
}

export class LineNotFoundError extends RecordNotFoundError {
  constructor(lineId: string, options?: { cause?: unknown }) {
    super('line', lineId, options);
  }
}

export class CameraNotFoundError extends RecordNotFoundError {
  constructor(lineId: string, cameraId: string, options?: { cause?: unknown }) {
    super('camera', `${lineId}/${cameraId}`, options);
  }
}

export class FrameNotFoundError extends RecordNotFoundError {
  constructor(frameId: string, options?: { cause?: unknown }) {
    super('frame', frameId, options);
  }
}

export class ModelVersionNotFoundError extends RecordNotFoundError {
  constructor(modelVersionId: string, options?: { cause?: unknown }) {
    super('model-version', modelVersionId, options);
  }
}

export class AlertNotFoundError extends RecordNotFoundError {
  constructor(alertId: string, options?: { cause?: unknown }) {
    super('alert', alertId, options);
  }
}

/** The name and version exist already with different content: versions are immutable. */
export class ModelVersionConflictError extends PersistenceError {
  constructor(
    readonly modelName: string,
    readonly version: string,
    readonly differingField: string,
  ) {
    super('model.version-conflict', `model "${modelName}" version "${version}" is already registered with a different ${differingField}`);
  }
}

/** An id given by the caller is already used by a different record. */
export class RecordConflictError extends PersistenceError {
  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super(`${entity}.conflict`, `${entity.replace(/-/g, ' ')} id "${id}" is already used by a different record`);
  }
}

/** The database refused a value (a CHECK constraint): a bug upstream, since callers validate first. */
export class InvalidRecordError extends PersistenceError {
  constructor(
    readonly constraint: string,
    options?: { cause?: unknown },
  ) {
    super('persistence.invalid-record', `the database refused a value (constraint ${constraint})`, options);
  }
}

/** A unique name (a username, a service token's name) is taken; `code` is the common `conflict`. */
export class NameTakenError extends PersistenceError {
  constructor(
    readonly entity: string,
    readonly takenName: string,
  ) {
    super('conflict', `${entity.replace(/-/g, ' ')} name "${takenName}" is already taken`);
  }
}

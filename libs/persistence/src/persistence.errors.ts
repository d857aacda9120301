import { DomainError, type ErrorHttpStatusMap } from '@argus/platform';

/** The records a lookup can miss, and those whose caller-given id can clash. */
export type NotFoundEntity = 'line' | 'camera' | 'frame' | 'model-version' | 'alert';
export type ConflictEntity = 'frame' | 'alert' | 'review' | 'model-version';

/** Every code persistence raises. */
export type PersistenceErrorCode =
  `${NotFoundEntity}.not-found` | `${ConflictEntity}.conflict` | 'model.version-conflict' | 'persistence.invalid-record' | 'conflict';

/** The HTTP status of each persistence code (a service answering with them passes it to bootstrapService). */
export const PERSISTENCE_ERROR_HTTP_STATUS: ErrorHttpStatusMap<PersistenceErrorCode> = {
  'line.not-found': 404,
  'camera.not-found': 404,
  'frame.not-found': 404,
  'model-version.not-found': 404,
  'alert.not-found': 404,
  'frame.conflict': 409,
  'alert.conflict': 409,
  'review.conflict': 409,
  'model-version.conflict': 409,
  'model.version-conflict': 409,
  // The database refused a value callers should have validated: a bug, not the client's.
  'persistence.invalid-record': 500,
  conflict: 409,
};

/**
 * Errors the repositories raise, domain errors of the platform. Each has a stable `code` (the HTTP
 * filter maps codes, not classes) and names the record concerned.
 */
export class PersistenceError extends DomainError<PersistenceErrorCode> {
  constructor(code: PersistenceErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, undefined, options);
  }
}

export class RecordNotFoundError extends PersistenceError {
  constructor(
    readonly entity: NotFoundEntity,
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
    readonly entity: ConflictEntity,
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
    readonly entity: 'user' | 'service-token',
    readonly takenName: string,
  ) {
    super('conflict', `${entity.replace(/-/g, ' ')} name "${takenName}" is already taken`);
  }
}

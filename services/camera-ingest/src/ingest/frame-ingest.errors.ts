import { PERSISTENCE_ERROR_HTTP_STATUS } from '@argus/persistence';
import { DomainError, type ErrorHttpStatusMap } from '@argus/platform';

/** camera-ingest's own error codes and the HTTP status each answers with. */
export const FrameIngestErrorCodes = {
  tooLarge: 'frame.too-large',
  unsupportedType: 'frame.unsupported-type',
  undecodable: 'frame.undecodable',
  dimensionsOutOfRange: 'frame.dimensions-out-of-range',
  unavailable: 'ingest.unavailable',
  lineNotFound: 'line.not-found',
  cameraNotFound: 'camera.not-found',
} as const;
export type FrameIngestErrorCode = (typeof FrameIngestErrorCodes)[keyof typeof FrameIngestErrorCodes];

export const CAMERA_INGEST_ERROR_HTTP_STATUS: ErrorHttpStatusMap<FrameIngestErrorCode> = {
  [FrameIngestErrorCodes.tooLarge]: 413,
  [FrameIngestErrorCodes.unsupportedType]: 415,
  [FrameIngestErrorCodes.undecodable]: 422,
  [FrameIngestErrorCodes.dimensionsOutOfRange]: 422,
  [FrameIngestErrorCodes.unavailable]: 503,
  [FrameIngestErrorCodes.lineNotFound]: 404,
  [FrameIngestErrorCodes.cameraNotFound]: 404,
};

/** Every domain whose codes camera-ingest answers with: what its bootstrap combines (the common codes are the platform's). */
export const CAMERA_INGEST_ERROR_DOMAINS: readonly ErrorHttpStatusMap[] = [CAMERA_INGEST_ERROR_HTTP_STATUS, PERSISTENCE_ERROR_HTTP_STATUS];

/** An upload camera-ingest refuses. */
export class FrameIngestError extends DomainError<FrameIngestErrorCode> {}

export class FrameTooLargeError extends FrameIngestError {
  constructor(
    readonly limitBytes: number,
    receivedBytes?: number,
  ) {
    super(
      FrameIngestErrorCodes.tooLarge,
      receivedBytes === undefined
        ? `frame exceeds the limit of ${limitBytes} bytes`
        : `frame of ${receivedBytes} bytes exceeds the limit of ${limitBytes} bytes`,
      { limitBytes, ...(receivedBytes === undefined ? {} : { receivedBytes }) },
    );
  }
}

export class UnsupportedFrameTypeError extends FrameIngestError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(FrameIngestErrorCodes.unsupportedType, message, details);
  }
}

export class UndecodableFrameError extends FrameIngestError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(FrameIngestErrorCodes.undecodable, message, details);
  }
}

export class FrameDimensionsOutOfRangeError extends FrameIngestError {
  constructor(width: number, height: number, min: number, max: number) {
    super(FrameIngestErrorCodes.dimensionsOutOfRange, `frame is ${width}x${height}; each side must be between ${min} and ${max} pixels`, {
      width,
      height,
      minDimension: min,
      maxDimension: max,
    });
  }
}

export class UnknownLineError extends FrameIngestError {
  constructor(lineId: string) {
    super(FrameIngestErrorCodes.lineNotFound, `line "${lineId}" does not exist`, { lineId });
  }
}

export class UnknownCameraError extends FrameIngestError {
  constructor(lineId: string, cameraId: string) {
    super(FrameIngestErrorCodes.cameraNotFound, `camera "${cameraId}" does not exist on line "${lineId}"`, { lineId, cameraId });
  }
}

export type IngestDependency = 'object-store' | 'database' | 'message-bus';

/**
 * A dependency (S3, Postgres, Kafka) failed, so the frame was not durably accepted: the client
 * should send it again after `retryAfterSeconds` (HTTP 503 + Retry-After). Nothing is lost by
 * retrying: ingest is idempotent on (line, camera, content).
 */
export class IngestUnavailableError extends FrameIngestError {
  constructor(
    readonly dependency: IngestDependency,
    readonly retryAfterSeconds: number,
    options?: { cause?: unknown },
  ) {
    super(
      FrameIngestErrorCodes.unavailable,
      `the ${dependency} is unavailable; the frame was not accepted, send it again later`,
      { dependency, retryAfterSeconds },
      options,
    );
  }
}

import { NonRetryableError } from '@argus/messaging';

/**
 * Why a frame cannot be scored, as stable codes: they become the frame's failure reason prefix
 * and the dead-letter `argus-dlq-error-code` header.
 */
export const FrameFailureCodes = {
  objectMissing: 'frame-object-missing',
  templateMissing: 'frame-template-missing',
  undecodable: 'frame-undecodable',
  noProductionModel: 'no-production-model',
  frameNotRecorded: 'frame-not-recorded',
} as const;
export type FrameFailureCode = (typeof FrameFailureCodes)[keyof typeof FrameFailureCodes];

/**
 * The frame (not the service) is the problem: retrying cannot help; it is marked failed and
 * dead-lettered. A NonRetryableError itself, so the bus dead-letters it as it is (its code, its
 * message once) rather than a wrapper repeating its message as the cause.
 */
export class FrameUnprocessableError extends NonRetryableError {
  constructor(
    readonly failureCode: FrameFailureCode,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, { code: failureCode, ...options });
  }
}

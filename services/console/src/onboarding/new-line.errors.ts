import type { ErrorHttpStatusMap } from '@argus/platform';

/** The new-line wizard's refusals (services/console/src/onboarding). */
export const NewLineErrorCodes = {
  /** A line (or a camera of the line) with that id exists already. */
  lineIdTaken: 'line.id-taken',
  cameraIdTaken: 'line.camera-id-taken',
  /** A golden template uploaded to a line created without one. */
  templateNotExpected: 'line.template-not-expected',
  /** The uploaded bytes are no PNG or JPEG image, or too large. */
  imageInvalid: 'onboarding.image-invalid',
  /** A frame picked into the onboarding set belongs to another line, or does not exist. */
  frameNotOnLine: 'onboarding.frame-not-on-line',
  /** A shot that is not in the onboarding set or is not labelled yet. */
  shotNotLabelled: 'onboarding.shot-not-labelled',
  /** No labelled frame is left to evaluate the adaptation on. */
  noEvaluationFrames: 'onboarding.no-evaluation-frames',
  /** The start asks for a base model that is not registered, or the start does not fit the base. */
  baseModelInvalid: 'onboarding.base-model-invalid',
} as const;
export type NewLineErrorCode = (typeof NewLineErrorCodes)[keyof typeof NewLineErrorCodes];

export const NEW_LINE_ERROR_HTTP_STATUS: ErrorHttpStatusMap<NewLineErrorCode> = {
  'line.id-taken': 409,
  'line.camera-id-taken': 409,
  'line.template-not-expected': 409,
  'onboarding.image-invalid': 422,
  'onboarding.frame-not-on-line': 422,
  'onboarding.shot-not-labelled': 422,
  'onboarding.no-evaluation-frames': 422,
  'onboarding.base-model-invalid': 422,
};

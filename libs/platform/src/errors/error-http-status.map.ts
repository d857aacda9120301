import { type CommonErrorCode, CommonErrorCodes } from './domain.error';

/**
 * Code → HTTP status. A domain's map is typed over its codes (`ErrorHttpStatusMap<ReviewErrorCode>`),
 * so a code added without a status does not compile. A service passes its domains' maps to
 * `bootstrapService({ errorHttpStatus })`, which combines them once with the common ones.
 */
export type ErrorHttpStatusMap<C extends string = string> = Readonly<Record<C, number>>;

export const DEFAULT_ERROR_HTTP_STATUS: ErrorHttpStatusMap = {
  [CommonErrorCodes.validationFailed]: 400,
  [CommonErrorCodes.invalidRequest]: 400,
  [CommonErrorCodes.unauthenticated]: 401,
  [CommonErrorCodes.forbidden]: 403,
  [CommonErrorCodes.notFound]: 404,
  [CommonErrorCodes.conflict]: 409,
  [CommonErrorCodes.preconditionFailed]: 412,
  [CommonErrorCodes.payloadTooLarge]: 413,
  [CommonErrorCodes.unsupportedMediaType]: 415,
  [CommonErrorCodes.rateLimited]: 429,
  [CommonErrorCodes.unavailable]: 503,
} satisfies ErrorHttpStatusMap<CommonErrorCode>;

/**
 * One map from several domains' maps. Two domains may name the same code (a line that does not
 * exist is `line.not-found` to ingest and to persistence) only with the same status: a code with two
 * statuses is a bug, refused here, at start-up.
 */
export function combineErrorHttpStatus(...maps: readonly ErrorHttpStatusMap[]): ErrorHttpStatusMap {
  const combined: Record<string, number> = {};
  for (const map of maps) {
    for (const [code, status] of Object.entries(map)) {
      const known = combined[code];
      if (known !== undefined && known !== status) {
        throw new Error(`error code "${code}" is mapped to HTTP ${known} and to HTTP ${status}: one code, one status`);
      }
      combined[code] = status;
    }
  }
  return combined;
}

/** Code for a status when the error did not come with one (a Nest HttpException, a body-parser error). */
export function codeForHttpStatus(status: number): string {
  return HTTP_STATUS_CODES[status] ?? `http-${status}`;
}

const HTTP_STATUS_CODES: Readonly<Record<number, string>> = {
  400: 'bad-request',
  401: CommonErrorCodes.unauthenticated,
  403: CommonErrorCodes.forbidden,
  404: CommonErrorCodes.notFound,
  405: 'method-not-allowed',
  406: 'not-acceptable',
  408: 'request-timeout',
  409: CommonErrorCodes.conflict,
  410: 'gone',
  412: CommonErrorCodes.preconditionFailed,
  413: CommonErrorCodes.payloadTooLarge,
  415: CommonErrorCodes.unsupportedMediaType,
  422: 'unprocessable-entity',
  429: CommonErrorCodes.rateLimited,
  500: 'internal-error',
  501: 'not-implemented',
  502: 'bad-gateway',
  503: CommonErrorCodes.unavailable,
  504: 'gateway-timeout',
};

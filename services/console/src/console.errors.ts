import { PERSISTENCE_ERROR_HTTP_STATUS } from '@argus/persistence';
import type { ErrorHttpStatusMap } from '@argus/platform';
import { REGISTRY_ERROR_HTTP_STATUS } from '@argus/registry';
import { NEW_LINE_ERROR_HTTP_STATUS } from './onboarding/new-line.errors';

/** The console's own error codes (identity, promotions); the rest of its answers use the platform's common codes. */
export const ConsoleErrorCodes = {
  invalidCredentials: 'invalid-credentials',
  /** Only an admin may promote a candidate that failed its gates. */
  gateOverrideRequiresAdmin: 'promotion.gate-override-requires-admin',
  /** Cancel asked of a training job that already completed, failed or was cancelled. */
  trainingJobEnded: 'training-job.ended',
} as const;
export type ConsoleErrorCode = (typeof ConsoleErrorCodes)[keyof typeof ConsoleErrorCodes];

export const CONSOLE_ERROR_HTTP_STATUS: ErrorHttpStatusMap<ConsoleErrorCode> = {
  'invalid-credentials': 401,
  'promotion.gate-override-requires-admin': 403,
  'training-job.ended': 409,
};

/** Every domain whose codes the console answers with: what its bootstrap combines (the common codes are the platform's). */
export const CONSOLE_ERROR_DOMAINS: readonly ErrorHttpStatusMap[] = [
  CONSOLE_ERROR_HTTP_STATUS,
  NEW_LINE_ERROR_HTTP_STATUS,
  REGISTRY_ERROR_HTTP_STATUS,
  PERSISTENCE_ERROR_HTTP_STATUS,
];

import { INVALID_CREDENTIALS } from './identity/login.use-case';

/** The console's own error codes → HTTP status (the common ones are the platform's). */
export const CONSOLE_ERROR_HTTP_STATUS = { [INVALID_CREDENTIALS]: 401 } as const;

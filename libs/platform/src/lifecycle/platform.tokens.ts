/** The service's pino logger (`Logger` from pino), provided globally by `bootstrapService`. */
export const LOGGER = Symbol('argus:logger');

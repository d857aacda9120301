import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest } from './authenticated.request';
import type { Principal } from './principal';

/**
 * The principal the auth guard resolved for this request. On a `@Public()` route there is none,
 * and asking for it there is a programming error.
 */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!request.principal) throw new Error('BUG: @CurrentPrincipal() used on a route the auth guard did not authenticate');
  return request.principal;
});

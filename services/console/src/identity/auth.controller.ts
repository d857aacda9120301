import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiZodBody, CommonErrorCodes, DomainError, ZodValidationPipe } from '@argus/platform';
import type { ConsoleUser } from '@argus/persistence';
import { presentUser, type UserView } from '../users/user.presenter';
import type { AuthenticatedRequest } from './authenticated.request';
import { CONSOLE_CLOCK, type Clock } from './clock';
import { CurrentPrincipal } from './current-principal.decorator';
import { type LoginBody, LoginBodySchema } from './identity.schemas';
import { IDENTITY_SETTINGS, type IdentitySettings } from './identity.settings';
import { IdentityStore } from './identity.store';
import { LoginUseCase } from './login.use-case';
import type { Principal } from './principal';
import { Public } from './roles.decorator';
import { clearedSessionCookie, sessionCookie } from './session.cookie';
import { ApiZodResponse } from '../http/api-zod-response.decorator';
import { SessionSchema } from '../http/api-responses.schemas';

interface CookieResponse {
  setHeader(name: string, value: string): unknown;
}

export interface SignedInView {
  readonly user: UserView;
  /** When the session ends; null for a service token (it lasts until revoked). */
  readonly expiresAt: string | null;
}

@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(
    private readonly login: LoginUseCase,
    private readonly store: IdentityStore,
    @Inject(CONSOLE_CLOCK) private readonly clock: Clock,
    @Inject(IDENTITY_SETTINGS) private readonly settings: IdentitySettings,
  ) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with username and password; sets the argus_session cookie' })
  @ApiZodResponse(SessionSchema)
  @ApiZodBody(LoginBodySchema)
  async signIn(
    @Body(new ZodValidationPipe(LoginBodySchema)) body: LoginBody,
    @Res({ passthrough: true }) response: CookieResponse,
  ): Promise<SignedInView> {
    const result = await this.login.execute(body);
    response.setHeader('Set-Cookie', sessionCookie(result.token, result.expiresAt, this.clock.now(), this.settings.cookie));
    return { user: presentUser(result.user), expiresAt: result.expiresAt.toISOString() };
  }

  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'End this session (the cookie is cleared)' })
  async signOut(
    @CurrentPrincipal() principal: Principal,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) response: CookieResponse,
  ): Promise<void> {
    if (request.authentication?.via === 'session') {
      await this.login.logout({ username: principal.name, userId: principal.id, sessionId: request.authentication.sessionId });
    }
    response.setHeader('Set-Cookie', clearedSessionCookie(this.settings.cookie));
  }

  @Get('me')
  @ApiOperation({ summary: 'Who is signed in, and until when' })
  @ApiZodResponse(SessionSchema)
  async me(@CurrentPrincipal() principal: Principal, @Req() request: AuthenticatedRequest): Promise<SignedInView> {
    if (principal.kind === 'service-token') {
      // The guard admits no camera token here; a service token acts with its role.
      if (principal.role === 'camera') throw new DomainError(CommonErrorCodes.forbidden, 'a camera token is not a console user');
      const token = await this.store.serviceTokens.findById(principal.id);
      const view: UserView = {
        id: principal.id,
        username: principal.name,
        displayName: principal.name,
        role: principal.role,
        disabled: false,
        createdAt: (token?.createdAt ?? new Date(0)).toISOString(),
      };
      return { user: view, expiresAt: null };
    }
    const user: ConsoleUser | null = await this.store.users.findById(principal.id);
    if (!user) throw new DomainError(CommonErrorCodes.unauthenticated, 'the signed-in user no longer exists');
    const expiresAt = request.authentication?.via === 'session' ? request.authentication.expiresAt.toISOString() : null;
    return { user: presentUser(user), expiresAt };
  }
}

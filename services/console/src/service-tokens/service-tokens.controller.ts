import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiZodBody, ZodValidationPipe } from '@argus/platform';
import { z } from 'zod';
import { CurrentPrincipal } from '../identity/current-principal.decorator';
import { UserRoleSchema } from '../identity/identity.schemas';
import type { Principal } from '../identity/principal';
import { Roles } from '../identity/roles.decorator';
import { ServiceTokenAdministrationUseCase } from './service-token-administration.use-case';
import { presentServiceToken, type ServiceTokenView } from './service-token.presenter';
import { ApiZodResponse } from '../http/api-zod-response.decorator';
import { IssuedServiceTokenSchema, ServiceTokenListSchema } from '../http/api-responses.schemas';

const TokenNameSchema = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'must be 1-64 lower-case letters, digits, ".", "_" or "-"');

/** A camera token has no role (it may only upload frames); a service token acts with one. */
export const NewServiceTokenBodySchema = z.discriminatedUnion('kind', [
  z.object({ name: TokenNameSchema, kind: z.literal('camera') }).strict(),
  z.object({ name: TokenNameSchema, kind: z.literal('service'), role: UserRoleSchema }).strict(),
]);

const TokenIdSchema = z.uuid({ message: 'must be a service token id (uuid)' });

@ApiTags('service-tokens')
@Controller('api/v1/service-tokens')
@Roles('admin')
export class ServiceTokensController {
  constructor(private readonly tokens: ServiceTokenAdministrationUseCase) {}

  @Get()
  @ApiOperation({ summary: 'Every service token, revoked ones included (never the secret)' })
  @ApiZodResponse(ServiceTokenListSchema)
  async list(): Promise<{ items: ServiceTokenView[] }> {
    return { items: (await this.tokens.list()).map(presentServiceToken) };
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Issue a token; the secret is in this answer only (audited as service-token.created)' })
  @ApiZodResponse(IssuedServiceTokenSchema, { status: 201 })
  @ApiZodBody(NewServiceTokenBodySchema)
  async create(
    @CurrentPrincipal() actor: Principal,
    @Body(new ZodValidationPipe(NewServiceTokenBodySchema)) body: z.output<typeof NewServiceTokenBodySchema>,
  ): Promise<{ token: string; serviceToken: ServiceTokenView }> {
    const created = await this.tokens.create(actor, body);
    return { token: created.token, serviceToken: presentServiceToken(created.serviceToken) };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a token (audited as service-token.revoked)' })
  async revoke(
    @CurrentPrincipal() actor: Principal,
    @Param('id', new ZodValidationPipe(TokenIdSchema, 'params')) id: string,
  ): Promise<void> {
    await this.tokens.revoke(actor, id);
  }
}

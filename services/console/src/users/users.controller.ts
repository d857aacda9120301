import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiZodBody, ZodValidationPipe } from '@argus/platform';
import { z } from 'zod';
import { CurrentPrincipal } from '../identity/current-principal.decorator';
import { PasswordSchema, UsernameSchema, UserRoleSchema } from '../identity/identity.schemas';
import type { Principal } from '../identity/principal';
import { Roles } from '../identity/roles.decorator';
import { UserAdministrationUseCase } from './user-administration.use-case';
import { presentUser, type UserView } from './user.presenter';
import { ApiZodResponse } from '../http/api-zod-response.decorator';
import { UserListSchema, UserSchema } from '../http/api-responses.schemas';

const DisplayNameSchema = z.string().trim().min(1).max(200);

export const NewUserBodySchema = z.object({
  username: UsernameSchema,
  displayName: DisplayNameSchema,
  role: UserRoleSchema,
  password: PasswordSchema,
});

export const UserChangeBodySchema = z
  .object({
    role: UserRoleSchema.optional(),
    disabled: z.boolean().optional(),
    displayName: DisplayNameSchema.optional(),
    password: PasswordSchema.optional(),
  })
  .strict()
  .refine((body) => Object.values(body).some((value) => value !== undefined), {
    message: 'change at least one of role, disabled, displayName, password',
  });

const UserIdSchema = z.uuid({ message: 'must be a user id (uuid)' });

@ApiTags('users')
@Controller('api/v1/users')
@Roles('admin')
export class UsersController {
  constructor(private readonly users: UserAdministrationUseCase) {}

  @Get()
  @ApiOperation({ summary: 'Every console user' })
  @ApiZodResponse(UserListSchema)
  async list(): Promise<{ items: UserView[] }> {
    return { items: (await this.users.list()).map(presentUser) };
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a user (audited as user.created)' })
  @ApiZodResponse(UserSchema, { status: 201 })
  @ApiZodBody(NewUserBodySchema)
  async create(
    @CurrentPrincipal() actor: Principal,
    @Body(new ZodValidationPipe(NewUserBodySchema)) body: z.output<typeof NewUserBodySchema>,
  ): Promise<UserView> {
    return presentUser(await this.users.create(actor, body));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change role, disabled, display name or password (audited as user.changed)' })
  @ApiZodResponse(UserSchema)
  @ApiZodBody(UserChangeBodySchema)
  async change(
    @CurrentPrincipal() actor: Principal,
    @Param('id', new ZodValidationPipe(UserIdSchema, 'params')) id: string,
    @Body(new ZodValidationPipe(UserChangeBodySchema)) body: z.output<typeof UserChangeBodySchema>,
  ): Promise<UserView> {
    return presentUser(await this.users.change(actor, id, body));
  }
}

import { SlugSchema, UuidSchema } from '@argus/contracts';
import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { z } from 'zod';
import { parseRequest } from '../http/request.parser';
import { CurrentPrincipal } from '../identity/current-principal.decorator';
import type { Principal } from '../identity/principal';
import { Roles } from '../identity/roles.decorator';
import { LinePromotionsService } from './line-promotions.service';

const LineParamsSchema = z.object({ lineId: SlugSchema });
const ReasonSchema = z.string().trim().min(3, 'a reason of at least 3 characters is required').max(500);
const PromoteBodySchema = z.strictObject({ modelVersionId: UuidSchema, reason: ReasonSchema });
const RollbackBodySchema = z.strictObject({ reason: ReasonSchema });

/** A line's production model: timeline (any role), promote and roll back (ml-engineer, admin). */
@Controller('api/v1/lines/:lineId')
export class PromotionsController {
  constructor(private readonly promotions: LinePromotionsService) {}

  @Get('promotions')
  async timeline(@Param() params: unknown) {
    const { lineId } = parseRequest(LineParamsSchema, params, 'params');
    return { items: await this.promotions.timeline(lineId) };
  }

  @Post('promotions')
  @HttpCode(201)
  @Roles('ml-engineer')
  async promote(@Param() params: unknown, @Body() body: unknown, @CurrentPrincipal() principal: Principal) {
    const { lineId } = parseRequest(LineParamsSchema, params, 'params');
    const b = parseRequest(PromoteBodySchema, body, 'body');
    return this.promotions.promote(lineId, b.modelVersionId, principal.name, b.reason);
  }

  @Post('rollback')
  @HttpCode(201)
  @Roles('ml-engineer')
  async rollback(@Param() params: unknown, @Body() body: unknown, @CurrentPrincipal() principal: Principal) {
    const { lineId } = parseRequest(LineParamsSchema, params, 'params');
    const b = parseRequest(RollbackBodySchema, body, 'body');
    return this.promotions.rollback(lineId, principal.name, b.reason);
  }
}

import { SlugSchema, UuidSchema } from '@argus/contracts';
import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiForbiddenResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ApiZodBody, ZodValidationPipe } from '@argus/platform';
import { CurrentPrincipal } from '../identity/current-principal.decorator';
import type { Principal } from '../identity/principal';
import { Roles } from '../identity/roles.decorator';
import { LinePromotionsService } from './line-promotions.service';
import { ApiZodResponse } from '../http/api-zod-response.decorator';
import { PromotionAnswerSchema, PromotionTimelineSchema } from '../http/api-responses.schemas';

const LineParamsSchema = z.object({ lineId: SlugSchema });
type LineParams = z.output<typeof LineParamsSchema>;
const ReasonSchema = z.string().trim().min(3, 'a reason of at least 3 characters is required').max(500);
const PromoteBodySchema = z.strictObject({
  modelVersionId: UuidSchema,
  reason: ReasonSchema,
  /** Admins only: promote a fine-tune candidate that failed its gates, saying why (audited). */
  gateOverride: z.strictObject({ reason: ReasonSchema }).optional(),
});
const RollbackBodySchema = z.strictObject({ reason: ReasonSchema });

/** A line's production model: timeline (any role), promote and roll back (ml-engineer, admin). */
@ApiTags('promotions')
@Controller('api/v1/lines/:lineId')
export class PromotionsController {
  constructor(private readonly promotions: LinePromotionsService) {}

  @Get('promotions')
  @ApiOperation({
    summary:
      "The line's promotions and rollbacks, newest first, and rollbackTo: the version a rollback would restore (null: nothing to roll back to)",
  })
  @ApiZodResponse(PromotionTimelineSchema)
  async timeline(@Param(new ZodValidationPipe(LineParamsSchema, 'params')) { lineId }: LineParams) {
    return this.promotions.timeline(lineId);
  }

  @Post('promotions')
  @HttpCode(201)
  @ApiOperation({ summary: 'Put a version into production on the line (reason required); publishes model.version.promoted.v1' })
  @ApiConflictResponse({
    description:
      'the version cannot serve the line (e.g. "pcb-template-s4@1.0.0 cannot serve line pcb-1: …"), or it is a candidate that failed its gates and no gateOverride was given (details.reason model.gates-failed)',
  })
  @ApiForbiddenResponse({ description: 'gateOverride given by someone who is not an admin (promotion.gate-override-requires-admin)' })
  @Roles('ml-engineer')
  @ApiZodResponse(PromotionAnswerSchema, { status: 201 })
  @ApiZodBody(PromoteBodySchema)
  async promote(
    @Param(new ZodValidationPipe(LineParamsSchema, 'params')) { lineId }: LineParams,
    @Body(new ZodValidationPipe(PromoteBodySchema)) b: z.output<typeof PromoteBodySchema>,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.promotions.promote(lineId, b.modelVersionId, principal, b.reason, b.gateOverride);
  }

  @Post('rollback')
  @HttpCode(201)
  @ApiOperation({ summary: 'Return the line to the version in production before the current one' })
  @ApiConflictResponse({ description: 'nothing to roll back to: the line has no production model, or its current one was its first' })
  @Roles('ml-engineer')
  @ApiZodResponse(PromotionAnswerSchema, { status: 201 })
  @ApiZodBody(RollbackBodySchema)
  async rollback(
    @Param(new ZodValidationPipe(LineParamsSchema, 'params')) { lineId }: LineParams,
    @Body(new ZodValidationPipe(RollbackBodySchema)) b: z.output<typeof RollbackBodySchema>,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.promotions.rollback(lineId, principal.name, b.reason);
  }
}

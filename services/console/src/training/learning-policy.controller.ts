import { SlugSchema } from '@argus/contracts';
import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ApiZodBody, ZodValidationPipe } from '@argus/platform';
import { CurrentPrincipal } from '../identity/current-principal.decorator';
import type { Principal } from '../identity/principal';
import { Roles } from '../identity/roles.decorator';
import { ApiZodResponse } from '../http/api-zod-response.decorator';
import { LearningPolicySchema } from '../http/api-responses.schemas';
import { LearningPolicyUseCase } from './learning-policy.use-case';

const LineParamsSchema = z.object({ lineId: SlugSchema });

/** A setting: a value, or null (or left out) to follow continual-fine-tune's default. */
const orDefault = <S extends z.ZodType>(schema: S) => schema.nullable().default(null);
const count = (max: number) => orDefault(z.number().int().min(1).max(max));
const enabled = orDefault(z.boolean());

/** The policy as PUT takes it: strict (a misspelt setting is a 400, not a silent default). */
const LearningPolicyBodySchema = z.strictObject({
  triggers: z
    .strictObject({
      newLabels: z.strictObject({ enabled, minFrames: count(100_000) }).default({ enabled: null, minFrames: null }),
      unknownClass: z.strictObject({ enabled }).default({ enabled: null }),
      rejectRate: z
        .strictObject({ enabled, window: count(10_000), maxRate: orDefault(z.number().min(0).lt(1)) })
        .default({ enabled: null, window: null, maxRate: null }),
      scoreShift: z
        .strictObject({ enabled, maxDistance: orDefault(z.number().gt(0).lt(1)), minFrames: count(100_000) })
        .default({ enabled: null, maxDistance: null, minFrames: null }),
      schedule: z
        .strictObject({ enabled, everyHours: orDefault(z.number().gt(0).max(8_760)) })
        .default({ enabled: null, everyHours: null }),
    })
    .default({
      newLabels: { enabled: null, minFrames: null },
      unknownClass: { enabled: null },
      rejectRate: { enabled: null, window: null, maxRate: null },
      scoreShift: { enabled: null, maxDistance: null, minFrames: null },
      schedule: { enabled: null, everyHours: null },
    }),
  autoPromotion: z
    .strictObject({
      enabled: z.boolean().default(false),
      minFrames: count(50_000),
      minAgreement: orDefault(z.number().min(0).max(1)),
    })
    .default({ enabled: false, minFrames: null, minAgreement: null }),
});

/** A line's learning policy: its own fine-tune trigger settings and auto-promotion (read: operators too; write: ml-engineer, admin). */
@ApiTags('training-jobs')
@Controller('api/v1')
export class LearningPolicyController {
  constructor(private readonly policies: LearningPolicyUseCase) {}

  @Get('lines/:lineId/learning-policy')
  @Roles('operator', 'ml-engineer')
  @ApiOperation({
    summary: "The line's learning policy: its own trigger settings and auto-promotion (null: continual-fine-tune's default)",
  })
  @ApiZodResponse(LearningPolicySchema)
  async get(@Param(new ZodValidationPipe(LineParamsSchema, 'params')) { lineId }: z.output<typeof LineParamsSchema>) {
    return this.policies.get(lineId);
  }

  @Put('lines/:lineId/learning-policy')
  @Roles('ml-engineer')
  @ApiOperation({
    summary:
      "Replaces the line's learning policy (audited: line.learning-policy.changed). A setting left out or null follows continual-fine-tune's default; auto-promotion is off unless `autoPromotion.enabled` is true",
  })
  @ApiZodResponse(LearningPolicySchema)
  @ApiZodBody(LearningPolicyBodySchema)
  async replace(
    @Param(new ZodValidationPipe(LineParamsSchema, 'params')) { lineId }: z.output<typeof LineParamsSchema>,
    @Body(new ZodValidationPipe(LearningPolicyBodySchema)) body: z.output<typeof LearningPolicyBodySchema>,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.policies.replace(lineId, body, principal.name);
  }
}

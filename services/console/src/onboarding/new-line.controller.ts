import type { IncomingMessage } from 'node:http';
import { SlugSchema, UuidSchema } from '@argus/contracts';
import { Body, Controller, Get, HttpCode, Param, Post, Put, Req } from '@nestjs/common';
import { ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ApiZodBody, ZodValidationPipe } from '@argus/platform';
import { CurrentPrincipal } from '../identity/current-principal.decorator';
import type { Principal } from '../identity/principal';
import { AcceptsImageBody, Roles } from '../identity/roles.decorator';
import { ApiZodResponse } from '../http/api-zod-response.decorator';
import {
  AdaptationRequestSchema,
  AvailableFrameSchema,
  LineTemplateSchema,
  NewCameraSchema,
  NewLineSchema,
  OnboardingSetSchema,
} from '../http/api-responses.schemas';
import { AdaptationRequestUseCase } from './adaptation-request.use-case';
import { readImageUpload } from './image-upload.body';
import { FEED_KINDS, LineSetupUseCase, onboardingSettingsOf } from './line-setup.use-case';
import { OnboardingSetUseCase } from './onboarding-set.use-case';

const LineParamsSchema = z.object({ lineId: SlugSchema });
const CameraParamsSchema = z.object({ lineId: SlugSchema, cameraId: SlugSchema });
const NewLineBodySchema = z.strictObject({
  id: SlugSchema.describe('The line id (slug): lower-case letters, digits and dashes, used in object keys and events.'),
  name: z.string().trim().min(1, 'a name is required').max(200),
  feedKind: z.enum(FEED_KINDS),
  usesTemplate: z.boolean().describe('Whether its frames are compared with a golden template'),
});
const NewCameraBodySchema = z.strictObject({ id: SlugSchema, name: z.string().trim().min(1, 'a name is required').max(200) });
const PickBodySchema = z.strictObject({
  frameIds: z.array(UuidSchema).min(1, 'pick at least one frame').max(200),
  baseModelVersionId: UuidSchema.describe('The model the line will be adapted from (the set is its training material)'),
});
const AdaptBodySchema = z.strictObject({
  start: z.enum(['scratch', 'finetune', 'meta']).optional().describe("Default: the console's ARGUS_CONSOLE_ADAPT_START"),
  baseModelVersionId: UuidSchema,
  shotFrameIds: z.array(UuidSchema).min(1, 'choose at least one shot').max(200),
  budgetSeconds: z.number().int().min(10).max(3600).optional(),
});

/**
 * The new-line wizard (Lines → New line): a line and its cameras and golden template, its
 * onboarding frames (uploaded or picked; labelled on the review page), and the adaptation.
 * Reads: any signed-in role; changes: ml-engineer and admin, each audited.
 */
@ApiTags('new-line')
@Roles('ml-engineer')
@Controller('api/v1/lines')
export class NewLineController {
  constructor(
    private readonly setup: LineSetupUseCase,
    private readonly onboarding: OnboardingSetUseCase,
    private readonly adaptations: AdaptationRequestUseCase,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Creates a line (audited: line.created); a taken id answers 409 line.id-taken' })
  @ApiZodResponse(NewLineSchema, { status: 201, description: 'Created' })
  @ApiZodBody(NewLineBodySchema)
  async create(
    @Body(new ZodValidationPipe(NewLineBodySchema)) body: z.output<typeof NewLineBodySchema>,
    @CurrentPrincipal() principal: Principal,
  ) {
    const line = await this.setup.createLine(body, principal.name);
    const settings = onboardingSettingsOf(line.settings);
    return {
      id: line.id,
      name: line.name,
      feedKind: settings.feedKind ?? null,
      usesTemplate: settings.usesTemplate ?? null,
      createdAt: line.createdAt.toISOString(),
    };
  }

  @Post(':lineId/cameras')
  @HttpCode(201)
  @ApiOperation({ summary: 'Adds a camera to the line (audited: line.camera-added); a taken id answers 409 line.camera-id-taken' })
  @ApiZodResponse(NewCameraSchema, { status: 201, description: 'Created' })
  @ApiZodBody(NewCameraBodySchema)
  async addCamera(
    @Param(new ZodValidationPipe(LineParamsSchema, 'params')) { lineId }: z.output<typeof LineParamsSchema>,
    @Body(new ZodValidationPipe(NewCameraBodySchema)) body: z.output<typeof NewCameraBodySchema>,
    @CurrentPrincipal() principal: Principal,
  ) {
    const camera = await this.setup.addCamera(lineId, body, principal.name);
    return { lineId: camera.lineId, id: camera.id, name: camera.name };
  }

  @Put(':lineId/template')
  @AcceptsImageBody()
  @ApiConsumes('image/png', 'image/jpeg')
  @ApiOperation({
    summary:
      "Stores the line's golden template (the body: a PNG or JPEG image; audited: line.template-set). 409 for a line created without one, 422 for bytes that are no image",
  })
  @ApiZodResponse(LineTemplateSchema)
  async setTemplate(
    @Param(new ZodValidationPipe(LineParamsSchema, 'params')) { lineId }: z.output<typeof LineParamsSchema>,
    @Req() request: IncomingMessage,
    @CurrentPrincipal() principal: Principal,
  ) {
    const template = await this.setup.setTemplate(lineId, await readImageUpload(request), principal.name);
    return { lineId: template.lineId, objectKey: template.objectKey, width: template.width, height: template.height };
  }

  @Get(':lineId/onboarding')
  @Roles('operator', 'ml-engineer')
  @ApiOperation({ summary: "The line's onboarding set (with each frame's label) and its other frames to pick from" })
  @ApiZodResponse(OnboardingSetSchema)
  async onboardingSet(@Param(new ZodValidationPipe(LineParamsSchema, 'params')) { lineId }: z.output<typeof LineParamsSchema>) {
    return this.onboarding.view(lineId);
  }

  @Post(':lineId/cameras/:cameraId/onboarding-frames')
  @HttpCode(201)
  @AcceptsImageBody()
  @ApiConsumes('image/png', 'image/jpeg')
  @ApiOperation({
    summary:
      "Uploads a frame to the line's camera (the body: a PNG or JPEG image; audited: line.onboarding-frames-uploaded); the same bytes again are the same frame. Pick it into the set next",
  })
  @ApiZodResponse(AvailableFrameSchema, { status: 201, description: 'Stored' })
  async upload(
    @Param(new ZodValidationPipe(CameraParamsSchema, 'params')) { lineId, cameraId }: z.output<typeof CameraParamsSchema>,
    @Req() request: IncomingMessage,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.onboarding.upload(lineId, cameraId, await readImageUpload(request), principal.name);
  }

  @Post(':lineId/onboarding')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Puts frames of the line in its onboarding set (audit items of reason onboarding, labelled on the review page; audited: line.onboarding-frames-picked). 422 for a frame of another line or an unregistered base',
  })
  @ApiZodResponse(OnboardingSetSchema)
  @ApiZodBody(PickBodySchema)
  async pick(
    @Param(new ZodValidationPipe(LineParamsSchema, 'params')) { lineId }: z.output<typeof LineParamsSchema>,
    @Body(new ZodValidationPipe(PickBodySchema)) body: z.output<typeof PickBodySchema>,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.onboarding.pick(lineId, body.frameIds, body.baseModelVersionId, principal.name);
  }

  @Post(':lineId/adaptations')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Adapt: publishes training.job.trigger-requested.v1 with the adaptation (audited: line.adaptation-requested); continual-fine-tune answers on the jobs stream. 422 when a shot is not a labelled frame of the set or no labelled frame is left to evaluate on',
  })
  @ApiZodResponse(AdaptationRequestSchema, { status: 202, description: 'Accepted: the request is on its way' })
  @ApiZodBody(AdaptBodySchema)
  async adapt(
    @Param(new ZodValidationPipe(LineParamsSchema, 'params')) { lineId }: z.output<typeof LineParamsSchema>,
    @Body(new ZodValidationPipe(AdaptBodySchema)) body: z.output<typeof AdaptBodySchema>,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.adaptations.request(lineId, body, principal.name);
  }
}

import { UuidSchema } from '@argus/contracts';
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ApiZodBody, ApiZodQuery, ZodValidationPipe } from '@argus/platform';
import { CurrentPrincipal } from '../identity/current-principal.decorator';
import type { Principal } from '../identity/principal';
import { Roles } from '../identity/roles.decorator';
import { ApiZodResponse } from '../http/api-zod-response.decorator';
import {
  CancelSearchBodySchema,
  SearchDetailSchema,
  SearchListSchema,
  SearchStartedSchema,
  SearchSummarySchema,
  SearchTrainingRequestSchema,
  StartSearchBodySchema,
  TrainTrialBodySchema,
} from './search-api.schemas';
import { SearchesUseCase } from './searches.use-case';

const SearchParamsSchema = z.object({ searchId: UuidSchema });
const TrialParamsSchema = z.object({ searchId: UuidSchema, trialId: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/) });
const ListQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) });

/** Architecture searches: everyone signed in reads; ML engineers (and admins) start, cancel and train fully. */
@ApiTags('searches')
@Roles('operator', 'ml-engineer')
@Controller('api/v1/searches')
export class SearchesController {
  constructor(private readonly searches: SearchesUseCase) {}

  @Get()
  @ApiOperation({ summary: 'Searches, newest first, with their progress (best so far, front size, trials/hour, elapsed, budget)' })
  @ApiZodResponse(SearchListSchema)
  @ApiZodQuery(ListQuerySchema)
  async list(@Query(new ZodValidationPipe(ListQuerySchema, 'query')) { limit }: z.output<typeof ListQuerySchema>) {
    return { items: await this.searches.list(limit) };
  }

  @Get(':searchId')
  @ApiOperation({
    summary: "One search: settings, progress, its points (one per trial at its highest rung), the front, the line's production model",
  })
  @ApiZodResponse(SearchDetailSchema)
  async detail(@Param(new ZodValidationPipe(SearchParamsSchema, 'params')) { searchId }: z.output<typeof SearchParamsSchema>) {
    return this.searches.detail(searchId);
  }

  @Post()
  @HttpCode(202)
  @Roles('ml-engineer')
  @ApiOperation({ summary: 'Start a search: publishes search.run.requested.v1 (audited); 400 names every bad field' })
  @ApiZodResponse(SearchStartedSchema, { status: 202, description: 'Accepted: the request is on its way' })
  @ApiZodBody(StartSearchBodySchema)
  async start(
    @Body(new ZodValidationPipe(StartSearchBodySchema)) body: z.output<typeof StartSearchBodySchema>,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.searches.start(body, principal.name);
  }

  @Post(':searchId/cancel')
  @HttpCode(202)
  @Roles('ml-engineer')
  @ApiOperation({
    summary: 'Cancel a running search: publishes search.run.cancel-requested.v1 (audited); running trials finish and are recorded',
  })
  @ApiConflictResponse({ description: 'the search has ended' })
  @ApiZodResponse(SearchSummarySchema, { status: 202, description: 'Accepted: the search as it was when asked' })
  @ApiZodBody(CancelSearchBodySchema)
  async cancel(
    @Param(new ZodValidationPipe(SearchParamsSchema, 'params')) { searchId }: z.output<typeof SearchParamsSchema>,
    @Body(new ZodValidationPipe(CancelSearchBodySchema)) body: z.output<typeof CancelSearchBodySchema>,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.searches.cancel(searchId, principal.name, body.reason);
  }

  @Post(':searchId/trials/:trialId/train')
  @HttpCode(202)
  @Roles('ml-engineer')
  @ApiOperation({
    summary:
      "Train a trial fully: publishes search.training.requested.v1 (audited); architecture-search trains its spec like the shipped model and registers a candidate with the search's lineage",
  })
  @ApiConflictResponse({ description: 'the trial has no completed measurement' })
  @ApiZodResponse(SearchTrainingRequestSchema, { status: 202, description: 'Accepted: the request is on its way' })
  @ApiZodBody(TrainTrialBodySchema)
  async train(
    @Param(new ZodValidationPipe(TrialParamsSchema, 'params')) { searchId, trialId }: z.output<typeof TrialParamsSchema>,
    @Body(new ZodValidationPipe(TrainTrialBodySchema)) body: z.output<typeof TrainTrialBodySchema>,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.searches.train(searchId, trialId, principal.name, body.epochs);
  }
}

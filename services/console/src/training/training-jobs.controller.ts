import type { ServerResponse } from 'node:http';
import { SlugSchema, UuidSchema } from '@argus/contracts';
import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiConflictResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Subscription as RxSubscription } from 'rxjs';
import { z } from 'zod';
import { ApiZodBody, ApiZodQuery, ZodValidationPipe } from '@argus/platform';
import { CurrentPrincipal } from '../identity/current-principal.decorator';
import type { Principal } from '../identity/principal';
import { Roles } from '../identity/roles.decorator';
import { ApiZodResponse } from '../http/api-zod-response.decorator';
import { TrainingJobListSchema, TrainingJobSchema, TriggerRequestSchema } from '../http/api-responses.schemas';
import { TrainingJobsUseCase } from './training-jobs.use-case';
import { TrainingStreamService } from './training-stream.service';

const LineParamsSchema = z.object({ lineId: SlugSchema });
const JobParamsSchema = z.object({ jobId: UuidSchema });
const ListQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) });
const StreamQuerySchema = z.object({ lineId: SlugSchema.optional() });
const TriggerBodySchema = z.strictObject({ reason: z.string().trim().min(3, 'a reason of at least 3 characters is required').max(500) });

/** Fine-tune jobs: a line's list, one job, the live stream, cancel and "trigger now" (ml-engineer, admin). */
@ApiTags('training-jobs')
@Roles('ml-engineer')
@Controller('api/v1')
export class TrainingJobsController {
  constructor(
    private readonly jobs: TrainingJobsUseCase,
    private readonly stream: TrainingStreamService,
  ) {}

  @Get('lines/:lineId/training-jobs')
  @ApiOperation({ summary: "The line's fine-tune jobs, newest first: status, triggers, attempt, worker, progress, outcome, candidate" })
  @ApiZodResponse(TrainingJobListSchema)
  @ApiZodQuery(ListQuerySchema)
  async list(
    @Param(new ZodValidationPipe(LineParamsSchema, 'params')) { lineId }: z.output<typeof LineParamsSchema>,
    @Query(new ZodValidationPipe(ListQuerySchema, 'query')) { limit }: z.output<typeof ListQuerySchema>,
  ) {
    return { items: await this.jobs.list(lineId, limit) };
  }

  @Post('lines/:lineId/training-jobs')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Trigger now: publishes training.job.trigger-requested.v1 (audited); continual-fine-tune answers on the jobs stream (training.trigger-answered: the queued job, or why not)',
  })
  @ApiZodResponse(TriggerRequestSchema, { status: 202, description: 'Accepted: the request is on its way' })
  @ApiZodBody(TriggerBodySchema)
  async trigger(
    @Param(new ZodValidationPipe(LineParamsSchema, 'params')) { lineId }: z.output<typeof LineParamsSchema>,
    @Body(new ZodValidationPipe(TriggerBodySchema)) b: z.output<typeof TriggerBodySchema>,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.jobs.trigger(lineId, principal.name, b.reason);
  }

  /** Server-Sent Events by hand, like the alerts' stream (its `: ping` keep-alive is a comment). */
  @Get('training-jobs/stream')
  @ApiProduces('text/event-stream')
  @ApiZodQuery(StreamQuerySchema)
  @ApiOkResponse({
    description:
      'Server-Sent Events: `training.progress`, `training.completed`, `training.failed` (data: the training.job.*.v1 event) and `training.trigger-answered` (data: the training.job.trigger-answered.v1 event), of one line when `lineId` is given; `: ping` comments keep it open',
  })
  streamEvents(
    @Query(new ZodValidationPipe(StreamQuerySchema, 'query')) { lineId }: z.output<typeof StreamQuerySchema>,
    @Req() request: { on(event: 'close', listener: () => void): unknown },
    @Res() response: ServerResponse,
  ): void {
    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    response.write(': connected\n\n');
    const subscriptions: RxSubscription[] = [
      this.stream.events(lineId).subscribe((event) => {
        response.write(`${event.type ? `event: ${event.type}\n` : ''}data: ${JSON.stringify(event.data)}\n\n`);
      }),
      this.stream.pings().subscribe(() => response.write(': ping\n\n')),
    ];
    request.on('close', () => {
      for (const s of subscriptions) s.unsubscribe();
      if (!response.writableEnded) response.end();
    });
  }

  @Get('training-jobs/:jobId')
  @ApiOperation({ summary: 'One fine-tune job' })
  @ApiZodResponse(TrainingJobSchema)
  async detail(@Param(new ZodValidationPipe(JobParamsSchema, 'params')) { jobId }: z.output<typeof JobParamsSchema>) {
    return this.jobs.detail(jobId);
  }

  @Post('training-jobs/:jobId/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Ask a queued or running job to stop (audited); the trainer stops at its next step and the job ends cancelled' })
  @ApiConflictResponse({ description: 'the job has ended (training-job.ended)' })
  @ApiZodResponse(TrainingJobSchema)
  async cancel(
    @Param(new ZodValidationPipe(JobParamsSchema, 'params')) { jobId }: z.output<typeof JobParamsSchema>,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.jobs.cancel(jobId, principal.name);
  }
}

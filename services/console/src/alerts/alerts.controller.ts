import type { ServerResponse } from 'node:http';
import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Subscription as RxSubscription } from 'rxjs';
import { ApiZodBody, ApiZodQuery, ZodValidationPipe } from '@argus/platform';
import type { z } from 'zod';
import type { AlertFilter } from '@argus/persistence';
import { CurrentPrincipal } from '../identity/current-principal.decorator';
import type { Principal } from '../identity/principal';
import { Roles } from '../identity/roles.decorator';
import { toAlertSummary, toReviewView } from './alert.presenter';
import { AlertQueriesService } from './alert-queries.service';
import {
  AlertCountQuerySchema,
  AlertIdParamsSchema,
  AlertListQuerySchema,
  BulkReviewRequestSchema,
  ReviewRequestSchema,
} from './alert-request.schemas';
import { AlertStreamService } from './alert-stream.service';
import { BulkReviewUseCase } from '../reviews/bulk-review.use-case';
import { SubmitReviewUseCase } from '../reviews/submit-review.use-case';
import { ApiOkResponse, ApiProduces } from '@nestjs/swagger';
import { ApiZodResponse } from '../http/api-zod-response.decorator';
import {
  AlertCountSchema,
  AlertDetailSchema,
  AlertPageSchema,
  BulkReviewAnswerSchema,
  ReviewAnswerSchema,
} from '../http/api-responses.schemas';

/** The review queue: list, live stream, one alert, decisions (see services/console/README.md). */
@Controller('api/v1/alerts')
export class AlertsController {
  constructor(
    private readonly queries: AlertQueriesService,
    private readonly stream: AlertStreamService,
    private readonly submit: SubmitReviewUseCase,
    private readonly bulk: BulkReviewUseCase,
  ) {}

  @Get()
  @ApiZodResponse(AlertPageSchema)
  @ApiZodQuery(AlertListQuerySchema)
  async list(@Query(new ZodValidationPipe(AlertListQuerySchema, 'query')) q: z.output<typeof AlertListQuerySchema>) {
    return this.queries.list({ ...filterOf(q), limit: q.limit, ...(q.cursor ? { cursor: q.cursor } : {}) });
  }

  /** `{count, exact}`: exact up to 10,000 matching alerts, else the database's estimate (`exact: false`). */
  @Get('count')
  @ApiZodResponse(AlertCountSchema)
  @ApiZodQuery(AlertCountQuerySchema)
  async count(@Query(new ZodValidationPipe(AlertCountQuerySchema, 'query')) q: z.output<typeof AlertCountQuerySchema>) {
    return this.queries.count(filterOf(q));
  }

  /**
   * Server-Sent Events, written by hand rather than with @Sse: the contract's `: ping` keep-alive
   * is an SSE comment, which Nest's MessageEvent cannot express.
   */
  @Get('stream')
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description:
      'Server-Sent Events: `alert.raised` (data: an AlertSummary), `alert.reviewed` (data: an AlertReviewedEvent), and `: ping` comments to keep the connection open',
  })
  streamEvents(@Req() request: { on(event: 'close', listener: () => void): unknown }, @Res() response: ServerResponse): void {
    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    response.write(': connected\n\n');
    const subscriptions: RxSubscription[] = [
      this.stream.events().subscribe((event) => {
        response.write(`${event.type ? `event: ${event.type}\n` : ''}data: ${JSON.stringify(event.data)}\n\n`);
      }),
      this.stream.pings().subscribe(() => response.write(': ping\n\n')),
    ];
    const close = () => {
      for (const s of subscriptions) s.unsubscribe();
      if (!response.writableEnded) response.end();
    };
    request.on('close', close);
  }

  @Post('bulk-review')
  @HttpCode(200)
  @Roles('operator')
  @ApiZodResponse(BulkReviewAnswerSchema)
  @ApiZodBody(BulkReviewRequestSchema)
  async bulkReview(
    @Body(new ZodValidationPipe(BulkReviewRequestSchema)) b: z.output<typeof BulkReviewRequestSchema>,
    @CurrentPrincipal() principal: Principal,
  ) {
    const results = await this.bulk.execute({
      decision: b.decision,
      alertIds: b.alertIds,
      reviewer: { id: principal.id, name: principal.name },
    });
    return { results };
  }

  @Get(':id')
  @ApiZodResponse(AlertDetailSchema)
  async detail(@Param(new ZodValidationPipe(AlertIdParamsSchema, 'params')) { id }: z.output<typeof AlertIdParamsSchema>) {
    return this.queries.detail(id);
  }

  @Post(':id/reviews')
  @HttpCode(201)
  @Roles('operator')
  @ApiZodResponse(ReviewAnswerSchema, { status: 201 })
  @ApiZodBody(ReviewRequestSchema)
  async review(
    @Param(new ZodValidationPipe(AlertIdParamsSchema, 'params')) { id }: z.output<typeof AlertIdParamsSchema>,
    @Body(new ZodValidationPipe(ReviewRequestSchema)) b: z.output<typeof ReviewRequestSchema>,
    @CurrentPrincipal() principal: Principal,
  ) {
    const { recorded, alert, conflictsWith } = await this.submit.execute({
      alertId: id,
      decision: b.decision,
      ...(b.boxes ? { boxes: b.boxes } : {}),
      ...(b.comment !== undefined ? { comment: b.comment } : {}),
      ...(b.reviewId ? { reviewId: b.reviewId } : {}),
      reviewer: { id: principal.id, name: principal.name },
    });
    const review = { ...recorded.review, reviewerName: principal.name };
    return { review: toReviewView(review), alert: toAlertSummary(alert, review), conflictsWith };
  }
}

function filterOf(q: z.output<typeof AlertCountQuerySchema>): AlertFilter {
  return {
    ...(q.status === 'all' ? {} : { status: q.status }),
    ...(q.lineId ? { lineId: q.lineId } : {}),
    ...(q.cameraId ? { cameraId: q.cameraId } : {}),
    ...(q.severity ? { severity: q.severity } : {}),
    ...(q.className ? { className: q.className } : {}),
  };
}

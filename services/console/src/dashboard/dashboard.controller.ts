import { Controller, Get, Query } from '@nestjs/common';
import { z } from 'zod';
import { ApiZodQuery, ZodValidationPipe } from '@argus/platform';
import { DashboardService } from './dashboard.service';
import { ApiZodResponse } from '../http/api-zod-response.decorator';
import { DashboardSchema } from '../http/api-responses.schemas';

const DashboardQuerySchema = z.object({ minutes: z.coerce.number().int().min(5).max(1440).default(60) });

/** `GET /api/v1/dashboard?minutes=60` (any signed-in role). */
@Controller('api/v1/dashboard')
export class DashboardController {
  constructor(private readonly dashboard: DashboardService) {}

  @Get()
  @ApiZodResponse(DashboardSchema)
  @ApiZodQuery(DashboardQuerySchema)
  async get(@Query(new ZodValidationPipe(DashboardQuerySchema, 'query')) { minutes }: z.output<typeof DashboardQuerySchema>) {
    return this.dashboard.build(minutes);
  }
}

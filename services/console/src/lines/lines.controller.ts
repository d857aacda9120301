import { Controller, Get } from '@nestjs/common';
import { LineOverviewService } from './line-overview.service';
import { ApiZodResponse } from '../http/api-zod-response.decorator';
import { LineListSchema } from '../http/api-responses.schemas';

/** `GET /api/v1/lines` (any signed-in role). */
@Controller('api/v1/lines')
export class LinesController {
  constructor(private readonly overview: LineOverviewService) {}

  @Get()
  @ApiZodResponse(LineListSchema)
  async list() {
    return { items: await this.overview.list() };
  }
}

import { Controller, Get } from '@nestjs/common';
import { LineOverviewService } from './line-overview.service';

/** `GET /api/v1/lines` (any signed-in role). */
@Controller('api/v1/lines')
export class LinesController {
  constructor(private readonly overview: LineOverviewService) {}

  @Get()
  async list() {
    return { items: await this.overview.list() };
  }
}

import { UuidSchema } from '@argus/contracts';
import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ZodValidationPipe } from '@argus/platform';
import { Roles } from '../identity/roles.decorator';
import { ApiZodResponse } from '../http/api-zod-response.decorator';
import { CandidateSchema } from '../http/api-responses.schemas';
import { CandidatePageService } from './candidate-page.service';

const IdParamsSchema = z.object({ id: UuidSchema });

/** A fine-tune candidate's page data (ml-engineer, admin); promotion goes through POST /api/v1/lines/:lineId/promotions. */
@ApiTags('candidates')
@Roles('ml-engineer')
@Controller('api/v1/candidates')
export class CandidatesController {
  constructor(private readonly candidates: CandidatePageService) {}

  @Get(':id')
  @ApiOperation({
    summary:
      'A candidate: its version, gates (gate-report.json and the gatesPassed metric), whether promoting needs an admin override, the job and data set version that made it, its shadow section',
  })
  @ApiZodResponse(CandidateSchema)
  async detail(@Param(new ZodValidationPipe(IdParamsSchema, 'params')) { id }: z.output<typeof IdParamsSchema>) {
    return this.candidates.candidate(id);
  }
}

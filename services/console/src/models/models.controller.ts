import { UuidSchema } from '@argus/contracts';
import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ApiZodQuery, ZodValidationPipe } from '@argus/platform';
import { ModelCatalogService } from './model-catalog.service';
import { ApiZodResponse } from '../http/api-zod-response.decorator';
import { ModelComparisonSchema, ModelDetailSchema, ModelListSchema, VersionPromotionListSchema } from '../http/api-responses.schemas';

const ListQuerySchema = z.object({ name: z.string().min(1).max(128).optional() });
const CompareQuerySchema = z.object({ a: UuidSchema, b: UuidSchema });
const IdParamsSchema = z.object({ id: UuidSchema });

/** Model versions: list, detail, comparison, a version's promotions (any signed-in role). */
@ApiTags('models')
@Controller('api/v1/models')
export class ModelsController {
  constructor(private readonly catalog: ModelCatalogService) {}

  @Get()
  @ApiOperation({ summary: 'Model versions, newest first, with the lines each is in production on' })
  @ApiZodResponse(ModelListSchema)
  @ApiZodQuery(ListQuerySchema)
  async list(@Query(new ZodValidationPipe(ListQuerySchema, 'query')) { name }: z.output<typeof ListQuerySchema>) {
    return { items: await this.catalog.list(name) };
  }

  @Get('compare')
  @ApiOperation({
    summary: 'Two versions side by side: per-class AP, overall mAP, and evaluationData (same | different | unverified: whether both evaluations scored the same images, and why)',
    description: 'deltaAp50 is null across different evaluation data: a higher AP on other images says nothing about which model is better.',
  })
  @ApiZodResponse(ModelComparisonSchema)
  @ApiZodQuery(CompareQuerySchema)
  async compare(@Query(new ZodValidationPipe(CompareQuerySchema, 'query')) { a, b }: z.output<typeof CompareQuerySchema>) {
    return this.catalog.compare(a, b);
  }

  @Get(':id/promotions')
  @ApiOperation({ summary: "The version's promotions and rollbacks on every line (to or from it), newest first" })
  @ApiZodResponse(VersionPromotionListSchema)
  async promotions(@Param(new ZodValidationPipe(IdParamsSchema, 'params')) { id }: z.output<typeof IdParamsSchema>) {
    return { items: await this.catalog.promotions(id) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One version: metrics, evaluation (with the data it scored), lineage, training record, latency' })
  @ApiZodResponse(ModelDetailSchema)
  async detail(@Param(new ZodValidationPipe(IdParamsSchema, 'params')) { id }: z.output<typeof IdParamsSchema>) {
    return this.catalog.detail(id);
  }
}

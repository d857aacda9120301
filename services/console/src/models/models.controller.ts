import { UuidSchema } from '@argus/contracts';
import { Controller, Get, Param, Query } from '@nestjs/common';
import { z } from 'zod';
import { ApiZodQuery, ZodValidationPipe } from '@argus/platform';
import { ModelCatalogService } from './model-catalog.service';

const ListQuerySchema = z.object({ name: z.string().min(1).max(128).optional() });
const CompareQuerySchema = z.object({ a: UuidSchema, b: UuidSchema });
const IdParamsSchema = z.object({ id: UuidSchema });

/** Model versions: list, detail, comparison, a version's promotions (any signed-in role). */
@Controller('api/v1/models')
export class ModelsController {
  constructor(private readonly catalog: ModelCatalogService) {}

  @Get()
  @ApiZodQuery(ListQuerySchema)
  async list(@Query(new ZodValidationPipe(ListQuerySchema, 'query')) { name }: z.output<typeof ListQuerySchema>) {
    return { items: await this.catalog.list(name) };
  }

  @Get('compare')
  @ApiZodQuery(CompareQuerySchema)
  async compare(@Query(new ZodValidationPipe(CompareQuerySchema, 'query')) { a, b }: z.output<typeof CompareQuerySchema>) {
    return this.catalog.compare(a, b);
  }

  @Get(':id/promotions')
  async promotions(@Param(new ZodValidationPipe(IdParamsSchema, 'params')) { id }: z.output<typeof IdParamsSchema>) {
    return { items: await this.catalog.promotions(id) };
  }

  @Get(':id')
  async detail(@Param(new ZodValidationPipe(IdParamsSchema, 'params')) { id }: z.output<typeof IdParamsSchema>) {
    return this.catalog.detail(id);
  }
}

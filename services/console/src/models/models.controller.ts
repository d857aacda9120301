import { UuidSchema } from '@argus/contracts';
import { Controller, Get, Param, Query } from '@nestjs/common';
import { z } from 'zod';
import { parseRequest } from '../http/request.parser';
import { ModelCatalogService } from './model-catalog.service';

const ListQuerySchema = z.object({ name: z.string().min(1).max(128).optional() });
const CompareQuerySchema = z.object({ a: UuidSchema, b: UuidSchema });
const IdParamsSchema = z.object({ id: UuidSchema });

/** Model versions: list, detail, comparison (any signed-in role). */
@Controller('api/v1/models')
export class ModelsController {
  constructor(private readonly catalog: ModelCatalogService) {}

  @Get()
  async list(@Query() query: unknown) {
    const { name } = parseRequest(ListQuerySchema, query, 'query');
    return { items: await this.catalog.list(name) };
  }

  @Get('compare')
  async compare(@Query() query: unknown) {
    const { a, b } = parseRequest(CompareQuerySchema, query, 'query');
    return this.catalog.compare(a, b);
  }

  @Get(':id')
  async detail(@Param() params: unknown) {
    const { id } = parseRequest(IdParamsSchema, params, 'params');
    return this.catalog.detail(id);
  }
}

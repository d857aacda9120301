import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { SlugSchema, UuidSchema } from '@argus/contracts';
import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ApiZodQuery, ZodValidationPipe } from '@argus/platform';
import { Roles } from '../identity/roles.decorator';
import { ApiZodResponse } from '../http/api-zod-response.decorator';
import { DatasetVersionDetailSchema, DatasetVersionListSchema } from '../http/api-responses.schemas';
import { DatasetCatalogService, type DatasetDownload } from './dataset-catalog.service';

const LineParamsSchema = z.object({ lineId: SlugSchema });
const IdParamsSchema = z.object({ id: UuidSchema });
const ListQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });

/** The fine-tune loop's data set versions: a line's list, one version, its exports (ml-engineer, admin). */
@ApiTags('datasets')
@Roles('ml-engineer')
@Controller('api/v1')
export class DatasetsController {
  constructor(private readonly catalog: DatasetCatalogService) {}

  @Get('lines/:lineId/datasets')
  @ApiOperation({ summary: "The line's data set versions, newest first: counts per class and split, hard negatives, what changed" })
  @ApiZodResponse(DatasetVersionListSchema)
  @ApiZodQuery(ListQuerySchema)
  async list(
    @Param(new ZodValidationPipe(LineParamsSchema, 'params')) { lineId }: z.output<typeof LineParamsSchema>,
    @Query(new ZodValidationPipe(ListQuerySchema, 'query')) { limit }: z.output<typeof ListQuerySchema>,
  ) {
    return { items: await this.catalog.list(lineId, limit) };
  }

  @Get('datasets/:id')
  @ApiOperation({ summary: 'One data set version, with the frames it added and relabelled' })
  @ApiZodResponse(DatasetVersionDetailSchema)
  async detail(@Param(new ZodValidationPipe(IdParamsSchema, 'params')) { id }: z.output<typeof IdParamsSchema>) {
    return this.catalog.detail(id);
  }

  @Get('datasets/:id/manifest')
  @ApiOperation({ summary: 'The version’s Argus sample manifest (JSON lines; what argus train|finetune|eval --data manifest: read)' })
  @ApiProduces('application/x-ndjson')
  async manifest(
    @Param(new ZodValidationPipe(IdParamsSchema, 'params')) { id }: z.output<typeof IdParamsSchema>,
    @Res() response: ServerResponse,
  ) {
    await send(response, await this.catalog.download(id, 'manifest'));
  }

  @Get('datasets/:id/coco')
  @ApiOperation({ summary: 'The version as COCO JSON' })
  @ApiProduces('application/json')
  async coco(
    @Param(new ZodValidationPipe(IdParamsSchema, 'params')) { id }: z.output<typeof IdParamsSchema>,
    @Res() response: ServerResponse,
  ) {
    await send(response, await this.catalog.download(id, 'coco'));
  }
}

async function send(response: ServerResponse, file: DatasetDownload): Promise<void> {
  response.writeHead(200, {
    'Content-Type': file.contentType,
    'Content-Length': String(file.size),
    'Content-Disposition': `attachment; filename="${file.fileName}"`,
    // A version never changes under its key.
    'Cache-Control': 'private, max-age=3600',
    'X-Content-Type-Options': 'nosniff',
  });
  await pipeline(file.body, response);
}

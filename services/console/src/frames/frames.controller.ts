import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { UuidSchema } from '@argus/contracts';
import { Controller, Get, Param, Res } from '@nestjs/common';
import { z } from 'zod';
import { ZodValidationPipe } from '@argus/platform';
import { FrameImagesService, type StoredImage } from './frame-images.service';

const FrameParamsSchema = z.object({ frameId: UuidSchema });
type FrameParams = z.output<typeof FrameParamsSchema>;

/** A frame's stored image and its golden template, for the alert page. Any signed-in role. */
@Controller('api/v1/frames/:frameId')
export class FramesController {
  constructor(private readonly images: FrameImagesService) {}

  @Get('image')
  async image(
    @Param(new ZodValidationPipe(FrameParamsSchema, 'params')) { frameId }: FrameParams,
    @Res() response: ServerResponse,
  ): Promise<void> {
    await send(response, await this.images.image(frameId));
  }

  @Get('template')
  async template(
    @Param(new ZodValidationPipe(FrameParamsSchema, 'params')) { frameId }: FrameParams,
    @Res() response: ServerResponse,
  ): Promise<void> {
    await send(response, await this.images.template(frameId));
  }
}

async function send(response: ServerResponse, image: StoredImage): Promise<void> {
  response.writeHead(200, {
    'Content-Type': image.contentType,
    'Content-Length': String(image.size),
    // A frame never changes under its key; a line's template may be replaced: a short cache suits both.
    'Cache-Control': 'private, max-age=300',
    'X-Content-Type-Options': 'nosniff',
  });
  await pipeline(image.body, response);
}

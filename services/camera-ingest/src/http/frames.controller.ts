import type { IncomingMessage } from 'node:http';
import { Controller, HttpCode, Inject, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { SlugSchema } from '@argus/contracts';
import { CommonErrorCodes, DomainError } from '@argus/platform';
import { IngestUnavailableError } from '../ingest/frame-ingest.errors';
import { type IngestFrameSettings, IngestFrameUseCase } from '../ingest/ingest-frame.use-case';
import { INGEST_SETTINGS } from '../ingest/ingest.tokens';
import { CameraTokenGuard } from './camera-token.guard';
import { readFrameUpload } from './frame-upload.reader';

export interface FrameAcceptedResponse {
  readonly frameId: string;
  readonly objectKey: string;
  readonly duplicate: boolean;
}

/** Header a camera may send with the capture time (ISO 8601 with offset); default: when it arrived. */
export const CAPTURED_AT_HEADER = 'x-captured-at';

/** `POST /v1/lines/{lineId}/cameras/{cameraId}/frames`: a raw JPEG/PNG body or multipart field `frame`. */
@Controller('v1/lines/:lineId/cameras/:cameraId/frames')
@UseGuards(CameraTokenGuard)
export class FramesController {
  constructor(
    private readonly ingest: IngestFrameUseCase,
    @Inject(INGEST_SETTINGS) private readonly settings: IngestFrameSettings,
  ) {}

  @Post()
  @HttpCode(202)
  async upload(
    @Param('lineId') lineId: string,
    @Param('cameraId') cameraId: string,
    @Req() request: IncomingMessage,
    @Res({ passthrough: true }) response: { setHeader(name: string, value: string): unknown },
  ): Promise<FrameAcceptedResponse> {
    assertSlug('lineId', lineId);
    assertSlug('cameraId', cameraId);
    const capturedAt = parseCapturedAt(request.headers[CAPTURED_AT_HEADER]);
    try {
      const upload = await readFrameUpload(request, this.settings.maxFrameBytes);
      const result = await this.ingest.execute({
        lineId,
        cameraId,
        bytes: upload.bytes,
        declaredType: upload.declaredType,
        capturedAt,
        source: 'http',
      });
      return { frameId: result.frameId, objectKey: result.objectKey, duplicate: result.duplicate };
    } catch (error) {
      if (error instanceof IngestUnavailableError) response.setHeader('Retry-After', String(error.retryAfterSeconds));
      throw error;
    }
  }
}

function assertSlug(name: string, value: string): void {
  if (!SlugSchema.safeParse(value).success) {
    throw new DomainError(CommonErrorCodes.validationFailed, `${name} "${value}" is not a slug (a-z, 0-9, "-")`);
  }
}

function parseCapturedAt(header: string | string[] | undefined): Date | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value === '') return undefined;
  const at = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(at.getTime())) {
    throw new DomainError(CommonErrorCodes.validationFailed, `${CAPTURED_AT_HEADER} must be an ISO 8601 timestamp`);
  }
  return at;
}

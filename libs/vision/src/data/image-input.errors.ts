/** Why an image could not be decoded. */
export type ImageDecodeReason = 'empty' | 'unsupported-format' | 'truncated' | 'corrupt';

/** Bytes that are not a decodable image: empty, an unknown format, cut short or damaged. */
export class ImageDecodeError extends Error {
  readonly code = 'IMAGE_DECODE_FAILED';

  constructor(
    readonly reason: ImageDecodeReason,
    readonly detail: string,
    readonly imageLabel?: string,
  ) {
    super(`${imageLabel ? `${imageLabel}: ` : ''}cannot decode image (${reason}): ${detail}`);
    this.name = 'ImageDecodeError';
  }
}

/** An image with more pixels than the configured limit (a decompression bomb or a wrong file). */
export class ImageTooLargeError extends Error {
  readonly code = 'IMAGE_TOO_LARGE';

  constructor(
    readonly width: number,
    readonly height: number,
    readonly limitPixels: number,
    readonly imageLabel?: string,
  ) {
    super(
      `${imageLabel ? `${imageLabel}: ` : ''}image is ${width}x${height} = ${width * height} pixels, ` + `over the limit of ${limitPixels}`,
    );
    this.name = 'ImageTooLargeError';
  }
}

/** A golden template that cannot be aligned with its frame because their sizes differ. */
export class TemplateMismatchError extends Error {
  readonly code = 'TEMPLATE_SIZE_MISMATCH';

  constructor(
    readonly frameSize: { width: number; height: number },
    readonly templateSize: { width: number; height: number },
    readonly imageLabel?: string,
  ) {
    super(
      `${imageLabel ? `${imageLabel}: ` : ''}template is ${templateSize.width}x${templateSize.height} ` +
        `but the frame is ${frameSize.width}x${frameSize.height}; a template must be aligned with its frame`,
    );
    this.name = 'TemplateMismatchError';
  }
}

/** A model that inspects against a golden template was given a frame without one. */
export class TemplateMissingError extends Error {
  readonly code = 'TEMPLATE_MISSING';

  constructor(readonly imageLabel?: string) {
    super(`${imageLabel ? `${imageLabel}: ` : ''}this model compares each frame with its template, and none was given`);
    this.name = 'TemplateMissingError';
  }
}

import { DomainError } from '@argus/platform';
import { NewLineErrorCodes } from './new-line.errors';

/** What the wizard stores of an uploaded image (a golden template, an onboarding frame). */
export interface OnboardingImage {
  readonly contentType: 'image/png' | 'image/jpeg';
  readonly extension: 'png' | 'jpg';
  readonly width: number;
  readonly height: number;
}

/** DI token of the OnboardingImageReader. */
export const ONBOARDING_IMAGE_READER = Symbol('ONBOARDING_IMAGE_READER');

/** Reads an uploaded image's header; throws `onboarding.image-invalid` (422) for anything that is not a PNG or JPEG. */
export interface OnboardingImageReader {
  read(bytes: Uint8Array, label: string): Promise<OnboardingImage>;
}

/**
 * The vision library's header reader (sharp, no pixel decode), loaded on first use: the console's
 * other pages never pay for the image stack it brings.
 */
export class VisionOnboardingImageReader implements OnboardingImageReader {
  async read(bytes: Uint8Array, label: string): Promise<OnboardingImage> {
    const { readImageHeader } = await import('@argus/vision');
    let header;
    try {
      header = await readImageHeader(bytes, { label });
    } catch (error) {
      throw new DomainError(NewLineErrorCodes.imageInvalid, `${label}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (header.format === 'png') return { contentType: 'image/png', extension: 'png', width: header.width, height: header.height };
    if (header.format === 'jpeg') return { contentType: 'image/jpeg', extension: 'jpg', width: header.width, height: header.height };
    throw new DomainError(NewLineErrorCodes.imageInvalid, `${label}: a ${header.format} image; PNG or JPEG only`);
  }
}

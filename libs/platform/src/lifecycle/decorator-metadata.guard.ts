import 'reflect-metadata';
import { Injectable } from '@nestjs/common';

class MetadataProbeDependency {}

@Injectable()
class MetadataProbe {
  constructor(readonly dependency: MetadataProbeDependency) {}
}

/**
 * Nest injects constructor parameters by their type, which TypeScript records only when the code is
 * compiled with decorator metadata. A runner that drops it (e.g. `@swc-node/register` started from a
 * folder without our tsconfig.json) fails later with obscure "can't resolve dependencies" errors;
 * this says what is wrong at start-up instead.
 */
export function assertDecoratorMetadata(): void {
  const types: unknown = Reflect.getMetadata('design:paramtypes', MetadataProbe);
  if (!Array.isArray(types) || types[0] !== MetadataProbeDependency) {
    throw new Error(
      'This code was compiled without decorator metadata, so NestJS cannot inject by type. ' +
        'Start services from the repository root (node -r @swc-node/register services/<name>/src/main.ts) ' +
        'or point SWC_NODE_PROJECT at the root tsconfig.json.',
    );
  }
}

/** Exported for the guard's own test. */
export const decoratorMetadataProbe = { MetadataProbe, MetadataProbeDependency };

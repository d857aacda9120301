import { assertDecoratorMetadata, decoratorMetadataProbe } from './decorator-metadata.guard';

describe('assertDecoratorMetadata', () => {
  it('passes when constructor parameter types were emitted', () => {
    expect(() => assertDecoratorMetadata()).not.toThrow();
  });

  it('says how to fix it when they were not', () => {
    const saved: unknown = Reflect.getMetadata('design:paramtypes', decoratorMetadataProbe.MetadataProbe);
    Reflect.deleteMetadata('design:paramtypes', decoratorMetadataProbe.MetadataProbe);
    try {
      expect(() => assertDecoratorMetadata()).toThrow(/compiled without decorator metadata.*SWC_NODE_PROJECT/s);
    } finally {
      Reflect.defineMetadata('design:paramtypes', saved, decoratorMetadataProbe.MetadataProbe);
    }
  });
});

import { type DynamicModule, Module } from '@nestjs/common';
import { LOGGER, type Logger, type ReadinessCheck, RetryingStartupTask, ShutdownOrder, ShutdownRegistry } from '@argus/platform';
import { MinioObjectStore } from './minio-object-store.adapter';
import type { ObjectStore } from './object-store.port';
import type { S3ObjectStoreConfig } from './s3-object-store.config';

/** The object store bound to the configured bucket (`ObjectStore`). */
export const OBJECT_STORE = Symbol('OBJECT_STORE');
/** The store's `ReadinessCheck` ("s3"), for `HealthModule.register({ checks })`. */
export const OBJECT_STORE_READINESS = Symbol('OBJECT_STORE_READINESS');

/**
 * The S3 object store of a service, for Nest: `OBJECT_STORE` and its readiness check
 * `OBJECT_STORE_READINESS`. The bucket is created in the background, with backoff, once S3
 * answers; until then the readiness check reports it missing. Shutdown cancels a pending attempt
 * (`ShutdownOrder.stopConsuming`). Needs `LOGGER` and `ShutdownRegistry`, which `bootstrapService`
 * provides globally. Build it once per process and import the same module wherever it is needed.
 */
@Module({})
export class ObjectStoreModule {
  static forRoot(config: S3ObjectStoreConfig): DynamicModule {
    return {
      module: ObjectStoreModule,
      providers: [
        {
          provide: OBJECT_STORE,
          inject: [LOGGER, ShutdownRegistry],
          useFactory: (logger: Logger, registry: ShutdownRegistry): ObjectStore => {
            const store = new MinioObjectStore(config);
            const bucketSetup = new RetryingStartupTask(`create bucket ${store.bucket}`, () => store.ensureBucket(), { logger });
            registry.register({ name: 'bucket-setup', order: ShutdownOrder.stopConsuming, close: () => bucketSetup.stop() });
            void bucketSetup.start();
            return store;
          },
        },
        {
          provide: OBJECT_STORE_READINESS,
          inject: [OBJECT_STORE],
          useFactory: (store: ObjectStore): ReadinessCheck => store.readinessCheck(),
        },
      ],
      exports: [OBJECT_STORE, OBJECT_STORE_READINESS],
    };
  }
}

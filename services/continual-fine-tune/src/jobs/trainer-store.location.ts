import { Secret } from '@argus/platform';
import {
  FilesystemObjectStore,
  type FilesystemObjectStoreConfig,
  MinioObjectStore,
  type ObjectStore,
  type S3ObjectStoreConfig,
} from '@argus/storage';

/**
 * Where the trainer thread finds the object store, as data: a store instance (sockets, a minio
 * client) cannot cross into a worker thread, so the thread opens its own from this. The S3 secret
 * is revealed to travel (a worker's data stays in this process's memory); never log a location.
 */
export type TrainerStoreLocation =
  | {
      readonly kind: 's3';
      readonly endPoint: string;
      readonly port: number;
      readonly useSSL: boolean;
      readonly accessKey: string;
      readonly secretKey: string;
      readonly region: string;
      readonly bucket: string;
      readonly partSize: number;
    }
  | { readonly kind: 'filesystem'; readonly root: string; readonly bucket: string };

/** The location of the store a service opened from its S3 configuration. */
export function s3TrainerStoreLocation(config: S3ObjectStoreConfig): TrainerStoreLocation {
  return {
    kind: 's3',
    endPoint: config.endPoint,
    port: config.port,
    useSSL: config.useSSL,
    accessKey: config.accessKey,
    secretKey: config.secretKey.reveal(),
    region: config.region,
    bucket: config.bucket,
    partSize: config.partSize,
  };
}

/** The location of a filesystem store (the embedded mode without ARGUS_S3_ENDPOINT). */
export function filesystemTrainerStoreLocation(config: FilesystemObjectStoreConfig): TrainerStoreLocation {
  return { kind: 'filesystem', root: config.root, bucket: config.bucket };
}

/** Opens, in the trainer thread, a store on the same bucket as the main thread's. */
export function openTrainerStore(location: TrainerStoreLocation): ObjectStore {
  switch (location.kind) {
    case 's3': {
      const { kind: _kind, secretKey, ...rest } = location;
      return new MinioObjectStore({ ...rest, secretKey: new Secret(secretKey) });
    }
    case 'filesystem':
      return new FilesystemObjectStore({ root: location.root, bucket: location.bucket });
  }
}

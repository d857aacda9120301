import { type DynamicModule, Module } from '@nestjs/common';
import { MESSAGE_BUS, MESSAGE_BUS_READINESS, PIPELINE_HEALTH } from '@argus/messaging';
import { DATABASE, DATABASE_READINESS, databaseReadinessCheck } from '@argus/persistence';
import { OBJECT_STORE, OBJECT_STORE_READINESS } from '@argus/storage';
import type { EmbeddedAdapters } from './embedded-adapters';

/**
 * The already-open adapters under the tokens the services' feature modules inject (MESSAGE_BUS,
 * OBJECT_STORE, DATABASE and their readiness checks), so every service of the process shares one
 * bus, one store and one database pool (PGlite serves one session: a pool of 1 for all).
 */
@Module({})
export class EmbeddedAdaptersModule {
  static register(adapters: EmbeddedAdapters): DynamicModule {
    return {
      module: EmbeddedAdaptersModule,
      providers: [
        { provide: MESSAGE_BUS, useValue: adapters.bus },
        { provide: MESSAGE_BUS_READINESS, useValue: adapters.bus.readinessCheck() },
        // Consumer lag and dead-letter counts for the console's dashboard (both buses report them).
        { provide: PIPELINE_HEALTH, useValue: adapters.bus },
        { provide: OBJECT_STORE, useValue: adapters.store },
        { provide: OBJECT_STORE_READINESS, useValue: adapters.store.readinessCheck() },
        { provide: DATABASE, useValue: adapters.dataSource },
        { provide: DATABASE_READINESS, useValue: databaseReadinessCheck(adapters.dataSource) },
      ],
      exports: [MESSAGE_BUS, MESSAGE_BUS_READINESS, PIPELINE_HEALTH, OBJECT_STORE, OBJECT_STORE_READINESS, DATABASE, DATABASE_READINESS],
    };
  }
}

import { type DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@argus/contracts';
import { MESSAGE_BUS, type MessageBus } from '@argus/messaging';
import {
  AuditLogRepository,
  InspectionStatsRepository,
  LineRepository,
  ModelRegistryRepository,
  repositoryProviders,
  SearchCandidateLineageRepository,
} from '@argus/persistence';
import { LOGGER, type Logger, RetryingStartupTask, ShutdownOrder, ShutdownRegistry } from '@argus/platform';
import { BusSearchCommandPublisher } from './bus-search-command.publisher';
import { SEARCH_READER_PROVIDERS, SEARCH_READER } from './search-reader.providers';
import type { SearchReader } from './search-read.port';
import { SearchesController } from './searches.controller';
import { SearchesUseCase } from './searches.use-case';

const SEARCH_TOPIC_SETUP = Symbol('SEARCH_TOPIC_SETUP');

/** The architecture-search pages: list, one search with its front, start, cancel, train a trial fully. */
@Module({})
export class SearchesModule {
  /** `imports` must export DATABASE and MESSAGE_BUS. */
  static register(options: { readonly imports: DynamicModule[] }): DynamicModule {
    return {
      module: SearchesModule,
      imports: options.imports,
      controllers: [SearchesController],
      providers: [
        ...repositoryProviders(
          LineRepository,
          ModelRegistryRepository,
          InspectionStatsRepository,
          SearchCandidateLineageRepository,
          AuditLogRepository,
        ),
        ...SEARCH_READER_PROVIDERS,
        {
          provide: SearchesUseCase,
          inject: [
            SEARCH_READER,
            LineRepository,
            ModelRegistryRepository,
            InspectionStatsRepository,
            SearchCandidateLineageRepository,
            AuditLogRepository,
            MESSAGE_BUS,
          ],
          useFactory: (
            searches: SearchReader,
            lines: LineRepository,
            registry: ModelRegistryRepository,
            stats: InspectionStatsRepository,
            lineage: SearchCandidateLineageRepository,
            audit: AuditLogRepository,
            bus: MessageBus,
          ) => new SearchesUseCase({ searches, lines, registry, stats, lineage, audit, commands: new BusSearchCommandPublisher(bus) }),
        },
        {
          // The request topics (and their .dlq) exist before the first request is published.
          provide: SEARCH_TOPIC_SETUP,
          inject: [MESSAGE_BUS, LOGGER, ShutdownRegistry],
          useFactory: (bus: MessageBus, logger: Logger, registry: ShutdownRegistry) => {
            const setup = new RetryingStartupTask(
              'create the search request topics',
              () => bus.ensureTopics([Topics.searchRequested, Topics.searchCancelRequested, Topics.searchTrainingRequested]),
              { logger },
            );
            registry.register({ name: 'search-topic-setup', order: ShutdownOrder.stopConsuming, close: () => setup.stop() });
            void setup.start();
            return setup;
          },
        },
      ],
    };
  }
}

import { type DynamicModule, Module } from '@nestjs/common';
import { MESSAGE_BUS, type MessageBus } from '@argus/messaging';
import {
  AlertRepository,
  AuditLogRepository,
  FrameRepository,
  LineRepository,
  ModelRegistryRepository,
  repositoryProviders,
  ReviewRepository,
} from '@argus/persistence';
import { OBJECT_STORE, type ObjectStore } from '@argus/storage';
import { AdaptationRequestUseCase, type AdaptationSettings } from './adaptation-request.use-case';
import { LineSetupUseCase } from './line-setup.use-case';
import { NewLineController } from './new-line.controller';
import { ONBOARDING_IMAGE_READER, type OnboardingImageReader, VisionOnboardingImageReader } from './onboarding-image.reader';
import { OnboardingSetUseCase } from './onboarding-set.use-case';

export interface NewLineModuleOptions {
  /** Modules exporting DATABASE, MESSAGE_BUS and OBJECT_STORE. */
  readonly imports: DynamicModule[];
  readonly adaptation: AdaptationSettings;
}

/** The new-line wizard's API: lines, cameras, template, onboarding set, adaptation. */
@Module({})
export class NewLineModule {
  static register(options: NewLineModuleOptions): DynamicModule {
    return {
      module: NewLineModule,
      imports: options.imports,
      controllers: [NewLineController],
      providers: [
        ...repositoryProviders(
          LineRepository,
          FrameRepository,
          AlertRepository,
          ReviewRepository,
          ModelRegistryRepository,
          AuditLogRepository,
        ),
        { provide: ONBOARDING_IMAGE_READER, useFactory: () => new VisionOnboardingImageReader() },
        {
          provide: LineSetupUseCase,
          inject: [LineRepository, AuditLogRepository, OBJECT_STORE, ONBOARDING_IMAGE_READER],
          useFactory: (lines: LineRepository, audit: AuditLogRepository, store: ObjectStore, images: OnboardingImageReader) =>
            new LineSetupUseCase(lines, audit, store, images),
        },
        {
          provide: OnboardingSetUseCase,
          inject: [
            LineRepository,
            FrameRepository,
            AlertRepository,
            ReviewRepository,
            ModelRegistryRepository,
            AuditLogRepository,
            OBJECT_STORE,
            ONBOARDING_IMAGE_READER,
          ],
          useFactory: (
            lines: LineRepository,
            frames: FrameRepository,
            alerts: AlertRepository,
            reviews: ReviewRepository,
            registry: ModelRegistryRepository,
            audit: AuditLogRepository,
            store: ObjectStore,
            images: OnboardingImageReader,
          ) => new OnboardingSetUseCase(lines, frames, alerts, reviews, registry, audit, store, images),
        },
        {
          provide: AdaptationRequestUseCase,
          inject: [OnboardingSetUseCase, ModelRegistryRepository, AuditLogRepository, MESSAGE_BUS],
          useFactory: (onboarding: OnboardingSetUseCase, registry: ModelRegistryRepository, audit: AuditLogRepository, bus: MessageBus) =>
            new AdaptationRequestUseCase(onboarding, registry, audit, bus, options.adaptation),
        },
      ],
    };
  }
}

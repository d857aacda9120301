import { type DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@argus/contracts';
import { MESSAGE_BUS, type MessageBus } from '@argus/messaging';
import { AlertRepository, FrameRepository, LineRepository, repositoryProviders } from '@argus/persistence';
import { LOGGER, type Logger, ShutdownRegistry } from '@argus/platform';
import { startConsumer } from '../consumer.startup';
import { type AuditEnv, auditPolicyOf } from './audit.config';
import { subscribeAuditSampling } from './detections-produced.consumer';
import { LineAlertThresholdCache } from './line-alert-threshold.cache';
import { PostgresAuditItemStore } from './postgres-audit-item.store';
import { SampleAuditItemUseCase } from './sample-audit-item.use-case';

const AUDIT_STARTUP = Symbol('AUDIT_STARTUP');

/** An edit of a line's alert rules reaches the audit sample within this. */
export const AUDIT_THRESHOLD_TTL_MS = 5_000;

/**
 * The audit sample: `inspection.detections.produced.v1` (every scored frame) → audit items in the
 * review queue (SampleAuditItemUseCase). `imports` must export MESSAGE_BUS and DATABASE. Start-up
 * in the background, retried until Kafka answers; shutdown stops the consumer with the others.
 */
@Module({})
export class AuditSamplingModule {
  static register(config: AuditEnv, imports: DynamicModule[]): DynamicModule {
    return {
      module: AuditSamplingModule,
      imports,
      providers: [
        ...repositoryProviders(AlertRepository, FrameRepository, LineRepository),
        {
          provide: SampleAuditItemUseCase,
          inject: [AlertRepository, FrameRepository, LineRepository],
          useFactory: (alerts: AlertRepository, frames: FrameRepository, lines: LineRepository) =>
            new SampleAuditItemUseCase(
              new LineAlertThresholdCache(lines, AUDIT_THRESHOLD_TTL_MS),
              new PostgresAuditItemStore(alerts, frames),
              auditPolicyOf(config),
            ),
        },
        {
          provide: AUDIT_STARTUP,
          inject: [MESSAGE_BUS, SampleAuditItemUseCase, LOGGER, ShutdownRegistry],
          useFactory: (bus: MessageBus, useCase: SampleAuditItemUseCase, logger: Logger, registry: ShutdownRegistry) =>
            startConsumer('audit-sampling', { bus, logger, registry }, [Topics.detectionsProduced], () =>
              subscribeAuditSampling(bus, useCase, config.ARGUS_CONTINUAL_AUDIT_GROUP_ID),
            ),
        },
      ],
    };
  }
}

import {
  BadRequestException,
  Body,
  Controller,
  type DynamicModule,
  Get,
  Inject,
  Injectable,
  Module,
  type OnModuleInit,
  Post,
  Query,
} from '@nestjs/common';
import { setTimeout as delay } from 'node:timers/promises';
import {
  DomainError,
  HealthModule,
  LOGGER,
  type Logger,
  READINESS_CHECKS,
  type ReadinessCheck,
  ShutdownOrder,
  ShutdownRegistry,
  traceFields,
} from '@argus/platform';
import type { FixtureConfig } from './fixture.config';

const FIXTURE_CONFIG = Symbol('FIXTURE_CONFIG');

/** Injected by class: proves the runner emitted decorator metadata. */
@Injectable()
export class FixtureGreeter {
  greet(name: string): string {
    return `hello ${name}`;
  }
}

/** A test double of a service, exercising bootstrapService over real HTTP and real signals. */
@Controller('fixture')
export class FixtureController {
  constructor(
    private readonly greeter: FixtureGreeter,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Get('greet')
  greet(@Query('name') name = 'world'): { greeting: string } {
    return { greeting: this.greeter.greet(name) };
  }

  @Get('trace')
  trace(): { trace_id?: string; span_id?: string } {
    this.logger.info('handling /fixture/trace');
    return traceFields();
  }

  @Get('boom')
  boom(): never {
    throw new TypeError('fixture exploded with internals');
  }

  @Get('refuse')
  refuse(): never {
    throw new DomainError('fixture.refused', 'the fixture refuses', { reason: 'asked to' });
  }

  @Get('bad')
  bad(): never {
    throw new BadRequestException(['name must be short']);
  }

  @Get('slow')
  async slow(@Query('ms') ms = '1000'): Promise<{ waitedMs: number }> {
    this.logger.info({ ms: Number(ms) }, 'slow request started');
    await delay(Number(ms));
    return { waitedMs: Number(ms) };
  }

  @Post('echo')
  echo(@Body() body: unknown): unknown {
    return body;
  }
}

@Injectable()
class FixtureConsumer implements OnModuleInit {
  constructor(
    private readonly registry: ShutdownRegistry,
    @Inject(FIXTURE_CONFIG) private readonly config: FixtureConfig,
  ) {}

  onModuleInit(): void {
    this.registry.register({
      name: 'fixture-consumer',
      order: ShutdownOrder.stopConsuming,
      close: () => (this.config.FIXTURE_STUCK_ON_SHUTDOWN === '1' ? new Promise<void>(() => undefined) : Promise.resolve()),
    });
  }
}

@Module({})
export class FixtureModule {
  static register(config: FixtureConfig): DynamicModule {
    const checks: ReadinessCheck[] = [
      {
        name: 'fixture-dependency',
        check: async () => {
          if (config.FIXTURE_READY === 'down') throw new Error('fixture dependency is down');
        },
      },
    ];
    return {
      module: FixtureModule,
      imports: [
        HealthModule.register({
          checksToken: READINESS_CHECKS,
          imports: [FixtureChecksModule.register(checks)],
          checkTimeoutMs: config.READINESS_CHECK_TIMEOUT_MS,
        }),
      ],
      controllers: [FixtureController],
      providers: [FixtureGreeter, FixtureConsumer, { provide: FIXTURE_CONFIG, useValue: config }],
    };
  }
}

@Module({})
class FixtureChecksModule {
  static register(checks: ReadinessCheck[]): DynamicModule {
    return {
      module: FixtureChecksModule,
      providers: [{ provide: READINESS_CHECKS, useValue: checks }],
      exports: [READINESS_CHECKS],
    };
  }
}

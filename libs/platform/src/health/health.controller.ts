import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { LifecycleState } from '../lifecycle/lifecycle.state';
import { type CheckOutcome, ReadinessService } from './readiness.service';

export interface LiveBody {
  status: 'ok' | 'shutting-down';
}

export interface ReadyBody {
  status: 'ready' | 'not-ready';
  checks: Record<string, CheckOutcome>;
  reason?: 'shutting-down';
}

/** Minimal response surface the controller needs, so it works with any Nest HTTP adapter. */
export interface StatusSettable {
  status(code: number): unknown;
}

/**
 * `GET /health/live`: the process is up and not shutting down (restart me if this fails).
 * `GET /health/ready`: every dependency answers (send me work only if this succeeds).
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly readiness: ReadinessService,
    private readonly lifecycle: LifecycleState,
  ) {}

  @Get('live')
  live(@Res({ passthrough: true }) res: StatusSettable): LiveBody {
    if (this.lifecycle.shuttingDown) {
      res.status(HttpStatus.SERVICE_UNAVAILABLE);
      return { status: 'shutting-down' };
    }
    res.status(HttpStatus.OK);
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) res: StatusSettable): Promise<ReadyBody> {
    if (this.lifecycle.shuttingDown) {
      res.status(HttpStatus.SERVICE_UNAVAILABLE);
      return { status: 'not-ready', reason: 'shutting-down', checks: {} };
    }
    const report = await this.readiness.evaluate();
    // Shutdown may have begun while the checks ran.
    if (this.lifecycle.shuttingDown) {
      res.status(HttpStatus.SERVICE_UNAVAILABLE);
      return { status: 'not-ready', reason: 'shutting-down', checks: report.checks };
    }
    res.status(report.ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: report.ready ? 'ready' : 'not-ready', checks: report.checks };
  }
}

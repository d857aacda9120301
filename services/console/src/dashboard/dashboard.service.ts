import type { PipelineHealth, PipelineHealthReader } from '@argus/messaging';
import type { InspectionStatsRepository } from '@argus/persistence';
import { type AlertCount, EXACT_COUNT_LIMIT, estimated } from '../alerts/alert-count';
import type { LineOverviewService, ProductionView } from '../lines/line-overview.service';
import { type MinutePoint, summariseLineActivity, windowStart } from './activity-series.builder';

export interface DashboardLine {
  readonly lineId: string;
  readonly name: string;
  readonly production: ProductionView | null;
  readonly framesPerMinute: number;
  readonly alertsPerMinute: number;
  readonly defectRate: number | null;
  readonly series: MinutePoint[];
  /** The line's open alerts (waiting for review): exact up to 10,000, else an estimate. */
  readonly backlog: AlertCount;
}

export interface Dashboard {
  readonly generatedAt: string;
  readonly minutes: number;
  readonly lines: DashboardLine[];
  /** `error` says why the bus could not be asked (the lines are still answered). */
  readonly pipeline: PipelineHealth & { readonly error?: string };
}

/** Pipeline health is asked of Kafka's admin API at most this often, however many dashboards poll. */
const PIPELINE_HEALTH_CACHE_MS = 5_000;

/** The dashboard: per-line activity from Postgres, pipeline health from the bus. */
export class DashboardService {
  private cached: { at: number; health: Promise<PipelineHealth> } | undefined;

  constructor(
    private readonly lines: Pick<LineOverviewService, 'list'>,
    private readonly stats: Pick<InspectionStatsRepository, 'activityPerMinute' | 'openAlertsPerLine' | 'estimateOpenAlerts'>,
    private readonly pipeline: PipelineHealthReader,
    private readonly clock: { now(): Date } = { now: () => new Date() },
    private readonly exactCountLimit: number = EXACT_COUNT_LIMIT,
  ) {}

  async build(minutes: number): Promise<Dashboard> {
    const now = this.clock.now();
    const [lines, activity, backlog, pipeline] = await Promise.all([
      this.lines.list(),
      this.stats.activityPerMinute(windowStart(now, minutes)),
      this.backlogPerLine(),
      this.pipelineHealth(now).then(
        (health): Dashboard['pipeline'] => health,
        (error: unknown): Dashboard['pipeline'] => ({
          consumerGroups: [],
          deadLetters: [],
          error: error instanceof Error ? error.message : String(error),
        }),
      ),
    ]);
    return {
      generatedAt: now.toISOString(),
      minutes,
      lines: lines.map((line) => ({
        lineId: line.id,
        name: line.name,
        production: line.production,
        ...summariseLineActivity(
          activity.filter((a) => a.lineId === line.id),
          now,
          minutes,
        ),
        backlog: backlog.get(line.id) ?? { count: 0, exact: true },
      })),
      pipeline,
    };
  }

  /** Each line's open alerts, counted up to the limit; a line past it gets the planner's estimate. */
  private async backlogPerLine(): Promise<Map<string, AlertCount>> {
    const counted = await this.stats.openAlertsPerLine(this.exactCountLimit + 1);
    const backlog = new Map<string, AlertCount>();
    for (const [lineId, count] of counted) {
      backlog.set(
        lineId,
        count <= this.exactCountLimit
          ? { count, exact: true }
          : estimated(await this.stats.estimateOpenAlerts(lineId), this.exactCountLimit),
      );
    }
    return backlog;
  }

  private pipelineHealth(now: Date): Promise<PipelineHealth> {
    if (!this.cached || now.getTime() - this.cached.at > PIPELINE_HEALTH_CACHE_MS) {
      const health = this.pipeline.pipelineHealth();
      this.cached = { at: now.getTime(), health };
      health.catch(() => {
        if (this.cached?.health === health) this.cached = undefined;
      });
    }
    return this.cached.health;
  }
}

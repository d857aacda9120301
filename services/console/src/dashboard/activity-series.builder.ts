import type { LineMinuteActivity } from '@argus/persistence';

export interface MinutePoint {
  readonly minute: string;
  readonly frames: number;
  readonly alerts: number;
}

export interface LineActivitySummary {
  readonly series: MinutePoint[];
  /** Averages over the last `rateWindow` minutes of the series (the current one included). */
  readonly framesPerMinute: number;
  readonly alertsPerMinute: number;
  /** Alerts ÷ frames over the whole window; null when no frame arrived. */
  readonly defectRate: number | null;
}

const MINUTE_MS = 60_000;

/** The start of the minute `at` falls in (UTC, as Postgres' date_trunc on timestamptz in UTC). */
export function minuteOf(at: Date): Date {
  return new Date(Math.floor(at.getTime() / MINUTE_MS) * MINUTE_MS);
}

/** The first minute of a window of `minutes` minutes that ends with the minute of `now`. */
export function windowStart(now: Date, minutes: number): Date {
  return new Date(minuteOf(now).getTime() - (minutes - 1) * MINUTE_MS);
}

/**
 * One line's per-minute series over the window, minutes without activity filled with zeros (SQL
 * returns only the minutes that had some), plus the rates and the defect rate.
 */
export function summariseLineActivity(
  rows: readonly LineMinuteActivity[],
  now: Date,
  minutes: number,
  rateWindow = 5,
): LineActivitySummary {
  const start = windowStart(now, minutes).getTime();
  const byMinute = new Map(rows.map((r) => [r.minute.getTime(), r]));
  const series: MinutePoint[] = [];
  for (let i = 0; i < minutes; i += 1) {
    const t = start + i * MINUTE_MS;
    const row = byMinute.get(t);
    series.push({ minute: new Date(t).toISOString(), frames: row?.frames ?? 0, alerts: row?.alerts ?? 0 });
  }
  const recent = series.slice(-Math.min(rateWindow, minutes));
  const frames = series.reduce((sum, p) => sum + p.frames, 0);
  const alerts = series.reduce((sum, p) => sum + p.alerts, 0);
  return {
    series,
    framesPerMinute: recent.reduce((sum, p) => sum + p.frames, 0) / recent.length,
    alertsPerMinute: recent.reduce((sum, p) => sum + p.alerts, 0) / recent.length,
    defectRate: frames === 0 ? null : alerts / frames,
  };
}

/** Display helpers shared by the pages. */

/**
 * A moment as operators on different sites read it without doubt: the date, the 24-hour time and
 * the offset from UTC it is shown in, e.g. `2026-12-07 09:14:03 UTC+1` (the browser's time zone
 * unless one is given; `UTC+5:30` where the offset has minutes, `UTC` at zero).
 */
export function formatTime(iso: string, timeZone?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const parts = new Intl.DateTimeFormat('en-US', {
    ...(timeZone ? { timeZone } : {}),
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'shortOffset',
  }).formatToParts(d);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}:${part('second')} ${utcOffsetLabel(part('timeZoneName'))}`;
}

/** `GMT+1` → `UTC+1`, `GMT` → `UTC` (Intl names offsets from GMT; the factory floor says UTC). */
function utcOffsetLabel(name: string): string {
  const offset = /^(?:GMT|UTC)([+\-−]\d{1,2}(?::\d{2})?)?$/.exec(name);
  if (!offset) return name;
  const sign = offset[1]?.replace('−', '-');
  return sign && !/^[+-]0(?::00)?$/.test(sign) ? `UTC${sign}` : 'UTC';
}

/** "12 s ago", "5 min ago", "3 h ago", else the date. */
export function formatAgo(iso: string, now: number = Date.now()): string {
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return iso;
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return formatTime(iso);
}

export function formatNumber(value: number | null | undefined, digits = 3): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits);
}

export function formatPercent(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : `${(value * 100).toFixed(digits)} %`;
}

export function formatSigned(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const text = value.toFixed(digits);
  return value > 0 ? `+${text}` : text;
}

/** What a set of boxes holds: `2 boxes: scratch, crack`, `1 box: dent`, `no boxes`. */
export function formatBoxSummary(boxes: readonly { className: string }[]): string {
  if (boxes.length === 0) return 'no boxes';
  const classes = [...new Set(boxes.map((b) => b.className))].join(', ');
  return `${boxes.length} box${boxes.length === 1 ? '' : 'es'}: ${classes}`;
}

export function shortId(id: string): string {
  return id.slice(0, 8);
}

/** A model as people name it: `pcb-template-s4 v3`. */
export function modelLabel(model: { name: string; version: number | string } | null | undefined): string {
  return model ? `${model.name} v${model.version}` : '—';
}

/** The mAP@0.5 of a model summary, whatever the evaluator called it. */
export function map50Of(metrics: Record<string, number>): number | null {
  for (const key of ['map50', 'mAP50', 'mAP@0.5', 'map_50', 'ap50']) {
    const value = metrics[key];
    if (typeof value === 'number') return value;
  }
  return null;
}

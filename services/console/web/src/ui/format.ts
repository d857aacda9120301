/** Display helpers shared by the pages. */

export function formatTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, { month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
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

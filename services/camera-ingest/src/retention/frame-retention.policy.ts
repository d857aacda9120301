import type { AgeCutoffs, FrameRetentionClass, LineSettings, RetentionCandidate } from '@argus/persistence';
import { parseByteSize, parseDuration } from '@argus/platform';

/**
 * How long a line's frames are kept, and how many bytes of them. Durations in milliseconds, null:
 * no limit. A class worth more is never kept shorter than one worth less (see `rulesForLine`).
 */
export interface RetentionRules {
  /** Frames without an alert. */
  readonly maxAgeMs: number | null;
  /** Frames with an alert that nobody has reviewed yet. */
  readonly alertedMaxAgeMs: number | null;
  /** Frames with a reviewed alert: training data. */
  readonly reviewedMaxAgeMs: number | null;
  /** Cap on the line's frame images (`frame.byte_size` summed); over it the oldest unreviewed frames go first. */
  readonly maxBytes: number | null;
}

/** The keys of a line's `settings.retention` (the console's line settings JSON), each overriding the default. */
export const LINE_RETENTION_KEYS = ['maxAge', 'alertedMaxAge', 'reviewedMaxAge', 'maxBytes'] as const;

export interface LineRules {
  readonly rules: RetentionRules;
  /** What was wrong with the line's overrides (each bad key falls back to the default). */
  readonly problems: readonly string[];
}

/** null (never) is longer than any duration. */
function longer(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : Math.max(a, b);
}

function readOverride<T>(raw: Record<string, unknown>, key: string, parse: (v: unknown) => T, problems: string[], fallback: T): T {
  if (!(key in raw) || raw[key] === undefined) return fallback;
  try {
    return parse(raw[key]);
  } catch (error) {
    problems.push(`retention.${key}: ${error instanceof Error ? error.message : String(error)}`);
    return fallback;
  }
}

const durationValue = (value: unknown): number | null => {
  if (value === null) return null;
  if (typeof value !== 'string') throw new RangeError('must be a string such as "7d" or "never"');
  return parseDuration(value);
};

const bytesValue = (value: unknown): number | null => {
  if (value === null) return null;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  if (typeof value !== 'string') throw new RangeError('must be a whole number of bytes or a string such as "512MiB" or "none"');
  return parseByteSize(value);
};

/**
 * The rules of one line: the defaults (from the environment), overridden key by key by the line's
 * `settings.retention` (`{"maxAge": "3d", "alertedMaxAge": "30d", "reviewedMaxAge": "never",
 * "maxBytes": "2GiB"}`; null or "never"/"none" lifts a limit). A bad value is reported and its
 * default used. Then the classes are ordered: alerted frames are kept at least as long as plain
 * ones, reviewed at least as long as alerted.
 */
export function rulesForLine(defaults: RetentionRules, settings: LineSettings): LineRules {
  const raw = settings['retention'];
  if (raw === undefined) return { rules: orderClasses(defaults), problems: [] };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { rules: orderClasses(defaults), problems: ['retention: must be an object'] };
  }
  const overrides = raw as Record<string, unknown>;
  const problems: string[] = Object.keys(overrides)
    .filter((key) => !(LINE_RETENTION_KEYS as readonly string[]).includes(key))
    .map((key) => `retention.${key}: unknown setting (known: ${LINE_RETENTION_KEYS.join(', ')})`);
  const rules: RetentionRules = {
    maxAgeMs: readOverride(overrides, 'maxAge', durationValue, problems, defaults.maxAgeMs),
    alertedMaxAgeMs: readOverride(overrides, 'alertedMaxAge', durationValue, problems, defaults.alertedMaxAgeMs),
    reviewedMaxAgeMs: readOverride(overrides, 'reviewedMaxAge', durationValue, problems, defaults.reviewedMaxAgeMs),
    maxBytes: readOverride(overrides, 'maxBytes', bytesValue, problems, defaults.maxBytes),
  };
  return { rules: orderClasses(rules), problems };
}

/** Alerted ≥ plain, reviewed ≥ alerted (null = never counts as longest). */
export function orderClasses(rules: RetentionRules): RetentionRules {
  const alertedMaxAgeMs = longer(rules.maxAgeMs, rules.alertedMaxAgeMs);
  return { ...rules, alertedMaxAgeMs, reviewedMaxAgeMs: longer(alertedMaxAgeMs, rules.reviewedMaxAgeMs) };
}

/** Per class, the ingest time before which a frame has expired at `now`. */
export function ageCutoffs(rules: RetentionRules, now: Date): AgeCutoffs {
  const before = (maxAgeMs: number | null) => (maxAgeMs === null ? null : new Date(now.getTime() - maxAgeMs));
  return { plain: before(rules.maxAgeMs), alerted: before(rules.alertedMaxAgeMs), reviewed: before(rules.reviewedMaxAgeMs) };
}

/** Whether a frame of this class, ingested then, has expired by age. */
export function isExpiredByAge(
  frame: { readonly ingestedAt: Date; readonly retentionClass: FrameRetentionClass },
  cutoffs: AgeCutoffs,
): boolean {
  const cutoff = cutoffs[frame.retentionClass];
  return cutoff !== null && frame.ingestedAt.getTime() < cutoff.getTime();
}

/**
 * Classes the size cap may remove, in the order it removes them: frames without an alert first,
 * alerted frames only once none of those is left. Reviewed frames never go for size.
 */
export const SIZE_CAP_ORDER: readonly FrameRetentionClass[] = ['plain', 'alerted'];

/**
 * From candidates oldest first, the shortest prefix whose bytes cover `excessBytes` (all of them
 * when they do not). Nothing when there is no excess.
 */
export function takeUntilCovered(candidates: readonly RetentionCandidate[], excessBytes: number): RetentionCandidate[] {
  const taken: RetentionCandidate[] = [];
  let covered = 0;
  for (const candidate of candidates) {
    if (covered >= excessBytes) break;
    taken.push(candidate);
    covered += candidate.byteSize;
  }
  return taken;
}

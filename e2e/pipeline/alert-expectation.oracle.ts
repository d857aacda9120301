/**
 * What the alerts of a run must be, recomputed independently from what is stored: each frame's
 * detections, its line's alert rules and dedup window. The rules as the issue states them:
 * - a detection qualifies when its class's rule (else the line's `*` rule) has
 *   `score >= minScore` and `box area >= minBoxAreaPx2`; a class without a rule never alerts;
 * - dedup: a qualifying detection is dropped when an alert raised for an earlier-or-equal frame
 *   of the same camera, captured within `dedupWindowSeconds` before it, cites a detection of the
 *   same class at the same place (box IoU >= the line's `dedupMinIou`, default 0.3);
 * - a frame alerts when a qualifying detection remains; the alert cites the remaining ones and
 *   has their highest severity.
 * One camera's frames are decided in capture order (they share a partition, so the service sees
 * them in that order too).
 */

export type Severity = 'low' | 'medium' | 'high' | 'critical';

export interface OracleBox {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
}

export interface OracleDetection {
  readonly className: string;
  readonly score: number;
  readonly box: OracleBox;
}

export interface OracleRule {
  readonly className: string;
  readonly minScore: number;
  readonly minBoxAreaPx2: number;
  readonly severity: Severity;
}

export interface OracleLine {
  readonly rules: readonly OracleRule[];
  readonly dedupWindowSeconds: number;
  readonly dedupMinIou: number;
}

export interface OracleFrame {
  readonly frameId: string;
  readonly lineId: string;
  readonly cameraId: string;
  readonly capturedAt: Date;
  /** Tie-breaker for equal capture times: the order the camera sent them. */
  readonly sequence: number;
  readonly detections: readonly OracleDetection[];
}

export interface ExpectedAlert {
  readonly frameId: string;
  readonly severity: Severity;
  readonly detections: readonly OracleDetection[];
}

export const DEFAULT_DEDUP_MIN_IOU = 0.3;
const RANK: Readonly<Record<Severity, number>> = { low: 0, medium: 1, high: 2, critical: 3 };

export function iou(a: OracleBox, b: OracleBox): number {
  const w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  const h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  const union = (a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - inter;
  return union > 0 ? inter / union : 0;
}

function qualifies(rules: readonly OracleRule[], d: OracleDetection): OracleRule | undefined {
  const rule = rules.find((r) => r.className === d.className) ?? rules.find((r) => r.className === '*');
  if (!rule) return undefined;
  const area = Math.max(0, d.box.x2 - d.box.x1) * Math.max(0, d.box.y2 - d.box.y1);
  return d.score >= rule.minScore && area >= rule.minBoxAreaPx2 ? rule : undefined;
}

/** The alerts the frames must have raised, by frame id. */
export function expectedAlerts(frames: readonly OracleFrame[], lines: ReadonlyMap<string, OracleLine>): Map<string, ExpectedAlert> {
  const byCamera = new Map<string, OracleFrame[]>();
  for (const frame of frames) {
    const key = `${frame.lineId}/${frame.cameraId}`;
    byCamera.set(key, [...(byCamera.get(key) ?? []), frame]);
  }
  const out = new Map<string, ExpectedAlert>();
  for (const cameraFrames of byCamera.values()) {
    const ordered = [...cameraFrames].sort((a, b) => a.capturedAt.getTime() - b.capturedAt.getTime() || a.sequence - b.sequence);
    const raised: { capturedAt: number; detections: readonly OracleDetection[] }[] = [];
    for (const frame of ordered) {
      const line = lines.get(frame.lineId);
      if (!line) throw new Error(`no rules given for line ${frame.lineId}`);
      const t = frame.capturedAt.getTime();
      const recent = raised.filter(
        (a) => line.dedupWindowSeconds > 0 && a.capturedAt >= t - line.dedupWindowSeconds * 1000 && a.capturedAt <= t,
      );
      let severity: Severity | undefined;
      const cited: OracleDetection[] = [];
      for (const detection of frame.detections) {
        const rule = qualifies(line.rules, detection);
        if (!rule) continue;
        const duplicate = recent.some((a) =>
          a.detections.some((c) => c.className === detection.className && iou(c.box, detection.box) >= line.dedupMinIou),
        );
        if (duplicate) continue;
        cited.push(detection);
        if (severity === undefined || RANK[rule.severity] > RANK[severity]) severity = rule.severity;
      }
      if (severity === undefined) continue;
      out.set(frame.frameId, { frameId: frame.frameId, severity, detections: cited });
      raised.push({ capturedAt: t, detections: cited });
    }
  }
  return out;
}

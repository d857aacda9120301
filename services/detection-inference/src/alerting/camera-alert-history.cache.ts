import {
  type AlertHistoryOptions,
  type CameraAlertHistoryRepository,
  type CameraAlertOccurrence,
  DEFAULT_ALERT_HISTORY_LIMIT,
} from '@argus/persistence';

type HistorySource = Pick<CameraAlertHistoryRepository, 'alertsCapturedBetween'>;

export interface CameraAlertHistoryCacheOptions {
  /** Cameras whose history is held at most; the one used longest ago goes first. Default 1024. */
  readonly maxCameras?: number;
  /** Alerts loaded for one camera at most; a window holding more is read from the database every time. Default 5000. */
  readonly maxAlertsPerCamera?: number;
}

/** The alerts of one camera with capture time from `coveredFrom` on, as the database holds them. */
interface CameraHistory {
  coveredFrom: number;
  /** Oldest capture first, then alert id (the database's order). */
  alerts: CameraAlertOccurrence[];
}

/** Later than any capture time: a load reads everything from its window's start on (Postgres parses it; JS's largest date it does not). */
const END_OF_TIME = new Date('9999-12-31T23:59:59.999Z');

/**
 * The recent alerts of the cameras this member handles, kept in memory for the dedup window, so
 * that judging a frame does not read its camera's whole window from Postgres again: that read grows
 * with rate × window, and it was the statement detection-inference spent most Postgres time on
 * (docs/performance.md, "Two Postgres costs that grew with the run").
 *
 * It holds what the database holds only while no one else raises alerts for these cameras, which
 * the consumer group guarantees between two assignments: each camera's frames come to one member,
 * in order. So it starts switched off, and `reset` (on each assignment, before frames of the new
 * one are handled) empties it and switches it on. A bus that does not pin partitions to members
 * never calls `reset`, and every lookup goes to the database, as without the cache.
 *
 * A camera's history is loaded from the database on its first lookup (from that window's start
 * on), gains the alerts this member raises (`remember`), and drops what falls out of the window
 * as the camera's frames move on. A lookup further back than what is held (a frame captured
 * earlier than the last one judged) reads the database again.
 */
export class CameraAlertHistoryCache implements HistorySource {
  private enabled = false;
  /** Counts resets: a load that straddles one is not kept. */
  private generation = 0;
  private readonly cameras = new Map<string, CameraHistory>();
  private readonly maxCameras: number;
  private readonly maxAlertsPerCamera: number;
  private hits = 0;
  private loads = 0;

  constructor(
    private readonly source: HistorySource,
    options: CameraAlertHistoryCacheOptions = {},
  ) {
    this.maxCameras = options.maxCameras ?? 1024;
    this.maxAlertsPerCamera = options.maxAlertsPerCamera ?? 5000;
  }

  /** This member's cameras may have changed: forget everything, and keep histories from now on. */
  reset(): void {
    this.cameras.clear();
    this.generation += 1;
    this.enabled = true;
  }

  /** How many times it was reset: the partition assignments this member has had. */
  get assignments(): number {
    return this.generation;
  }

  /** Lookups answered from memory and histories read from the database since the last call. */
  takeStats(): { hits: number; loads: number } {
    const stats = { hits: this.hits, loads: this.loads };
    this.hits = 0;
    this.loads = 0;
    return stats;
  }

  /** CameraAlertHistoryRepository.alertsCapturedBetween, from memory when the camera's history is held. */
  async alertsCapturedBetween(
    lineId: string,
    cameraId: string,
    from: Date,
    to: Date,
    options: AlertHistoryOptions = {},
  ): Promise<CameraAlertOccurrence[]> {
    if (!this.enabled) return this.source.alertsCapturedBetween(lineId, cameraId, from, to, options);
    const key = cameraKey(lineId, cameraId);
    let history = this.cameras.get(key);
    if (history && from.getTime() >= history.coveredFrom) {
      this.hits += 1;
      this.touch(key, history);
    } else {
      const generation = this.generation;
      const loaded = await this.source.alertsCapturedBetween(lineId, cameraId, from, END_OF_TIME, { limit: this.maxAlertsPerCamera + 1 });
      this.loads += 1;
      if (loaded.length > this.maxAlertsPerCamera) return this.source.alertsCapturedBetween(lineId, cameraId, from, to, options);
      if (generation !== this.generation) return inWindow(loaded, from, to, options); // reassigned meanwhile: answer, keep nothing
      history = { coveredFrom: from.getTime(), alerts: loaded };
      this.touch(key, history);
    }
    // The window slides forward with the camera's frames: what is before it is not needed again.
    dropBefore(history, from.getTime());
    return inWindow(history.alerts, from, to, options);
  }

  /** An alert just written (raised, or found already there): added to its camera's history if held. */
  remember(lineId: string, cameraId: string, alert: CameraAlertOccurrence): void {
    const history = this.cameras.get(cameraKey(lineId, cameraId));
    if (!history || alert.capturedAt.getTime() < history.coveredFrom) return;
    if (history.alerts.some((a) => a.alertId === alert.alertId)) return;
    const at = history.alerts.findIndex((a) => compareOccurrences(a, alert) > 0);
    history.alerts.splice(at < 0 ? history.alerts.length : at, 0, alert);
    if (history.alerts.length > this.maxAlertsPerCamera) this.cameras.delete(cameraKey(lineId, cameraId));
  }

  /** Most recently used last; the least recently used camera leaves when there are too many. */
  private touch(key: string, history: CameraHistory): void {
    this.cameras.delete(key);
    this.cameras.set(key, history);
    if (this.cameras.size > this.maxCameras) {
      const oldest = this.cameras.keys().next().value as string;
      this.cameras.delete(oldest);
    }
  }
}

/** The alerts captured in [from, to] but not on the excluded frame, oldest first, at most `limit` (as the repository answers). */
function inWindow(alerts: readonly CameraAlertOccurrence[], from: Date, to: Date, options: AlertHistoryOptions): CameraAlertOccurrence[] {
  const [start, end] = [from.getTime(), to.getTime()];
  const found = alerts.filter(
    (a) => a.capturedAt.getTime() >= start && a.capturedAt.getTime() <= end && a.frameId !== options.excludeFrameId,
  );
  return found.slice(0, options.limit ?? DEFAULT_ALERT_HISTORY_LIMIT);
}

function cameraKey(lineId: string, cameraId: string): string {
  return `${lineId}\u0000${cameraId}`;
}

function dropBefore(history: CameraHistory, from: number): void {
  if (from <= history.coveredFrom) return;
  const keep = history.alerts.findIndex((a) => a.capturedAt.getTime() >= from);
  history.alerts = keep < 0 ? [] : history.alerts.slice(keep);
  history.coveredFrom = from;
}

function compareOccurrences(a: CameraAlertOccurrence, b: CameraAlertOccurrence): number {
  return a.capturedAt.getTime() - b.capturedAt.getTime() || (a.alertId < b.alertId ? -1 : a.alertId > b.alertId ? 1 : 0);
}

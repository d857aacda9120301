import type { DeletedFrame, FrameRetentionClass, FrameRetentionRepository, LineRepository, RetentionCandidate } from '@argus/persistence';
import { ObjectNotFoundError, type ObjectStore } from '@argus/storage';
import { ageCutoffs, isExpiredByAge, type RetentionRules, rulesForLine, SIZE_CAP_ORDER, takeUntilCovered } from './frame-retention.policy';

/** The lines and their settings (LineRepository in production). */
export type RetentionLines = Pick<LineRepository, 'listLines'>;
/** The frame rows retention finds and deletes (FrameRetentionRepository in production). */
export type RetentionLedger = Pick<FrameRetentionRepository, 'findExpiredByAge' | 'lineFrameBytes' | 'findOldest' | 'deleteFrames'>;
/** The object store, as far as retention uses it. */
export type RetentionObjectStore = Pick<ObjectStore, 'stat' | 'delete'>;

export interface RetentionLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface FrameRetentionSettings {
  /** Rules of a line whose settings do not override them. */
  readonly defaults: RetentionRules;
  /** Frames deleted per transaction. */
  readonly batchSize: number;
  /** Pause between two batches, so the pipeline's statements get the database in between. */
  readonly batchPauseMs: number;
  /** The size cap never removes a frame younger than this (it may still be in the pipeline or on an operator's screen). */
  readonly minAgeMs: number;
  /**
   * An object is written just before its frame's row is recorded. One modified more than this
   * after that (the latest such frame's, for a shared template) was written again — the same
   * frame sent again after its row was deleted, or the template stored for a new frame — and is
   * left (an orphan at worst, counted in `objectsLeft`) rather than deleted. The margin absorbs the store's
   * and the database's clocks and the store's one-second resolution.
   */
  readonly objectGraceMs: number;
}

export interface LineRetentionReport {
  readonly lineId: string;
  readonly rules: RetentionRules;
  readonly problems: readonly string[];
  /** Frames whose rows were deleted, by why. */
  readonly framesByAge: number;
  readonly framesBySize: number;
  /** Their image bytes (`frame.byte_size`). */
  readonly bytes: number;
  /** Frame and template objects deleted. */
  readonly objectsDeleted: number;
  /** Objects left behind (written again, or the delete failed): orphans at worst (no sweep removes them yet). */
  readonly objectsLeft: number;
  /** Frames chosen but kept: an alert or review arrived meanwhile. */
  readonly framesKept: number;
  /** Bytes still over the cap once nothing more could go (reviewed frames, or frames younger than the minimum age). */
  readonly overCapBytes: number;
}

export interface RetentionPassReport {
  readonly startedAt: Date;
  readonly lines: readonly LineRetentionReport[];
  /** Lines whose pass failed (it is tried again next pass). */
  readonly failures: readonly { readonly lineId: string; readonly error: string }[];
}

interface MutableLineReport {
  framesByAge: number;
  framesBySize: number;
  bytes: number;
  objectsDeleted: number;
  objectsLeft: number;
  framesKept: number;
  overCapBytes: number;
}

const OBJECT_DELETE_CONCURRENCY = 8;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * One retention pass over every line: frames that expired by age (per class: plain, alerted,
 * reviewed — see `frame-retention.policy.ts`), then, when the line is over its byte cap, its
 * oldest frames without alerts, then its oldest alerted ones, until it is under. In batches of
 * `batchSize`, each batch in two steps:
 *
 * 1. the rows, in one transaction (`FrameRetentionRepository.deleteFrames`: alerts, inferences,
 *    detections and the frame; a frame that gained an alert or review meanwhile stays);
 * 2. after it commits, the objects: the frame image, and its template when no row names it any more.
 *
 * So a crash between the two leaves objects without rows (the lesser evil: orphans that an
 * object sweep could remove; none exists yet), never a row whose object is gone.
 */
export class FrameRetentionUseCase {
  private stopping = false;

  constructor(
    private readonly lines: RetentionLines,
    private readonly ledger: RetentionLedger,
    private readonly store: RetentionObjectStore,
    private readonly clock: { now(): Date },
    private readonly logger: RetentionLogger,
    private readonly settings: FrameRetentionSettings,
  ) {}

  /** Makes a running pass stop after its current batch (shutdown). */
  stop(): void {
    this.stopping = true;
  }

  async runPass(): Promise<RetentionPassReport> {
    const startedAt = this.clock.now();
    const reports: LineRetentionReport[] = [];
    const failures: { lineId: string; error: string }[] = [];
    for (const line of await this.lines.listLines()) {
      if (this.stopping) break;
      const { rules, problems } = rulesForLine(this.settings.defaults, line.settings);
      if (problems.length > 0)
        this.logger.warn({ lineId: line.id, problems }, `retention: line ${line.id} has invalid retention settings; their defaults apply`);
      const report: MutableLineReport = {
        framesByAge: 0,
        framesBySize: 0,
        bytes: 0,
        objectsDeleted: 0,
        objectsLeft: 0,
        framesKept: 0,
        overCapBytes: 0,
      };
      try {
        await this.expireByAge(line.id, rules, report);
        await this.capBySize(line.id, rules, report);
      } catch (error) {
        failures.push({ lineId: line.id, error: error instanceof Error ? error.message : String(error) });
      }
      reports.push({ lineId: line.id, rules, problems, ...report });
    }
    return { startedAt, lines: reports, failures };
  }

  private async expireByAge(lineId: string, rules: RetentionRules, report: MutableLineReport): Promise<void> {
    for (;;) {
      if (this.stopping) return;
      const now = this.clock.now();
      const cutoffs = ageCutoffs(rules, now);
      // The query applies the cutoffs; checking again here keeps the rule in one place and a row
      // the query got wrong from being deleted.
      const batch = (await this.ledger.findExpiredByAge(lineId, cutoffs, this.settings.batchSize)).filter((c) =>
        isExpiredByAge(c, cutoffs),
      );
      if (batch.length === 0) return;
      const deleted = await this.deleteBatch(batch, report);
      report.framesByAge += deleted;
      if (batch.length < this.settings.batchSize || deleted === 0) return;
      await sleep(this.settings.batchPauseMs);
    }
  }

  private async capBySize(lineId: string, rules: RetentionRules, report: MutableLineReport): Promise<void> {
    if (rules.maxBytes === null) return;
    let excess = (await this.ledger.lineFrameBytes(lineId)).bytes - rules.maxBytes;
    for (const retentionClass of SIZE_CAP_ORDER) {
      while (excess > 0) {
        if (this.stopping) return;
        const youngest = new Date(this.clock.now().getTime() - this.settings.minAgeMs);
        const batch = takeUntilCovered(await this.ledger.findOldest(lineId, retentionClass, youngest, this.settings.batchSize), excess);
        if (batch.length === 0) break;
        const before = report.bytes;
        const deleted = await this.deleteBatch(batch, report);
        report.framesBySize += deleted;
        excess -= report.bytes - before;
        if (deleted === 0) break;
        await sleep(this.settings.batchPauseMs);
      }
    }
    report.overCapBytes = Math.max(0, excess);
  }

  /** Rows first (one transaction), then the objects they named. Returns the frames deleted. */
  private async deleteBatch(batch: readonly RetentionCandidate[], report: MutableLineReport): Promise<number> {
    const deletion = await this.ledger.deleteFrames(
      batch.map((c) => ({ id: c.id, retentionClass: c.retentionClass as FrameRetentionClass })),
    );
    report.framesKept += deletion.kept.length;
    report.bytes += deletion.deleted.reduce((sum, frame) => sum + frame.byteSize, 0);
    // Each object with the latest time it may have been written for the rows just deleted.
    const writtenBy = new Map<string, number>(deletion.deleted.map((frame: DeletedFrame) => [frame.objectKey, frame.ingestedAt.getTime()]));
    const orphanedTemplates = new Set(deletion.unreferencedTemplateKeys);
    for (const frame of deletion.deleted) {
      if (frame.templateKey === null || !orphanedTemplates.has(frame.templateKey)) continue;
      writtenBy.set(frame.templateKey, Math.max(writtenBy.get(frame.templateKey) ?? 0, frame.ingestedAt.getTime()));
    }
    const objects = [...writtenBy];
    for (let i = 0; i < objects.length; i += OBJECT_DELETE_CONCURRENCY) {
      const outcomes = await Promise.all(
        objects
          .slice(i, i + OBJECT_DELETE_CONCURRENCY)
          .map(([key, writtenAt]) => this.deleteObject(key, writtenAt + this.settings.objectGraceMs)),
      );
      for (const outcome of outcomes) {
        if (outcome === 'deleted') report.objectsDeleted++;
        else if (outcome === 'left') report.objectsLeft++;
      }
    }
    return deletion.deleted.length;
  }

  private async deleteObject(key: string, notAfterMs: number): Promise<'deleted' | 'absent' | 'left'> {
    try {
      const stat = await this.store.stat(key);
      if (stat.lastModified.getTime() > notAfterMs) return 'left';
      await this.store.delete(key);
      return 'deleted';
    } catch (error) {
      if (error instanceof ObjectNotFoundError) return 'absent';
      this.logger.warn({ key, err: error }, `retention: could not delete object ${key}; it stays as an orphan`);
      return 'left';
    }
  }
}

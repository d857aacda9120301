import type { DatasetVersionRecord, TrainingJobRecord } from '@argus/persistence';
import { z } from 'zod';

/** A job's latest progress as the jobs page shows it. */
export interface TrainingJobProgressView {
  readonly phase: string;
  readonly step: number;
  readonly totalSteps: number;
  readonly losses: Record<string, number>;
  readonly validationAp: number | null;
  readonly etaSeconds: number | null;
  readonly message: string | null;
  readonly at: string | null;
}

/** How a job ended: the failure's code and reason, or the candidate's duration and gate reasons. */
export interface TrainingJobOutcomeView {
  readonly status: 'completed' | 'failed' | 'cancelled';
  readonly errorCode: string | null;
  readonly reason: string | null;
  readonly durationMs: number | null;
  /** Why the candidate's gates failed, one line each (empty when they passed or there is no candidate). */
  readonly gateReasons: string[];
}

export interface TrainingJobView {
  readonly id: string;
  readonly lineId: string;
  readonly status: 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
  readonly triggers: { kind: string; reason: string }[];
  readonly requestedBy: string;
  readonly attempt: number;
  readonly workerId: string | null;
  readonly cancelRequested: boolean;
  readonly datasetVersionId: string;
  readonly baseModelVersionId: string;
  readonly epochs: number;
  readonly progress: TrainingJobProgressView | null;
  readonly outcome: TrainingJobOutcomeView | null;
  readonly candidate: { modelVersionId: string; gatesPassed: boolean | null } | null;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
}

// The ledger keeps progress and outcome as the service wrote them (JSON): read what the page needs, tolerantly.
const ProgressSchema = z.object({
  phase: z.string(),
  step: z.number(),
  totalSteps: z.number(),
  losses: z.record(z.string(), z.number()).catch({}),
  validationAp: z.number().nullable().catch(null),
  etaSeconds: z.number().nullable().catch(null),
  message: z.string().nullable().catch(null),
});
const OutcomeSchema = z.object({
  errorCode: z.string().optional().catch(undefined),
  reason: z.string().optional().catch(undefined),
  durationMs: z.number().optional().catch(undefined),
  gates: z
    .object({ reasons: z.array(z.string()) })
    .optional()
    .catch(undefined),
});

export function toTrainingJobView(job: TrainingJobRecord): TrainingJobView {
  const progress = job.progress ? ProgressSchema.safeParse(job.progress) : null;
  const outcome = job.outcome ? OutcomeSchema.safeParse(job.outcome) : null;
  return {
    id: job.id,
    lineId: job.lineId,
    status: job.status,
    triggers: job.triggers.map((t) => ({ kind: t.kind, reason: t.reason })),
    requestedBy: job.requestedBy,
    attempt: job.attempt,
    workerId: job.workerId,
    cancelRequested: job.cancelRequested,
    datasetVersionId: job.datasetVersionId,
    baseModelVersionId: job.baseModelVersionId,
    epochs: job.epochs,
    progress: progress?.success ? { ...progress.data, at: job.progressAt?.toISOString() ?? null } : null,
    outcome:
      job.outcome && outcome?.success
        ? {
            status: job.outcome.status,
            errorCode: outcome.data.errorCode ?? null,
            reason: outcome.data.reason ?? null,
            durationMs: outcome.data.durationMs ?? null,
            gateReasons: outcome.data.gates?.reasons ?? [],
          }
        : null,
    candidate: job.candidateModelVersionId ? { modelVersionId: job.candidateModelVersionId, gatesPassed: job.gatesPassed } : null,
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
  };
}

export interface DatasetVersionView {
  readonly id: string;
  readonly lineId: string;
  readonly number: number;
  readonly parentId: string | null;
  readonly fingerprint: string;
  readonly holdoutShare: number;
  readonly classes: string[];
  readonly createdAt: string;
  readonly producedBy: string;
  readonly frames: { train: number; holdout: number };
  readonly hardNegatives: { train: number; holdout: number };
  readonly perClass: { className: string; trainFrames: number; holdoutFrames: number; trainBoxes: number; holdoutBoxes: number }[];
  readonly changes: { added: number; relabelled: number; unchanged: number };
}

/** One version with the frames it added and relabelled (the list shows only their counts). */
export interface DatasetVersionDetailView extends DatasetVersionView {
  readonly addedFrameIds: string[];
  readonly relabelledFrameIds: string[];
}

export function toDatasetVersionView(v: DatasetVersionRecord): DatasetVersionView {
  return {
    id: v.id,
    lineId: v.lineId,
    number: v.number,
    parentId: v.parentId,
    fingerprint: v.fingerprint,
    holdoutShare: v.holdoutShare,
    classes: [...v.classes],
    createdAt: v.createdAt.toISOString(),
    producedBy: v.producedBy,
    frames: { ...v.counts.frames },
    hardNegatives: { ...v.counts.hardNegatives },
    perClass: Object.entries(v.counts.perClass)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([className, c]) => ({ className, ...c })),
    changes: { added: v.changes.added.length, relabelled: v.changes.relabelled.length, unchanged: v.changes.unchanged },
  };
}

export function toDatasetVersionDetailView(v: DatasetVersionRecord): DatasetVersionDetailView {
  return { ...toDatasetVersionView(v), addedFrameIds: [...v.changes.added], relabelledFrameIds: [...v.changes.relabelled] };
}

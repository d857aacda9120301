import { type FormEvent, useEffect, useRef, useState } from 'react';
import { apiRequest, describeError } from '../api/api-client';
import type { TrainingJob, TriggerRequest, TriggerRequestAnswer } from '../api/api-types';
import { useApi } from '../api/use-api';
import { can, useUser } from '../auth/auth-context';
import { Link } from '../router/router';
import { formatNumber, formatTime, shortId } from '../ui/format';
import { LearningPolicyPanel } from './learning-policy-panel';

/**
 * The data of the jobs stream's events (`GET /api/v1/training-jobs/stream`): the
 * training.job.progress|completed|failed.v1 and training.job.trigger-answered.v1 events as
 * continual-fine-tune publishes them. The stream is not in the OpenAPI document (no JSON body), so
 * the fields the page reads are named here.
 */
export interface ProgressEvent {
  jobId: string;
  lineId: string;
  occurredAt: string;
  workerId: string;
  attempt: number;
  phase: string;
  step: number;
  totalSteps: number;
  losses: Record<string, number>;
  validationAp: number | null;
  etaSeconds: number | null;
  message: string | null;
}
export interface JobEndedEvent {
  jobId: string;
  lineId: string;
  occurredAt: string;
  gatesPassed?: boolean;
  candidateModelVersionId?: string;
  outcome?: 'failed' | 'cancelled';
  reason?: string;
}
export interface TriggerAnswer {
  requestId: string;
  lineId: string;
  outcome: 'accepted' | 'refused';
  jobId: string | null;
  errorCode: string | null;
  reason: string;
}

/** A job with the latest progress the stream brought (newer than what the list read from the ledger). */
export function withLiveProgress(job: TrainingJob, live: ProgressEvent | undefined): TrainingJob {
  if (!live || (job.progress?.at && job.progress.at >= live.occurredAt)) return job;
  const { phase, step, totalSteps, losses, validationAp, etaSeconds, message } = live;
  return {
    ...job,
    status: job.status === 'queued' ? 'running' : job.status,
    attempt: Math.max(job.attempt, live.attempt),
    workerId: live.workerId,
    progress: { phase, step, totalSteps, losses, validationAp, etaSeconds, message, at: live.occurredAt },
  };
}

/** One line of the progress log: `training 5/12 · loss 2.100 · val AP 0.310 · ETA 30 s`. */
export function describeProgress(
  p: Pick<ProgressEvent, 'phase' | 'step' | 'totalSteps' | 'losses' | 'validationAp' | 'etaSeconds'>,
): string {
  const loss = p.losses['total'];
  return [
    `${p.phase} ${p.step}/${p.totalSteps}`,
    loss === undefined ? null : `loss ${formatNumber(loss)}`,
    p.validationAp === null ? null : `val AP ${formatNumber(p.validationAp)}`,
    p.etaSeconds === null ? null : `ETA ${Math.round(p.etaSeconds)} s`,
  ]
    .filter(Boolean)
    .join(' · ');
}

const LOG_LINES = 200;

/** `/lines/:lineId/jobs`: the line's fine-tune jobs, live, with cancel and "trigger now", and the line's learning policy. */
export function JobsPage({ lineId }: { lineId: string }) {
  const user = useUser();
  const jobs = useApi(`/api/v1/lines/${encodeURIComponent(lineId)}/training-jobs`, (p, signal) =>
    apiRequest<{ items: TrainingJob[] }>(p, { signal }),
  );
  const [live, setLive] = useState<Record<string, ProgressEvent>>({});
  const [log, setLog] = useState<string[]>([]);
  const [reason, setReason] = useState('');
  const [pending, setPending] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ kind: 'notice' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const pendingRef = useRef<string | null>(null);
  const reloadRef = useRef(jobs.reload);
  reloadRef.current = jobs.reload;
  pendingRef.current = pending;

  useEffect(() => {
    const source = new EventSource(`/api/v1/training-jobs/stream?lineId=${encodeURIComponent(lineId)}`);
    const append = (at: string, text: string) => setLog((l) => [`${formatTime(at)} ${text}`, ...l].slice(0, LOG_LINES));
    source.addEventListener('training.progress', (e) => {
      const event = JSON.parse(e.data) as ProgressEvent;
      setLive((m) => ({ ...m, [event.jobId]: event }));
      append(event.occurredAt, `job ${shortId(event.jobId)} · ${describeProgress(event)}${event.message ? ` · ${event.message}` : ''}`);
    });
    source.addEventListener('training.completed', (e) => {
      const event = JSON.parse(e.data) as JobEndedEvent;
      append(event.occurredAt, `job ${shortId(event.jobId)} completed: candidate ${event.gatesPassed ? 'passed' : 'failed'} its gates`);
      reloadRef.current();
    });
    source.addEventListener('training.failed', (e) => {
      const event = JSON.parse(e.data) as JobEndedEvent;
      append(event.occurredAt, `job ${shortId(event.jobId)} ${event.outcome ?? 'failed'}: ${event.reason ?? ''}`);
      reloadRef.current();
    });
    source.addEventListener('training.trigger-answered', (e) => {
      const answer = JSON.parse(e.data) as TriggerAnswer;
      if (answer.requestId !== pendingRef.current) return;
      setPending(null);
      setNotice(
        answer.outcome === 'accepted'
          ? { kind: 'notice', text: `Job ${shortId(answer.jobId ?? '')} queued.` }
          : { kind: 'error', text: `Not started: ${answer.reason}` },
      );
      reloadRef.current();
    });
    return () => source.close();
  }, [lineId]);

  const trigger = async (event: FormEvent) => {
    event.preventDefault();
    if (reason.trim().length < 3) return setNotice({ kind: 'error', text: 'A reason is required (at least 3 characters).' });
    setBusy(true);
    setNotice(null);
    try {
      const body: TriggerRequest = { reason: reason.trim() };
      const answer = await apiRequest<TriggerRequestAnswer>(`/api/v1/lines/${encodeURIComponent(lineId)}/training-jobs`, {
        method: 'POST',
        body,
      });
      setPending(answer.requestId);
      setNotice({ kind: 'notice', text: 'Asked continual-fine-tune for a job; waiting for its answer…' });
      setReason('');
    } catch (e) {
      setNotice({ kind: 'error', text: describeError(e) });
    } finally {
      setBusy(false);
    }
  };

  const cancel = async (job: TrainingJob) => {
    setNotice(null);
    try {
      await apiRequest<TrainingJob>(`/api/v1/training-jobs/${job.id}/cancel`, { method: 'POST' });
      setNotice({ kind: 'notice', text: `Asked job ${shortId(job.id)} to stop: it ends cancelled at its next step.` });
      jobs.reload();
    } catch (e) {
      setNotice({ kind: 'error', text: describeError(e) });
    }
  };

  const items = (jobs.data?.items ?? []).map((j) => withLiveProgress(j, live[j.id]));
  const mayAct = can.promote(user.role);
  return (
    <section className="page">
      <div className="page-head">
        <Link href="/training" className="back">
          ← Fine-tuning
        </Link>
        <h1>Jobs · {lineId}</h1>
        <Link href={`/lines/${encodeURIComponent(lineId)}/datasets`}>Data sets</Link>
      </div>
      {jobs.error && <p className="error">{jobs.error}</p>}
      {notice && (
        <p className={notice.kind} data-testid="jobs-notice">
          {notice.text}
        </p>
      )}
      {mayAct && (
        <form className="panel form-grid" onSubmit={trigger}>
          <h2>Trigger now</h2>
          <label className="span">
            Reason
            <input
              data-testid="trigger-reason"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              placeholder="why fine-tune now"
            />
          </label>
          <button type="submit" className="primary" data-testid="trigger-now" disabled={busy || pending !== null}>
            Trigger now
          </button>
        </form>
      )}
      {!jobs.loading && !jobs.error && items.length === 0 && <p className="empty">No fine-tune job on this line yet.</p>}
      {items.length > 0 && (
        <table className="grid" data-testid="jobs">
          <thead>
            <tr>
              <th>Job</th>
              <th>Status</th>
              <th>Why</th>
              <th>Requested by</th>
              <th className="num">Attempt</th>
              <th>Worker</th>
              <th>Progress</th>
              <th>Outcome</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((j) => (
              <tr key={j.id} data-testid="job-row">
                <td className="mono" title={j.id}>
                  {shortId(j.id)}
                  <div className="muted">{formatTime(j.createdAt)}</div>
                </td>
                <td>
                  <span className="status" data-testid="job-status">
                    {j.status}
                    {j.cancelRequested && j.status !== 'cancelled' ? ' (cancelling)' : ''}
                  </span>
                </td>
                <td>
                  {j.triggers.map((t, i) => (
                    <div key={i}>
                      <span className="tag">{t.kind}</span> {t.reason}
                    </div>
                  ))}
                </td>
                <td>{j.requestedBy}</td>
                <td className="num">{j.attempt}</td>
                <td className="mono muted">{j.workerId ?? '—'}</td>
                <td data-testid="job-progress">{j.progress ? describeProgress(j.progress) : <span className="muted">—</span>}</td>
                <td data-testid="job-outcome">
                  {j.candidate ? (
                    <Link href={`/candidates/${j.candidate.modelVersionId}`}>
                      candidate {j.candidate.gatesPassed ? 'passed' : 'failed'} its gates
                    </Link>
                  ) : j.outcome ? (
                    `${j.outcome.status}${j.outcome.reason ? `: ${j.outcome.reason}` : ''}`
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td>
                  {mayAct && (j.status === 'queued' || j.status === 'running') && !j.cancelRequested && (
                    <button type="button" data-testid="job-cancel" onClick={() => void cancel(j)}>
                      Cancel
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <LearningPolicyPanel lineId={lineId} mayEdit={mayAct} />
      <h2>Live log</h2>
      {log.length === 0 ? (
        <p className="muted">Progress events appear here as the trainer sends them (at least every 10 s while a job runs).</p>
      ) : (
        <pre className="panel" data-testid="jobs-log">
          {log.join('\n')}
        </pre>
      )}
    </section>
  );
}

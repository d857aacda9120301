import { type FormEvent, useState } from 'react';
import { apiRequest, describeError } from '../api/api-client';
import type { Candidate, MatchCounts, PromoteRequest, PromotionAnswer } from '../api/api-types';
import { useApi } from '../api/use-api';
import { can, useUser } from '../auth/auth-context';
import { Link } from '../router/router';
import { formatNumber, formatPercent, formatTime, modelLabel, shortId } from '../ui/format';

/** One comparison of the shadow section: the predictions' precision and recall against the reference. */
function ShadowRow({ label, counts, frames }: { label: string; counts: MatchCounts; frames: number }) {
  return (
    <tr data-testid="shadow-row">
      <td>{label}</td>
      <td className="num">{formatPercent(counts.precision)}</td>
      <td className="num">{formatPercent(counts.recall)}</td>
      <td className="num">{frames}</td>
    </tr>
  );
}

/**
 * `/candidates/:id`: a fine-tune candidate — its gates, the job and data set that made it, its
 * shadow section — and promotion to its line. A candidate that failed its gates is promoted only by
 * an admin with an override reason; the server enforces it (the form only says so first).
 */
export function CandidatePage({ candidateId }: { candidateId: string }) {
  const user = useUser();
  const candidate = useApi(`/api/v1/candidates/${candidateId}`, (p, signal) => apiRequest<Candidate>(p, { signal }));
  const [reason, setReason] = useState('');
  const [overrideReason, setOverrideReason] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const c = candidate.data;
  const lineId = c?.job?.lineId ?? null;
  const needsOverride = c?.promotion.needsAdminOverride ?? false;
  const isAdmin = can.administer(user.role);

  const promote = async (event: FormEvent) => {
    event.preventDefault();
    if (!c || !lineId) return;
    if (reason.trim().length < 3) return setError('A reason is required (at least 3 characters).');
    if (needsOverride && overrideReason.trim().length < 3)
      return setError('Overriding failed gates needs its own reason (at least 3 characters).');
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const body: PromoteRequest = {
        modelVersionId: c.version.id,
        reason: reason.trim(),
        ...(needsOverride ? { gateOverride: { reason: overrideReason.trim() } } : {}),
      };
      const answer = await apiRequest<PromotionAnswer>(`/api/v1/lines/${encodeURIComponent(lineId)}/promotions`, { method: 'POST', body });
      setResult(
        answer.changed
          ? `Promoted ${modelLabel(answer.promotion.to)} to ${lineId}.`
          : `Already in production on ${lineId}: nothing changed.`,
      );
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="page">
      <div className="page-head">
        {lineId ? (
          <Link href={`/lines/${encodeURIComponent(lineId)}/jobs`} className="back">
            ← Jobs · {lineId}
          </Link>
        ) : (
          <Link href="/training" className="back">
            ← Fine-tuning
          </Link>
        )}
        <h1>Candidate {c ? modelLabel(c.version) : shortId(candidateId)}</h1>
        {c && <Link href={`/models/${c.version.id}`}>evaluation and lineage</Link>}
      </div>
      {candidate.error && <p className="error">{candidate.error}</p>}
      {c && (
        <>
          <div className="panel">
            <h2>
              Gates{' '}
              <span className={`pill ${c.gatesPassed ? 'ok' : 'bad'}`} data-testid="candidate-gates">
                {c.gatesPassed === null ? 'not gated' : c.gatesPassed ? 'passed' : 'failed'}
              </span>
            </h2>
            {c.gateReport ? (
              <table className="grid">
                <thead>
                  <tr>
                    <th>Check</th>
                    <th />
                    <th className="num">Measured</th>
                    <th className="num">Limit</th>
                    <th>Detail</th>
                  </tr>
                </thead>
                <tbody>
                  {c.gateReport.checks.map((check, i) => (
                    <tr key={i} data-testid="gate-check">
                      <td>{check.kind}</td>
                      <td>
                        <span className={`pill ${check.passed ? 'ok' : 'bad'}`}>{check.passed ? 'pass' : 'fail'}</span>
                      </td>
                      <td className="num">{formatNumber(check.measured)}</td>
                      <td className="num">{formatNumber(check.limit)}</td>
                      <td>{check.detail}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <p className="muted">No gate report in the candidate’s package.</p>
            )}
          </div>
          <div className="panel" data-testid="candidate-origin">
            <h2>Where it comes from</h2>
            {c.job ? (
              <p>
                Job <span className="mono">{shortId(c.job.id)}</span> ({c.job.triggers.map((t) => t.kind).join(', ')}, requested by{' '}
                {c.job.requestedBy}, {formatTime(c.job.createdAt)}) on{' '}
                {c.dataset ? (
                  <Link href={`/lines/${encodeURIComponent(c.dataset.lineId)}/datasets`}>
                    data set v{c.dataset.number} ({c.dataset.frames.train} training frames, {c.dataset.frames.holdout} held out)
                  </Link>
                ) : (
                  'a data set version no longer recorded'
                )}
                .
              </p>
            ) : (
              <p className="muted">Not made by a fine-tune job of this installation.</p>
            )}
          </div>
          <div className="panel" data-testid="candidate-shadow">
            <h2>Shadow</h2>
            {c.shadow.state === 'none' ? (
              <p className="muted">No shadow run yet.</p>
            ) : (
              <>
                <p>{c.shadow.message}</p>
                {c.shadow.agreement && (
                  <table className="grid">
                    <thead>
                      <tr>
                        <th />
                        <th className="num">Precision</th>
                        <th className="num">Recall</th>
                        <th className="num">Frames</th>
                      </tr>
                    </thead>
                    <tbody>
                      <ShadowRow
                        label="shadow vs production"
                        counts={c.shadow.agreement.shadowVsProduction}
                        frames={c.shadow.agreement.frames}
                      />
                      <ShadowRow
                        label="production vs operators"
                        counts={c.shadow.agreement.productionVsTruth}
                        frames={c.shadow.agreement.reviewedFrames}
                      />
                      <ShadowRow
                        label="shadow vs operators"
                        counts={c.shadow.agreement.shadowVsTruth}
                        frames={c.shadow.agreement.reviewedFrames}
                      />
                    </tbody>
                  </table>
                )}
              </>
            )}
          </div>
          {can.promote(user.role) && lineId && (
            <form className="panel form-grid" onSubmit={promote}>
              <h2>Promote to {lineId}</h2>
              {needsOverride && (
                <p className="warning" data-testid="override-notice">
                  This candidate failed its gates
                  {c.gateReport?.reasons.length ? `: ${c.gateReport.reasons.join('; ')}` : ''}.{' '}
                  {isAdmin ? 'As an admin you may override them, saying why (audited).' : 'Only an admin can promote it, with an override.'}
                </p>
              )}
              <label className="span">
                Reason
                <input data-testid="candidate-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
              </label>
              {needsOverride && isAdmin && (
                <label className="span">
                  Why override the failed gates
                  <input data-testid="override-reason" value={overrideReason} onChange={(e) => setOverrideReason(e.target.value)} />
                </label>
              )}
              <button type="submit" className="primary" data-testid="candidate-promote" disabled={busy || (needsOverride && !isAdmin)}>
                {needsOverride ? 'Promote despite failed gates' : 'Promote'}
              </button>
            </form>
          )}
          {result && (
            <p className="notice" data-testid="candidate-result">
              {result}
            </p>
          )}
          {error && (
            <p className="error" data-testid="candidate-error">
              {error}
            </p>
          )}
        </>
      )}
    </section>
  );
}

import { type FormEvent, useState } from 'react';
import { apiRequest, describeError } from '../api/api-client';
import type { Line, ModelSummary, PromotionAnswer, PromotionTimelineAnswer, PromoteRequest, RollbackRequest } from '../api/api-types';
import { useApi } from '../api/use-api';
import { can, useUser } from '../auth/auth-context';
import { Link } from '../router/router';
import { modelLabel } from '../ui/format';
import { PromotionTimeline } from './promotion-timeline';

/**
 * Promote a version to a line's production (reason required), roll the line back to its previous
 * model, and the line's promotion timeline. The form is hidden from roles that cannot promote; the
 * server still checks, and its 403 is shown as it comes.
 */
/**
 * A warning when the version to promote detects other classes than the line's current model
 * (a PCB model on a machined-parts line, say). The server allows it; a person should notice.
 */
export function classMismatch(candidate: ModelSummary | undefined, current: ModelSummary | undefined): string | null {
  if (!candidate || !current || candidate.id === current.id) return null;
  const have = new Set(current.classes);
  const want = new Set(candidate.classes);
  const missing = current.classes.filter((c) => !want.has(c));
  const added = candidate.classes.filter((c) => !have.has(c));
  if (missing.length === 0 && added.length === 0) return null;
  const parts = [
    missing.length ? `no longer detects ${missing.join(', ')}` : null,
    added.length ? `adds ${added.join(', ')}` : null,
  ].filter(Boolean);
  return `Compared with ${modelLabel(current)} in production here, ${modelLabel(candidate)} ${parts.join(' and ')}.`;
}

/** Why a line has nothing to roll back to. */
function nothingToRollBackTo(line: Line | undefined): string {
  if (!line?.production) return 'Nothing to roll back to: the line has no production model yet.';
  return `Nothing to roll back to: ${modelLabel(line.production)} is the first model this line had in production.`;
}

export function PromotePanel({
  lines,
  models,
  initialLineId,
  initialVersionId,
  fixedLine,
  onChanged,
}: {
  lines: Line[];
  models: ModelSummary[];
  initialLineId?: string | undefined;
  initialVersionId?: string | undefined;
  fixedLine?: boolean;
  onChanged?: () => void;
}) {
  const user = useUser();
  const [lineId, setLineId] = useState(initialLineId ?? lines[0]?.id ?? '');
  const [versionId, setVersionId] = useState(initialVersionId ?? models[0]?.id ?? '');
  const [reason, setReason] = useState('');
  const [rollbackReason, setRollbackReason] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const timeline = useApi(lineId ? `/api/v1/lines/${encodeURIComponent(lineId)}/promotions` : null, (p, signal) =>
    apiRequest<PromotionTimelineAnswer>(p, { signal }),
  );
  // Whether there is anything to roll back to comes with the timeline: until it answers, wait; if
  // it cannot be read, leave the decision to the server (it refuses with 409).
  const rollbackTo = timeline.data?.rollbackTo ?? null;
  const rollbackWhyNot = timeline.error
    ? null
    : !timeline.data
      ? 'Loading the line’s history…'
      : rollbackTo
        ? null
        : nothingToRollBackTo(lines.find((l) => l.id === lineId));
  const line = lines.find((l) => l.id === lineId);
  const classWarning = classMismatch(
    models.find((m) => m.id === versionId),
    models.find((m) => m.id === line?.production?.modelVersionId),
  );

  const send = async (path: string, body: PromoteRequest | RollbackRequest, describe: (answer: PromotionAnswer) => string) => {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const answer = await apiRequest<PromotionAnswer>(path, { method: 'POST', body });
      setResult(describe(answer));
      timeline.reload();
      onChanged?.();
      return true;
    } catch (e) {
      setError(describeError(e));
      return false;
    } finally {
      setBusy(false);
    }
  };

  const promote = async (event: FormEvent) => {
    event.preventDefault();
    if (!lineId || !versionId) return setError('Choose a line and a version.');
    if (reason.trim().length < 3) return setError('A reason is required (at least 3 characters).');
    const ok = await send(`/api/v1/lines/${encodeURIComponent(lineId)}/promotions`, { modelVersionId: versionId, reason: reason.trim() }, (a) =>
      a.changed ? `Promoted ${modelLabel(a.promotion.to)} to ${lineId}.` : `${modelLabel(a.promotion.to)} was already in production on ${lineId}: nothing changed.`,
    );
    if (ok) setReason('');
  };

  const rollback = async (event: FormEvent) => {
    event.preventDefault();
    if (!lineId) return setError('Choose a line.');
    if (rollbackWhyNot) return setError(rollbackWhyNot);
    if (rollbackReason.trim().length < 3) return setError('A reason is required to roll back (at least 3 characters).');
    const ok = await send(`/api/v1/lines/${encodeURIComponent(lineId)}/rollback`, { reason: rollbackReason.trim() }, (a) =>
      a.changed ? `Rolled ${lineId} back to ${modelLabel(a.promotion.to)}.` : `Nothing to roll back on ${lineId}.`,
    );
    if (ok) setRollbackReason('');
  };

  return (
    <div className="promote-panel">
      {can.promote(user.role) ? (
        <>
          <form className="panel form-grid" onSubmit={promote}>
            <h2>Promote to production</h2>
            <label>
              Line
              <select data-testid="promote-line" value={lineId} disabled={fixedLine} onChange={(e) => setLineId(e.target.value)}>
                {lines.map((l) => (
                  <option key={l.id} value={l.id}>
                    {l.name || l.id}
                    {l.production ? ` (now ${modelLabel(l.production)})` : ' (no model)'}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Version
              <select data-testid="promote-version" value={versionId} onChange={(e) => setVersionId(e.target.value)}>
                {models.map((m) => (
                  <option key={m.id} value={m.id}>
                    {modelLabel(m)} · {m.backend}
                    {m.productionOn.includes(lineId) ? ' (in production here)' : ''}
                  </option>
                ))}
              </select>
            </label>
            <label className="span">
              Reason
              <input
                data-testid="promote-reason"
                value={reason}
                maxLength={500}
                placeholder="Why this version, e.g. better AP on short circuits"
                onChange={(e) => setReason(e.target.value)}
              />
            </label>
            {classWarning && (
              <p className="warning span" role="note">
                {classWarning}
              </p>
            )}
            <button type="submit" className="primary" data-testid="promote-submit" disabled={busy}>
              Promote
            </button>
          </form>
          <form className="panel form-grid" onSubmit={rollback}>
            <h2>Roll back {line ? line.name || line.id : ''}</h2>
            <p className="muted span" data-testid="rollback-target">
              {rollbackTo ? (
                <>
                  Returns the line to <strong>{modelLabel(rollbackTo)}</strong>, in production before the current model.
                </>
              ) : (
                rollbackWhyNot
              )}
            </p>
            <label className="span">
              Reason
              <input
                data-testid="rollback-reason"
                value={rollbackReason}
                maxLength={500}
                placeholder="Why go back to the previous model"
                onChange={(e) => setRollbackReason(e.target.value)}
              />
            </label>
            <button
              type="submit"
              className="danger"
              data-testid="rollback-submit"
              disabled={busy || rollbackWhyNot !== null}
              title={rollbackWhyNot ?? (rollbackTo ? `Roll back to ${modelLabel(rollbackTo)}` : undefined)}
            >
              Roll back
            </button>
          </form>
          {result && (
            <p className="notice" role="status" data-testid="promote-result">
              {result}
            </p>
          )}
          {error && (
            <p className="error" role="alert" data-testid="promote-error">
              {error}
            </p>
          )}
        </>
      ) : (
        <p className="muted panel">Promotions need the ml-engineer or admin role; yours is {user.role}.</p>
      )}
      <div className="panel">
        <h2>
          Promotion history{' '}
          {fixedLine ? (
            line?.name || lineId
          ) : (
            <select aria-label="Line for the history" value={lineId} onChange={(e) => setLineId(e.target.value)} className="inline-select">
              {lines.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.name || l.id}
                </option>
              ))}
            </select>
          )}
          {!fixedLine && lineId && (
            <Link href={`/lines/${encodeURIComponent(lineId)}/promotions`} className="small">
              {' '}
              full page
            </Link>
          )}
        </h2>
        <PromotionTimeline items={timeline.data?.items} error={timeline.error} />
      </div>
    </div>
  );
}

import { useEffect, useState } from 'react';
import { apiRequest, describeError } from '../api/api-client';
import { useApi } from '../api/use-api';
import { can, useUser } from '../auth/auth-context';
import { Link } from '../router/router';
import { formatNumber, shortId } from '../ui/format';
import { FrontPlot } from './front-plot';
import { describeBudget, formatDuration } from './searches-page';
import type { SearchDetail, SearchPoint, SearchTrainingRequest } from './search-types';

/** How often a running search's page reads it again. */
export const SEARCH_REFRESH_MS = 5_000;

/** `/searches/:id`: a search's live progress, its front, a point's spec and "Train fully". */
export function SearchPage({ searchId }: { searchId: string }) {
  const user = useUser();
  const search = useApi(`/api/v1/searches/${searchId}`, (path, signal) => apiRequest<SearchDetail>(path, { signal }));
  const [selected, setSelected] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const running = search.data?.status === 'running';
  const { reload } = search;
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(reload, SEARCH_REFRESH_MS);
    return () => clearInterval(timer);
  }, [running, reload]);

  if (search.error && !search.data) return <p className="error">{search.error}</p>;
  if (!search.data) return <p className="loading">Loading…</p>;
  const s = search.data;
  const point = s.points.find((p) => p.trialId === selected) ?? null;
  const mayAct = can.promote(user.role);

  const cancel = async () => {
    try {
      await apiRequest(`/api/v1/searches/${s.id}/cancel`, { method: 'POST', body: { reason: 'cancelled from the console' } });
      setMessage('Cancel requested: running trials finish and are recorded.');
      reload();
    } catch (error) {
      setMessage(describeError(error));
    }
  };
  const train = async (p: SearchPoint) => {
    try {
      const request = await apiRequest<SearchTrainingRequest>(`/api/v1/searches/${s.id}/trials/${p.trialId}/train`, {
        method: 'POST',
        body: {},
      });
      setMessage(
        `Full training of trial ${p.sequence} requested (${shortId(request.requestId)}): its candidate appears below and on the models page once registered.`,
      );
    } catch (error) {
      setMessage(describeError(error));
    }
  };

  return (
    <section className="page">
      <p>
        <Link href="/searches">← searches</Link>
      </p>
      <h1>
        {s.name} <span className={`status status-${s.status}`}>{s.status}</span>
      </h1>
      <p className="hint">
        line {s.lineId} · {s.controller} · requested by {s.requestedBy}
        {s.stopReason ? ` · stopped: ${s.stopReason}` : ''}
      </p>
      <dl className="facts" data-testid="search-progress">
        <dt>best so far</dt>
        <dd>{s.progress.best ? `AP ${formatNumber(s.progress.best.ap)} at ${s.progress.best.latencyMs.toFixed(2)} ms` : '—'}</dd>
        <dt>front size</dt>
        <dd>{s.progress.frontSize}</dd>
        <dt>trials</dt>
        <dd>
          {s.progress.completed} completed, {s.progress.failed} failed · {s.progress.trialsPerHour.toFixed(1)} / hour
        </dd>
        <dt>elapsed</dt>
        <dd>{formatDuration(s.progress.elapsedSeconds)}</dd>
        <dt>budget</dt>
        <dd>{describeBudget(s)}</dd>
      </dl>
      {mayAct && running && (
        <button type="button" data-testid="cancel-search" onClick={() => void cancel()}>
          Cancel search
        </button>
      )}
      {message && (
        <p className="notice" data-testid="search-message">
          {message}
        </p>
      )}
      {s.points.length === 0 ? (
        <p className="empty">No trial has completed yet.</p>
      ) : (
        <FrontPlot points={s.points} front={s.front} production={s.production} selected={selected} onSelect={setSelected} />
      )}
      {point && (
        <aside className="panel" data-testid="point-panel">
          <h2>
            Trial {point.sequence} · rung {point.rung} · {point.controller}
          </h2>
          <dl className="facts">
            <dt>AP</dt>
            <dd>{formatNumber(point.ap)}</dd>
            <dt>latency</dt>
            <dd>
              {point.latencyMs.toFixed(2)} ms/image{point.latencySource ? ` (${point.latencySource})` : ''}
            </dd>
            <dt>input</dt>
            <dd>{point.spec.input}</dd>
            <dt>template</dt>
            <dd>{point.spec.template}</dd>
            <dt>widths</dt>
            <dd>{point.spec.widths.join(' / ')}</dd>
            <dt>depths</dt>
            <dd>{point.spec.depths.join(' / ')}</dd>
            <dt>neck</dt>
            <dd>{point.spec.neck}</dd>
            <dt>head</dt>
            <dd>{point.spec.head}</dd>
            <dt>params</dt>
            <dd>{point.params === null ? '—' : point.params.toLocaleString('en')}</dd>
            <dt>MACs</dt>
            <dd>{point.macs === null ? '—' : point.macs.toLocaleString('en')}</dd>
          </dl>
          {mayAct && (
            <button type="button" data-testid="train-fully" onClick={() => void train(point)}>
              Train fully
            </button>
          )}
        </aside>
      )}
      {s.candidates.length > 0 && (
        <>
          <h2>Candidates trained from this search</h2>
          <ul data-testid="search-candidates">
            {s.candidates.map((c) => (
              <li key={c.modelVersionId}>
                <Link href={`/models/${c.modelVersionId}`}>{shortId(c.modelVersionId)}</Link> · trial {shortId(c.trialId)} ({c.controller})
                · by {c.requestedBy}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

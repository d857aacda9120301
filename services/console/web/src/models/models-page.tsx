import { useState } from 'react';
import { apiRequest } from '../api/api-client';
import type { Line, ModelSummary } from '../api/api-types';
import { useApi } from '../api/use-api';
import { Link, navigate } from '../router/router';
import { formatNumber, formatTime, map50Of, modelLabel, shortId } from '../ui/format';
import { PromotePanel } from './promote-panel';

/** What B is usually compared with: the newest other version of the same model, else the next one. */
export function defaultBaseline(items: readonly ModelSummary[], bId: string): string {
  const b = items.find((m) => m.id === bId);
  const others = items.filter((m) => m.id !== bId);
  return (others.find((m) => m.name === b?.name) ?? others[0] ?? items[0])?.id ?? '';
}

export function ModelsPage() {
  const models = useApi('/api/v1/models', (p, signal) => apiRequest<{ items: ModelSummary[] }>(p, { signal }));
  const lines = useApi('/api/v1/lines', (p, signal) => apiRequest<{ items: Line[] }>(p, { signal }));
  const items = models.data?.items ?? [];
  const [a, setA] = useState('');
  const [b, setB] = useState('');
  const pickB = b || items[0]?.id || '';
  const pickA = a || defaultBaseline(items, pickB);
  const lineName = (id: string) => lines.data?.items.find((l) => l.id === id)?.name ?? id;

  return (
    <section className="page models-page">
      <div className="page-head">
        <h1>Models</h1>
        <span className="muted">{items.length} versions</span>
      </div>
      {models.error && <p className="error">{models.error}</p>}
      <div className="compare-bar panel">
        <VersionPick label="A" testId="compare-a" items={items} value={pickA} onChange={setA} />
        <VersionPick label="B" testId="compare-b" items={items} value={pickB} onChange={setB} />
        <button
          type="button"
          className="primary"
          data-testid="compare-go"
          disabled={!pickA || !pickB}
          onClick={() => navigate(`/models/compare?a=${encodeURIComponent(pickA)}&b=${encodeURIComponent(pickB)}`)}
        >
          Compare
        </button>
        <span className="muted">or pick A and B in the table</span>
      </div>
      <table className="grid">
        <thead>
          <tr>
            <th>Name</th>
            <th className="num">Version</th>
            <th>Backend</th>
            <th className="num">mAP50</th>
            <th>Classes</th>
            <th>Created</th>
            <th>Production on</th>
            <th>Parent</th>
            <th>Compare</th>
          </tr>
        </thead>
        <tbody>
          {items.map((m) => (
            <tr
              key={m.id}
              data-testid="model-row"
              data-model-id={m.id}
              className={`clickable${m.id === pickA || m.id === pickB ? ' picked' : ''}`}
              title="Open this version"
              onClick={(event) => {
                // The A/B buttons and links in the row do their own thing.
                if ((event.target as HTMLElement).closest('button, a, select, input')) return;
                navigate(`/models/${encodeURIComponent(m.id)}`);
              }}
            >
              <td>
                <Link href={`/models/${encodeURIComponent(m.id)}`} data-testid="model-link">
                  <strong>{m.name}</strong>
                </Link>
              </td>
              <td className="num">v{m.version}</td>
              <td>{m.backend}</td>
              <td className="num">{formatNumber(map50Of(m.metrics))}</td>
              <td title={m.classes.join(', ')}>{m.classes.length}</td>
              <td>{formatTime(m.createdAt)}</td>
              <td>
                {m.productionOn.length === 0 ? <span className="muted">—</span> : m.productionOn.map((l) => <span key={l} className="pill prod">{lineName(l)}</span>)}
              </td>
              <td className="mono muted">{m.parentVersionId ? modelLabel(items.find((x) => x.id === m.parentVersionId)) === '—' ? shortId(m.parentVersionId) : modelLabel(items.find((x) => x.id === m.parentVersionId)) : '—'}</td>
              <td className="nowrap">
                <button type="button" className={`small ${m.id === pickA ? 'on' : ''}`} aria-pressed={m.id === pickA} onClick={() => setA(m.id)}>
                  A
                </button>
                <button type="button" className={`small ${m.id === pickB ? 'on' : ''}`} aria-pressed={m.id === pickB} onClick={() => setB(m.id)}>
                  B
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!models.loading && items.length === 0 && !models.error && <p className="empty">No model versions registered yet.</p>}
      {lines.data && models.data && lines.data.items.length > 0 && (
        <PromotePanel lines={lines.data.items} models={items} onChanged={() => { models.reload(); lines.reload(); }} />
      )}
    </section>
  );
}

/** One side of the comparison: a select of every version. */
function VersionPick(props: { label: string; testId: string; items: readonly ModelSummary[]; value: string; onChange: (id: string) => void }) {
  return (
    <label>
      {props.label}
      <select data-testid={props.testId} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        {props.items.map((m) => (
          <option key={m.id} value={m.id}>
            {modelLabel(m)}
          </option>
        ))}
      </select>
    </label>
  );
}

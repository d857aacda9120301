import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { apiRequest, describeError, queryString } from '../api/api-client';
import type { AuditEntry, Page } from '../api/api-types';
import { formatTime } from '../ui/format';

type AuditFilter = { actor: string; action: string; subjectType: string; subjectId: string };
const EMPTY: AuditFilter = { actor: '', action: '', subjectType: '', subjectId: '' };

/** Short text for an audit entry's before/after JSON. */
export function auditValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  const text = JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

export function AuditLog() {
  const [draft, setDraft] = useState<AuditFilter>(EMPTY);
  const [filter, setFilter] = useState<AuditFilter>(EMPTY);
  const [items, setItems] = useState<AuditEntry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  const load = useCallback(
    async (from: string | null) => {
      setLoading(true);
      try {
        const page = await apiRequest<Page<AuditEntry>>(`/api/v1/audit${queryString({ ...filter, limit: 50, cursor: from })}`);
        setItems((prev) => (from ? [...prev, ...page.items] : page.items));
        setCursor(page.nextCursor);
        setError(null);
      } catch (e) {
        setError(describeError(e));
      } finally {
        setLoading(false);
      }
    },
    [filter],
  );

  useEffect(() => {
    void load(null);
  }, [load]);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setFilter({ ...draft });
  };

  return (
    <div className="admin-section">
      <form className="filters" onSubmit={apply}>
        {(['actor', 'action', 'subjectType', 'subjectId'] as const).map((key) => (
          <label key={key}>
            {key}
            <input
              value={draft[key]}
              onChange={(e) => setDraft({ ...draft, [key]: e.target.value })}
              placeholder={key === 'action' ? 'e.g. model.promoted' : ''}
            />
          </label>
        ))}
        <button type="submit" className="primary">
          Filter
        </button>
        <button
          type="button"
          className="link"
          onClick={() => {
            setDraft(EMPTY);
            setFilter(EMPTY);
          }}
        >
          clear
        </button>
      </form>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <table className="grid audit">
        <thead>
          <tr>
            <th>When</th>
            <th>Actor</th>
            <th>Action</th>
            <th>Subject</th>
            <th>Before</th>
            <th>After</th>
          </tr>
        </thead>
        <tbody>
          {items.map((e) => (
            <tr key={e.id}>
              <td className="nowrap">{formatTime(e.at)}</td>
              <td className="mono">{e.actor}</td>
              <td>
                <span className={`pill ${e.action === 'access.denied' || e.action === 'auth.login-failed' ? 'bad' : ''}`}>{e.action}</span>
              </td>
              <td className="mono small">
                {e.subjectType}
                {e.subjectId ? `:${e.subjectId}` : ''}
              </td>
              <td className="mono small json">{auditValue(e.before)}</td>
              <td className="mono small json">{auditValue(e.after)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {!loading && items.length === 0 && !error && <p className="muted">No audit entries match.</p>}
      {cursor !== null && (
        <div className="more">
          <button type="button" disabled={loading} onClick={() => void load(cursor)}>
            {loading ? 'Loading…' : 'Load more'}
          </button>
        </div>
      )}
    </div>
  );
}

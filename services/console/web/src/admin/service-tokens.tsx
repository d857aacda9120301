import { type FormEvent, useState } from 'react';
import { apiRequest, describeError } from '../api/api-client';
import { ROLES, type Role, type ServiceToken, type IssuedServiceToken, type NewServiceTokenRequest } from '../api/api-types';
import { useApi } from '../api/use-api';
import { formatTime } from '../ui/format';

export function ServiceTokens() {
  const tokens = useApi('/api/v1/service-tokens', (p, signal) => apiRequest<{ items: ServiceToken[] }>(p, { signal }));
  const [form, setForm] = useState<{ name: string; kind: 'camera' | 'service'; role: Role }>({
    name: '',
    kind: 'camera',
    role: 'operator',
  });
  const [secret, setSecret] = useState<{ name: string; token: string } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setSecret(null);
    try {
      const body: NewServiceTokenRequest = form.kind === 'service' ? form : { name: form.name, kind: form.kind };
      const answer = await apiRequest<IssuedServiceToken>('/api/v1/service-tokens', { method: 'POST', body });
      setSecret({ name: answer.serviceToken.name, token: answer.token });
      setForm({ ...form, name: '' });
      tokens.reload();
    } catch (e) {
      setError(describeError(e));
    }
  };

  const revoke = async (token: ServiceToken) => {
    if (!window.confirm(`Revoke the token "${token.name}"? Whatever uses it stops working.`)) return;
    setError(null);
    try {
      await apiRequest<void>(`/api/v1/service-tokens/${encodeURIComponent(token.id)}`, { method: 'DELETE' });
      tokens.reload();
    } catch (e) {
      setError(describeError(e));
    }
  };

  return (
    <div className="admin-section">
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {tokens.error && <p className="error">{tokens.error}</p>}
      {secret && (
        <div className="notice secret" role="status">
          Token for <strong>{secret.name}</strong> — copy it now, it is not shown again:
          <code className="mono">{secret.token}</code>
          <button type="button" className="small" onClick={() => void navigator.clipboard?.writeText(secret.token)}>
            Copy
          </button>
        </div>
      )}
      <table className="grid">
        <thead>
          <tr>
            <th>Name</th>
            <th>Kind</th>
            <th>Role</th>
            <th>Created</th>
            <th>Last used</th>
            <th>Status</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {tokens.data?.items.map((t) => (
            <tr key={t.id} className={t.revokedAt ? 'disabled' : undefined}>
              <td className="mono">{t.name}</td>
              <td>{t.kind}</td>
              <td>{t.role ?? '—'}</td>
              <td>{t.createdAt ? formatTime(t.createdAt) : '—'}</td>
              <td>{t.lastUsedAt ? formatTime(t.lastUsedAt) : '—'}</td>
              <td>
                {t.revokedAt ? (
                  <span className="pill bad">revoked {formatTime(t.revokedAt)}</span>
                ) : (
                  <span className="pill ok">active</span>
                )}
              </td>
              <td>
                {!t.revokedAt && (
                  <button type="button" className="small danger" onClick={() => void revoke(t)}>
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {tokens.data && tokens.data.items.length === 0 && <p className="muted">No service tokens yet.</p>}
      <form className="panel form-grid" onSubmit={create}>
        <h2>New service token</h2>
        <label>
          Name
          <input value={form.name} required placeholder="cam-line-3-top" onChange={(e) => setForm({ ...form, name: e.target.value })} />
        </label>
        <label>
          Kind
          <select value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value as 'camera' | 'service' })}>
            <option value="camera">camera (uploads frames)</option>
            <option value="service">service (acts with a role)</option>
          </select>
        </label>
        {form.kind === 'service' && (
          <label>
            Role
            <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </label>
        )}
        <button type="submit" className="primary">
          Create token
        </button>
      </form>
    </div>
  );
}

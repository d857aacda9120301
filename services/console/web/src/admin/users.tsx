import { type FormEvent, useState } from 'react';
import { apiRequest, describeError } from '../api/api-client';
import { ROLES, type Role, type User, type NewUserRequest, type UserChangeRequest } from '../api/api-types';
import { useApi } from '../api/use-api';
import { useUser } from '../auth/auth-context';
import { formatTime } from '../ui/format';

export function Users() {
  const me = useUser();
  const users = useApi('/api/v1/users', (p, signal) => apiRequest<{ items: User[] }>(p, { signal }));
  const [form, setForm] = useState({ username: '', displayName: '', role: 'operator' as Role, password: '' });
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const run = async (what: () => Promise<unknown>, done: string) => {
    setError(null);
    setMessage(null);
    try {
      await what();
      setMessage(done);
      users.reload();
      return true;
    } catch (e) {
      setError(describeError(e));
      return false;
    }
  };

  const create = async (event: FormEvent) => {
    event.preventDefault();
    if (form.password.length < 10) return setError('The password needs at least 10 characters.');
    const ok = await run(
      () => apiRequest<User>('/api/v1/users', { method: 'POST', body: form satisfies NewUserRequest }),
      `Created ${form.username}.`,
    );
    if (ok) setForm({ username: '', displayName: '', role: 'operator', password: '' });
  };

  const patch = (user: User, body: UserChangeRequest, done: string) =>
    run(() => apiRequest<User>(`/api/v1/users/${encodeURIComponent(user.id)}`, { method: 'PATCH', body }), done);

  return (
    <div className="admin-section">
      {message && (
        <p className="notice" role="status">
          {message}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {users.error && <p className="error">{users.error}</p>}
      <table className="grid">
        <thead>
          <tr>
            <th>Username</th>
            <th>Name</th>
            <th>Role</th>
            <th>Status</th>
            <th>Created</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {users.data?.items.map((u) => (
            <tr key={u.id} data-username={u.username} className={u.disabled ? 'disabled' : undefined}>
              <td className="mono">{u.username}</td>
              <td>{u.displayName}</td>
              <td>
                <select
                  aria-label={`Role of ${u.username}`}
                  value={u.role}
                  disabled={u.id === me.id}
                  onChange={(e) => void patch(u, { role: e.target.value as Role }, `${u.username} is now ${e.target.value}.`)}
                >
                  {ROLES.map((r) => (
                    <option key={r} value={r}>
                      {r}
                    </option>
                  ))}
                </select>
              </td>
              <td>{u.disabled ? <span className="pill bad">disabled</span> : <span className="pill ok">active</span>}</td>
              <td>{formatTime(u.createdAt)}</td>
              <td>
                {u.id !== me.id && (
                  <button
                    type="button"
                    className="small"
                    onClick={() => void patch(u, { disabled: !u.disabled }, `${u.username} ${u.disabled ? 'enabled' : 'disabled'}.`)}
                  >
                    {u.disabled ? 'Enable' : 'Disable'}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="panel form-grid" onSubmit={create}>
        <h2>New user</h2>
        <label>
          Username
          <input value={form.username} required onChange={(e) => setForm({ ...form, username: e.target.value })} autoComplete="off" />
        </label>
        <label>
          Display name
          <input value={form.displayName} required onChange={(e) => setForm({ ...form, displayName: e.target.value })} />
        </label>
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
        <label>
          Password (≥ 10)
          <input
            type="password"
            value={form.password}
            required
            minLength={10}
            autoComplete="new-password"
            onChange={(e) => setForm({ ...form, password: e.target.value })}
          />
        </label>
        <button type="submit" className="primary">
          Create user
        </button>
      </form>
    </div>
  );
}

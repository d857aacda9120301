import { useState } from 'react';
import { can, useUser } from '../auth/auth-context';
import { AuditLog } from './audit-log';
import { ServiceTokens } from './service-tokens';
import { Users } from './users';

type Tab = 'users' | 'tokens' | 'audit';

export function AdminPage() {
  const user = useUser();
  const [tab, setTab] = useState<Tab>('users');
  if (!can.administer(user.role)) return <p className="error page">The admin pages need the admin role; yours is {user.role}.</p>;
  return (
    <section className="page admin-page">
      <div className="page-head">
        <h1>Admin</h1>
        <div className="tabs" role="tablist">
          {(
            [
              ['users', 'Users'],
              ['tokens', 'Service tokens'],
              ['audit', 'Audit log'],
            ] as const
          ).map(([id, label]) => (
            <button
              key={id}
              type="button"
              role="tab"
              aria-selected={tab === id}
              className={tab === id ? 'on' : undefined}
              onClick={() => setTab(id)}
            >
              {label}
            </button>
          ))}
        </div>
      </div>
      {tab === 'users' && <Users />}
      {tab === 'tokens' && <ServiceTokens />}
      {tab === 'audit' && <AuditLog />}
    </section>
  );
}

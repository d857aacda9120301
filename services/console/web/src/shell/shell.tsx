import type { ReactNode } from 'react';
import { can, useAuth, useUser } from '../auth/auth-context';
import { Link } from '../router/router';

/** The frame around every signed-in page: navigation, who is signed in with which role, sign out. */
export function Shell({ pathname, children }: { pathname: string; children: ReactNode }) {
  const user = useUser();
  const { logout } = useAuth();
  const item = (href: string, label: string, testId: string, active: boolean) => (
    <Link href={href} data-testid={testId} className={active ? 'active' : undefined} aria-current={active ? 'page' : undefined}>
      {label}
    </Link>
  );
  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">
          <span className="brand-mark">◉</span> Argus
        </span>
        <nav>
          {item('/queue', 'Queue', 'nav-queue', pathname.startsWith('/queue') || pathname.startsWith('/alerts/'))}
          {item('/models', 'Models', 'nav-models', pathname.startsWith('/models') || pathname.endsWith('/promotions'))}
          {can.promote(user.role) &&
            item(
              '/training',
              'Fine-tuning',
              'nav-training',
              pathname === '/training' || pathname.startsWith('/candidates/') || /^\/lines\/[^/]+\/(jobs|datasets)$/.test(pathname),
            )}
          {can.promote(user.role) && item('/lines/new', 'New line', 'nav-new-line', pathname === '/lines/new')}
          {item('/searches', 'Searches', 'nav-searches', pathname.startsWith('/searches'))}
          {item('/dashboard', 'Dashboard', 'nav-dashboard', pathname === '/dashboard')}
          {can.administer(user.role) && item('/admin', 'Admin', 'nav-admin', pathname === '/admin')}
        </nav>
        <span className="spacer" />
        <span className="current-user" data-testid="current-user" title={user.username}>
          {user.displayName || user.username} <span className={`role role-${user.role}`}>{user.role}</span>
        </span>
        <button type="button" className="link" data-testid="logout" onClick={() => void logout()}>
          Sign out
        </button>
      </header>
      <main className="content">{children}</main>
    </div>
  );
}

import { AdminPage } from './admin/admin-page';
import { AuthProvider, loginPathFor, useAuth } from './auth/auth-context';
import { LoginPage } from './auth/login-page';
import { DashboardPage } from './dashboard/dashboard-page';
import { ComparePage } from './models/compare-page';
import { ModelPage } from './models/model-page';
import { ModelsPage } from './models/models-page';
import { PromotionsPage } from './models/promotions-page';
import { NewLinePage } from './lines/new-line-page';
import { AuditQueuePage } from './queue/audit-queue-page';
import { QueuePage } from './queue/queue-page';
import { AlertReviewPage } from './review/alert-review-page';
import { matchRoute, navigate, useLocation } from './router/router';
import { SearchPage } from './searches/search-page';
import { SearchesPage } from './searches/searches-page';
import { Shell } from './shell/shell';
import { CandidatePage } from './training/candidate-page';
import { DatasetsPage } from './training/datasets-page';
import { JobsPage } from './training/jobs-page';
import { TrainingPage } from './training/training-page';
import { useEffect } from 'react';

export function App() {
  return (
    <AuthProvider>
      <Routes />
    </AuthProvider>
  );
}

function Routes() {
  const location = useLocation();
  const { user } = useAuth();
  const { pathname, search } = location;

  const redirect = user === null && pathname !== '/login' ? loginPathFor(location) : pathname === '/' && user ? '/queue' : null;
  useEffect(() => {
    if (redirect) navigate(redirect, { replace: true });
  }, [redirect]);

  if (user === undefined) return <div className="boot">Loading…</div>;
  if (pathname === '/login') return <LoginPage search={search} />;
  if (!user || redirect) return null;

  let page;
  let params: Record<string, string> | null;
  if (pathname === '/queue') page = <QueuePage search={search} />;
  else if (pathname === '/queue/audit') page = <AuditQueuePage search={search} />;
  else if ((params = matchRoute('/alerts/:id', pathname))) page = <AlertReviewPage key={params.id} alertId={params.id as string} />;
  else if (pathname === '/models') page = <ModelsPage />;
  else if (pathname === '/models/compare') page = <ComparePage search={search} />;
  else if ((params = matchRoute('/models/:id', pathname))) page = <ModelPage key={params.id} modelId={params.id as string} />;
  else if (pathname === '/lines/new') page = <NewLinePage search={search} />;
  else if ((params = matchRoute('/lines/:lineId/promotions', pathname))) page = <PromotionsPage lineId={params.lineId as string} />;
  else if (pathname === '/training') page = <TrainingPage />;
  else if ((params = matchRoute('/lines/:lineId/datasets', pathname)))
    page = <DatasetsPage key={params.lineId} lineId={params.lineId as string} />;
  else if ((params = matchRoute('/lines/:lineId/jobs', pathname))) page = <JobsPage key={params.lineId} lineId={params.lineId as string} />;
  else if ((params = matchRoute('/candidates/:id', pathname))) page = <CandidatePage key={params.id} candidateId={params.id as string} />;
  else if (pathname === '/searches') page = <SearchesPage />;
  else if ((params = matchRoute('/searches/:id', pathname))) page = <SearchPage key={params.id} searchId={params.id as string} />;
  else if (pathname === '/dashboard') page = <DashboardPage />;
  else if (pathname === '/admin') page = <AdminPage />;
  else page = <p className="empty">No page at {pathname}.</p>;
  return <Shell pathname={pathname}>{page}</Shell>;
}

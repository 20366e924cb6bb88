/** The web UI: applicant portal and regulator workbench, on the public API only. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, Navigate, RouterProvider, Outlet } from 'react-router';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { ApiProblem, hasRole, isRegulator, SessionProvider, useMe, useSession } from './api';
import { Layout, Loading, ProblemAlert } from './components';
import { I18nProvider } from './i18n';
import { ApplicabilityPage, MyCasesPage, ReportFormPage } from './pages/applicant';
import { CasePage } from './pages/case';
import { ApprovalsPage, EscalationsPage, QueuePage } from './pages/regulator';
import { WebhooksPage } from './pages/webhooks';
import { AdminPage } from './pages/admin';
import { ScreeningPage } from './pages/screening';
import { SignInPage } from './pages/signin';
import './styles.css';

function RequireSession() {
  const { token, signOut } = useSession();
  const me = useMe();
  if (!token) return <Navigate to="/signin" replace />;
  if (me.error instanceof ApiProblem && me.error.status === 401) {
    signOut();
    return <Navigate to="/signin" replace />;
  }
  if (me.isLoading) return <Loading />;
  if (me.error) return <ProblemAlert error={me.error} />;
  return <Outlet />;
}

/** Each role starts where its work is. */
function Home() {
  const me = useMe().data;
  if (hasRole(me, 'supervisor')) return <Navigate to="/approvals" replace />;
  if (hasRole(me, 'regulator_admin')) return <Navigate to="/admin" replace />;
  if (isRegulator(me)) return <Navigate to="/queue" replace />;
  if (hasRole(me, 'partner')) return <Navigate to="/webhooks" replace />;
  return <Navigate to="/cases" replace />;
}

const router = createBrowserRouter([
  {
    element: <Layout />,
    children: [
      { path: '/signin', element: <SignInPage /> },
      {
        element: <RequireSession />,
        children: [
          { path: '/', element: <Home /> },
          { path: '/cases', element: <MyCasesPage /> },
          { path: '/cases/:id', element: <CasePage /> },
          { path: '/reports/new', element: <ReportFormPage /> },
          { path: '/applicability', element: <ApplicabilityPage /> },
          { path: '/screening', element: <ScreeningPage /> },
          { path: '/queue', element: <QueuePage /> },
          { path: '/approvals', element: <ApprovalsPage /> },
          { path: '/escalations', element: <EscalationsPage /> },
          { path: '/webhooks', element: <WebhooksPage /> },
          { path: '/admin', element: <AdminPage /> },
          { path: '*', element: <Navigate to="/" replace /> },
        ],
      },
    ],
  },
]);

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      retry: (n, err) => !(err instanceof ApiProblem && err.status < 500) && n < 2,
      refetchOnWindowFocus: true,
    },
  },
});

document.documentElement.lang = localStorage.getItem('taiwa.lang') === 'en' ? 'en' : 'ja';
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <SessionProvider>
        <I18nProvider>
          <RouterProvider router={router} />
        </I18nProvider>
      </SessionProvider>
    </QueryClientProvider>
  </StrictMode>,
);

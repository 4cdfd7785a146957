import { type ReactNode, useEffect } from 'react';
import type { PageName } from '../paths.ts';
import { api, type Principal, useApi } from './api.ts';
import { Pending } from './components/status.tsx';
import { AccountPage } from './pages/account.tsx';
import { DecisionsPage } from './pages/decisions.tsx';
import { FindingPage } from './pages/finding.tsx';
import { InboxPage } from './pages/inbox.tsx';
import { LedgerPage } from './pages/ledger.tsx';
import { LoginPage } from './pages/login.tsx';
import { ReconciliationPage } from './pages/reconciliation.tsx';
import { RevenuePage } from './pages/revenue.tsx';
import { RevenueRowsPage } from './pages/revenue-rows.tsx';
import { RulesPage } from './pages/rules.tsx';
import { WebhooksPage } from './pages/webhooks.tsx';
import { Link, type Location, navigate, useLocation } from './router.tsx';

export interface PageProps {
  where: Location;
  params: Record<string, string>;
  principal: Principal;
}

const PAGES: Record<Exclude<PageName, 'login'>, (p: PageProps) => ReactNode> = {
  inbox: InboxPage,
  finding: FindingPage,
  account: AccountPage,
  revenue: RevenuePage,
  revenueRows: RevenueRowsPage,
  reconciliation: ReconciliationPage,
  decisions: DecisionsPage,
  webhooks: WebhooksPage,
  rules: RulesPage,
  ledger: LedgerPage,
};

const NAV: [string, string][] = [
  ['/', 'Findings'],
  ['/revenue', 'Revenue'],
  ['/reconciliation', 'Reconciliation'],
  ['/decisions', 'Decisions'],
  ['/rules', 'Rulebook'],
  ['/ledger', 'Ledger'],
];

/** Pages only an admin can read. */
const ADMIN_NAV: [string, string][] = [['/webhooks', 'Webhooks']];

export function App() {
  const where = useLocation();
  const page = where.match?.page;
  const me = useApi<Principal>(page && page !== 'login' ? '/api/me' : null);
  useEffect(() => {
    if (me.error?.status === 401) navigate('/login', true);
  }, [me.error]);

  if (!where.match)
    return (
      <main id="main">
        <h1>Page not found</h1>
        <p>
          There is no page at <code>{where.path}</code>. <a href="/">Go to the findings</a>.
        </p>
      </main>
    );
  if (page === 'login') return <LoginPage />;
  if (!me.data) return <Pending loading={me.loading} error={me.error?.status === 401 ? null : me.error} />;
  const Page = PAGES[page as Exclude<PageName, 'login'>];
  const signOut = async () => {
    await api('POST', '/api/logout');
    navigate('/login');
  };
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <nav aria-label="main">
        <strong>Daylight</strong>
        {[...NAV, ...(me.data.role === 'admin' ? ADMIN_NAV : [])].map(([href, label]) => (
          <Link key={href} href={href} aria-current={where.path === href ? 'page' : undefined}>
            {label}
          </Link>
        ))}
        <span className="who">
          {me.data.name} ({me.data.role})
        </span>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </nav>
      <main id="main" tabIndex={-1}>
        <Page where={where} params={where.match.params} principal={me.data} />
      </main>
    </>
  );
}

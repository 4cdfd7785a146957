/** The pages of the workspace UI, shared by the browser's router and the server that answers them. */
export const UI_PAGES = {
  login: '/login',
  inbox: '/',
  finding: '/findings/:id',
  account: '/accounts/:id',
  revenue: '/revenue',
  revenueRows: '/revenue/rows',
  reconciliation: '/reconciliation',
  decisions: '/decisions',
  webhooks: '/webhooks',
  rules: '/rules',
  ledger: '/ledger',
} as const;

export type PageName = keyof typeof UI_PAGES;

/** The page a path shows and its parameters, or null for a path that is no page. */
export function matchPage(path: string): { page: PageName; params: Record<string, string> } | null {
  for (const [page, pattern] of Object.entries(UI_PAGES) as [PageName, string][]) {
    const names: string[] = [];
    const re = new RegExp(
      `^${pattern.replace(/:(\w+)/g, (_, name: string) => {
        names.push(name);
        return '([^/]+)';
      })}$`,
    );
    const m = re.exec(path);
    if (m) {
      const params: Record<string, string> = {};
      names.forEach((name, i) => {
        params[name] = decodeURIComponent(m[i + 1]!);
      });
      return { page, params };
    }
  }
  return null;
}

/** A page's path with its parameters filled in. */
export function pagePath(page: PageName, params: Record<string, string> = {}): string {
  return UI_PAGES[page].replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
}

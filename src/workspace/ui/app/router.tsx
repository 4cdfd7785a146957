import { type AnchorHTMLAttributes, type MouseEvent, useEffect, useState } from 'react';
import { matchPage } from '../paths.ts';

/** Where the browser is: the page, its parameters and the query string. */
export interface Location {
  path: string;
  query: URLSearchParams;
  match: ReturnType<typeof matchPage>;
}

const read = (): Location => ({
  path: location.pathname,
  query: new URLSearchParams(location.search),
  match: matchPage(location.pathname),
});

/** Goes to a URL of this UI without reloading the page. */
export function navigate(url: string, replace = false): void {
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function useLocation(): Location {
  const [where, setWhere] = useState(read);
  useEffect(() => {
    const update = () => setWhere(read());
    window.addEventListener('popstate', update);
    return () => window.removeEventListener('popstate', update);
  }, []);
  return where;
}

/** A plain link (it works with the keyboard, a middle click and "open in new tab") that stays in the page. */
export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const go = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={go} {...rest} />;
}

/** A URL with the query parameters that have a value. */
export function withQuery(path: string, query: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

import { useEffect } from 'react';

/** A page's heading, which also names the browser tab. */
export function Title({ children }: { children: string }) {
  useEffect(() => {
    document.title = `${children} · Daylight`;
  }, [children]);
  return <h1>{children}</h1>;
}

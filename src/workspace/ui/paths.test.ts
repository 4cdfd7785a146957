import { describe, expect, it } from 'vitest';
import { matchPage, pagePath, UI_PAGES } from './paths.ts';

describe('the UI paths', () => {
  it('knows each page and reads its parameters back', () => {
    expect(matchPage('/')).toEqual({ page: 'inbox', params: {} });
    expect(matchPage('/findings/pa-0123456789abcdef')).toEqual({
      page: 'finding',
      params: { id: 'pa-0123456789abcdef' },
    });
    expect(matchPage(pagePath('account', { id: 'A 1/2' }))).toEqual({
      page: 'account',
      params: { id: 'A 1/2' },
    });
    for (const page of Object.keys(UI_PAGES) as (keyof typeof UI_PAGES)[])
      expect(matchPage(pagePath(page, { id: 'x' }))?.page).toBe(page);
  });

  it('is no page for anything else, so the server answers it with 404', () => {
    for (const path of [
      '/findings',
      '/findings/a/b',
      '/index.html',
      '/../etc/passwd',
      '/api/findings',
      '/assets/x.js',
    ])
      expect(matchPage(path), path).toBeNull();
  });
});

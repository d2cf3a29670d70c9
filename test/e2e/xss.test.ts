// Issue 18, item 3, in a real browser: a street officer names a grid
// <img src=x onerror=alert(document.domain)>; the grid map shows the name as text, no dialog
// fires, no image element appears, and the page runs under a Content-Security-Policy with no
// inline script (and no violation reported by the app's own pages).
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiAs, launchBrowser, loginAs, newPage, screenshot } from './support/index.js';

const url = inject('e2eUrl');
const PAYLOAD = '<img src=x onerror=alert(document.domain)>';
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('a grid named with markup', () => {
  it('shows as text on the map, and nothing runs', async () => {
    const street = await apiAs(url, 'street');
    const home = (await street<{ node: { id: number; code: string; path: string; name: string } }>('GET', '/tree/home')).body.node;
    const community = await street<{ id: number; path: string; name: string; code: string }>('POST', '/tree/nodes', { parentId: home.id, level: 'community', code: `${home.code}987`, name: '测试安全社区' });
    expect(community.status).toBe(201);
    const ring = [[112.5, 37.8], [112.52, 37.8], [112.52, 37.82], [112.5, 37.82], [112.5, 37.8]];
    const grid = await street('POST', '/tree/nodes', { parentId: community.body.id, level: 'grid', code: `${community.body.code}001`, name: PAYLOAD, boundary: { type: 'Polygon', coordinates: [ring] } });
    expect(grid.status).toBe(201);

    // The page itself: a strict policy, and no inline script for it to allow.
    const index = await fetch(`${url}/`);
    const csp = index.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    const html = await index.text();
    for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
      expect(m[1]).toMatch(/\bsrc=/);
      expect(m[2]!.trim()).toBe('');
    }

    const tp = await newPage(browser, url);
    const { page } = tp;
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const cspViolations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    try {
      await loginAs(page, 'street');
      // Look at the new community on the map (few grids there: names are drawn on the map).
      const me = (await (await page.request.get(`${url}/api/auth/me`)).json()) as { user: { id: number } };
      const place = JSON.stringify({ id: community.body.id, name: community.body.name, level: 'community', path: community.body.path });
      await page.evaluate(([key, value]) => (globalThis as unknown as { sessionStorage: { setItem(k: string, v: string): void } }).sessionStorage.setItem(key!, value!), [`qc_place_${me.user.id}`, place]);
      await page.goto('/map');
      const label = page.locator('.qc-grid-label').first();
      await label.waitFor();
      expect(await label.textContent()).toBe(PAYLOAD);
      // Hovering and clicking the grid does not run it either.
      await page.locator('[data-testid="grid-map"] path.leaflet-interactive').last().click({ force: true });
      await page.waitForTimeout(1500);
      expect(await page.locator('[data-testid="grid-map"] img[src="x"]').count()).toBe(0);
      expect(dialogs).toEqual([]);
      expect(cspViolations).toEqual([]);
      await screenshot(page, 'xss-grid-name-as-text', { fullPage: false });
      // The legend is still drawn (it is built from nodes now).
      expect(await page.locator('.qc-legend').textContent()).toContain('社区');
    } finally {
      await tp.close();
    }
  });
});

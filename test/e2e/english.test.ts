// The whole app in English. Every route of the web router is opened, as the first demo role that
// may see it (pages open to all: as every role), with the language set to English; on each page
// no Chinese character or full-width punctuation may be visible outside user data (elements
// marked `data-user`: names, addresses, typed notes, the demo city's place names). Built-in catalogues (reports, certificates, label
// kinds, the handbook) carry English names, so they count as the application's own text.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cjkLeaks, ENGLISH, formatLeaks, routeResolvers, settle, walkInEnglish, webRoutes, type PageLeaks, type RouteDecl } from './support/language.js';
import { apiAs, launchBrowser, loginAs, newPage, startServer, type E2eServer } from './support/index.js';

let server: E2eServer;
let browser: Browser;
/** One of each role of the demo city (courier is a second grid worker). */
const roles = ['community', 'grid', 'street', 'minzheng', 'weijian', 'reviewer', 'kaohe', 'bianban', 'auditor', 'security', 'admin'] as const;

beforeAll(async () => {
  // A city of its own: the test submits a report, uploads a sheet and drafts a template so that
  // every page with an id in its address has something to show.
  ({ routes, publicRoutes, homes } = await webRoutes());
  server = await startServer();
  browser = await launchBrowser();
  const community = await apiAs(server.url, 'community');
  const due = (await community<{ items: { id: number; templateCode: string }[] }>('GET', '/reports/due?limit=50')).body.items.find((d) => d.templateCode === 'pop_monthly')!;
  const preview = (await community<{ digest: string }>('POST', `/reports/due/${due.id}/preview`)).body;
  const sub = await community('POST', `/reports/due/${due.id}/submit`, { manual: { report: { remarks: '本月无特殊情况' } }, previewDigest: preview.digest });
  expect(sub.status, JSON.stringify(sub.body)).toBe(201);
  const token = await login('community');
  const form = new FormData();
  form.append('file', new Blob(['\ufeff姓名,性别\n测试甲,男\n'], { type: 'text/csv' }), 'residents.csv');
  const up = await fetch(`${server.url}/api/imports?kind=resident`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  expect(up.status, await up.clone().text()).toBe(201);
  const minzheng = await apiAs(server.url, 'minzheng');
  const draft = await minzheng('POST', '/reports/templates', {
    title: '低保家庭走访表', legalBasis: '《社会救助暂行办法》', purpose: '核对低保家庭并记录走访', cadence: 'monthly', deadlineDays: 7, submitLevel: 'community', handMinutesBefore: 60, entitledDepartments: [],
    definition: {
      sources: [{ key: 'l', source: 'label', filters: [{ field: 'labelCode', op: 'eq', value: 'low_income' }] }],
      rows: [{ by: 'tree', level: 'grid' }],
      columns: [{ key: 'persons', title: '低保人数', unit: '人', measure: { kind: 'countDistinct', field: 'residentId', where: [{ field: 'activeAtEnd', op: 'isTrue' }] } }],
      manualFields: [{ key: 'visited', title: '本月走访户数', type: 'integer', scope: 'report', required: true, min: 0 }],
      totals: true,
    },
  });
  expect(draft.status, JSON.stringify(draft.body)).toBe(201);
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function login(username: string): Promise<string> {
  const r = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'Qingche#2026' }) });
  return ((await r.json()) as { token: string }).token;
}

let routes: RouteDecl[] = [];
let publicRoutes: RouteDecl[] = [];
let homes: string[] = [];

describe('every page in English', () => {
  it('has an address for every route with parameters', () => {
    const resolvers = routeResolvers(server.url);
    expect(routes.filter((r) => r.path.includes(':') && !resolvers[r.path]).map((r) => r.path)).toEqual([]);
  });

  // A page behind a permission is walked by the first role below that holds it; the pages roles
  // land on (dashboards, the inbox) and pages open to every account by every role, since each
  // role sees its own there. This keeps the walk to a few minutes.
  const walked = new Set<string>();
  const everWalked = new Set<string>();
  for (const role of roles) {
    it(`shows no Chinese outside user data to ${role}`, async () => {
      const { visited, walked: now, found } = await walkInEnglish(browser, server.url, role, routes, walked);
      for (const p of now) {
        everWalked.add(p);
        if (!homes.includes(p)) walked.add(p);
      }
      expect(visited.length).toBeGreaterThan(0);
      expect(found.length, `Chinese text on ${found.length} of ${visited.length} pages seen by ${role}:\n${formatLeaks(found)}`).toBe(0);
    }, 600_000);
  }

  it('walked every route of the router as some role', () => {
    expect(routes.map((r) => r.path).filter((p) => !everWalked.has(p))).toEqual([]);
  });

  it('switches back to Chinese without English left behind', async () => {
    const community = await apiAs(server.url, 'community');
    const r = (await community<{ items: { id: number; name: string; age: number }[] }>('GET', '/residents?limit=1')).body.items[0]!;
    const tp = await newPage(browser, server.url, { locale: 'en-US' });
    try {
      await tp.context.addInitScript(ENGLISH);
      await loginAs(tp.page, 'community');
      await tp.page.goto(`/certificates/issue?resident=${r.id}&kind=residence`);
      const picked = tp.page.getByTestId('cert-resident');
      await expect.poll(() => picked.textContent()).toContain(`${r.name} (${r.age})`);
      await expect.poll(() => tp.page.getByTestId('cert-kind').textContent()).toBe('Certificate of residence');
      await tp.page.getByTestId('lang-switch').getByText('中文').click();
      // The picked resident and kind are redrawn in Chinese: no English format, no raw code.
      await expect.poll(() => picked.textContent()).toContain(`${r.name}（${r.age} 岁）`);
      await expect.poll(() => tp.page.getByTestId('cert-kind').textContent()).toBe('居住证明');
      expect(await tp.page.locator('.qc-content').textContent()).not.toMatch(/\bresidence\b|kinship_household/);
    } finally {
      await tp.close();
    }
  });

  it('shows no Chinese on the public pages', async () => {
    const tp = await newPage(browser, server.url, { locale: 'en-US' });
    const found: PageLeaks[] = [];
    try {
      await tp.context.addInitScript(ENGLISH);
      for (const r of publicRoutes) {
        await tp.page.goto(r.path);
        await settle(tp.page);
        const leaks = await cjkLeaks(tp.page);
        if (leaks.length) found.push({ path: r.path, leaks });
      }
    } finally {
      await tp.close();
    }
    expect(found.length, `Chinese text on public pages:\n${formatLeaks(found)}`).toBe(0);
  });
});

// The resident card in a real browser, on a current phone (390×844) and on a desktop: a grid worker
// records a visit and the card opens after it, "checked in person" is the worker's own tick, every
// tap target on the grid worker's pages is a finger's size, staff appear by name, role and unit,
// a department's card shows only what its grant covers, and a page that breaks says so plainly
// with an id instead of the browser's message.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiAs, launchBrowser, toastSeen, loginAs, newPage, screenshot, smallTapTargets, type TestPage } from './support/index.js';

const url = inject('e2eUrl');
let browser: Browser;
type Api = Awaited<ReturnType<typeof apiAs>>;
let grid: Api;
let community: Api;
let gridName: string;
let gridPlace: string;

interface StaleRow { recordKind: string; recordId: number; problem?: string; policyName: string }
interface Card { resident: { id: number; name: string }; visits: { id: number; notes: string | null; confirmedPolicies: number[]; visitor: { name: string; unit: string | null } | null }[]; reviews: { name: string; owner: string; overdue: boolean }[] }

beforeAll(async () => {
  browser = await launchBrowser();
  grid = await apiAs(url, 'grid');
  community = await apiAs(url, 'community');
  const me = await grid<{ user: { displayName: string }; node: { name: string } }>('GET', '/auth/me');
  gridName = me.body.user.displayName;
  gridPlace = me.body.node.name;
});
afterAll(async () => {
  await browser?.close();
});

/** What the page complained of, without the 401 of "who am I?" before logging in. */
const realProblems = (tp: TestPage) => tp.problems.filter((p) => !/status of 401/.test(p));

/** Residents on the grid worker's to-do list whose review is overdue (not an address to correct). */
async function overdueResidents(): Promise<number[]> {
  const { body } = await grid<{ items: StaleRow[] }>('GET', '/stale?kind=resident&limit=200');
  return [...new Set(body.items.filter((i) => !i.problem).map((i) => i.recordId))];
}

async function openTab(page: Page, name: RegExp) {
  const tab = page.getByRole('tab', { name });
  if (!(await tab.isVisible())) {
    await page.locator('.ant-tabs-nav-more').click();
    await page.locator('.ant-tabs-dropdown-menu-item', { hasText: name }).click();
  } else {
    await tab.click();
  }
  await expect.poll(async () => page.getByRole('tab', { name }).getAttribute('aria-selected')).toBe('true');
}

describe('a grid worker records a visit on the phone and opens the card', () => {
  let residentId: number;

  it('records a visit from the card at 390×844, ticking "checked in person" consciously, and the card shows it', async () => {
    residentId = (await overdueResidents())[0]!;
    expect(residentId).toBeDefined();
    const tp = await newPage(browser, url, { size: 'phone390' });
    try {
      const { page } = tp;
      await loginAs(page, 'grid');
      await page.goto(`/residents/${residentId}`);
      await page.getByTestId('resident-card').waitFor();
      await page.getByTestId('visit-open').click();
      await page.getByTestId('visit-form').waitFor();
      // Not ticked in advance; the form names what the tick would confirm.
      expect(await page.getByTestId('visit-confirm').isChecked()).toBe(false);
      const { body: before } = await grid<Card>('GET', `/residents/${residentId}`);
      const items = before.reviews.filter((r) => r.owner === 'community').map((r) => r.name);
      expect(items.length).toBeGreaterThan(0);
      for (const n of items) expect(await page.getByTestId('visit-confirm-items').textContent()).toContain(n);
      await page.getByTestId('visit-notes').fill('入户走访：身体状况良好，家中燃气已检查');
      await page.getByTestId('visit-confirm').click();
      expect(await page.getByTestId('visit-confirm').isChecked()).toBe(true);
      await page.getByTestId('visit-submit').click();
      await toastSeen(page, /已记录走访，\d+ 项信息已核实/);
      // The card after the visit: no error page, the visit listed with who made it.
      const visits = page.getByTestId('visit-list');
      await visits.waitFor();
      expect(await page.getByTestId('error-boundary').count()).toBe(0);
      const text = (await visits.textContent()) ?? '';
      expect(text).toContain('入户走访：身体状况良好，家中燃气已检查');
      expect(text).toContain(gridName.replace(/（.*$/, ''));
      expect(text).toMatch(/已核实 \d+ 项/);
      // Opening the card afresh (as from the list) works too.
      await page.goto(`/residents/${residentId}`);
      await page.getByTestId('resident-card').waitFor();
      await openTab(page, /走访记录/);
      expect((await visits.textContent()) ?? '').toContain('入户走访');
      expect(await page.locator('body').textContent()).not.toMatch(/Cannot read|undefined|页面出错了/);
      expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(390);
      await screenshot(page, 'resident-card-phone-visits', { fullPage: true });
      await page.screenshot({ path: '/tmp/qingche-resident-card-phone.png', fullPage: true });
      expect(realProblems(tp)).toEqual([]);
    } finally {
      await tp.close();
    }
    const { body: card } = await grid<Card>('GET', `/residents/${residentId}`);
    expect(card.visits[0]!.confirmedPolicies.length).toBeGreaterThan(0);
  });

  it('shows the same card on a desktop, the visitor by name and unit', async () => {
    const tp = await newPage(browser, url);
    try {
      const { page } = tp;
      await loginAs(page, 'community');
      await page.goto(`/residents/${residentId}`);
      await page.getByTestId('resident-card').waitFor();
      await openTab(page, /走访记录/);
      const text = (await page.getByTestId('visit-list').textContent()) ?? '';
      expect(text).toContain('入户走访：身体状况良好，家中燃气已检查');
      expect(text).toContain('网格员');
      expect(text).toContain(gridPlace);
      expect(text).not.toMatch(/\bgrid\b/);
      await screenshot(page, 'resident-card-desktop-visits', { fullPage: false });
      await page.screenshot({ path: '/tmp/qingche-resident-card-desktop.png', fullPage: false });
      // The access trail names the grid worker by name, role and unit, not by log-in name.
      await openTab(page, /访问记录/);
      await page.getByTestId('trail-table').locator('tr.ant-table-row').first().waitFor();
      const trail = (await page.getByTestId('trail-table').textContent()) ?? '';
      expect(trail).toContain(gridName.replace(/（.*$/, ''));
      expect(trail).toContain('网格员');
      expect(trail).toContain(gridPlace);
      expect(trail).not.toMatch(/\bgrid\b|\bcommunity\b/);
      // History names who changed the record with their role.
      await openTab(page, /变更历史/);
      await page.getByTestId('history-table').locator('tr.ant-table-row').first().waitFor();
      expect(realProblems(tp)).toEqual([]);
    } finally {
      await tp.close();
    }
  });
});

describe('"checked in person" is never ticked for the worker', () => {
  it('a visit from the to-do list without the tick confirms nothing and the person stays listed', async () => {
    const tp = await newPage(browser, url, { size: 'phone390' });
    try {
      const { page } = tp;
      await loginAs(page, 'grid');
      await page.getByTestId('stale-kind').getByText('居民').click();
      const first = page.getByTestId('stale-list').locator('.qc-todo-item:not(:has([data-testid="stale-address-mismatch"]))').first();
      await expect.poll(async () => (await first.getAttribute('data-testid')) ?? '').toMatch(/^stale-resident-\d+$/);
      await expect.poll(() => page.getByTestId('stale-list').locator('.qc-todo-item:not([data-testid^="stale-resident-"])').count()).toBe(0);
      const testId = (await first.getAttribute('data-testid'))!;
      const id = Number(testId.replace('stale-resident-', ''));
      await first.click();
      await page.getByTestId('visit-form').waitFor();
      expect(await page.getByTestId('visit-confirm').isChecked()).toBe(false);
      await page.getByTestId('visit-notes').fill('电话未接通，上门未遇');
      await page.getByTestId('visit-submit').click();
      await toastSeen(page, '信息未核实');
      expect(await page.getByTestId(testId).count()).toBe(1);
      expect(await overdueResidents()).toContain(id);
      const { body: card } = await grid<Card>('GET', `/residents/${id}`);
      expect(card.visits[0]).toMatchObject({ notes: '电话未接通，上门未遇', confirmedPolicies: [] });
    } finally {
      await tp.close();
    }
  });
});

describe('tap targets on the grid worker’s pages at 390×844', () => {
  it('are all at least 44 px, and the history fits the screen', async () => {
    const tp = await newPage(browser, url, { size: 'phone390' });
    const small: string[] = [];
    const check = async (where: string) => {
      await tp.page.waitForTimeout(300);
      for (const s of await smallTapTargets(tp.page)) small.push(`${where}: ${s}`);
    };
    try {
      const { page } = tp;
      await loginAs(page, 'grid');
      await page.getByTestId('stale-list').locator('.qc-todo-item').first().waitFor();
      await check('to-do list');
      await page.getByTestId('menu-button').click();
      await page.getByTestId('main-menu').waitFor();
      await check('menu');
      await page.keyboard.press('Escape');
      await page.getByTestId('stale-list').locator('[data-testid^="stale-resident-"]').first().click();
      await page.getByTestId('visit-form').waitFor();
      await check('to-do drawer');
      await page.keyboard.press('Escape');
      await page.getByTestId('stale-list').locator('[data-testid^="stale-house-"]').first().click();
      await page.getByTestId('stale-confirm').waitFor();
      await check('to-do drawer (house)');
      await page.keyboard.press('Escape');
      await page.goto('/residents');
      await page.getByTestId('resident-cards').locator('.qc-todo-item').first().waitFor();
      await check('residents');
      const id = (await overdueResidents())[1] ?? (await overdueResidents())[0]!;
      await page.goto(`/residents/${id}`);
      await page.getByTestId('resident-card').waitFor();
      await check('card');
      for (const tab of [/户与房屋/, /标签/, /走访记录/, /变更历史/]) {
        await openTab(page, tab);
        await check(`card tab ${tab.source}`);
      }
      // The history: every version readable on the phone, nothing cut off at the right.
      const list = page.getByTestId('history-list');
      await list.locator('.qc-history-item').first().waitFor();
      const boxes = await list.locator('.qc-history-item').evaluateAll((els) => els.map((e) => [e.getBoundingClientRect().right, e.scrollWidth, e.clientWidth]));
      for (const [right, scrollW, clientW] of boxes) {
        expect(right).toBeLessThanOrEqual(390);
        expect(scrollW).toBeLessThanOrEqual(clientW!);
      }
      expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(390);
      await screenshot(page, 'resident-card-phone-history', { fullPage: true });
      await page.getByTestId('visit-open').click();
      await page.getByTestId('visit-form').waitFor();
      await check('visit drawer');
      await page.getByTestId('visit-kind').click();
      await page.locator('.ant-select-dropdown:visible .ant-select-item-option').first().waitFor();
      await check('visit kind list');
      await page.keyboard.press('Escape');
      await page.goto('/profile');
      await page.waitForTimeout(800);
      await check('profile');
    } finally {
      await tp.close();
    }
    expect(small).toEqual([]);
  });
});

describe('a department sees what its grant covers', () => {
  it('finds the household by number and head, and the card has no visits, household or history tabs', async () => {
    const street = await apiAs(url, 'street');
    const { body } = await street<{ items: { id: number; name: string; householdId?: number | null }[] }>('GET', '/residents?labels=low_income&limit=50');
    const target = body.items.find((r) => r.householdId) ?? body.items[0]!;
    const tp = await newPage(browser, url);
    try {
      const { page } = tp;
      await loginAs(page, 'minzheng');
      await page.getByText('姓名', { exact: true }).first().click();
      await page.getByTestId('lookup-value').fill(target.name);
      await page.getByTestId('lookup-reason').fill('低保年审入户核查');
      await page.getByTestId('lookup-submit').click();
      const results = page.getByTestId('lookup-results');
      await results.locator('.ant-card').first().waitFor();
      const card = results.locator('.ant-card').filter({ hasText: target.name }).first();
      const text = (await card.textContent()) ?? '';
      expect(text).toMatch(/户号 \S+（户主：\S+）/);
      expect(text).not.toMatch(/所属户\s*\d+/);
      await card.getByText('查看档案').click();
      await page.getByTestId('resident-card').waitFor();
      const tabs = await page.getByRole('tab').allTextContents();
      expect(tabs.map((x) => x.replace(/\s*\d+$/, '').trim())).toEqual(['基本信息', '标签']);
      expect((await page.getByTestId('value-household').textContent()) ?? '').toMatch(/^户号 \S+（户主：\S+）$/);
      expect(await page.getByTestId('resident-reviews').count()).toBe(0);
      await screenshot(page, 'resident-card-department');
      expect(realProblems(tp)).toEqual([]);
    } finally {
      await tp.close();
    }
    // The server refuses what the card leaves out.
    const dept = await apiAs(url, 'minzheng');
    const history = await dept<{ error: { code: string } }>('GET', `/residents/${target.id}/history`);
    expect(history.status).toBe(403);
    expect(history.body.error.code).toBe('HISTORY_NOT_GRANTED');
  });

  it('names grid chiefs by their account, not by log-in name', async () => {
    const { body: home } = await community<{ children: { id: number; level: string }[] }>('GET', '/tree/home');
    const g = home.children.find((k) => k.level === 'grid')!;
    const { body } = await community<{ leaders: { tier: string; personName: string; person: { name: string } | null }[] }>('GET', `/tree/grids/${g.id}`);
    const chief = body.leaders.find((l) => l.tier === 'grid_chief')!;
    expect(chief.person).not.toBeNull();
    expect(chief.personName).not.toMatch(/^(grid|g\d+)$/);
    expect(chief.personName).toBe(chief.person!.name);
  });
});

describe('a page that breaks', () => {
  it('says so in the user’s language with an id, never the browser’s message', async () => {
    const { body } = await community<{ items: { id: number }[] }>('GET', '/residents?limit=1');
    const id = body.items[0]!.id;
    for (const lang of ['zh', 'en'] as const) {
      const tp = await newPage(browser, url, { size: 'phone390' });
      try {
        const { page } = tp;
        await loginAs(page, 'community');
        if (lang === 'en') await page.evaluate("localStorage.setItem('qc_lang', 'en')");
        // An answer the page cannot draw: the card crashes inside React.
        await page.route(`**/api/residents/${id}`, (route) => route.fulfill({ status: 200, contentType: 'application/json', body: '{}' }));
        const report = page.waitForRequest((r) => r.url().endsWith('/api/client-errors') && r.method() === 'POST');
        await page.goto(`/residents/${id}`);
        await page.getByTestId('error-boundary').waitFor();
        const shown = (await page.getByTestId('error-boundary').textContent()) ?? '';
        expect(shown).toContain(lang === 'en' ? 'This page ran into a problem' : '页面出错了');
        expect(shown).not.toMatch(/Cannot read|undefined|TypeError|at \w+ \(|\.js:\d+/);
        const shownId = /C-[0-9A-Z]{6,20}/.exec((await page.getByTestId('error-id').textContent()) ?? '')?.[0];
        expect(shownId).toBeDefined();
        expect(JSON.parse((await report).postData() ?? '{}')).toMatchObject({ id: shownId, path: `/residents/${id}` });
        await screenshot(page, `error-boundary-${lang}`, { fullPage: false });
      } finally {
        await tp.close();
      }
    }
  });

  it('shows the request id of a failed answer, from its header when the body is not the server’s', async () => {
    const tp = await newPage(browser, url);
    try {
      const { page } = tp;
      await loginAs(page, 'community');
      await page.route('**/api/residents/1234567', (route) => route.fulfill({ status: 502, contentType: 'text/html', headers: { 'x-request-id': 'req-proxy-502' }, body: '<html><body><h1>502 Bad Gateway</h1><pre>upstream stack trace…</pre></body></html>' }));
      await page.goto('/residents/1234567');
      await page.getByTestId('error-page').waitFor();
      const shown = (await page.getByTestId('error-page').textContent()) ?? '';
      expect(shown).toContain('req-proxy-502');
      expect(shown).toContain('服务器暂时无法处理');
      expect(shown).not.toMatch(/Bad Gateway|stack|<html/);
      // A real 404 from the server: its own message and request id.
      await page.unroute('**/api/residents/1234567');
      await page.goto('/residents/1234568');
      await page.getByTestId('error-page').waitFor();
      expect((await page.getByTestId('error-id').textContent()) ?? '').toMatch(/请求编号: [0-9a-f-]{36}/);
    } finally {
      await tp.close();
    }
  });
});

// Base data in a real browser: finding a resident and opening the card, showing a masked ID
// number with a reason (and seeing that look in the access trail), editing while someone else
// saves first, giving a label, registering a person with a bad and then a good ID number, a grid
// worker recording a visit from the phone to-do list, and a department's live look-up.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { idNumber } from '../support/people.js';
import { apiAs, launchBrowser, toastSeen, loginAs, newPage, screenshot, type TestPage } from './support/index.js';

const url = inject('e2eUrl');
let browser: Browser;
type Api = Awaited<ReturnType<typeof apiAs>>;
let community: Api;

interface Row { id: number; name: string; version: number; gridName: string; labels: { code: string }[]; phone: string | null }

beforeAll(async () => {
  browser = await launchBrowser();
  community = await apiAs(url, 'community');
});
afterAll(async () => {
  await browser?.close();
});

describe('a community worker and the resident card', () => {
  let tp: TestPage;
  let person: Row;
  beforeAll(async () => {
    tp = await newPage(browser, url);
    await loginAs(tp.page, 'community');
    const { body } = await community<{ items: Row[] }>('GET', '/residents?limit=100');
    // Someone with a name nobody else in the community starts with, so a search finds one row.
    person = body.items.find((r) => body.items.filter((o) => o.name.startsWith(r.name)).length === 1)!;
    expect(person).toBeDefined();
  });
  afterAll(() => tp.close());

  it('finds a person by name and opens the card, ID number masked', async () => {
    const { page } = tp;
    await page.getByTestId('menu-residents').click();
    await page.getByTestId('resident-search').locator('input').fill(person.name);
    await page.getByTestId('resident-search').locator('input').press('Enter');
    await expect.poll(() => page.locator('[data-testid=resident-table] tr.ant-table-row').count()).toBe(1);
    await page.getByTestId(`resident-${person.id}`).click();
    await page.getByTestId('resident-card').waitFor();
    expect(await page.getByTestId('resident-name').textContent()).toBe(person.name);
    expect(await page.getByTestId('value-idNumber').textContent()).toMatch(/^\d{3}\*{11}[\dX]{4}$/);
  });

  it('finds a person by the last four of the phone, and the number stays out of the address bar', async () => {
    const { page } = tp;
    const { body } = await community<{ items: Row[] }>('GET', '/residents?limit=100');
    const withPhone = body.items.find((r) => r.phone)!;
    const last4 = withPhone.phone!.slice(-4);
    await page.getByTestId('menu-residents').click();
    await page.getByTestId('resident-search').locator('input').fill(last4);
    await page.getByTestId('resident-search').locator('input').press('Enter');
    await page.getByTestId(`resident-${withPhone.id}`).waitFor();
    expect(page.url()).not.toContain(last4);
    await screenshot(page, 'residents-search-last4');
    // Back to the person of this walk-through, by name.
    await page.getByTestId('resident-search').locator('input').fill(person.name);
    await page.getByTestId('resident-search').locator('input').press('Enter');
    await expect.poll(() => page.locator('[data-testid=resident-table] tr.ant-table-row').count()).toBe(1);
    await page.getByTestId(`resident-${person.id}`).click();
    await page.getByTestId('resident-card').waitFor();
  });

  it('finds a person by the last four of the ID number, in the page and not in the address bar', async () => {
    const { page } = tp;
    const { body } = await community<{ items: (Row & { idNumber: string | null })[] }>('GET', '/residents?limit=100');
    // A tail few others share, so the person is on the first page of hits.
    const tails = body.items.filter((r) => r.idNumber).map((r) => ({ r, last4: r.idNumber!.slice(-4) }));
    const { r: target, last4 } = tails.find((x) => tails.filter((y) => y.last4 === x.last4).length === 1)!;
    await page.getByTestId('menu-residents').click();
    await page.getByTestId('resident-search').locator('input').fill(last4);
    await page.getByTestId('resident-search').locator('input').press('Enter');
    await page.getByTestId(`resident-${target.id}`).waitFor();
    expect(page.url()).not.toContain(last4);
    // Every row found carries the tail in its ID number or its phone. (The unfiltered first page
    // may hold the target too, so wait for the search's answer rather than for the row.)
    const rows = () => page.locator('[data-testid=resident-table] tr.ant-table-row').allTextContents();
    await expect.poll(async () => (await rows()).filter((row) => !row.replace(/\s/g, '').includes(last4)).length).toBe(0);
    expect((await rows()).length).toBeGreaterThan(0);
    // Back to the person of this walk-through, by name.
    await page.getByTestId('resident-search').locator('input').fill(person.name);
    await page.getByTestId('resident-search').locator('input').press('Enter');
    await expect.poll(() => page.locator('[data-testid=resident-table] tr.ant-table-row').count()).toBe(1);
    await page.getByTestId(`resident-${person.id}`).click();
    await page.getByTestId('resident-card').waitFor();
  });

  it('shows the full ID number only with a reason, and the look lands in the access trail', async () => {
    const { page } = tp;
    await page.getByTestId('value-idNumber-unmask').click();
    await page.getByRole('dialog').getByRole('button', { name: '查 看' }).click();
    await expect.poll(async () => (await page.getByRole('dialog').textContent()) ?? '').toContain('请填写查看事由');
    await page.getByTestId('unmask-reason').fill('核对高龄补贴申请材料');
    await page.getByRole('dialog').getByRole('button', { name: '查 看' }).click();
    await expect.poll(async () => (await page.getByTestId('value-idNumber').textContent()) ?? '').toMatch(/^\d{17}[\dX]$/);
    await screenshot(page, 'residents-card-unmasked');
    await page.getByRole('tab', { name: '访问记录' }).click();
    await page.getByTestId('trail-table').locator('tr.ant-table-row').first().waitFor();
    expect(await page.getByTestId('trail-table').textContent()).toContain('核对高龄补贴申请材料');
    expect(await page.getByTestId('trail-table').textContent()).toContain('查看完整号码');
  });

  it('tells the user when someone else saved first, and saves after a reload', async () => {
    const { page } = tp;
    await page.getByRole('tab', { name: '基本信息' }).click();
    await page.getByTestId('resident-edit').click();
    await page.getByTestId('field-occupation').fill('社区志愿者');
    // Meanwhile a colleague changes the same record.
    const { body: card } = await community<{ resident: { version: number } }>('GET', `/residents/${person.id}`);
    const other = await community('PATCH', `/residents/${person.id}`, { version: card.resident.version, employer: '兴华街道便民服务站', reason: '同事同时修改' });
    expect(other.status).toBe(200);
    await page.getByTestId('record-save').click();
    const conflict = page.locator('.ant-modal-confirm');
    await conflict.waitFor();
    expect(await conflict.textContent()).toContain('他人已修改该记录');
    await screenshot(page, 'residents-edit-conflict', { fullPage: false });
    await conflict.getByRole('button', { name: '重新加载' }).click();
    await expect.poll(async () => page.getByTestId('field-employer').inputValue()).toBe('兴华街道便民服务站');
    await page.getByTestId('field-occupation').fill('社区志愿者');
    await page.getByTestId('record-save').click();
    await expect.poll(async () => (await page.getByTestId('resident-info').textContent()) ?? '').toContain('社区志愿者');
    expect(await page.getByTestId('resident-info').textContent()).toContain('兴华街道便民服务站');
    // Both saves are in the history.
    await page.getByRole('tab', { name: '变更历史' }).click();
    await page.getByTestId('history-table').locator('tr.ant-table-row').first().waitFor();
    const history = (await page.getByTestId('history-table').textContent()) ?? '';
    expect(history).toContain('同事同时修改');
    expect(history).toContain('职业');
  });

  it('gives the person a label the community keeps', async () => {
    const { page } = tp;
    await page.getByRole('tab', { name: /标签/ }).click();
    await page.getByTestId('label-add').click();
    await page.getByTestId('label-kind').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '空巢老人' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '添 加' }).click();
    await expect.poll(async () => (await page.locator('.qc-page-header').textContent()) ?? '').toContain('空巢老人');
  });
});

describe('registering a resident', () => {
  it('shows a bad ID number on its field and registers the person once it is right', async () => {
    const tp = await newPage(browser, url);
    try {
      const { page } = tp;
      await loginAs(page, 'community');
      await page.goto('/residents/new');
      await page.getByTestId('field-name').fill('测试新居民');
      const good = idNumber({ birth: '1990-04-12', sex: '2' });
      const bad = good.slice(0, 17) + (good[17] === '1' ? '2' : '1');
      await page.getByTestId('field-idNumber').fill(bad);
      await page.getByTestId('field-gridId').click();
      await page.locator('.ant-select-dropdown:visible .ant-select-tree-title', { hasText: '第一网格' }).first().click();
      await page.getByTestId('resident-create').click();
      await expect.poll(async () => (await page.locator('.ant-form-item-has-error').first().textContent()) ?? '').toContain('校验位');
      await screenshot(page, 'residents-new-bad-id', { fullPage: false });
      await page.getByTestId('field-idNumber').fill(good);
      await page.getByTestId('resident-create').click();
      await page.getByTestId('resident-card').waitFor();
      expect(await page.getByTestId('resident-name').textContent()).toBe('测试新居民');
      expect(await page.getByTestId('resident-info').textContent()).toContain('1990-04-12');
      // The same number a second time is one person entered twice: refused, with where.
      await page.goto('/residents/new');
      await page.getByTestId('field-name').fill('测试重复居民');
      await page.getByTestId('field-idNumber').fill(good);
      await page.getByTestId('field-gridId').click();
      await page.locator('.ant-select-dropdown:visible .ant-select-tree-title', { hasText: '第一网格' }).first().click();
      await page.getByTestId('resident-create').click();
      await expect.poll(async () => (await page.getByTestId('resident-create-error').textContent()) ?? '').toContain('已登记');
    } finally {
      await tp.close();
    }
  });
});

describe('a grid worker on the phone', () => {
  it('taps a person on the to-do list, records a visit that confirms the record, and the person leaves the list', async () => {
    const tp = await newPage(browser, url, { size: 'phone' });
    try {
      const { page } = tp;
      await loginAs(page, 'grid');
      await page.getByTestId('stale-list').locator('.qc-todo-item').first().waitFor();
      await page.getByTestId('stale-kind').getByText('居民').click();
      // Wait for the filtered list (the first answer shows every kind). An address that contradicts
      // the house stays listed after a visit (a person has to correct it): take an overdue review.
      const first = page.getByTestId('stale-list').locator('.qc-todo-item:not(:has([data-testid="stale-address-mismatch"]))').first();
      await expect.poll(async () => (await first.getAttribute('data-testid')) ?? '').toMatch(/^stale-resident-\d+$/);
      await expect.poll(() => page.getByTestId('stale-list').locator('.qc-todo-item:not([data-testid^="stale-resident-"])').count()).toBe(0);
      const testId = (await first.getAttribute('data-testid'))!;
      const residentId = Number(testId.replace('stale-resident-', ''));
      await first.click();
      await page.getByTestId('visit-form').waitFor();
      await page.getByTestId('visit-notes').fill('上门走访，身体状况良好，信息无变化');
      // The worker ticks "checked in person" after checking: it is never ticked in advance.
      expect(await page.getByTestId('visit-confirm').isChecked()).toBe(false);
      await page.getByTestId('visit-confirm').click();
      await screenshot(page, 'residents-phone-visit', { fullPage: false });
      await page.getByTestId('visit-submit').click();
      await toastSeen(page, '已记录走访');
      await expect.poll(() => page.getByTestId(testId).count()).toBe(0);
      const grid = await apiAs(url, 'grid');
      const { body } = await grid<{ items: { recordKind: string; recordId: number }[] }>('GET', '/stale?kind=resident&limit=200');
      expect(body.items.some((i) => i.recordId === residentId)).toBe(false);
      const { body: card } = await grid<{ visits: { notes: string }[] }>('GET', `/residents/${residentId}`);
      expect(card.visits[0]!.notes).toBe('上门走访，身体状况良好，信息无变化');
      expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(375);
    } finally {
      await tp.close();
    }
  });
});

describe('a department', () => {
  it('looks a person up within its grant, only with a purpose, and opens the card with it', async () => {
    const street = await apiAs(url, 'street');
    const { body } = await street<{ items: Row[] }>('GET', '/residents?labels=low_income&limit=50');
    const target = body.items[0]!;
    expect(target).toBeDefined();
    const tp = await newPage(browser, url);
    try {
      const { page } = tp;
      await loginAs(page, 'minzheng');
      await page.getByText('姓名', { exact: true }).first().click();
      await page.getByTestId('lookup-value').fill(target.name);
      await page.getByTestId('lookup-submit').click();
      await expect.poll(async () => (await page.locator('.ant-form-item-has-error').textContent()) ?? '').toContain('调阅事由');
      await page.getByTestId('lookup-reason').fill('低保年审入户核查');
      await page.getByTestId('lookup-submit').click();
      const results = page.getByTestId('lookup-results');
      await results.locator('.ant-card').first().waitFor();
      expect(await results.textContent()).toContain(target.name);
      expect(await results.textContent()).toContain('低保对象');
      await screenshot(page, 'residents-department-lookup');
      await results.locator('.ant-card').filter({ hasText: target.name }).first().getByText('查看档案').click();
      await page.getByTestId('resident-card').waitFor();
      expect(await page.locator('.ant-alert').first().textContent()).toContain('低保年审入户核查');
    } finally {
      await tp.close();
    }
    // The community sees who looked, and why.
    const { body: trail } = await street<{ items: { action: string; reason: string | null; department: string | null }[] }>('GET', `/residents/${target.id}/trail`);
    expect(trail.items.some((i) => i.action === 'resident.lookup' && i.reason === '低保年审入户核查')).toBe(true);
  });
});

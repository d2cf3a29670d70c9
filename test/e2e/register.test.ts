// A community register (居民花名册) through the wizard in a real browser: its buildings and houses
// are not registered, so the wizard lists them and asks once; the worker agrees, the buildings,
// houses and residents go in, department labels go to the department as proposals. The same
// file again maps itself and keeps the grid chosen last time. 民政 then confirms a 低保 proposal
// from its queue and the community sees it confirmed.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildRegister, hardProblems, type Register } from '../exchange/register-fixture.js';
import { apiAs, launchBrowser, loginAs, newPage, screenshot, type TestPage } from './support/index.js';

const url = inject('e2eUrl');
let browser: Browser;
let file: string;
let reg: Register;
let gridName: string;

beforeAll(async () => {
  browser = await launchBrowser();
  const community = await apiAs(url, 'community');
  const me = (await community<{ node: { id: number; name: string } }>('GET', '/auth/me')).body;
  const view = (await community<{ children: { name: string; level: string }[] }>('GET', `/tree/nodes/${me.node.id}`)).body;
  gridName = view.children.filter((c) => c.level === 'grid').at(-1)!.name;
  reg = await buildRegister({ rows: 80, seed: 7, communityName: me.node.name, buildingPrefix: '花园', addressCodes: ['140181'] });
  file = join(mkdtempSync(join(tmpdir(), 'qc-e2e-register-')), '居民花名册.xlsx');
  writeFileSync(file, reg.buffer);
});
afterAll(async () => {
  await browser?.close();
});

describe('a register whose buildings are not registered yet', () => {
  let tp: TestPage;
  beforeAll(async () => {
    tp = await newPage(browser, url);
    await loginAs(tp.page, 'community');
  });
  afterAll(() => tp.close());

  it('lists the missing buildings and houses, asks once, creates them and imports the register', async () => {
    const { page } = tp;
    await page.getByTestId('menu-import').click();
    await page.getByTestId('import-page').waitFor();
    await page.locator('.ant-upload input[type=file]').setInputFiles(file);
    await page.getByTestId('mapping-step').waitFor();
    const table = (await page.getByTestId('mapping-table').textContent()) ?? '';
    expect(table).toContain('楼栋名称');
    expect(table).toContain('重点人群（标签）');
    // The community has several grids: the worker chooses where new places go.
    await page.getByTestId('import-default-grid').click();
    await page.locator('.ant-select-dropdown .ant-select-item-option', { hasText: gridName }).click();
    await page.getByTestId('import-start').click();
    const modal = page.getByTestId('places-modal');
    await modal.waitFor();
    const text = (await modal.textContent()) ?? '';
    expect(text).toContain(`${reg.buildings.length} 栋楼、${reg.houses.length} 套房屋`);
    expect(text).toContain(gridName);
    expect(await page.getByTestId('places-table').locator('tr.ant-table-row').count()).toBe(Math.min(8, reg.buildings.length));
    await screenshot(page, 'register-places');
    await page.getByTestId('places-create').click();
    await page.getByTestId('summary-step').waitFor({ timeout: 90_000 });
    const hard = reg.rows.filter((r) => r.planted.some((p) => hardProblems.has(p))).length;
    expect(await page.getByTestId('count-created').textContent()).toContain(String(reg.rows.length - hard));
    expect(await page.getByTestId('places-created').textContent()).toContain(`${reg.buildings.length} 栋楼、${reg.houses.length} 套房屋`);
    const proposed = reg.rows.filter((r) => r.planted.includes('label_department')).length;
    if (proposed) expect(await page.getByTestId('proposals-made').textContent()).toContain(`${proposed} 个由部门维护的标签`);
    await screenshot(page, 'register-summary', { fullPage: true });
    expect(tp.problems.filter((p) => !p.includes('401'))).toEqual([]);
  });

  it('the same file again: mapping and grid remembered, nothing left to create, nothing changes', async () => {
    const { page } = tp;
    await page.goto('/exchange/import');
    await page.locator('.ant-upload input[type=file]').setInputFiles(file);
    await page.getByTestId('mapping-step').waitFor();
    expect(await page.getByTestId('mapping-step').textContent()).toContain('已按上次的对应关系自动填写');
    await page.getByTestId('default-grid-remembered').waitFor();
    expect(await page.getByTestId('import-default-grid').textContent()).toContain(gridName);
    await page.getByTestId('import-start').click();
    await page.getByTestId('summary-step').waitFor({ timeout: 90_000 });
    expect(await page.getByTestId('count-created').textContent()).toContain('0');
    expect(await page.getByTestId('places-modal').count()).toBe(0);
  });
});

describe('民政 decides on a 低保 proposal the register made', () => {
  it('confirms it from its queue; the community sees it confirmed', async () => {
    const low = reg.rows.find((r) => r.planted.length === 1 && r.planted[0] === 'label_department' && r.labels.some((l) => l.startsWith('低保')));
    expect(low, 'the register holds a 低保 row').toBeDefined();
    if (!low) return;
    const tp = await newPage(browser, url);
    try {
      await loginAs(tp.page, 'minzheng');
      await tp.page.getByTestId('menu-proposal-queue').click();
      await tp.page.getByTestId('proposals-page').waitFor();
      const row = tp.page.getByTestId('proposal-table').locator('tr.ant-table-row', { hasText: low.name }).first();
      await row.waitFor();
      await screenshot(tp.page, 'register-department-queue');
      await row.locator('[data-testid^=proposal-confirm-]').click();
      await tp.page.getByTestId('proposal-decide-ok').click();
      await tp.page.locator('.ant-message', { hasText: '已确认，标签已写入' }).waitFor();
    } finally {
      await tp.close();
    }
    const c = await newPage(browser, url);
    try {
      await loginAs(c.page, 'community');
      await c.page.getByTestId('menu-label-proposals').click();
      await c.page.getByTestId('proposal-status').getByText('已确认').click();
      await c.page.getByTestId('proposal-table').locator('tr.ant-table-row', { hasText: low.name }).first().waitFor();
      await c.page.getByTestId('proposal-table').locator('.ant-spin-spinning').waitFor({ state: 'detached' });
      await screenshot(c.page, 'register-community-proposals');
    } finally {
      await c.close();
    }
  });
});

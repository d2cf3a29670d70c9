// Spreadsheet exchange in a real browser: a community worker uploads a register with a title row
// and a few bad rows, checks the proposed columns, imports, reads the refused rows and fetches the
// Excel error report; the same file again maps itself from the remembered template and changes
// nothing; a list goes out as xlsx from the export page; the history works on a phone.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { idNumber, mobile } from '../support/people.js';
import { apiAs, launchBrowser, loginAs, newPage, screenshot, type TestPage } from './support/index.js';

const url = inject('e2eUrl');
let browser: Browser;
let file: string;
const dir = mkdtempSync(join(tmpdir(), 'qc-e2e-exchange-'));

beforeAll(async () => {
  browser = await launchBrowser();
  const community = await apiAs(url, 'community');
  const me = (await community<{ node: { id: number; name: string } }>('GET', '/auth/me')).body;
  const view = (await community<{ children: { name: string; level: string }[] }>('GET', `/tree/nodes/${me.node.id}`)).body;
  const grid = view.children.find((c) => c.level === 'grid')!.name;
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('居民');
  ws.addRow([`${me.node.name}居民信息登记表`]);
  ws.mergeCells('A1:F1');
  ws.addRow(['序号', '姓名', '公民身份号码', '联系电话', '所属网格', '重点人群']);
  for (let i = 0; i < 6; i++) ws.addRow([i + 1, `导入测试${'甲乙丙丁戊己'[i]}`, idNumber({ birth: `1933-0${i + 1}-11` }), mobile(), grid, i === 0 ? '独居老人' : '']);
  ws.addRow([7, '错号测试', '14010919330111001', mobile(), grid, '']);
  ws.addRow([8, '外网测试', idNumber({ birth: '1933-08-08' }), mobile(), '不存在的网格', '']);
  file = join(dir, '居民登记表.xlsx');
  writeFileSync(file, Buffer.from(await wb.xlsx.writeBuffer()));
});
afterAll(async () => {
  await browser?.close();
});

describe('importing a register through the wizard', () => {
  let tp: TestPage;
  beforeAll(async () => {
    tp = await newPage(browser, url);
    await loginAs(tp.page, 'community');
  });
  afterAll(() => tp.close());

  it('uploads, proposes the mapping from the Chinese headers, imports the good rows and lists the bad ones', async () => {
    const { page } = tp;
    await page.getByTestId('menu-import').click();
    await page.getByTestId('import-page').waitFor();
    await page.locator('.ant-upload input[type=file]').setInputFiles(file);
    await page.getByTestId('mapping-step').waitFor();
    expect(await page.getByTestId('map-2').textContent()).toContain('证件号码');
    expect(await page.getByTestId('map-4').textContent()).toContain('所属网格');
    await screenshot(page, 'exchange-mapping');
    await page.getByTestId('import-start').click();
    await page.getByTestId('summary-step').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('import-outcome').textContent()).toBe('导入完成，2 行未导入');
    expect(await page.getByTestId('count-created').textContent()).toContain('6');
    await page.getByTestId('issue-table').locator('tr.ant-table-row').nth(1).waitFor();
    const text = (await page.getByTestId('issue-table').textContent()) ?? '';
    expect(text).toContain('身份证号应为 18 位');
    expect(text).toContain('不存在的网格');
    await screenshot(page, 'exchange-summary');
    const href = await page.getByTestId('import-report').getAttribute('href');
    const res = await page.request.get(href!);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toContain('spreadsheetml');
    expect(tp.problems.filter((p) => !p.includes('401'))).toEqual([]);
  });

  it('maps the same layout from the remembered template and changes nothing the second time', async () => {
    const { page } = tp;
    await page.goto('/exchange/import');
    await page.locator('.ant-upload input[type=file]').setInputFiles(file);
    await page.getByTestId('mapping-step').waitFor();
    expect(await page.getByTestId('mapping-step').textContent()).toContain('已按上次的对应关系自动填写');
    await page.getByTestId('import-start').click();
    await page.getByTestId('summary-step').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('count-created').textContent()).toContain('0');
    expect(await page.getByTestId('count-unchanged').textContent()).toContain('6');
  });

  it('exports the filtered list as xlsx, ID numbers masked', async () => {
    const { page } = tp;
    await page.getByTestId('menu-export').click();
    await page.getByTestId('export-page').waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-resident').click()]);
    const path = join(dir, 'export.xlsx');
    await download.saveAs(path);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(path) as never);
    const ws = wb.worksheets[0]!;
    const header = (ws.getRow(1).values as string[]).slice(1);
    const idCol = header.indexOf('证件号码') + 1;
    expect(idCol).toBeGreaterThan(0);
    expect(String(ws.getRow(2).getCell(idCol).value)).toMatch(/^\d{3}\*+[\dX]{4}$/);
    expect(ws.rowCount).toBeGreaterThan(6);
  });
});

describe('on a phone', () => {
  it('lists past imports and opens one', async () => {
    const tp = await newPage(browser, url, { size: 'phone' });
    try {
      await loginAs(tp.page, 'community');
      await tp.page.goto('/exchange/imports');
      await tp.page.getByTestId('import-history').locator('tr.ant-table-row').first().click();
      await tp.page.getByTestId('summary-step').waitFor();
      await screenshot(tp.page, 'exchange-phone-summary');
    } finally {
      await tp.close();
    }
  });
});

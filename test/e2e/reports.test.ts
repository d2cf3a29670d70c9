// One-click reports in a real browser. A community worker goes from the home page to a submitted
// monthly report in three clicks without typing a figure, downloads the Excel, and its figures
// are checked against the database itself (computed there independently, with SQL of this test's
// own). A department then reads the same submission without asking again. A department files a
// template (as JSON, the power users' way), sees how much base data answers and what it
// overlaps; the reviewer sees the same and approves it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { launchBrowser, loginAs, newPage, screenshot, startServer, type E2eServer, type TestPage } from './support/index.js';

// This file starts its own server (ports from the range set aside for reports) so that, once it
// stops, the test can open the embedded database and check the Excel against it.
const PORT = Number(process.env.QC_E2E_REPORTS_PORT ?? 4210);
const dataDir = mkdtempSync(join(tmpdir(), 'qc-e2e-reports-'));
let server: E2eServer;
let browser: Browser;
let excel: { headings: string[]; rows: Map<string, (string | number | null)[]>; period: string; refDate: string; unit: string } | null = null;

beforeAll(async () => {
  server = await startServer({ port: PORT, env: { QC_DATA_DIR: dataDir, MQTT_PORT: String(PORT + 1) } });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a community worker reports in three clicks', () => {
  let tp: TestPage;
  beforeAll(async () => {
    tp = await newPage(browser, server.url);
    await loginAs(tp.page, 'community');
  });
  afterAll(() => tp.close());

  it('goes from the home page to a submitted monthly report without typing a figure, and downloads the Excel', async () => {
    const { page } = tp;
    let clicks = 0;
    const click = async (l: Locator) => {
      clicks += 1;
      await l.click();
    };
    // The home page (dashboard) shows what is due.
    await page.getByTestId('stat-reports.due-pending').waitFor();
    await screenshot(page, 'reports-1-home');
    await click(page.getByTestId('stat-reports.due-pending'));
    await click(page.getByTestId('generate-pop_monthly'));
    await page.getByTestId('report-table').waitFor();
    await page.getByTestId('submit-report').waitFor();
    await screenshot(page, 'reports-2-preview');
    await click(page.getByTestId('submit-report'));
    await page.getByTestId('submit-success').waitFor();
    expect(clicks).toBe(3);
    await screenshot(page, 'reports-3-submitted');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-xlsx').click()]);
    const file = join(dataDir, 'report.xlsx');
    await download.saveAs(file);
    expect(download.suggestedFilename()).toMatch(/社区人口及重点人群月报表.*\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const ws = wb.worksheets[0]!;
    const headings: string[] = [];
    ws.getRow(5).eachCell({ includeEmpty: true }, (c, i) => (headings[i - 1] = c.text));
    ws.getRow(4).eachCell({ includeEmpty: true }, (c, i) => {
      if (!headings[i - 1]) headings[i - 1] = c.text;
    });
    const rows = new Map<string, (string | number | null)[]>();
    ws.eachRow((row, n) => {
      if (n <= 5) return;
      const name = row.getCell(1).text;
      if (!name || name.startsWith('情况说明') || name.startsWith('填表说明')) return;
      const values: (string | number | null)[] = [];
      for (let c = 1; c <= headings.length; c++) {
        const v = row.getCell(c).value;
        values.push(typeof v === 'number' ? v : v === null ? null : String(v));
      }
      rows.set(name, values);
    });
    const a3 = ws.getCell('A3').text;
    excel = { headings, rows, period: a3, refDate: /数据截至 (\d{4}-\d{2}-\d{2})/.exec(a3)![1]!, unit: ws.getCell('A2').text };
    expect(excel.unit).toContain('滨体社区');
    expect(rows.get('合计')).toBeDefined();
    expect(tp.problems.filter((p) => !p.includes('401'))).toEqual([]);
  });
});

describe('a department reads the same submission', () => {
  it('finds the community’s report among the submissions, without asking for it', async () => {
    const tp = await newPage(browser, server.url);
    try {
      const { page } = tp;
      await loginAs(page, 'minzheng');
      await page.getByTestId('menu-report-submissions').click();
      const row = page.locator('[data-testid=submissions-table] tbody tr', { hasText: '滨体社区' }).filter({ hasText: '社区人口及重点人群月报表' });
      await row.first().waitFor();
      await row.first().click();
      await page.getByTestId('report-table').waitFor();
      expect((await page.getByTestId('cell-*-total').textContent())!.replace(/,/g, '')).toBe(String(excel!.rows.get('合计')![excel!.headings.indexOf('实有人口（人）')]));
      await screenshot(page, 'reports-4-department');
    } finally {
      await tp.close();
    }
  });
});

describe('filing and review in the browser', () => {
  it('files a template, shows its coverage and overlaps, and the reviewer approves it', async () => {
    const dept = await newPage(browser, server.url);
    const template = {
      title: '低保家庭走访表', legalBasis: '《社会救助暂行办法》', purpose: '核对低保家庭并记录走访', cadence: 'monthly', deadlineDays: 7, submitLevel: 'community', handMinutesBefore: 60, entitledDepartments: [],
      definition: {
        sources: [{ key: 'l', source: 'label', filters: [{ field: 'labelCode', op: 'eq', value: 'low_income' }] }],
        rows: [{ by: 'tree', level: 'grid' }],
        columns: [
          { key: 'persons', title: '低保人数', unit: '人', measure: { kind: 'countDistinct', field: 'residentId', where: [{ field: 'activeAtEnd', op: 'isTrue' }] } },
          { key: 'households', title: '低保户数', unit: '户', measure: { kind: 'countDistinct', field: 'householdId', where: [{ field: 'activeAtEnd', op: 'isTrue' }] } },
        ],
        manualFields: [{ key: 'visited', title: '本月走访户数', type: 'integer', scope: 'report', required: true, min: 0 }],
        totals: true,
      },
    };
    try {
      const page: Page = dept.page;
      await loginAs(page, 'minzheng');
      await page.getByTestId('menu-report-templates').click();
      await page.getByTestId('new-template').click();
      await page.getByRole('tab', { name: 'JSON' }).click();
      await page.getByTestId('tpl-json').fill(JSON.stringify(template, null, 2));
      await page.getByTestId('check-template').click();
      await page.getByTestId('check-panel').waitFor();
      expect(await page.getByTestId('coverage').textContent()).toContain('共 3 项，其中 2 项由基础数据自动生成，1 项需手工填写');
      expect(await page.getByTestId('overlaps').textContent()).toContain('低保及特困人员月报表');
      await screenshot(page, 'reports-5-check');
      await page.getByTestId('save-template').click();
      await page.getByTestId('file-template').click();
      await page.getByText('已提交备案，等待审核').waitFor();
    } finally {
      await dept.close();
    }
    const rv = await newPage(browser, server.url);
    try {
      const page = rv.page;
      await loginAs(page, 'reviewer');
      await page.getByTestId('menu-report-review').click();
      await page.locator('[data-testid=templates-table] tbody tr', { hasText: '低保家庭走访表' }).click();
      await page.getByTestId('review-panel').waitFor();
      expect(await page.getByTestId('review-panel').textContent()).toContain('与已批准的《低保及特困人员月报表》');
      await screenshot(page, 'reports-6-review');
      await page.getByTestId('approve').click();
      await page.getByText('已批准并下发').waitFor();
    } finally {
      await rv.close();
    }
  });
});

describe('the Excel against the database', () => {
  it('holds, grid by grid, the figures the database gives when asked directly', async () => {
    expect(excel).not.toBeNull();
    await server.stop();
    const db = await openDatabase({ dataDir: join(dataDir, 'pglite') });
    try {
      const ref = excel!.refDate;
      const q = async (text: string) => ((await db.pglite!.query(text, [ref])).rows as Record<string, unknown>[]);
      // Straight from the tables, with age() rather than the report's birth-date cut-offs.
      const byGrid = await q(`
        SELECT g.name AS grid, count(r.id)::int AS total, count(r.id) FILTER (WHERE r.sex = '1')::int AS male, count(r.id) FILTER (WHERE r.sex = '2')::int AS female,
               count(r.id) FILTER (WHERE extract(year FROM age($1::date, r.birth_date)) >= 60)::int AS age60,
               count(r.id) FILTER (WHERE EXISTS (SELECT 1 FROM resident_label l WHERE l.resident_id = r.id AND l.label_code = 'elderly_alone' AND l.since <= $1::date AND (l.until IS NULL OR l.until >= $1::date)))::int AS alone,
               (SELECT count(*)::int FROM household h WHERE h.grid_id = g.id AND h.status = 'active') AS households
        FROM tree_node g JOIN tree_node c ON c.id = g.parent_id
        LEFT JOIN resident r ON r.grid_id = g.id AND r.status = 'active'
        WHERE c.name = '滨体社区' AND g.level = 'grid' AND g.valid_to IS NULL
        GROUP BY g.id, g.name`);
      expect(byGrid.length).toBeGreaterThan(0);
      const col = (title: string) => excel!.headings.indexOf(title);
      for (const g of byGrid) {
        const row = excel!.rows.get(String(g.grid))!;
        expect(row, String(g.grid)).toBeDefined();
        expect(row[col('户数（户）')]).toBe(g.households);
        expect(row[col('实有人口（人）')]).toBe(g.total);
        expect(row[col('男（人）')]).toBe(g.male);
        expect(row[col('女（人）')]).toBe(g.female);
        expect(row[col('60岁及以上（人）')]).toBe(g.age60);
        expect(row[col('独居老人（人）')]).toBe(g.alone);
      }
      const total = excel!.rows.get('合计')!;
      expect(total[col('实有人口（人）')]).toBe(byGrid.reduce((s, g) => s + Number(g.total), 0));
    } finally {
      await db.close();
    }
  });
});

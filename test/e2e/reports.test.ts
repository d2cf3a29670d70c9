// One-click reports in a real browser. A community worker goes from the home page to a submitted
// monthly report in four clicks (the last confirms what is sent) without typing a figure, downloads the Excel, and its figures
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
import { apiAs, launchBrowser, loginAs, newPage, screenshot, startServer, type E2eServer, type TestPage } from './support/index.js';

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

describe('the report page', () => {
  /** Where the table's frame, its card and the page end, and how wide the table is inside its frame. */
  const measure = (page: Page) =>
    page.evaluate(`(() => {
      const card = document.querySelector('[data-testid=report-card]').getBoundingClientRect();
      const frame = document.querySelector('[data-testid=report-frame]').getBoundingClientRect();
      const body = document.querySelector('[data-testid=report-frame] .ant-table-body');
      const header = document.querySelector('[data-testid=report-frame] .ant-table-header');
      const firstCell = document.querySelector('[data-testid=report-frame] .ant-table-body tbody tr.ant-table-row td');
      return { cardRight: card.right, frameRight: frame.right, viewport: innerWidth, page: document.documentElement.scrollWidth,
        inner: body ? body.scrollWidth : 0, shown: body ? body.clientWidth : 0, fixedHeader: !!header, fixedFirst: !!firstCell && /ant-table-cell-fix-(start|left)/.test(firstCell.className) };
    })()`) as Promise<{ cardRight: number; frameRight: number; viewport: number; page: number; inner: number; shown: number; fixedHeader: boolean; fixedFirst: boolean }>;

  for (const lang of ['zh', 'en'] as const) {
    it(`keeps the 22-column preview inside its card, scrolling sideways in the table (${lang})`, async () => {
      const tp = await newPage(browser, server.url, { locale: lang === 'en' ? 'en-US' : 'zh-CN' });
      try {
        await tp.context.addInitScript(`localStorage.setItem('qc_lang', '${lang}')`);
        await loginAs(tp.page, 'community');
        await tp.page.goto('/reports');
        await tp.page.getByTestId('generate-pop_monthly').click();
        await tp.page.getByTestId('report-table').waitFor();
        await tp.page.waitForTimeout(300);
        const m = await measure(tp.page);
        expect(m.inner, 'the table is wider than its frame, so it scrolls inside').toBeGreaterThan(m.shown);
        expect(m.frameRight).toBeLessThanOrEqual(m.cardRight + 0.5);
        expect(m.cardRight).toBeLessThanOrEqual(m.viewport);
        expect(m.page, 'the page itself never scrolls sideways').toBeLessThanOrEqual(m.viewport);
        expect(m.fixedHeader && m.fixedFirst).toBe(true);
        // The filing number where official tables print 表号; no internal code on screen.
        expect(await tp.page.getByTestId('filing-number').textContent()).toMatch(lang === 'en' ? /^Filing No\. \d{4}\/\d+$/ : /^减负备〔\d{4}〕\d+号$/);
        expect(await tp.page.locator('body').textContent()).not.toContain('pop_monthly');
        await screenshot(tp.page, `reports-0-preview-${lang}`);
      } finally {
        await tp.close();
      }
    });
  }

  it('asks for the hand-entered items above the table, and shows what is sent before sending it', async () => {
    const tp = await newPage(browser, server.url);
    try {
      const { page } = tp;
      await loginAs(page, 'community');
      await page.goto('/reports');
      await page.getByTestId('generate-grid_worker_assessment').click();
      await page.getByTestId('report-table').waitFor();
      const card = (await page.getByTestId('manual-card').boundingBox())!;
      const table = (await page.getByTestId('report-card').boundingBox())!;
      expect(card.y + card.height).toBeLessThanOrEqual(table.y);
      // One input per grid, each on screen without scrolling sideways.
      const inputs = page.locator('[data-testid^=manual-row-][data-testid$=-otherWork]');
      const n = await inputs.count();
      expect(n).toBeGreaterThanOrEqual(2);
      for (let i = 0; i < n; i++) {
        const box = (await inputs.nth(i).boundingBox())!;
        expect(box.x + box.width).toBeLessThanOrEqual(1366);
      }
      await inputs.first().fill('组织楼栋长会议一次');
      await page.getByTestId('submit-report').click();
      const body = page.getByTestId('confirm-body');
      await body.waitFor();
      expect(await body.textContent()).toContain('由基础数据自动生成（11 项）');
      const typed = page.locator('[data-testid=confirm-typed] li');
      expect(await typed.count()).toBe(n);
      expect(await typed.first().textContent()).toContain('组织楼栋长会议一次');
      expect(await typed.nth(1).textContent()).toContain('未填写');
      await screenshot(page, 'reports-0-confirm', { fullPage: false });
      await page.getByTestId('confirm-submit-ok').click();
      await page.getByTestId('submit-success').waitFor();
    } finally {
      await tp.close();
    }
  });
});

describe('a community worker reports in four clicks', () => {
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
    // One step to check what is sent: the computed items and the (optional, empty) typed one.
    await page.getByTestId('confirm-body').waitFor();
    expect(await page.getByTestId('confirm-body').textContent()).toContain('由基础数据自动生成（21 项）');
    expect(await page.getByTestId('confirm-remarks').textContent()).toContain('未填写');
    await click(page.getByTestId('confirm-submit-ok'));
    await page.getByTestId('submit-success').waitFor();
    expect(clicks).toBe(4);
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
    // 表号 is the filing number approval gave, never the internal code.
    const texts: string[] = [];
    ws.eachRow((row) => row.eachCell((c) => texts.push(c.text)));
    expect(texts.find((x) => x.startsWith('备案号：'))).toMatch(/^备案号：减负备〔\d{4}〕\d+号$/);
    expect(texts.join('\n')).not.toMatch(/pop_monthly|表\s*号/);
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

  it('does not send the approved report while its required item is empty', async () => {
    const tp = await newPage(browser, server.url);
    try {
      const { page } = tp;
      await loginAs(page, 'community');
      const due = ((await (await apiAs(server.url, 'community'))<{ items: { id: number; title: string }[] }>('GET', '/reports/due?limit=50')).body.items).find((d) => d.title === '低保家庭走访表')!;
      await page.goto(`/reports/due/${due.id}`);
      await page.getByTestId('report-table').waitFor();
      expect(await page.getByTestId('manual-card').textContent()).toContain('必填');
      await page.getByTestId('submit-report').click();
      await page.getByTestId('confirm-missing').waitFor();
      expect(await page.getByTestId('confirm-submit-ok').isDisabled()).toBe(true);
      await page.getByRole('button', { name: '返回修改' }).click();
      await page.getByTestId('manual-report-visited').fill('4');
      await page.getByTestId('submit-report').click();
      expect(await page.getByTestId('confirm-visited').textContent()).toContain('4');
      await page.getByTestId('confirm-submit-ok').click();
      await page.getByTestId('submit-success').waitFor();
    } finally {
      await tp.close();
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

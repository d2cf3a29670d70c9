import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { runExportCommand, runImportCommand } from '../../src/cli/exchange.js';
import { loginAs, makeSubtree, testApp, type Subtree, type TestApp } from '../support/app.js';
import { idNumber, mobile } from '../support/people.js';
import { importFile, readXlsx, simpleXlsx } from './helpers.js';

let t: TestApp;
let a: Subtree;
let worker: string;
const people = [
  { name: '独居甲', id: idNumber({ birth: '1940-01-01' }), phone: mobile(), labels: '独居老人' },
  { name: '独居乙', id: idNumber({ birth: '1942-02-02', sex: '2' }), phone: mobile(), labels: '独居老人、高龄老人' },
  { name: '普通丙', id: idNumber({ birth: '1990-03-03' }), phone: mobile(), labels: '' },
];

beforeAll(async () => {
  t = await testApp();
  a = await makeSubtree(t);
  worker = (await loginAs(t, { role: 'community_worker', node: a.community })).token;
  const sheet = await simpleXlsx([['姓名', '身份证号', '手机号', '重点人群', '户号'], ...people.map((p, i) => [p.name, p.id, p.phone, p.labels, `E${i}`])]);
  const r = await importFile(t, worker, 'seed.xlsx', sheet, { query: { defaultGridId: a.grid.id } });
  expect(r.view.counts.created).toBe(3);
});
afterAll(() => t.close());

describe('exporting residents', () => {
  it('exports the filtered list with ID numbers and phones masked, and logs every page as an export', async () => {
    const r = await t.call('GET', '/api/exports/residents?labels=elderly_alone', { token: worker });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toContain('spreadsheetml');
    expect(decodeURIComponent(String(r.headers['content-disposition']).split("UTF-8''")[1]!)).toMatch(/^居民名单-测试社区\d+-\d{8}\.xlsx$/);
    const rows = await readXlsx(r.rawPayload);
    const header = rows[0]!;
    for (const h of ['记录编号', '姓名', '证件号码', '联系电话', '户号', '重点人群', '所属网格', '状态']) expect(header).toContain(h);
    const body = rows.slice(1);
    expect(body.map((x) => x[header.indexOf('姓名')]).sort()).toEqual(['独居乙', '独居甲']);
    const yi = body.find((x) => x[header.indexOf('姓名')] === '独居乙')!;
    expect(yi[header.indexOf('证件号码')]).toBe(`${people[1]!.id.slice(0, 3)}***********${people[1]!.id.slice(-4)}`);
    expect(yi[header.indexOf('联系电话')]).toBe(`${people[1]!.phone.slice(0, 3)}****${people[1]!.phone.slice(-4)}`);
    expect(yi[header.indexOf('重点人群')]).toBe('独居老人、高龄老人（80岁以上）');
    expect(yi[header.indexOf('户号')]).toBe('E1');
    expect(yi[header.indexOf('性别')]).toBe('女');
    const raw = r.rawPayload.toString('latin1');
    for (const p of people) expect(raw).not.toContain(p.id);
    const audit = await queryRows<{ category: string; detail: { ids: number[] } }>(t.database.db, sql`SELECT category, detail FROM audit_log WHERE action = 'resident.export' ORDER BY id DESC LIMIT 1`);
    expect(audit[0]!.category).toBe('export');
    expect(audit[0]!.detail.ids).toHaveLength(2);
  });

  it('speaks English when asked', async () => {
    const r = await t.call('GET', '/api/exports/residents?lang=en', { token: worker });
    expect((await readXlsx(r.rawPayload))[0]!.slice(0, 3)).toEqual(['Record no.', 'name', 'document type']);
  });

  it('refuses a department (no copies kept outside the register) and a bad filter with a clean error', async () => {
    const dept = (await loginAs(t, { role: 'department_staff', node: a.community })).token;
    expect((await t.call('GET', '/api/exports/residents', { token: dept })).statusCode).toBe(403);
    const bad = await t.call('GET', '/api/exports/residents?nodeId=999999', { token: worker });
    expect(bad.statusCode).toBe(404);
    expect(bad.headers['content-type']).toContain('application/json');
  });

  it('round-trips: an exported sheet, edited, imports back onto the same records; masked numbers change nothing', async () => {
    const r = await t.call('GET', '/api/exports/residents', { token: worker });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.rawPayload as never);
    const ws = wb.worksheets[0]!;
    const header = (ws.getRow(1).values as string[]).slice(1);
    const nameCol = header.indexOf('姓名') + 1;
    const phoneCol = header.indexOf('联系电话') + 1;
    const occCol = header.indexOf('职业') + 1;
    let edited = 0;
    ws.eachRow((row, n) => {
      if (n > 1 && row.getCell(nameCol).value === '普通丙') {
        row.getCell(phoneCol).value = '13700001111';
        row.getCell(occCol).value = '快递员';
        edited += 1;
      }
    });
    expect(edited).toBe(1);
    const back = await importFile(t, worker, '导出回导.xlsx', Buffer.from(await wb.xlsx.writeBuffer()), { query: { defaultGridId: a.grid.id } });
    expect(back.upload.mapping.find((m: { header: string }) => m.header === '记录编号').target).toBe('@id');
    expect(back.view.counts).toMatchObject({ created: 0, updated: 1, unchanged: 2, failed: 0 });
    const list = (await t.call('GET', `/api/residents?q=${encodeURIComponent('普通丙')}`, { token: worker })).json().items;
    expect(list[0]).toMatchObject({ occupation: '快递员', phone: '137****1111' });
    const unmasked = await t.call('POST', `/api/residents/${list[0].id}/unmask`, { token: worker, body: { field: 'idNumber', reason: '核对导入结果' } });
    expect(unmasked.json().value).toBe(people[2]!.id);
  });
});

describe('other lists and blank sheets', () => {
  it('exports households with their numbers', async () => {
    const r = await t.call('GET', '/api/exports/records/household', { token: worker });
    expect(r.statusCode).toBe(200);
    const rows = await readXlsx(r.rawPayload);
    expect(rows[0]).toContain('户号');
    expect(rows.slice(1).map((x) => x[rows[0]!.indexOf('户号')]).sort()).toEqual(['E0', 'E1', 'E2']);
  });

  it('hands out a blank sheet whose example row imports as it stands', async () => {
    const r = await t.call('GET', '/api/imports/blank-sheet?kind=resident', { token: worker });
    expect(r.statusCode).toBe(200);
    const rows = await readXlsx(r.rawPayload);
    expect(rows[0]).toContain('*姓名');
    expect((await readXlsx(r.rawPayload, '填写说明')).some((x) => x[0] === '重点人群')).toBe(true);
    const imp = await importFile(t, worker, '模板.xlsx', r.rawPayload, { query: { defaultGridId: a.grid.id } });
    expect(imp.view.counts).toMatchObject({ created: 1, failed: 0 });
  });
});

describe('the command line', () => {
  it('imports a file with a progress bar and writes the error report beside it; exports a list', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qc-cli-'));
    const file = join(dir, '居民.xlsx');
    writeFileSync(file, await simpleXlsx([['姓名', '身份证号', '所属网格'], ['命令行甲', idNumber(), a.grid.name], ['命令行乙', '123', a.grid.name]]));
    const log: string[] = [];
    const updates: number[] = [];
    const io = { log: (m: string) => log.push(m), progress: () => ({ update: (d: number) => updates.push(d), stop: () => undefined }) };
    const code = await runImportCommand(t.built, [file, '--kind', 'resident', '--community', a.community.code], io);
    expect(code).toBe(3);
    expect(log.join('\n')).toMatch(/1 created.*1 refused/);
    expect(updates.at(-1)).toBe(2);
    const report = join(dir, '居民-错误报告.xlsx');
    expect(existsSync(report)).toBe(true);
    expect((await readXlsx(readFileSync(report)))[1]![2]).toContain('身份证号应为 18 位');
    const out = join(dir, 'out.xlsx');
    expect(await runExportCommand(t.built, ['--node', a.community.code, '--out', out], io)).toBe(0);
    expect((await readXlsx(readFileSync(out))).length).toBeGreaterThan(3);
  });
});

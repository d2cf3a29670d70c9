// A department's own Excel form (表样): uploaded, mapped cell by cell (and a block of per-grid
// rows), and the submission comes out on it.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '../../src/platform/context.js';
import { loginAs, makeGrid, makeSubtree, testApp, type Subtree, type TestApp } from '../support/app.js';
import { seedPeople } from './seed.js';

let t: TestApp;
let a: Subtree;
let minzheng: string;
let reviewer: string;
let worker: string;

beforeAll(async () => {
  t = await testApp();
  a = await makeSubtree(t);
  await makeGrid(t, a.community, '第二网格');
  const civil = await t.built.modules.tree.service.createDepartment({ code: 'civil_affairs', name: '太原市民政局', shortName: '民政', nodeId: a.city.id }, systemContext('test'));
  await t.built.modules.registry.service.grants.create(systemContext('test'), {
    departmentId: civil.id, recordKind: 'resident', nodeId: a.city.id, labels: ['low_income'], readFields: ['name', 'householdId', 'label:low_income'], purpose: '低保管理',
  });
  minzheng = (await loginAs(t, { role: 'department_staff', node: a.city, departmentId: civil.id })).token;
  reviewer = (await loginAs(t, { role: 'reviewer', node: a.city })).token;
  worker = (await loginAs(t, { role: 'community_worker', node: a.community })).token;
  await seedPeople(t, [
    { grid: a.grid, sex: '1', birth: '1960-01-01', household: 1, labels: [{ code: 'low_income', attributes: { monthlyAmount: 800 } }] },
    { grid: a.grid, sex: '2', birth: '1962-01-01', household: 1, labels: [{ code: 'low_income', attributes: { monthlyAmount: 800 } }] },
    { grid: a.grid, sex: '2', birth: '1970-01-01', household: 2, labels: [{ code: 'low_income', attributes: { monthlyAmount: 760 } }] },
  ]);
});
afterAll(() => t.close());

/** The kind of form a 民政 office keeps: a heading, the unit and period, a row per grid, a total. */
async function officialForm(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('低保月报');
  ws.mergeCells('A1:D1');
  ws.getCell('A1').value = '城乡低保对象情况月报表（民政统计表 民低1表）';
  ws.getCell('A2').value = '填报单位：';
  ws.getCell('C2').value = '报告期：';
  ws.getCell('A3').value = '网格';
  ws.getCell('B3').value = '低保户（户）';
  ws.getCell('C3').value = '低保人数（人）';
  ws.getCell('D3').value = '保障金（元）';
  ws.getCell('A4').border = { bottom: { style: 'thin' } };
  ws.getCell('A8').value = '合计';
  ws.getCell('A10').value = '填报人：';
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function multipart(name: string, content: Buffer) {
  const boundary = '----qcform';
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n`);
  return { payload: Buffer.concat([head, content, Buffer.from(`\r\n--${boundary}--\r\n`)]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describe('official forms', () => {
  it('fills the department’s uploaded form with the submission’s figures', async () => {
    const tpl = (await t.call('POST', '/api/reports/templates', {
      token: minzheng,
      body: {
        title: '城乡低保对象情况月报表', code: 'mz_db1', legalBasis: '民政统计调查制度', purpose: '低保月报', cadence: 'monthly', deadlineDays: 5, submitLevel: 'community', handMinutesBefore: 90,
        definition: {
          sources: [{ key: 'l', source: 'label', filters: [{ field: 'labelCode', op: 'eq', value: 'low_income' }] }], rows: [{ by: 'tree', level: 'grid' }],
          columns: [
            { key: 'hh', title: '低保户', unit: '户', measure: { kind: 'countDistinct', field: 'householdId', where: [{ field: 'activeAtEnd', op: 'isTrue' }] } },
            { key: 'persons', title: '低保人数', unit: '人', measure: { kind: 'countDistinct', field: 'residentId', where: [{ field: 'activeAtEnd', op: 'isTrue' }] } },
            { key: 'amount', title: '保障金', unit: '元', measure: { kind: 'sum', field: 'attr.monthlyAmount', where: [{ field: 'activeAtEnd', op: 'isTrue' }] } },
          ],
          manualFields: [], totals: true,
        },
      },
    })).json();
    const notXlsx = await t.built.app.inject({ method: 'POST', url: `/api/reports/templates/${tpl.id}/form`, headers: { authorization: `Bearer ${minzheng}`, ...multipart('form.xlsx', Buffer.from('not a workbook')).headers }, payload: multipart('form.xlsx', Buffer.from('not a workbook')).payload });
    expect(notXlsx.statusCode).toBe(400);
    expect(notXlsx.json().error.code).toBe('REPORT_FORM_INVALID');
    const up = multipart('民低1表.xlsx', await officialForm());
    const r = await t.built.app.inject({ method: 'POST', url: `/api/reports/templates/${tpl.id}/form`, headers: { authorization: `Bearer ${minzheng}`, ...up.headers }, payload: up.payload });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().cells.map((c: { address: string }) => c.address)).toContain('C3');
    const badMap = await t.call('PUT', `/api/reports/templates/${tpl.id}/form/mapping`, { token: minzheng, body: { cells: { B8: { kind: 'value', row: '*', column: 'nothing' } } } });
    expect(badMap.json().error.code).toBe('REPORT_FORM_INVALID');
    const map = await t.call('PUT', `/api/reports/templates/${tpl.id}/form/mapping`, {
      token: minzheng,
      body: {
        cells: { B2: { kind: 'unit' }, D2: { kind: 'period' }, B8: { kind: 'value', row: '*', column: 'hh' }, C8: { kind: 'value', row: '*', column: 'persons' }, D8: { kind: 'value', row: '*', column: 'amount' }, B10: { kind: 'submittedBy' } },
        rows: { startRow: 4, headingColumn: 'A', columns: { B: 'hh', C: 'persons', D: 'amount' }, includeTotal: false },
      },
    });
    expect(map.statusCode, map.body).toBe(200);
    await t.call('POST', `/api/reports/templates/${tpl.id}/submit`, { token: minzheng });
    await t.call('POST', `/api/reports/templates/${tpl.id}/review`, { token: reviewer, body: { decision: 'approve' } });
    const due = (await t.call('GET', '/api/reports/due?templateCode=mz_db1', { token: worker })).json().items[0];
    const sub = (await t.call('POST', `/api/reports/due/${due.id}/submit`, { token: worker, body: {} })).json().submission;
    const file = await t.call('GET', `/api/reports/submissions/${sub.id}/export?format=xlsx`, { token: worker });
    expect(file.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.getCell('A1').text).toBe('城乡低保对象情况月报表（民政统计表 民低1表）');
    expect(ws.getCell('B2').text).toContain(a.community.name);
    expect(ws.getCell('A4').text).toBe(a.grid.name);
    expect(ws.getCell('B4').value).toBe(2);
    expect(ws.getCell('C4').value).toBe(3);
    expect(ws.getCell('D4').value).toBe(2360);
    expect(ws.getCell('A5').text).toBe('第二网格');
    expect(ws.getCell('C5').value).toBe(0);
    expect(ws.getCell('C8').value).toBe(3);
    expect(ws.getCell('B10').text).toBe(sub.submittedBy);
    // The standard layout is still there on request.
    const std = await t.call('GET', `/api/reports/submissions/${sub.id}/export?format=xlsx&layout=standard`, { token: worker });
    const wb2 = new ExcelJS.Workbook();
    await wb2.xlsx.load(std.rawPayload as unknown as ArrayBuffer);
    expect(wb2.worksheets[0]!.getCell('A1').text).toBe('城乡低保对象情况月报表');
  });
});

// The holiday calendar over HTTP: everyone reads it, an administrator loads next year's as JSON
// or xlsx; deadlines follow what was loaded.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, makeSubtree, testApp, type TestApp } from '../support/app.js';

function multipart(file: Buffer, name: string): { body: Buffer; headers: Record<string, string> } {
  const boundary = '----qc' + Math.random().toString(16).slice(2);
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  return { body: Buffer.concat([head, file, Buffer.from(`\r\n--${boundary}--\r\n`)]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describe('working-day calendar API', () => {
  let t: TestApp;
  let admin: string;
  let worker: string;
  beforeAll(async () => {
    t = await testApp();
    const a = await makeSubtree(t);
    admin = (await loginAs(t, { role: 'admin', node: a.city })).token;
    worker = (await loginAs(t, { role: 'community_worker', node: a.community })).token;
  });
  afterAll(() => t?.close());

  it('ships 2026 and counts deadlines with it', async () => {
    const years = (await t.call('GET', '/api/calendar/years', { token: worker })).json();
    expect(years).toEqual([expect.objectContaining({ year: 2026, holidays: 33, workdays: 6 })]);
    const d = (await t.call('GET', '/api/calendar/working-days?from=2026-09-30&days=1', { token: worker })).json();
    expect(d.deadline).toBe('2026-10-08');
    const n = (await t.call('GET', '/api/calendar/working-days?from=2026-02-13&to=2026-02-24', { token: worker })).json();
    expect(n.workingDays).toBe(2);
    expect((await t.call('GET', '/api/calendar/years')).statusCode).toBe(401);
  });

  it('lets only an administrator load a year, and refuses a wrong one with the reason', async () => {
    const body = { source: '国务院办公厅关于2027年部分节假日安排的通知', days: [{ day: '2027-01-01', kind: 'holiday', name: '元旦' }, { day: '2027-01-02', kind: 'holiday', name: '元旦' }, { day: '2027-01-03', kind: 'holiday', name: '元旦' }] };
    expect((await t.call('PUT', '/api/calendar/2027', { token: worker, body })).statusCode).toBe(403);
    const wrong = await t.call('PUT', '/api/calendar/2027', { token: admin, body: { ...body, days: [{ day: '2027-01-05', kind: 'workday', name: '元旦' }] } });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.code).toBe('CALENDAR_INVALID');
    const ok = await t.call('PUT', '/api/calendar/2027', { token: admin, body });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ year: 2027, loaded: true, days: body.days });
    // 31 Dec 2026 is a Thursday; 1 Jan 2027 (Friday) is now a holiday, so one working day lands on Monday 4 January.
    const d = (await t.call('GET', '/api/calendar/working-days?from=2026-12-31&days=1', { token: worker })).json();
    expect(d.deadline).toBe('2027-01-04');
    expect(d.yearsLoaded).toEqual([2026, 2027]);
  });

  it('loads a year from an xlsx sheet, in the words people write (放假 / 上班)', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('2028');
    ws.addRow(['日期', '类型', '名称']);
    ws.addRow(['2028/1/1', '放假', '元旦']);
    ws.addRow([new Date(Date.UTC(2028, 0, 29)), '上班', '春节']);
    const file = Buffer.from(await wb.xlsx.writeBuffer());
    const m = multipart(file, 'holidays-2028.xlsx');
    const r = await t.built.app.inject({ method: 'POST', url: `/api/calendar/2028/sheet?source=${encodeURIComponent('2028年通知')}`, headers: { ...m.headers, authorization: `Bearer ${admin}` }, payload: m.body });
    expect(r.statusCode).toBe(200);
    expect(r.json().days).toEqual([{ day: '2028-01-01', kind: 'holiday', name: '元旦' }, { day: '2028-01-29', kind: 'workday', name: '春节' }]);
    const junk = multipart(Buffer.from('not a sheet'), 'x.xlsx');
    const bad = await t.built.app.inject({ method: 'POST', url: '/api/calendar/2028/sheet?source=x', headers: { ...junk.headers, authorization: `Bearer ${admin}` }, payload: junk.body });
    expect(bad.json().error.code).toBe('CALENDAR_FILE_UNREADABLE');
    // The failed load changed nothing.
    expect((await t.call('GET', '/api/calendar/2028', { token: worker })).json().days).toHaveLength(2);
  });
});

// Residency cannot be probed across communities. Registering or importing an ID number that is
// already registered elsewhere used to answer "登记于新悦社区" to any community worker, with no
// audit row: a way to find out where anyone lives. The answer now says only that the person is
// registered elsewhere and that the street transfers records, and every such attempt is an audit
// row on that person (so the owning community sees it in the access trail).
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { loginAs, makeSubtree, testApp, type Subtree, type TestApp } from '../support/app.js';
import { idNumber } from '../support/people.js';
import { importFile, readXlsx, simpleXlsx } from '../exchange/helpers.js';

let t: TestApp;
let home: Subtree;
let prober: Subtree;
let homeWorker: string;
let probeWorker: string;
let known: { id: number; idNumber: string };

beforeAll(async () => {
  t = await testApp();
  home = await makeSubtree(t);
  prober = await makeSubtree(t);
  homeWorker = (await loginAs(t, { role: 'community_worker', node: home.community })).token;
  probeWorker = (await loginAs(t, { role: 'community_worker', node: prober.community })).token;
  const id = idNumber({ birth: '1958-02-03' });
  const r = await t.call('POST', '/api/residents', { token: homeWorker, body: { gridId: home.grid.id, name: '新悦居民', idNumber: id } });
  expect(r.statusCode, r.body).toBe(201);
  known = { id: r.json().id, idNumber: id };
});
afterAll(() => t.close());

const placeNames = () => [home.community.name, home.street.name, home.grid.name, home.district.name];

async function probeRows(action: string) {
  return queryRows<{ subject_id: number; result: string; actor_name: string; detail: Record<string, unknown> | null; tree_path: string | null }>(
    t.database.db,
    sql`SELECT subject_id, result, actor_name, detail, tree_path FROM audit_log WHERE action = ${action} ORDER BY id`,
  );
}

describe('a known ID number registered elsewhere', () => {
  it('is refused through the API without naming the place, and the attempt is audited', async () => {
    const r = await t.call('POST', '/api/residents', { token: probeWorker, body: { gridId: prober.grid.id, name: '试探者', idNumber: known.idNumber } });
    expect(r.statusCode).toBe(409);
    const err = r.json().error;
    expect(err.code).toBe('RESIDENT_REGISTERED_ELSEWHERE');
    expect(err.message).toContain('街道');
    for (const name of placeNames()) expect(JSON.stringify(r.json())).not.toContain(name);
    expect(JSON.stringify(err.details ?? {})).not.toContain(String(known.id));
    const en = await t.call('POST', '/api/residents', { token: probeWorker, body: { gridId: prober.grid.id, name: '试探者', idNumber: known.idNumber }, headers: { 'accept-language': 'en' } });
    expect(en.json().error.message).toMatch(/registered elsewhere/i);
    for (const name of placeNames()) expect(en.body).not.toContain(name);

    const rows = await probeRows('resident.register_elsewhere');
    expect(rows.length).toBe(2);
    expect(rows[0]).toMatchObject({ subject_id: known.id, result: 'denied' });
    expect(JSON.stringify(rows[0]!.detail)).not.toContain(known.idNumber);
    // The owning community sees the attempt in the person's access trail.
    const trail = (await t.call('GET', `/api/residents/${known.id}/trail`, { token: homeWorker })).json();
    expect(trail.items.some((i: { action: string; result: string }) => i.action === 'resident.register_elsewhere' && i.result === 'denied')).toBe(true);
    // The chain stays whole.
    expect((await t.built.platform.audit.verify(t.database.db)).ok).toBe(true);
  });

  it('is refused the same way when changing a record to that ID number', async () => {
    const own = await t.call('POST', '/api/residents', { token: probeWorker, body: { gridId: prober.grid.id, name: '本社区人' } });
    const p = await t.call('PATCH', `/api/residents/${own.json().id}`, { token: probeWorker, body: { version: own.json().version, idNumber: known.idNumber } });
    expect(p.statusCode).toBe(409);
    expect(p.json().error.code).toBe('RESIDENT_REGISTERED_ELSEWHERE');
    for (const name of placeNames()) expect(p.body).not.toContain(name);
    expect((await probeRows('resident.register_elsewhere')).length).toBe(3);
  });

  it('is refused in an import’s error report without naming the place, and audited', async () => {
    const r = await importFile(t, probeWorker, 'probe.xlsx', await simpleXlsx([['姓名', '身份证号'], ['试探者', known.idNumber]]), { query: { defaultGridId: prober.grid.id } });
    expect(r.view.counts).toMatchObject({ created: 0, failed: 1 });
    const issues = (await t.call('GET', `/api/imports/${r.view.id}/issues`, { token: probeWorker })).json().items;
    const text = JSON.stringify(issues);
    for (const name of placeNames()) expect(text).not.toContain(name);
    expect(issues[0].reasons[0].message).toContain('已在其他地方登记');
    expect(issues[0].reasons[0].message).toContain('街道');
    const report = await t.call('GET', `/api/imports/${r.view.id}/report`, { token: probeWorker });
    expect(report.statusCode).toBe(200);
    const cells = (await readXlsx(report.rawPayload)).flat().join(' ');
    for (const name of placeNames()) expect(cells).not.toContain(name);
    const rows = await probeRows('resident.register_elsewhere');
    expect(rows.length).toBe(4);
    expect(rows[3]).toMatchObject({ subject_id: known.id, result: 'denied' });
    expect(rows[3]!.detail).toMatchObject({ via: 'import', importId: r.view.id });
  });

  it('does not reveal the record number of a person elsewhere when an import names another record', async () => {
    const own = await t.call('POST', '/api/residents', { token: probeWorker, body: { gridId: prober.grid.id, name: '编号试探' } });
    const ownId = own.json().id as number;
    const r = await importFile(t, probeWorker, 'probe2.xlsx', await simpleXlsx([['记录编号', '姓名', '身份证号'], [ownId, '编号试探', known.idNumber]]), { query: { defaultGridId: prober.grid.id } });
    expect(r.view.counts.failed).toBe(1);
    const issues = JSON.stringify((await t.call('GET', `/api/imports/${r.view.id}/issues`, { token: probeWorker })).json().items);
    expect(issues).not.toContain(`编号 ${known.id}`);
    for (const name of placeNames()) expect(issues).not.toContain(name);
    expect((await probeRows('resident.register_elsewhere')).length).toBe(5);
  });

  it('still tells a community about its own duplicate, with the record number', async () => {
    const r = await t.call('POST', '/api/residents', { token: homeWorker, body: { gridId: home.grid.id, name: '新悦居民', idNumber: known.idNumber } });
    expect(r.statusCode).toBe(409);
    expect(r.json().error.code).toBe('RESIDENT_DUPLICATE_ID');
    expect(r.json().error.details.existingId).toBe(known.id);
  });
});

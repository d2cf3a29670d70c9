// Refused attempts on personal data are audited, and so is every list that shows residents. An
// unmask refused with 403, a card asked for outside the caller's area (404), a department asking
// for a field its grant does not unmask: each leaves a row with result "denied". The to-do list
// of overdue records (GET /api/stale) and the near-duplicate list name residents and are logged
// like any other list. The chain stays whole.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { systemContext } from '../../src/platform/context.js';
import { loginAs, makeSubtree, testApp, type Subtree, type TestApp } from '../support/app.js';
import { idNumber, mobile } from '../support/people.js';

let t: TestApp;
let a: Subtree;
let b: Subtree;
let worker: string;
let gridWorker: { token: string; user: { id: number } };
let outsider: { token: string; user: { id: number } };
let dept: { token: string; user: { id: number } };
let resident: { id: number; version: number };

interface Row { id: number; action: string; result: string; actor_id: number | null; subject_id: number | null; entity_id: string | null; detail: Record<string, unknown> | null }

async function rowsOf(actorId: number): Promise<Row[]> {
  return queryRows<Row>(t.database.db, sql`SELECT id, action, result, actor_id, subject_id, entity_id, detail FROM audit_log WHERE actor_id = ${actorId} ORDER BY id`);
}

beforeAll(async () => {
  t = await testApp();
  a = await makeSubtree(t);
  b = await makeSubtree(t);
  worker = (await loginAs(t, { role: 'community_worker', node: a.community })).token;
  gridWorker = await loginAs(t, { role: 'grid_worker', node: a.grid });
  outsider = await loginAs(t, { role: 'community_worker', node: b.community });
  const health = await t.built.modules.tree.service.createDepartment({ code: 'health', name: '太原市卫生健康委员会', shortName: '卫健', nodeId: a.city.id }, systemContext('test'));
  await t.built.modules.registry.service.grants.create(systemContext('test'), { departmentId: health.id, recordKind: 'resident', nodeId: a.city.id, readFields: ['name', 'idNumber', 'phone'], purpose: '健康随访' });
  dept = await loginAs(t, { role: 'department_staff', node: a.city, departmentId: health.id });
  const r = await t.call('POST', '/api/residents', { token: worker, body: { gridId: a.grid.id, name: '审计甲', idNumber: idNumber({ birth: '1950-05-05' }), phone: mobile() } });
  expect(r.statusCode, r.body).toBe(201);
  resident = r.json();
});
afterAll(() => t.close());

describe('refused attempts on personal data', () => {
  it('audit a 403 unmask by a role that may not unmask', async () => {
    const r = await t.call('POST', `/api/residents/${resident.id}/unmask`, { token: gridWorker.token, body: { field: 'idNumber', reason: '想看看' } });
    expect(r.statusCode).toBe(403);
    const rows = (await rowsOf(gridWorker.user.id)).filter((x) => x.action === 'resident.unmask');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ result: 'denied', subject_id: resident.id, entity_id: String(resident.id) });
    expect(rows[0]!.detail).toMatchObject({ status: 403, code: 'FORBIDDEN' });
  });

  it('audit a 403 unmask of a field the department’s grant does not unmask', async () => {
    const r = await t.call('POST', `/api/residents/${resident.id}/unmask`, { token: dept.token, body: { field: 'phone', reason: '随访联系' } });
    expect(r.statusCode).toBe(403);
    expect(r.json().error.code).toBe('FIELD_NOT_GRANTED');
    const rows = (await rowsOf(dept.user.id)).filter((x) => x.action === 'resident.unmask');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ result: 'denied', subject_id: resident.id });
    expect(rows[0]!.detail).toMatchObject({ status: 403, code: 'FIELD_NOT_GRANTED' });
  });

  it('audit 404s outside the caller’s area: card, unmask, history, trail, as-of and another kind of record', async () => {
    const calls: [string, string, unknown?][] = [
      ['GET', `/api/residents/${resident.id}`],
      ['POST', `/api/residents/${resident.id}/unmask`, { field: 'phone', reason: '试探一下' }],
      ['GET', `/api/residents/${resident.id}/history`],
      ['GET', `/api/residents/${resident.id}/trail`],
      ['GET', `/api/residents/${resident.id}/as-of?date=2024-01-01`],
    ];
    for (const [method, url, body] of calls) {
      const r = await t.call(method, url, { token: outsider.token, body });
      expect(r.statusCode, url).toBe(404);
    }
    const shop = await t.call('POST', '/api/records/organisation', { token: worker, body: { gridId: a.grid.id, name: '审计小卖部', kind: 'shop', legalRepName: '店主甲' } });
    expect(shop.statusCode, shop.body).toBe(201);
    expect((await t.call('GET', `/api/records/organisation/${shop.json().id}`, { token: outsider.token })).statusCode).toBe(404);
    const rows = (await rowsOf(outsider.user.id)).filter((x) => x.result === 'denied');
    expect(rows.map((x) => x.action)).toEqual(['resident.read', 'resident.unmask', 'resident.history', 'resident.trail', 'resident.read_as_of', 'organisation.read']);
    for (const x of rows.slice(0, 5)) {
      expect(x.subject_id).toBe(resident.id);
      expect(x.detail).toMatchObject({ status: 404 });
    }
    expect(rows[5]).toMatchObject({ entity_id: String(shop.json().id), subject_id: null });
    // The owning community sees the refused attempts in the person's trail.
    const trail = (await t.call('GET', `/api/residents/${resident.id}/trail`, { token: worker })).json();
    expect(trail.items.filter((i: { result: string }) => i.result === 'denied').length).toBeGreaterThanOrEqual(rows.length);
  });

  it('does not audit a refused write as a read of personal data, nor anything that did not fail', async () => {
    const before = (await rowsOf(outsider.user.id)).length;
    const ok = await t.call('GET', '/api/residents?limit=5', { token: outsider.token });
    expect(ok.statusCode).toBe(200);
    const rows = (await rowsOf(outsider.user.id)).slice(before);
    expect(rows.every((x) => x.result === 'ok')).toBe(true);
  });
});

describe('lists that name residents', () => {
  it('audit the overdue to-do list with the residents shown', async () => {
    await t.database.db.execute(sql`UPDATE record_review SET due_at = now() - interval '3 days' WHERE record_kind = 'resident' AND record_id = ${resident.id}`);
    const r = await t.call('GET', '/api/stale', { token: gridWorker.token });
    expect(r.statusCode).toBe(200);
    expect(r.json().items.some((i: { recordId: number }) => i.recordId === resident.id)).toBe(true);
    const rows = (await rowsOf(gridWorker.user.id)).filter((x) => x.action === 'resident.list');
    expect(rows).toHaveLength(1);
    expect((rows[0]!.detail as { ids: number[] }).ids).toContain(resident.id);
    expect(rows[0]!.detail).toMatchObject({ filter: { via: 'stale' } });
  });

  it('audit the near-duplicate list', async () => {
    await t.call('POST', '/api/residents', { token: worker, body: { gridId: a.grid.id, name: '重复乙', birthDate: '1960-01-01' } });
    const second = await t.call('POST', '/api/residents', { token: worker, body: { gridId: a.grid.id, name: '重复乙', birthDate: '1960-01-01' } });
    expect(second.statusCode).toBe(201);
    const me = await loginAs(t, { role: 'community_worker', node: a.community });
    const r = await t.call('GET', '/api/residents/duplicates', { token: me.token });
    expect(r.statusCode).toBe(200);
    expect(r.json().length).toBeGreaterThan(0);
    const rows = (await rowsOf(me.user.id)).filter((x) => x.action === 'resident.list');
    expect(rows).toHaveLength(1);
    expect((rows[0]!.detail as { ids: number[] }).ids).toContain(second.json().id);
  });

  it('keeps the audit chain whole', async () => {
    expect(await t.built.platform.audit.verify(t.database.db)).toMatchObject({ ok: true });
  });
});

// Staff are named by name, role and unit wherever answers show them (visits, the access trail,
// history, the audit log, 三级四长), never by log-in name; the card's visits carry what the
// card draws; a visit confirms nothing unless asked; a department sees what its grant covers.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '../../src/platform/context.js';
import { loginAs, makeGrid, makeSubtree, testApp, type Subtree, type TestApp } from '../support/app.js';
import { idNumber } from '../support/people.js';

let t: TestApp;
let a: Subtree;
let worker: { token: string; user: { id: number; username: string } };
let gridWorker: { token: string; user: { id: number; username: string } };
let admin: string;
let civil: { id: number; name: string };

beforeAll(async () => {
  t = await testApp();
  a = await makeSubtree(t);
  worker = await loginAs(t, { role: 'community_worker', node: a.community, username: 'cw_people', displayName: '王秀英' });
  gridWorker = await loginAs(t, { role: 'grid_worker', node: a.grid, username: 'gw_people', displayName: '李建国' });
  admin = (await loginAs(t, { role: 'admin', node: a.city })).token;
  civil = await t.built.modules.tree.service.createDepartment({ code: 'civil_affairs', name: '太原市民政局', shortName: '民政', nodeId: a.city.id }, systemContext('test'));
}, 120_000);
afterAll(() => t.close());

async function resident(body: Record<string, unknown>) {
  const r = await t.call('POST', '/api/residents', { token: worker.token, body: { gridId: a.grid.id, ...body } });
  expect(r.statusCode, r.body).toBe(201);
  return r.json() as { id: number; version: number };
}

describe('the resident card after a visit', () => {
  it('lists the visit with what it confirmed and who made it (name, role, unit)', async () => {
    const r = await resident({ name: '走访甲', idNumber: idNumber({ birth: '1950-03-03' }) });
    const visit = await t.call('POST', '/api/visits', { token: gridWorker.token, body: { residentId: r.id, kind: 'routine', notes: '身体良好', confirm: true } });
    expect(visit.statusCode, visit.body).toBe(201);
    const card = await t.call('GET', `/api/residents/${r.id}`, { token: gridWorker.token });
    expect(card.statusCode, card.body).toBe(200);
    const v = card.json().visits[0];
    expect(v.confirmedPolicies).toEqual(visit.json().confirmedPolicies);
    expect(v.confirmedPolicies.length).toBeGreaterThan(0);
    expect(v.visitor).toEqual({ id: gridWorker.user.id, name: '李建国', role: 'grid_worker', unit: a.grid.name });
    expect(JSON.stringify(card.json())).not.toContain('gw_people');
    // The card's review items say who keeps them, so a form can say what a visit would confirm.
    expect(card.json().reviews.every((x: { owner: string }) => typeof x.owner === 'string')).toBe(true);
  });

  it('confirms nothing when the visitor did not say so', async () => {
    const r = await resident({ name: '走访乙', idNumber: idNumber({ birth: '1951-04-04' }) });
    await t.database.db.execute(sql`UPDATE record_review SET due_at = now() - interval '3 days' WHERE record_kind = 'resident' AND record_id = ${r.id}`);
    const visit = await t.call('POST', '/api/visits', { token: gridWorker.token, body: { residentId: r.id, kind: 'routine' } });
    expect(visit.statusCode, visit.body).toBe(201);
    expect(visit.json().confirmedPolicies).toEqual([]);
    const card = (await t.call('GET', `/api/residents/${r.id}`, { token: gridWorker.token })).json();
    expect(card.visits[0].confirmedPolicies).toEqual([]);
    expect(card.reviews.some((x: { overdue: boolean }) => x.overdue)).toBe(true);
  });
});

describe('who viewed and who changed', () => {
  it('names the viewer in the access trail by name, role and unit, not by log-in name', async () => {
    const r = await resident({ name: '访问丙' });
    await t.call('GET', `/api/residents/${r.id}`, { token: gridWorker.token });
    const trail = await t.call('GET', `/api/residents/${r.id}/trail`, { token: worker.token });
    expect(trail.statusCode, trail.body).toBe(200);
    const read = trail.json().items.find((i: { action: string; actor: string }) => i.action === 'resident.read' && i.actor === '李建国');
    expect(read).toMatchObject({ actor: '李建国', role: 'grid_worker', unit: a.grid.name, department: null });
    expect(trail.body).not.toContain('gw_people');
    expect(trail.body).not.toContain('cw_people');
  });

  it('names who changed a record in its history, with role and unit', async () => {
    const r = await resident({ name: '历史丁' });
    const history = (await t.call('GET', `/api/residents/${r.id}/history`, { token: worker.token })).json();
    expect(history[0].by).toEqual({ id: worker.user.id, name: '王秀英', role: 'community_worker', unit: a.community.name });
  });

  it('names the actor of each audit row for the auditor', async () => {
    const auditor = await loginAs(t, { role: 'auditor', node: a.city, displayName: '审计张' });
    const rows = (await t.call('GET', `/api/audit?actorId=${gridWorker.user.id}&limit=5`, { token: auditor.token })).json();
    expect(rows.items.length).toBeGreaterThan(0);
    expect(rows.items[0].actor).toEqual({ id: gridWorker.user.id, name: '李建国', role: 'grid_worker', unit: a.grid.name });
  });

  it('names a grid chief who has an account by the account, not by what was typed', async () => {
    const put = await t.call('PUT', `/api/tree/grids/${a.grid.id}/leaders`, { token: admin, body: { leaders: [{ tier: 'grid_chief', personName: 'gw_people', userId: gridWorker.user.id, title: '专职网格员' }, { tier: 'building_chief', personName: '赵大爷' }] } });
    expect(put.statusCode, put.body).toBeLessThan(300);
    const g = (await t.call('GET', `/api/tree/grids/${a.grid.id}`, { token: worker.token })).json();
    const chief = g.leaders.find((l: { tier: string }) => l.tier === 'grid_chief');
    expect(chief).toMatchObject({ personName: '李建国', person: { name: '李建国', role: 'grid_worker', unit: a.grid.name } });
    expect(g.leaders.find((l: { tier: string }) => l.tier === 'building_chief')).toMatchObject({ personName: '赵大爷', person: null });
  });
});

describe('a department sees what its grant covers', () => {
  let dept: { token: string };
  let member: { id: number };
  let head: { id: number };
  let householdNo: string;
  beforeAll(async () => {
    const grant = await t.call('POST', '/api/admin/grants', {
      token: admin,
      body: { departmentId: civil.id, recordKind: 'resident', nodeId: a.grid.id, readFields: ['name', 'sex', 'birthDate', 'householdId', 'label:low_income'], writeFields: ['label:low_income'], purpose: '低保动态管理' },
    });
    expect(grant.statusCode, grant.body).toBe(201);
    dept = await loginAs(t, { role: 'department_staff', node: a.city, departmentId: civil.id, displayName: '民政刘' });
    // The head lives in the next grid, outside the department's grant.
    const next = await makeGrid(t, a.community, '第二网格');
    head = await resident({ name: '户主戊', relationToHead: '02', gridId: next.id });
    member = await resident({ name: '低保己', relationToHead: '10' });
    householdNo = `HH${Date.now() % 1_000_000}`;
    const hh = await t.call('POST', '/api/records/household', { token: worker.token, body: { gridId: a.grid.id, householdNo, headResidentId: head.id } });
    expect(hh.statusCode, hh.body).toBe(201);
    for (const p of [head, member]) {
      const cur = (await t.call('GET', `/api/residents/${p.id}`, { token: worker.token })).json().resident;
      expect((await t.call('PATCH', `/api/residents/${p.id}`, { token: worker.token, body: { version: cur.version, householdId: hh.json().id } })).statusCode).toBe(200);
    }
    const label = await t.call('PUT', `/api/residents/${member.id}/labels/low_income`, { token: dept.token, body: { since: '2025-01-01' } });
    expect(label.statusCode, label.body).toBe(200);
  });

  it('names the household by its number and head in the look-up, and logs the head’s name as read', async () => {
    const hit = await t.call('POST', '/api/lookup/residents', { token: dept.token, body: { name: '低保己', reason: '低保年审' } });
    expect(hit.statusCode, hit.body).toBe(200);
    expect(hit.json()[0].householdRef).toEqual({ id: expect.any(Number), householdNo, headName: '户主戊' });
    const trail = (await t.call('GET', `/api/residents/${head.id}/trail`, { token: worker.token })).json();
    expect(trail.items.find((i: { action: string }) => i.action === 'resident.read_as_head')).toMatchObject({ actor: '民政刘', unit: '太原市民政局', reason: '低保年审' });
  });

  it('shows the card without visits, household members or reviews, and refuses the history', async () => {
    await t.call('POST', '/api/visits', { token: gridWorker.token, body: { residentId: member.id, kind: 'routine', confirm: true } });
    const card = await t.call('GET', `/api/residents/${member.id}?reason=${encodeURIComponent('低保年审')}`, { token: dept.token });
    expect(card.statusCode, card.body).toBe(200);
    const c = card.json();
    expect(c.visits).toEqual([]);
    expect(c.reviews).toEqual([]);
    expect(c.household).toBeNull();
    expect(c.resident.householdRef).toMatchObject({ householdNo, headName: '户主戊' });
    const history = await t.call('GET', `/api/residents/${member.id}/history`, { token: dept.token });
    expect(history.statusCode).toBe(403);
    expect(history.json().error.code).toBe('HISTORY_NOT_GRANTED');
    expect((await t.call('GET', `/api/residents/${member.id}/as-of?date=2025-01-01`, { token: dept.token })).statusCode).toBe(403);
    // Someone outside the grant stays unknown (404), as before.
    expect((await t.call('GET', `/api/residents/${head.id}/history`, { token: dept.token })).statusCode).toBe(404);
  });
});

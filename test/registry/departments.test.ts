// Department grants (动态补充、实时调阅) and keeping data fresh (定期维护).
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '../../src/platform/context.js';
import { loginAs, makeSubtree, testApp, type Subtree, type TestApp } from '../support/app.js';
import { idNumber, mobile } from '../support/people.js';

let t: TestApp;
let a: Subtree;
let worker: string;
let admin: string;
let civil: { id: number };
let health: { id: number };

beforeAll(async () => {
  t = await testApp();
  a = await makeSubtree(t);
  worker = (await loginAs(t, { role: 'community_worker', node: a.community })).token;
  admin = (await loginAs(t, { role: 'admin', node: a.city })).token;
  const tree = t.built.modules.tree.service;
  civil = await tree.createDepartment({ code: 'civil_affairs', name: '太原市民政局', shortName: '民政', nodeId: a.city.id }, systemContext('test'));
  health = await tree.createDepartment({ code: 'health', name: '太原市卫生健康委员会', shortName: '卫健', nodeId: a.city.id }, systemContext('test'));
});
afterAll(() => t.close());

async function resident(body: Record<string, unknown>) {
  const r = await t.call('POST', '/api/residents', { token: worker, body: { gridId: a.grid.id, ...body } });
  expect(r.statusCode).toBe(201);
  return r.json() as { id: number; version: number };
}

describe('grants', () => {
  it('lets 卫健 read elderly people living alone and their phones, and nothing else', async () => {
    const g = await t.call('POST', '/api/admin/grants', {
      token: admin,
      body: { departmentId: health.id, recordKind: 'resident', nodeId: a.city.id, labels: ['elderly_alone'], readFields: ['name', 'sex', 'birthDate', 'phone', 'address'], unmaskedFields: ['phone'], purpose: '独居老人健康随访' },
    });
    // Unmasked phones need a security officer's approval (separation of duties).
    expect(g.statusCode).toBe(202);
    const officer = await loginAs(t, { role: 'security_officer', node: a.city });
    expect((await t.call('POST', `/api/approvals/${g.json().approval.id}/approve`, { token: officer.token, body: { reason: '卫健委来函' } })).statusCode).toBe(200);
    const phone = mobile();
    const alone = await resident({ name: '独居甲', idNumber: idNumber({ birth: '1940-01-01' }), phone, address: '兴华街1号', occupation: '退休' });
    await t.call('PUT', `/api/residents/${alone.id}/labels/elderly_alone`, { token: worker, body: { since: '2024-01-01' } });
    const other = await resident({ name: '普通乙', idNumber: idNumber(), phone: mobile() });
    const dept = await loginAs(t, { role: 'department_staff', node: a.city, departmentId: health.id });

    const hit = await t.call('POST', '/api/lookup/residents', { token: dept.token, body: { name: '独居甲', reason: '季度健康随访' } });
    expect(hit.statusCode).toBe(200);
    const r = hit.json()[0];
    expect(r.phone).toBe(phone);
    expect(r.address).toBe('兴华街1号');
    expect(r.occupation).toBeUndefined();
    expect(r.idNumber).toBeUndefined();

    const miss = await t.call('POST', '/api/lookup/residents', { token: dept.token, body: { name: '普通乙', reason: '季度健康随访' } });
    expect(miss.json()).toEqual([]);
    const card = await t.call('GET', `/api/residents/${other.id}?reason=${encodeURIComponent('随访')}`, { token: dept.token });
    expect(card.statusCode).toBe(404);
    const noReason = await t.call('GET', `/api/residents/${alone.id}`, { token: dept.token });
    expect(noReason.json().error.code).toBe('REASON_REQUIRED');
    // The list view stays closed to departments: they look up, they do not browse.
    expect((await t.call('GET', '/api/residents', { token: dept.token })).statusCode).toBe(403);

    // Each read is in the resident's trail, with the department and the purpose.
    const trail = (await t.call('GET', `/api/residents/${alone.id}/trail`, { token: worker })).json();
    const lookup = trail.items.find((i: { action: string }) => i.action === 'resident.lookup');
    expect(lookup).toMatchObject({ department: '太原市卫生健康委员会', reason: '季度健康随访' });
  });

  it('lets 民政 write the 低保 label it owns, and refuses the community and other fields', async () => {
    await t.call('POST', '/api/admin/grants', {
      token: admin,
      body: { departmentId: civil.id, recordKind: 'resident', nodeId: a.city.id, readFields: ['name', 'idNumber', 'address', 'label:low_income'], writeFields: ['label:low_income'], purpose: '低保动态管理' },
    });
    const id = idNumber({ birth: '1966-06-06' });
    const r = await resident({ name: '低保丙', idNumber: id, address: '兴华街2号' });
    const dept = await loginAs(t, { role: 'department_staff', node: a.city, departmentId: civil.id });
    const found = (await t.call('POST', '/api/lookup/residents', { token: dept.token, body: { idNumber: id, reason: '低保年审' } })).json();
    expect(found).toHaveLength(1);
    expect(found[0].idNumber).toMatch(/\*{11}/);
    const set = await t.call('PUT', `/api/residents/${r.id}/labels/low_income`, { token: dept.token, body: { since: '2025-01-01', attributes: { monthlyAmount: 820 } } });
    expect(set.statusCode, set.body).toBe(200);
    const byCommunity = await t.call('PUT', `/api/residents/${r.id}/labels/low_income`, { token: worker, body: { since: '2025-02-01' } });
    expect(byCommunity.statusCode).toBe(403);
    expect(byCommunity.json().error.code).toBe('LABEL_NOT_OWNED');
    const patch = await t.call('PATCH', `/api/residents/${r.id}`, { token: dept.token, body: { version: 2, address: '别处' } });
    expect(patch.statusCode).toBe(403);
    expect(patch.json().error.code).toBe('FIELD_NOT_WRITABLE');
    const history = (await t.call('GET', `/api/residents/${r.id}/history`, { token: worker })).json();
    expect(history[0]).toMatchObject({ operation: 'label', source: 'department', changedFields: ['label:low_income'] });
  });

  it('refuses grants that name unknown fields or labels, or unmask a field not read', async () => {
    const bad = (body: Record<string, unknown>) => t.call('POST', '/api/admin/grants', { token: admin, body: { departmentId: civil.id, recordKind: 'resident', nodeId: a.city.id, purpose: '测试授权', ...body } });
    expect((await bad({ readFields: ['salary'] })).json().error.code).toBe('GRANT_INVALID');
    expect((await bad({ readFields: ['name'], labels: ['aliens'] })).json().error.code).toBe('GRANT_INVALID');
    expect((await bad({ readFields: ['name'], unmaskedFields: ['phone'] })).json().error.code).toBe('GRANT_INVALID');
    expect((await bad({ readFields: ['name'], writeFields: ['label:elderly_alone'] })).json().error.code).toBe('GRANT_INVALID');
  });

  it('takes effect and is withdrawn at once', async () => {
    const dept = await t.built.modules.tree.service.createDepartment({ code: 'veterans_affairs', name: '退役军人事务局', shortName: '退役军人', nodeId: a.city.id }, systemContext('test'));
    const staff = await loginAs(t, { role: 'department_staff', node: a.city, departmentId: dept.id });
    const r = await resident({ name: '老兵丁' });
    const before = await t.call('POST', '/api/lookup/residents', { token: staff.token, body: { name: '老兵丁', reason: '走访慰问' } });
    expect(before.json()).toEqual([]);
    const g = (await t.call('POST', '/api/admin/grants', { token: admin, body: { departmentId: dept.id, recordKind: 'resident', nodeId: a.city.id, readFields: ['name'], purpose: '退役军人服务' } })).json();
    expect((await t.call('POST', '/api/lookup/residents', { token: staff.token, body: { name: '老兵丁', reason: '走访慰问' } })).json()[0].id).toBe(r.id);
    await t.call('DELETE', `/api/admin/grants/${g.id}`, { token: admin });
    expect((await t.call('POST', '/api/lookup/residents', { token: staff.token, body: { name: '老兵丁', reason: '走访慰问' } })).json()).toEqual([]);
  });
});

describe('freshness (定期维护)', () => {
  it('lists overdue records for the grid worker and clears them with a confirming visit', async () => {
    const gw = await loginAs(t, { role: 'grid_worker', node: a.grid });
    const r = await resident({ name: '待核实戊', idNumber: idNumber({ birth: '1944-04-04' }) });
    await t.call('PUT', `/api/residents/${r.id}/labels/elderly_alone`, { token: worker, body: { since: '2024-01-01' } });
    // Let a month and a half pass for this record.
    await t.database.db.execute(sql`UPDATE record_review SET reviewed_at = now() - interval '45 days', due_at = now() - interval '15 days' WHERE record_kind = 'resident' AND record_id = ${r.id}`);
    const stale = (await t.call('GET', '/api/stale', { token: gw.token })).json();
    const mine = stale.items.filter((i: { recordId: number }) => i.recordId === r.id);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine[0]).toMatchObject({ recordKind: 'resident', label: '待核实戊', gridName: a.grid.name });
    expect(mine.map((m: { policyName: string }) => m.policyName)).toContain('独居老人关爱信息');
    const summary = (await t.call('GET', '/api/stale/summary', { token: worker })).json();
    expect(summary.overdue).toBeGreaterThan(0);

    const visit = await t.call('POST', '/api/visits', { token: gw.token, body: { residentId: r.id, kind: 'care', notes: '身体良好', confirm: true } });
    expect(visit.statusCode).toBe(201);
    const after = (await t.call('GET', '/api/stale', { token: gw.token })).json();
    expect(after.items.filter((i: { recordId: number }) => i.recordId === r.id)).toEqual([]);
    const card = (await t.call('GET', `/api/residents/${r.id}`, { token: worker })).json();
    expect(card.visits[0]).toMatchObject({ kind: 'care', notes: '身体良好' });
  });

  it('restarts the clock of a field group when its fields are edited', async () => {
    const r = await resident({ name: '改电话己', phone: mobile() });
    await t.database.db.execute(sql`UPDATE record_review SET due_at = now() - interval '1 day' WHERE record_kind = 'resident' AND record_id = ${r.id}`);
    await t.call('PATCH', `/api/residents/${r.id}`, { token: worker, body: { version: r.version, phone: mobile() } });
    const rows = await t.database.db.execute(sql`SELECT p.field_group, rr.due_at > now() AS fresh FROM record_review rr JOIN field_policy p ON p.id = rr.policy_id WHERE rr.record_kind = 'resident' AND rr.record_id = ${r.id}`);
    const byGroup = Object.fromEntries((rows as unknown as { rows: { field_group: string; fresh: boolean }[] }).rows.map((x) => [x.field_group, x.fresh]));
    expect(byGroup.contact).toBe(true);
    expect(byGroup.identity).toBe(false);
  });

  it('lets an admin add a label kind without a release', async () => {
    const res = await t.call('POST', '/api/labels', { token: admin, body: { code: 'cold_winter', nameZh: '寒冬重点关注', nameEn: 'winter watch', owner: 'community', reviewDays: 14 } });
    expect(res.statusCode).toBe(201);
    const r = await resident({ name: '寒冬庚' });
    expect((await t.call('PUT', `/api/residents/${r.id}/labels/cold_winter`, { token: worker, body: { since: '2026-11-01' } })).statusCode).toBe(200);
    const list = (await t.call('GET', '/api/residents?labels=cold_winter', { token: worker })).json();
    expect(list.items.map((i: { id: number }) => i.id)).toEqual([r.id]);
  });
});

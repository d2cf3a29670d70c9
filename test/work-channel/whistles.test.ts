// 街乡吹哨、部门报到 through HTTP: a street summons departments that cover it; each reports in
// order by its deadline; response times and the whistle rate are measured.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '../../src/platform/context.js';
import { loginAs, makeSubtree, testApp, type Subtree, type TestApp } from '../support/app.js';

describe('Whistles: streets summon departments', () => {
  let t: TestApp;
  let a: Subtree;
  let b: Subtree;
  let street: string;
  let otherStreet: string;
  let community: string;
  let police: string;
  let health: string;
  let ids: { police: number; health: number; elsewhere: number };
  beforeAll(async () => {
    t = await testApp();
    a = await makeSubtree(t);
    b = await makeSubtree(t, { districtCode: '140181' });
    const tree = t.built.modules.tree.service;
    const ctx = systemContext('test');
    const p = await tree.createDepartment({ code: 'public_security', name: '太原市公安局', shortName: '公安', nodeId: a.city.id }, ctx);
    const h = await tree.createDepartment({ code: 'health', name: `${a.district.name}卫健局`, shortName: '卫健', nodeId: a.district.id }, ctx);
    const e = await tree.createDepartment({ code: 'market', name: '古交市市场监管局', shortName: '市场监管', nodeId: b.district.id }, ctx);
    ids = { police: p.id, health: h.id, elsewhere: e.id };
    street = (await loginAs(t, { role: 'street_staff', node: a.street })).token;
    otherStreet = (await loginAs(t, { role: 'street_staff', node: b.street })).token;
    community = (await loginAs(t, { role: 'community_worker', node: a.community })).token;
    police = (await loginAs(t, { role: 'department_staff', node: a.city, departmentId: p.id })).token;
    health = (await loginAs(t, { role: 'department_staff', node: a.district, departmentId: h.id })).token;
  });
  afterAll(() => t?.close());

  const whistle = (over: Record<string, unknown> = {}) => ({ reason: 'emergency', problem: '某小区地下室燃气泄漏，需要封控和排查', placeText: '迎泽大街 12 号院 3 号楼', lat: 37.86, lng: 112.55, departmentIds: [ids.police, ids.health], ...over });

  it('only a street raises, summoning only departments that cover it, with a deadline in the right unit', async () => {
    expect((await t.call('POST', '/api/whistles', { token: community, body: whistle() })).statusCode).toBe(403);
    expect((await t.call('POST', '/api/whistles', { token: police, body: whistle() })).statusCode).toBe(403);
    const far = await t.call('POST', '/api/whistles', { token: street, body: whistle({ departmentIds: [ids.elsewhere] }) });
    expect(far.statusCode).toBe(422);
    expect(far.json().error.code).toBe('WHISTLE_DEPARTMENT_INVALID');
    const mixed = await t.call('POST', '/api/whistles', { token: street, body: whistle({ deadlineWorkingDays: 2 }) });
    expect(mixed.json().error.code).toBe('WHISTLE_DEADLINE_INVALID');
    const notEmergency = await t.call('POST', '/api/whistles', { token: street, body: whistle({ reason: 'cannot_enforce', deadlineHours: 4 }) });
    expect(notEmergency.json().error.code).toBe('WHISTLE_DEADLINE_INVALID');
    const noDept = await t.call('POST', '/api/whistles', { token: street, body: whistle({ departmentIds: [] }) });
    expect(noDept.statusCode).toBe(400);
  });

  it('each department reports in order; the street sees it; other streets and other departments do not', async () => {
    const r = await t.call('POST', '/api/whistles', { token: street, body: whistle({ deadlineHours: 2 }) });
    expect(r.statusCode).toBe(201);
    const w = r.json();
    expect(w.calls).toHaveLength(2);
    expect(Date.parse(w.deadlineAt) - Date.parse(w.raisedAt)).toBeGreaterThan(2 * 3_600_000 - 5_000);
    expect((await t.call('GET', `/api/whistles/${w.id}`, { token: otherStreet })).statusCode).toBe(404);
    const early = await t.call('POST', `/api/whistles/${w.id}/report`, { token: police, body: { step: 'act' } });
    expect(early.statusCode).toBe(409);
    expect(early.json().error.code).toBe('WHISTLE_STEP_OUT_OF_ORDER');
    for (const step of ['acknowledge', 'on_site', 'act']) {
      const s = await t.call('POST', `/api/whistles/${w.id}/report`, { token: police, body: { step, note: step === 'on_site' ? '派出所 2 名民警到场' : undefined } });
      expect(s.statusCode).toBe(200);
    }
    const seen = (await t.call('GET', `/api/whistles/${w.id}`, { token: street })).json();
    const pc = seen.calls.find((c: { departmentId: number }) => c.departmentId === ids.police);
    expect(pc).toMatchObject({ status: 'acted', staffNote: '派出所 2 名民警到场', overdue: false });
    expect(pc.minutesToSite).toBeGreaterThanOrEqual(0);
    // Health was summoned too and sees it; a department not summoned does not.
    expect((await t.call('GET', '/api/whistles', { token: health })).json().items.map((x: { id: number }) => x.id)).toContain(w.id);
    const market = (await loginAs(t, { role: 'department_staff', node: b.district, departmentId: ids.elsewhere })).token;
    expect((await t.call('GET', `/api/whistles/${w.id}`, { token: market })).statusCode).toBe(404);
    expect((await t.call('POST', `/api/whistles/${w.id}/report`, { token: market, body: { step: 'acknowledge' } })).statusCode).toBe(404);
    // Closing.
    expect((await t.call('POST', `/api/whistles/${w.id}/close`, { token: street, body: { note: '泄漏点已封堵' } })).json().status).toBe('closed');
    expect((await t.call('POST', `/api/whistles/${w.id}/report`, { token: health, body: { step: 'acknowledge' } })).json().error.code).toBe('WHISTLE_CLOSED');
  });

  it('measures response times and each street’s whistle rate', async () => {
    const w = (await t.call('POST', '/api/whistles', { token: street, body: whistle({ reason: 'joint_action', departmentIds: [ids.health], deadlineWorkingDays: 1 }) })).json();
    // The health bureau acknowledged 30 minutes in and arrived after the deadline.
    await t.call('POST', `/api/whistles/${w.id}/report`, { token: health, body: { step: 'acknowledge' } });
    await t.call('POST', `/api/whistles/${w.id}/report`, { token: health, body: { step: 'on_site' } });
    await t.built.platform.db.execute(sql`UPDATE channel_whistle_call SET acknowledged_at = ${new Date(Date.parse(w.raisedAt) + 30 * 60_000).toISOString()}::timestamptz, on_site_at = deadline_at + interval '1 hour' WHERE whistle_id = ${w.id}`);
    const stats = (await t.call('GET', '/api/whistles/stats', { token: street })).json();
    expect(stats.streets).toEqual([expect.objectContaining({ id: a.street.id, whistles: 2, emergencies: 1, communities: 1 })]);
    expect(stats.streets[0].per30Days).toBeCloseTo((2 / 90) * 30, 2);
    const h = stats.departments.find((d: { id: number }) => d.id === ids.health);
    expect(h).toMatchObject({ calls: 2, acknowledged: 1, onSite: 1, onTime: 0, onTimeRate: 0, medianMinutesToAcknowledge: 30 });
    // A department sees its own numbers only.
    const own = (await t.call('GET', '/api/whistles/stats', { token: police })).json();
    expect(own.departments.map((d: { id: number }) => d.id)).toEqual([ids.police]);
    expect((await t.call('GET', '/api/whistles/stats?from=2026-05-01&to=2026-04-01', { token: street })).statusCode).toBe(400);
  });
});

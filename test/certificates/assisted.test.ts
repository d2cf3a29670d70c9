import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs } from '../support/app.js';
import { addDays, todayCn } from '../../src/platform/dates.js';
import { household, issue, resident, world, type World } from './helpers.js';

let w: World;
let grid: string;
beforeAll(async () => {
  w = await world();
  grid = (await loginAs(w.t, { role: 'grid_worker', node: w.a.grid })).token;
});
afterAll(() => w.t.close());

const take = (body: Record<string, unknown>, token = grid) => w.t.call('POST', '/api/assisted', { token, body: { category: 'medical_insurance', channel: 'visit', description: '代办门诊医保报销', ...body } });

describe('assisted service (帮办代办)', () => {
  it('is taken for an elderly resident by a grid worker and tracked to done, every step kept', async () => {
    const rid = await resident(w, { name: '高龄老人' }, { birth: '1938-05-01' });
    const res = await take({ residentId: rid });
    expect(res.statusCode).toBe(201);
    const r = res.json();
    expect(r).toMatchObject({ status: 'open', statusName: '待办理', vulnerability: ['age_60'], dueOn: addDays(todayCn(), 7), overdue: false, version: 1 });
    const noResult = await w.t.call('POST', `/api/assisted/${r.id}/steps`, { token: grid, body: { version: 1, status: 'done' } });
    expect(noResult.json().error).toMatchObject({ code: 'ASSISTED_RESULT_REQUIRED', field: 'result' });
    const mid = await w.t.call('POST', `/api/assisted/${r.id}/steps`, { token: grid, body: { version: 1, status: 'in_progress', note: '材料已收齐' } });
    expect(mid.json()).toMatchObject({ status: 'in_progress', version: 2 });
    const stale = await w.t.call('POST', `/api/assisted/${r.id}/steps`, { token: grid, body: { version: 1, note: '重复提交' } });
    expect(stale.json().error.code).toBe('ASSISTED_VERSION_CONFLICT');
    const back = await w.t.call('POST', `/api/assisted/${r.id}/steps`, { token: grid, body: { version: 2, status: 'in_progress' } });
    expect(back.statusCode).toBe(200);
    const done = await w.t.call('POST', `/api/assisted/${r.id}/steps`, { token: grid, body: { version: 3, status: 'done', result: '报销款已到账 1,280 元' } });
    expect(done.json()).toMatchObject({ status: 'done', result: '报销款已到账 1,280 元' });
    expect(done.json().doneAt).not.toBeNull();
    const closed = await w.t.call('POST', `/api/assisted/${r.id}/steps`, { token: grid, body: { version: 4, note: '补充' } });
    expect(closed.json().error.code).toBe('ASSISTED_CLOSED');
    const detail = (await w.t.call('GET', `/api/assisted/${r.id}`, { token: w.worker })).json();
    expect(detail.steps.map((s: { action: string }) => s.action)).toEqual(['created', 'status', 'note', 'status']);
    expect(detail.steps[3].note).toContain('报销款已到账');
  });

  it('needs the resident to be elderly or vulnerable, or a stated reason', async () => {
    const young = await resident(w, { name: '年轻人' }, { birth: '1995-01-01' });
    const refused = await take({ residentId: young });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error).toMatchObject({ code: 'ASSISTED_NOT_ELIGIBLE', field: 'helpReason' });
    expect(refused.json().error.message).toContain('年轻人');
    const withReason = await take({ residentId: young, helpReason: '骨折康复期，行动不便' });
    expect(withReason.statusCode).toBe(201);
    expect(withReason.json().helpReason).toBe('骨折康复期，行动不便');
    const other = await resident(w, { name: '外社区老人' }, { token: w.otherWorker, grid: w.b.grid, birth: '1940-01-01' });
    expect((await take({ residentId: other })).statusCode).toBe(404);
    expect((await take({ residentId: young, dueOn: '2001-01-01', helpReason: '行动不便' })).json().error.code).toBe('ASSISTED_DUE_INVALID');
    expect((await take({ residentId: young, category: 'lottery', helpReason: '行动不便' })).json().error.code).toBe('VALIDATION_FAILED');
  });

  it('links a certificate issued for the request', async () => {
    const hh = await household(w);
    const rid = await resident(w, { name: '独居代办', householdId: hh, relationToHead: '02' }, { birth: '1941-02-02' });
    const r = (await take({ residentId: rid, category: 'certificate', description: '需要独居证明申请助餐补贴' })).json();
    const c = await issue(w, { residentId: rid, kind: 'living_alone', purpose: '申请助餐补贴', assistedRequestId: r.id });
    expect(c.statusCode).toBe(201);
    expect(c.json().assistedRequestId).toBe(r.id);
    const after = (await w.t.call('GET', `/api/assisted/${r.id}`, { token: w.worker })).json();
    expect(after).toMatchObject({ status: 'in_progress', certificateId: c.json().id });
    expect(after.steps.at(-1).note).toContain(c.json().number);
    const someoneElse = await resident(w, { name: '别人' }, { birth: '1940-01-01' });
    const wrong = await issue(w, { residentId: someoneElse, kind: 'residence', purpose: '申领居住证', assistedRequestId: r.id });
    expect(wrong.json().error.field).toBe('assistedRequestId');
  });

  it('counts requests per community for the street', async () => {
    const street = w.street;
    const before = (await w.t.call('GET', '/api/assisted/stats', { token: street })).json();
    const rid = await resident(w, { name: '统计老人' }, { birth: '1939-09-09' });
    const r = (await take({ residentId: rid, description: '代缴暖气费', category: 'utilities' })).json();
    await w.t.call('POST', `/api/assisted/${r.id}/steps`, { token: grid, body: { version: 1, status: 'cancelled', note: '子女已代缴' } });
    const stats = (await w.t.call('GET', '/api/assisted/stats', { token: street })).json();
    const row = stats.items.find((i: { communityNodeId: number }) => i.communityNodeId === w.a.community.id);
    expect(row.communityName).toBe(w.a.community.name);
    expect(stats.totals.total).toBe(before.totals.total + 1);
    expect(stats.totals.cancelled).toBe(before.totals.cancelled + 1);
    expect(row.done).toBeGreaterThanOrEqual(1);
    expect(row.doneOnTime).toBe(row.done);
    // The street reads the list but does not take requests; the other community sees none of these.
    expect((await w.t.call('GET', '/api/assisted?status=cancelled', { token: street })).json().total).toBeGreaterThanOrEqual(1);
    expect((await take({ residentId: rid }, street)).statusCode).toBe(403);
    expect((await w.t.call('GET', '/api/assisted', { token: w.otherWorker })).json().total).toBe(0);
    expect((await w.t.call('GET', `/api/assisted/${r.id}`, { token: w.otherWorker })).statusCode).toBe(404);
  });
});

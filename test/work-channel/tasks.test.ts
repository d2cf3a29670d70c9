// The work channel end to end through HTTP: a task must cite a duty item admitted for each
// receiving unit's township; receipts (delivered, read, done); the sender's progress; reminders.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { addWorkingDays } from '../../src/platform/calendar.js';
import { systemContext } from '../../src/platform/context.js';
import { todayCn } from '../../src/platform/dates.js';
import { loginAs, makeGrid, makeSubtree, testApp, type Subtree, type TestApp } from '../support/app.js';
import { DutyListsTestDouble } from './duty-lists-double.js';

describe('Work channel: tasks and the inbox', () => {
  let t: TestApp;
  let a: Subtree;
  let b: Subtree;
  let street: string;
  let community: string;
  let grid: string;
  let otherCommunity: string;
  let dept: string;
  let otherDeptId: number;
  const duty = new DutyListsTestDouble();

  beforeAll(async () => {
    t = await testApp();
    a = await makeSubtree(t);
    b = await makeSubtree(t);
    const tree = t.built.modules.tree.service;
    const civil = await tree.createDepartment({ code: 'civil_affairs', name: '太原市民政局', shortName: '民政', nodeId: a.city.id }, systemContext('test'));
    const health = await tree.createDepartment({ code: 'health', name: '太原市卫生健康委员会', shortName: '卫健', nodeId: a.city.id }, systemContext('test'));
    otherDeptId = health.id;
    street = (await loginAs(t, { role: 'street_staff', node: a.street })).token;
    community = (await loginAs(t, { role: 'community_worker', node: a.community })).token;
    grid = (await loginAs(t, { role: 'grid_worker', node: a.grid })).token;
    otherCommunity = (await loginAs(t, { role: 'community_worker', node: b.community })).token;
    dept = (await loginAs(t, { role: 'department_staff', node: a.city, departmentId: civil.id })).token;
    duty
      .admit({ id: 11, name: '独居老人定期探访', listKind: 'basic', townshipNodeId: a.street.id, departmentId: civil.id })
      .admit({ id: 11, name: '独居老人定期探访', listKind: 'basic', townshipNodeId: b.street.id, departmentId: civil.id })
      .admit({ id: 12, name: '病媒生物防制', listKind: 'cooperative', townshipNodeId: a.street.id, departmentId: health.id })
      .admit({ id: 13, name: '户外广告审批', listKind: 'taken_back', townshipNodeId: a.street.id, departmentId: null });
  });
  afterAll(() => t?.close());

  const task = (over: Record<string, unknown> = {}) => ({ kind: 'task', title: '排查独居老人冬季取暖情况', body: '请逐户排查并填写结果', dutyItemId: 11, unitIds: [a.community.id], workingDays: 3, ...over });

  it('refuses an anonymous caller and a caller without the permission', async () => {
    expect((await t.call('GET', '/api/channel/inbox')).statusCode).toBe(401);
    expect((await t.call('POST', '/api/channel/tasks', { token: grid, body: task() })).statusCode).toBe(403);
    expect((await t.call('GET', '/api/channel/inbox', { token: dept })).statusCode).toBe(403);
  });

  it('refuses every task while the duty lists are not connected, never letting one through', async () => {
    t.built.modules.workChannel.service.connectDutyItems(null);
    const r = await t.call('POST', '/api/channel/tasks', { token: street, body: task() });
    expect(r.statusCode).toBe(503);
    expect(r.json().error.code).toBe('DUTY_LISTS_UNAVAILABLE');
    const inbox = await t.call('GET', '/api/channel/inbox', { token: community });
    expect(inbox.json().total).toBe(0);
  });

  it('refuses a task that cites no item, an item not admitted for the township, one taken back, or another department’s', async () => {
    t.built.modules.workChannel.service.connectDutyItems(duty);
    const none = await t.call('POST', '/api/channel/tasks', { token: street, body: task({ dutyItemId: undefined }) });
    expect(none.statusCode).toBe(400);
    expect(none.json().error.code).toBe('DUTY_ITEM_REQUIRED');
    const unknown = await t.call('POST', '/api/channel/tasks', { token: street, body: task({ dutyItemId: 99 }) });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().error.code).toBe('DUTY_ITEM_NOT_ADMITTED');
    expect(unknown.json().error.message).toContain(a.street.name);
    const back = await t.call('POST', '/api/channel/tasks', { token: street, body: task({ dutyItemId: 13 }) });
    expect(back.json().error.code).toBe('DUTY_ITEM_TAKEN_BACK');
    // Item 11 is admitted for both townships: one task reaches a community in each.
    const mixed = await t.call('POST', '/api/channel/tasks', { token: dept, body: task({ dutyItemId: 11, unitIds: [a.community.id, b.community.id] }) });
    expect(mixed.statusCode).toBe(201);
    const onlyA = await t.call('POST', '/api/channel/tasks', { token: street, body: task({ dutyItemId: 12, unitIds: [a.community.id] }) });
    expect(onlyA.statusCode).toBe(201);
    const remit = await t.call('POST', '/api/channel/tasks', { token: dept, body: task({ dutyItemId: 12 }) });
    expect(remit.statusCode).toBe(403);
    expect(remit.json().error.code).toBe('DUTY_ITEM_OUTSIDE_REMIT');
    expect(otherDeptId).toBeGreaterThan(0);
  });

  it('refuses units outside the sender’s area, the sender’s own unit, and a deadline on a holiday', async () => {
    const outside = await t.call('POST', '/api/channel/tasks', { token: street, body: task({ unitIds: [b.community.id] }) });
    expect(outside.statusCode).toBe(422);
    expect(outside.json().error.code).toBe('CHANNEL_UNIT_INVALID');
    const own = await t.call('POST', '/api/channel/tasks', { token: street, body: task({ unitIds: [a.street.id] }) });
    expect(own.json().error.code).toBe('CHANNEL_UNIT_INVALID');
    const empty = await t.call('POST', '/api/channel/tasks', { token: street, body: task({ unitIds: [] }) });
    expect(empty.json().error.code).toBe('CHANNEL_NO_UNITS');
    const holiday = await t.call('POST', '/api/channel/tasks', { token: street, body: task({ workingDays: undefined, deadline: '2099-10-03' }) });
    expect(holiday.statusCode).toBe(400);
    expect(holiday.json().error.code).toBe('CHANNEL_DEADLINE_INVALID');
    const both = await t.call('POST', '/api/channel/tasks', { token: street, body: task({ deadline: '2099-10-05' }) });
    expect(both.json().error.code).toBe('CHANNEL_DEADLINE_INVALID');
    const link = await t.call('POST', '/api/channel/tasks', { token: street, body: task({ link: { kind: 'report', code: 'NO_SUCH_REPORT' } }) });
    expect(link.json().error.code).toBe('CHANNEL_LINK_UNKNOWN');
  });

  it('delivers a task to each unit, counts the deadline in working days, and follows read and done per unit', async () => {
    const g2 = await makeGrid(t, a.community, '第二网格');
    const sent = await t.call('POST', '/api/channel/tasks', { token: street, body: task({ unitIds: undefined, allUnder: { nodeId: a.community.id, level: 'grid' }, link: { kind: 'records', recordKind: 'resident', label: 'elderly_alone' } }) });
    expect(sent.statusCode).toBe(201);
    const out = sent.json();
    const cal = await t.built.platform.calendar.data();
    expect(out.deadline).toBe(addWorkingDays(cal, todayCn(), 3));
    expect(out.progress).toEqual({ units: 2, read: 0, done: 0, overdue: 0 });
    expect(out.dutyItem).toEqual({ id: 11, name: '独居老人定期探访', listKind: 'basic' });

    // The grid worker sees the task for the own grid; the community worker sees both grids’; another community none.
    const mine = (await t.call('GET', '/api/channel/inbox', { token: grid })).json();
    const item = mine.items.find((i: { taskId: number }) => i.taskId === out.id);
    expect(item.unit.id).toBe(a.grid.id);
    expect(item.fromName).toBe(a.street.name);
    expect(item.itemName).toBe('独居老人定期探访');
    expect(item.link).toMatchObject({ kind: 'records', recordKind: 'resident', label: 'elderly_alone' });
    const all = (await t.call('GET', '/api/channel/inbox', { token: community })).json();
    expect(all.items.filter((i: { taskId: number }) => i.taskId === out.id).map((i: { unit: { id: number } }) => i.unit.id).sort()).toEqual([a.grid.id, g2.id].sort());
    expect((await t.call('GET', `/api/channel/inbox/${item.id}`, { token: otherCommunity })).statusCode).toBe(404);
    expect((await t.call('POST', `/api/channel/inbox/${item.id}/done`, { token: otherCommunity, body: { result: 'x' } })).statusCode).toBe(404);

    const read = await t.call('POST', `/api/channel/inbox/${item.id}/read`, { token: grid });
    expect(read.json().item.readAt).toBeTruthy();
    expect(read.json().item.doneAt).toBeNull();
    const noResult = await t.call('POST', `/api/channel/inbox/${item.id}/done`, { token: grid, body: { result: '  ' } });
    expect(noResult.statusCode).toBe(400);
    expect(noResult.json().error.code).toBe('CHANNEL_RESULT_REQUIRED');
    const done = await t.call('POST', `/api/channel/inbox/${item.id}/done`, { token: grid, body: { result: '已排查 12 户，2 户需帮扶' } });
    expect(done.statusCode).toBe(200);
    expect((await t.call('POST', `/api/channel/inbox/${item.id}/done`, { token: grid, body: { result: 'again' } })).json().error.code).toBe('CHANNEL_ALREADY_DONE');

    const detail = (await t.call('GET', `/api/channel/tasks/${out.id}`, { token: street })).json();
    expect(detail.task.progress).toEqual({ units: 2, read: 1, done: 1, overdue: 0 });
    const receipt = detail.receipts.find((r: { unit: { id: number } }) => r.unit.id === a.grid.id);
    expect(receipt.result).toBe('已排查 12 户，2 户需帮扶');
    expect(receipt.doneBy).toBeTruthy();
    // Another sender does not see this task.
    expect((await t.call('GET', `/api/channel/tasks/${out.id}`, { token: dept })).statusCode).toBe(404);
    const list = (await t.call('GET', '/api/channel/tasks', { token: street })).json();
    expect(list.items.some((x: { id: number }) => x.id === out.id)).toBe(true);
  });

  it('a notice is done once read', async () => {
    const sent = (await t.call('POST', '/api/channel/tasks', { token: street, body: task({ kind: 'notice', title: '关于召开网格员例会的通知' }) })).json();
    const inbox = (await t.call('GET', '/api/channel/inbox', { token: community })).json();
    const item = inbox.items.find((i: { taskId: number }) => i.taskId === sent.id);
    expect(item.source).toBe('notice');
    const read = (await t.call('POST', `/api/channel/inbox/${item.id}/read`, { token: community })).json();
    expect(read.item.doneAt).toBeTruthy();
    const done = (await t.call('GET', '/api/channel/inbox?state=done&source=notice', { token: community })).json();
    expect(done.items.map((i: { id: number }) => i.id)).toContain(item.id);
  });

  it('reminds the units not yet done, once per kind, claiming rows FOR UPDATE SKIP LOCKED', async () => {
    const g3 = await makeGrid(t, a.community, '第三网格');
    const sent = (await t.call('POST', '/api/channel/tasks', { token: street, body: task({ unitIds: [a.grid.id, g3.id] }) })).json();
    const jobs = await queryRows<{ dedupe_key: string; run_at: string }>(t.built.platform.db, sql`SELECT dedupe_key, run_at FROM job WHERE dedupe_key LIKE ${`workChannel.remind:${sent.id}:%`} ORDER BY dedupe_key`);
    expect(jobs.map((j) => j.dedupe_key)).toContain(`workChannel.remind:${sent.id}:overdue`);
    const inbox = (await t.call('GET', '/api/channel/inbox', { token: grid })).json();
    const mine = inbox.items.find((i: { taskId: number }) => i.taskId === sent.id);
    await t.call('POST', `/api/channel/inbox/${mine.id}/done`, { token: grid, body: { result: '已完成' } });
    const svc = t.built.modules.workChannel.service.tasks;
    expect(await svc.remind(t.built.platform.db, sent.id, 'soon')).toBe(1);
    expect(await svc.remind(t.built.platform.db, sent.id, 'soon')).toBe(0);
    const detail = (await t.call('GET', `/api/channel/tasks/${sent.id}`, { token: street })).json();
    expect(detail.receipts.find((r: { unit: { id: number } }) => r.unit.id === g3.id).reminders).toBe(1);
    expect(detail.receipts.find((r: { unit: { id: number } }) => r.unit.id === a.grid.id).reminders).toBe(0);
    // Past the deadline, the sweep reminds the open receipt once more, as overdue.
    const later = addWorkingDays(await t.built.platform.calendar.data(), sent.deadline, 1);
    expect(await svc.sweepOverdue(t.built.platform.db, later)).toBeGreaterThanOrEqual(1);
    const g3Token = (await loginAs(t, { role: 'grid_worker', node: g3 })).token;
    const g3Item = (await t.call('GET', '/api/channel/inbox', { token: g3Token })).json().items.find((i: { taskId: number }) => i.taskId === sent.id);
    const d = (await t.call('GET', `/api/channel/inbox/${g3Item.id}`, { token: g3Token })).json();
    expect(d.reminders.map((r: { kind: string }) => r.kind)).toEqual(['soon', 'overdue']);
  });

  it('a sender withdraws a task: open receipts close with the reason, reminders stop, the done ones stay', async () => {
    const g4 = await makeGrid(t, a.community, '第四网格');
    const sent = (await t.call('POST', '/api/channel/tasks', { token: street, body: task({ unitIds: [a.grid.id, g4.id] }) })).json();
    const mine = (await t.call('GET', '/api/channel/inbox', { token: grid })).json().items.find((i: { taskId: number }) => i.taskId === sent.id);
    await t.call('POST', `/api/channel/inbox/${mine.id}/done`, { token: grid, body: { result: '已办' } });
    expect((await t.call('POST', `/api/channel/tasks/${sent.id}/withdraw`, { token: dept, body: { reason: '发错了' } })).statusCode).toBe(404);
    const w = await t.call('POST', `/api/channel/tasks/${sent.id}/withdraw`, { token: street, body: { reason: '重复派发，撤回' } });
    expect(w.statusCode).toBe(200);
    expect(w.json().task.status).toBe('cancelled');
    const receipts = w.json().receipts as { unit: { id: number }; result: string }[];
    expect(receipts.find((r) => r.unit.id === a.grid.id)!.result).toBe('已办');
    expect(receipts.find((r) => r.unit.id === g4.id)!.result).toBe('重复派发，撤回');
    const jobs = await queryRows<{ n: number }>(t.built.platform.db, sql`SELECT count(*)::int AS n FROM job WHERE dedupe_key LIKE ${`workChannel.remind:${sent.id}:%`} AND status = 'pending'`);
    expect(jobs[0]!.n).toBe(0);
    expect(await t.built.modules.workChannel.service.tasks.remind(t.built.platform.db, sent.id, 'overdue')).toBe(0);
    expect((await t.call('POST', `/api/channel/tasks/${sent.id}/withdraw`, { token: street, body: { reason: '再撤' } })).json().error.code).toBe('CHANNEL_TASK_CANCELLED');
  });

  it('the dashboard shows the inbox tile with what is open and overdue', async () => {
    const r = await t.call('GET', `/api/dashboard?nodeId=${a.community.id}`, { token: community });
    expect(r.statusCode).toBe(200);
    const tile = (r.json().tiles as { key: string; stats: { key: string; value: number }[] }[]).find((x) => x.key === 'workChannel.inbox');
    expect(tile).toBeTruthy();
    const counts = (await t.call('GET', '/api/channel/inbox', { token: community })).json().counts;
    expect(tile!.stats.find((s) => s.key === 'open')!.value).toBe(counts.open);
  });
});


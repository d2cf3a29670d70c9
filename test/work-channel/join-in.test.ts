// What other modules ask of a unit arrives in the same inbox: report reminders (reports module,
// through its event), stale base data (registry, through its read side), and attachments travel
// with tasks to the units that receive them.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { systemContext } from '../../src/platform/context.js';
import { loginAs, makeResident, makeSubtree, testApp, type Subtree, type TestApp } from '../support/app.js';
import { DutyListsTestDouble } from './duty-lists-double.js';

function multipart(file: Buffer, name: string) {
  const boundary = '----qc' + Math.random().toString(16).slice(2);
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/pdf\r\n\r\n`);
  return { payload: Buffer.concat([head, file, Buffer.from(`\r\n--${boundary}--\r\n`)]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describe('Work channel: one inbox for everything asked of a unit', () => {
  let t: TestApp;
  let a: Subtree;
  let b: Subtree;
  let community: string;
  let grid: string;
  let street: string;
  let otherStreet: string;
  beforeAll(async () => {
    t = await testApp({ uploadLimitBytes: 64 * 1024 });
    a = await makeSubtree(t);
    b = await makeSubtree(t);
    community = (await loginAs(t, { role: 'community_worker', node: a.community })).token;
    grid = (await loginAs(t, { role: 'grid_worker', node: a.grid })).token;
    street = (await loginAs(t, { role: 'street_staff', node: a.street })).token;
    otherStreet = (await loginAs(t, { role: 'street_staff', node: b.street })).token;
    t.built.modules.workChannel.service.connectDutyItems(new DutyListsTestDouble().admit({ id: 5, name: '城市管理配合', listKind: 'cooperative', townshipNodeId: a.street.id, departmentId: null }));
  });
  afterAll(() => t?.close());

  it('report reminders arrive with the department that asks and the report, and close when it is submitted', async () => {
    const reports = t.built.modules.reports.service.submissions;
    await reports.sweep();
    const dues = await queryRows<{ id: number; deadline: string }>(t.built.platform.db, sql`SELECT id, deadline::text AS deadline FROM report_due WHERE unit_node_id = ${a.community.id} ORDER BY id`);
    expect(dues.length).toBeGreaterThan(0);
    // Three days before the deadline, the sweep records the 'soon' reminders; they reach the inbox.
    const latest = dues.map((d) => d.deadline).sort()[0]!;
    await reports.sweep(new Date(Date.parse(`${latest}T10:00:00+08:00`) - 2 * 86_400_000));
    const inbox = (await t.call('GET', '/api/channel/inbox?source=report', { token: community })).json();
    expect(inbox.total).toBeGreaterThan(0);
    const item = inbox.items[0];
    expect(item).toMatchObject({ source: 'report', unit: { id: a.community.id }, reminders: 1, link: { kind: 'report_due' } });
    expect(item.fromName).toBeTruthy();
    expect(item.itemName).toBeTruthy();
    const d = (await t.call('GET', `/api/channel/inbox/${item.id}`, { token: community })).json();
    expect(d.reminders.map((r: { kind: string }) => r.kind)).toEqual(['report_soon']);
    // Another street’s community does not see it.
    expect((await t.call('GET', `/api/channel/inbox/${item.id}`, { token: otherStreet })).statusCode).toBe(404);
    // Submitting the report (its event) closes the row.
    await t.built.platform.db.transaction((tx) => t.built.platform.events.emit('reports.dueSubmitted', { dueId: item.link.dueId, unitNodeId: a.community.id, submissionId: 1 }, tx, systemContext('test')));
    const after = (await t.call('GET', `/api/channel/inbox/${item.id}`, { token: community })).json();
    expect(after.item.doneAt).toBeTruthy();
  });

  it('stale base data becomes one to-do per grid, closing by itself once reviewed', async () => {
    const r = await makeResident(t, { grid: a.grid });
    await t.built.platform.db.execute(sql`UPDATE record_review SET due_at = now() - interval '2 days' WHERE record_kind = 'resident' AND record_id = ${r.id}`);
    const inbox = t.built.modules.workChannel.service.inbox;
    const first = await inbox.sweepStale();
    expect(first.open).toBeGreaterThanOrEqual(1);
    const mine = (await t.call('GET', '/api/channel/inbox?source=registry', { token: grid })).json();
    expect(mine.items).toHaveLength(1);
    expect(mine.items[0]).toMatchObject({ unit: { id: a.grid.id }, amount: 1, link: { kind: 'stale', gridId: a.grid.id } });
    await inbox.sweepStale();
    expect((await t.call('GET', '/api/channel/inbox?source=registry', { token: grid })).json().items).toHaveLength(1);
    await t.built.platform.db.execute(sql`UPDATE record_review SET due_at = now() + interval '30 days' WHERE record_kind = 'resident' AND record_id = ${r.id}`);
    const second = await inbox.sweepStale();
    expect(second.closed).toBe(1);
    expect((await t.call('GET', '/api/channel/inbox?source=registry&state=done', { token: grid })).json().items).toHaveLength(1);
  });

  it('attachments go with the task to the receiving units only, within the upload limit', async () => {
    const file = Buffer.from('%PDF-1.4 关于做好冬季取暖排查的通知');
    const m = multipart(file, '通知.pdf');
    const up = await t.built.app.inject({ method: 'POST', url: '/api/channel/attachments', headers: { ...m.headers, authorization: `Bearer ${street}` }, payload: m.payload });
    const big = multipart(Buffer.alloc(100 * 1024, 1), 'big.bin');
    const tooBig = await t.built.app.inject({ method: 'POST', url: '/api/channel/attachments', headers: { ...big.headers, authorization: `Bearer ${street}` }, payload: big.payload });
    expect(tooBig.statusCode).toBe(413);
    expect(up.statusCode).toBe(201);
    const att = up.json();
    expect(att).toMatchObject({ fileName: '通知.pdf', size: file.length });
    // Someone else's upload cannot be attached.
    const stolen = await t.call('POST', '/api/channel/tasks', { token: otherStreet, body: { kind: 'notice', title: '通知', body: '', dutyItemId: 5, unitIds: [b.community.id], workingDays: 2, attachmentIds: [att.id] } });
    expect(stolen.statusCode).not.toBe(201);
    const sent = await t.call('POST', '/api/channel/tasks', { token: street, body: { kind: 'task', title: '冬季取暖排查', body: '见附件', dutyItemId: 5, unitIds: [a.community.id], workingDays: 2, attachmentIds: [att.id] } });
    expect(sent.statusCode).toBe(201);
    expect(sent.json().attachments).toEqual([att]);
    const item = (await t.call('GET', '/api/channel/inbox?source=task', { token: community })).json().items[0];
    const detail = (await t.call('GET', `/api/channel/inbox/${item.id}`, { token: community })).json();
    expect(detail.task.attachments).toEqual([att]);
    const dl = await t.call('GET', `/api/channel/attachments/${att.id}`, { token: community });
    expect(dl.statusCode).toBe(200);
    expect(dl.rawPayload.equals(file)).toBe(true);
    expect(dl.headers['content-disposition']).toContain("filename*=UTF-8''");
    expect((await t.call('GET', `/api/channel/attachments/${att.id}`, { token: otherStreet })).statusCode).toBe(404);
    // Used once: it cannot be attached to a second task.
    const again = await t.call('POST', '/api/channel/tasks', { token: street, body: { kind: 'task', title: '再发', body: '', dutyItemId: 5, unitIds: [a.community.id], workingDays: 2, attachmentIds: [att.id] } });
    expect(again.json().error.code).toBe('CHANNEL_ATTACHMENT_INVALID');
  });
});

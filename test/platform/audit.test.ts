// The audit log: every write and personal-data read leaves a row in the same transaction, rows
// are chained, nobody edits them through the app, and an edit behind the app's back is found.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { loginAs, makeSubtree, testApp, type Subtree, type TestApp } from '../support/app.js';
import { idNumber } from '../support/people.js';

let t: TestApp;
let a: Subtree;
let worker: string;
let auditor: string;

beforeAll(async () => {
  t = await testApp();
  a = await makeSubtree(t);
  worker = (await loginAs(t, { role: 'community_worker', node: a.community })).token;
  auditor = (await loginAs(t, { role: 'auditor', node: a.city })).token;
});
afterAll(() => t.close());

describe('audit log', () => {
  it('records who, role, what, whose, when, from where and why', async () => {
    const r = (await t.call('POST', '/api/residents', { token: worker, body: { gridId: a.grid.id, name: '审计甲', idNumber: idNumber() } })).json();
    await t.call('POST', `/api/residents/${r.id}/unmask`, { token: worker, body: { field: 'idNumber', reason: '核对身份办理证明' } });
    const res = await t.call('GET', `/api/audit?subjectId=${r.id}`, { token: auditor });
    expect(res.statusCode).toBe(200);
    const actions = res.json().items.map((i: { action: string }) => i.action);
    expect(actions).toEqual(expect.arrayContaining(['resident.create', 'resident.unmask']));
    const unmask = res.json().items.find((i: { action: string }) => i.action === 'resident.unmask');
    expect(unmask).toMatchObject({ actorRole: 'community_worker', category: 'read', reason: '核对身份办理证明', result: 'ok', subjectId: r.id, entityType: 'resident' });
    expect(unmask.ip).toBeTruthy();
    expect(unmask.requestId).toBeTruthy();
  });

  it('writes nothing when the change rolls back', async () => {
    const before = await queryRows<{ n: number }>(t.database.db, sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'resident.create'`);
    const bad = await t.call('POST', '/api/residents', { token: worker, body: { gridId: a.grid.id, name: '回滚乙', householdId: 999999 } });
    expect(bad.statusCode).toBe(400);
    const after = await queryRows<{ n: number }>(t.database.db, sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'resident.create'`);
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it('logs failed log-ins', async () => {
    await t.call('POST', '/api/auth/login', { body: { username: 'intruder', password: 'Guess-1234' } });
    const res = await t.call('GET', '/api/audit?action=auth.login&category=auth', { token: auditor });
    expect(res.json().items.some((i: { result: string; detail: { username: string } }) => i.result === 'denied' && i.detail.username === 'intruder')).toBe(true);
  });

  it('is closed to everyone but the auditor, and the admin is not the auditor', async () => {
    const admin = await loginAs(t, { role: 'admin', node: a.city });
    expect((await t.call('GET', '/api/audit', { token: admin.token })).statusCode).toBe(403);
    expect((await t.call('GET', '/api/audit', { token: worker })).statusCode).toBe(403);
  });

  it('refuses updates and deletes in the database itself', async () => {
    const failure = async (q: ReturnType<typeof sql>) => {
      try {
        await t.database.db.execute(q);
        return 'no error';
      } catch (err) {
        return String((err as { cause?: Error }).cause?.message ?? (err as Error).message);
      }
    };
    expect(await failure(sql`UPDATE audit_log SET reason = 'edited' WHERE id = (SELECT max(id) FROM audit_log)`)).toMatch(/append-only/);
    expect(await failure(sql`DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)`)).toMatch(/180 days/);
    expect(await failure(sql`TRUNCATE audit_log`)).toMatch(/cannot be truncated/);
  });

  it('verifies the chain and finds a row edited behind the app’s back', async () => {
    const ok = await t.call('POST', '/api/audit/verify', { token: auditor });
    expect(ok.json()).toMatchObject({ ok: true });
    expect(ok.json().checked).toBeGreaterThan(5);
    // A superuser disables the guard and edits a row directly.
    const target = (await queryRows<{ id: number }>(t.database.db, sql`SELECT id FROM audit_log WHERE action = 'resident.unmask' LIMIT 1`))[0]!.id;
    await t.database.db.transaction(async (tx) => {
      await tx.execute(sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`);
      await tx.execute(sql`UPDATE audit_log SET reason = '无' WHERE id = ${target}`);
      await tx.execute(sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update`);
    });
    const broken = await t.call('POST', '/api/audit/verify', { token: auditor });
    expect(broken.json()).toMatchObject({ ok: false, firstBrokenId: target });
    expect(broken.json().problem).toMatch(/edited/);
  });
});

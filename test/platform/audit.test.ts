// The audit log: every write and personal-data read leaves a row in the same transaction, rows
// are chained, nobody edits them through the app, and an edit behind the app's back is found.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { AuditService } from '../../src/platform/audit.js';
import { testDataKeys } from '../../src/platform/crypto.js';
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

  it('keeps one unbroken chain when reads and writes of several app instances race', async () => {
    // Two more services over the same database stand for two more app instances, each with its own
    // guess of the chain's head; reads and writes interleave freely.
    const instances = [t.built.platform.audit, new AuditService(testDataKeys().mac), new AuditService(testDataKeys().mac)];
    const ctx = { requestId: 'race', ip: '127.0.0.1', lang: 'zh' as const, principal: null };
    const work = Array.from({ length: 60 }, (_, i) => {
      const audit = instances[i % 3]!;
      if (i % 4 === 0) return t.database.db.transaction((tx) => audit.record(tx, ctx as never, { category: 'write', action: 'race.write', entityId: i }));
      return audit.recordNow(t.database.db, ctx as never, [{ category: 'read', action: 'race.read', entityId: i }, { category: 'read', action: 'race.read.second', entityId: i }]);
    });
    await Promise.all(work);
    const n = await queryRows<{ n: number }>(t.database.db, sql`SELECT count(*)::int AS n FROM audit_log WHERE action LIKE 'race.%'`);
    expect(n[0]!.n).toBe(15 + 45 * 2);
    const ok = await t.call('POST', '/api/audit/verify', { token: auditor });
    expect(ok.json()).toMatchObject({ ok: true });
    // A row that names a head that is not the head is refused by the database itself.
    const head = (await queryRows<{ hash: string }>(t.database.db, sql`SELECT hash FROM audit_log ORDER BY id DESC LIMIT 2`))[1]!.hash;
    await expect(t.database.db.execute(sql`INSERT INTO audit_log (at, actor_name, actor_role, category, action, result, prev_hash, hash) VALUES (now(), 'x', 'x', 'read', 'fork', 'ok', ${head}, ${'f'.repeat(64)})`)).rejects.toThrow();
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

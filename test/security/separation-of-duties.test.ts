// Issue 18, item 6: an administrator could create an auditor account, log in as it and read the
// audit log; and grant a department unmasked ID numbers, issue a machine token for it and read
// them in clear. Now those need a second person of another role, who decides with a reason; the
// administrator never learns the new account's password; everything is audited and the auditor
// sees it.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { systemContext } from '../../src/platform/context.js';
import { loginAs, makeSubtree, makeUser, testApp, TEST_PASSWORD, type Subtree, type TestApp } from '../support/app.js';
import { idNumber } from '../support/people.js';

let t: TestApp;
let a: Subtree;
let admin: { user: { id: number }; token: string };
let otherAdmin: { user: { id: number }; token: string };
let auditor: { user: { id: number }; token: string };
let officer: { user: { id: number }; token: string };
let dept: { id: number };

beforeAll(async () => {
  t = await testApp();
  a = await makeSubtree(t);
  admin = await loginAs(t, { role: 'admin', node: a.city });
  otherAdmin = await loginAs(t, { role: 'admin', node: a.city });
  // The first auditor and security officer come from the server's console (qingche user-create).
  auditor = await loginAs(t, { role: 'auditor', node: a.city });
  officer = await loginAs(t, { role: 'security_officer', node: a.city });
  dept = await t.built.modules.tree.service.createDepartment({ code: 'public_security', name: '太原市公安局', shortName: '公安', nodeId: a.city.id }, systemContext('test'));
});
afterAll(() => t.close());

const newAuditor = (username: string, extra: Record<string, unknown> = {}) =>
  t.call('POST', '/api/admin/users', { token: admin.token, body: { username, displayName: '影子审计员', role: 'auditor', nodeId: a.city.id, reason: '新增审计岗位', ...extra } });

describe('auditor accounts (the first bypass)', () => {
  it('an administrator’s new auditor account goes pending, and cannot log in or read the audit log', async () => {
    expect((await newAuditor('shadow.auditor', { password: TEST_PASSWORD })).json().error.code).toBe('ACCOUNT_PASSWORD_BY_APPROVER');
    expect((await newAuditor('shadow.auditor', { reason: undefined })).json().error.code).toBe('APPROVAL_REASON_REQUIRED');
    const res = await newAuditor('shadow.auditor');
    expect(res.statusCode).toBe(202);
    const approval = res.json().approval;
    expect(approval).toMatchObject({ kind: 'account.create', status: 'pending', decidedWith: 'approvals:accounts', requestedBy: admin.user.id });
    expect(await t.built.platform.auth.findUserByName('shadow.auditor')).toBeUndefined();
    // Whatever password the administrator tries, there is no account yet.
    expect((await t.call('POST', '/api/auth/login', { body: { username: 'shadow.auditor', password: TEST_PASSWORD } })).statusCode).toBe(401);
    // The same user name cannot be asked for twice while pending.
    expect((await newAuditor('shadow.auditor')).json().error.code).toBe('APPROVAL_DUPLICATE');
  });

  it('neither the requesting administrator, nor another administrator, nor a security officer can approve it', async () => {
    const id = (await newAuditor('shadow.two')).json().approval.id as number;
    const self = await t.call('POST', `/api/approvals/${id}/approve`, { token: admin.token, body: { reason: '自己批' } });
    expect(self.statusCode).toBe(403);
    expect((await t.call('POST', `/api/approvals/${id}/approve`, { token: otherAdmin.token, body: { reason: '同事批' } })).statusCode).toBe(403);
    const wrongRole = await t.call('POST', `/api/approvals/${id}/approve`, { token: officer.token, body: { reason: '安全员批' } });
    expect(wrongRole.statusCode).toBe(403);
    expect(wrongRole.json().error.code).toBe('APPROVAL_NOT_DECIDER');
    expect((await t.call('GET', `/api/approvals/${id}`, { token: admin.token })).json().status).toBe('pending');
  });

  it('an auditor approves with a reason and receives the initial password; the administrator never sees it', async () => {
    const id = (await newAuditor('second.auditor')).json().approval.id as number;
    const pending = await t.call('GET', '/api/approvals?decidable=true&status=pending', { token: auditor.token });
    expect(pending.json().items.map((i: { id: number }) => i.id)).toContain(id);
    expect((await t.call('POST', `/api/approvals/${id}/approve`, { token: auditor.token, body: {} })).statusCode).toBe(400);
    const ok = await t.call('POST', `/api/approvals/${id}/approve`, { token: auditor.token, body: { reason: '已核实岗位任命文件' } });
    expect(ok.statusCode).toBe(200);
    const password = ok.json().initialPassword as string;
    expect(password.length).toBeGreaterThanOrEqual(19);
    expect(ok.json().approval).toMatchObject({ status: 'approved', decisionReason: '已核实岗位任命文件', decidedBy: auditor.user.id });
    // The requester sees the outcome, not the password.
    const seen = await t.call('GET', `/api/approvals/${id}`, { token: admin.token });
    expect(seen.json()).toMatchObject({ status: 'approved', resultId: ok.json().approval.resultId });
    expect(seen.body).not.toContain(password);
    const login = await t.call('POST', '/api/auth/login', { body: { username: 'second.auditor', password } });
    expect(login.statusCode).toBe(200);
    expect(login.json().mustChangePassword).toBe(true);
    // Approved once: not again.
    expect((await t.call('POST', `/api/approvals/${id}/approve`, { token: auditor.token, body: { reason: '再批一次' } })).json().error.code).toBe('APPROVAL_NOT_PENDING');
  });

  it('changing an auditor account (password reset, disabling) needs an auditor too, and not the auditor concerned', async () => {
    const target = await makeUser(t, { role: 'auditor', node: a.city });
    const direct = await t.call('PATCH', `/api/admin/users/${target.id}`, { token: admin.token, body: { resetPassword: 'Admin-Knows-2026!' } });
    expect(direct.json().error.code).toBe('ACCOUNT_PASSWORD_BY_APPROVER');
    const disable = await t.call('PATCH', `/api/admin/users/${target.id}`, { token: admin.token, body: { status: 'disabled', reason: '离岗' } });
    expect(disable.statusCode).toBe(202);
    expect((await t.built.platform.auth.getUser(target.id))!.status).toBe('active');
    const targetToken = await t.login(target.username);
    const aboutSelf = await t.call('POST', `/api/approvals/${disable.json().approval.id}/approve`, { token: targetToken, body: { reason: '同意' } });
    expect(aboutSelf.json().error.code).toBe('APPROVAL_ABOUT_SELF');
    const reject = await t.call('POST', `/api/approvals/${disable.json().approval.id}/reject`, { token: auditor.token, body: { reason: '未见离岗通知' } });
    expect(reject.json()).toMatchObject({ status: 'rejected', decisionReason: '未见离岗通知' });
    expect((await t.built.platform.auth.getUser(target.id))!.status).toBe('active');

    const reset = await t.call('PATCH', `/api/admin/users/${target.id}`, { token: admin.token, body: { requestPasswordReset: true, reason: '本人遗忘密码' } });
    expect(reset.statusCode).toBe(202);
    const approved = await t.call('POST', `/api/approvals/${reset.json().approval.id}/approve`, { token: auditor.token, body: { reason: '本人当面申请' } });
    const fresh = approved.json().initialPassword as string;
    expect((await t.call('POST', '/api/auth/login', { body: { username: target.username, password: TEST_PASSWORD } })).statusCode).toBe(401);
    expect((await t.call('POST', '/api/auth/login', { body: { username: target.username, password: fresh } })).statusCode).toBe(200);
  });

  it('security-officer accounts are approved by an auditor as well', async () => {
    const res = await t.call('POST', '/api/admin/users', { token: admin.token, body: { username: 'shadow.officer', displayName: '影子安全员', role: 'security_officer', nodeId: a.city.id, reason: '新增岗位' } });
    expect(res.statusCode).toBe(202);
    expect(res.json().approval.decidedWith).toBe('approvals:accounts');
  });

  it('ordinary accounts are still made at once', async () => {
    const res = await t.call('POST', '/api/admin/users', { token: admin.token, body: { username: 'plain.worker', displayName: '社工', role: 'community_worker', nodeId: a.community.id, password: 'Plain-Worker-2026!' } });
    expect(res.statusCode).toBe(201);
  });
});

describe('grants that unmask personal data and tokens that carry them (the second bypass)', () => {
  it('an unmasking grant waits for a security officer; a token for it too; then ID numbers show in clear only to the approved token', async () => {
    const id = idNumber({ birth: '1975-03-03' });
    const worker = await loginAs(t, { role: 'community_worker', node: a.community });
    expect((await t.call('POST', '/api/residents', { token: worker.token, body: { gridId: a.grid.id, name: '在逃甲', idNumber: id } })).statusCode).toBe(201);

    const grant = await t.call('POST', '/api/admin/grants', { token: admin.token, body: { departmentId: dept.id, recordKind: 'resident', nodeId: a.city.id, readFields: ['name', 'idNumber'], unmaskedFields: ['idNumber'], purpose: '追逃比对' } });
    expect(grant.statusCode).toBe(202);
    expect(grant.json().approval).toMatchObject({ kind: 'grant.unmask', decidedWith: 'approvals:data', reason: '追逃比对' });
    expect((await t.call('GET', `/api/admin/grants?departmentId=${dept.id}`, { token: admin.token })).json()).toEqual([]);

    const token = await t.call('POST', '/api/admin/api-tokens', { token: admin.token, body: { name: '公安比对接口', kind: 'platform', nodeId: a.city.id, departmentId: dept.id, permissions: ['registry:lookup'], reason: '公安追逃系统对接' } });
    expect(token.statusCode).toBe(202);
    expect(token.json()).not.toHaveProperty('token');

    // The administrator and another administrator cannot approve; an auditor is not the approver of data access.
    for (const who of [admin.token, otherAdmin.token, auditor.token]) {
      expect((await t.call('POST', `/api/approvals/${grant.json().approval.id}/approve`, { token: who, body: { reason: '批准' } })).statusCode).toBe(403);
    }
    const g = await t.call('POST', `/api/approvals/${grant.json().approval.id}/approve`, { token: officer.token, body: { reason: '依公安局来函' } });
    expect(g.statusCode).toBe(200);
    expect(g.json().initialPassword).toBeUndefined();
    const grants = (await t.call('GET', `/api/admin/grants?departmentId=${dept.id}`, { token: admin.token })).json();
    expect(grants[0]).toMatchObject({ unmaskedFields: ['idNumber'], purpose: '追逃比对' });

    const tk = await t.call('POST', `/api/approvals/${token.json().approval.id}/approve`, { token: officer.token, body: { reason: '接口对接已备案' } });
    expect(tk.statusCode).toBe(200);
    expect(tk.body).not.toMatch(/qct_/);
    expect((await t.call('POST', `/api/approvals/${token.json().approval.id}/collect`, { token: officer.token })).statusCode).toBe(404);
    const collected = await t.call('POST', `/api/approvals/${token.json().approval.id}/collect`, { token: admin.token });
    expect(collected.statusCode).toBe(200);
    const secret = collected.json().token as string;
    expect(secret).toMatch(/^qct_/);
    expect((await t.call('POST', `/api/approvals/${token.json().approval.id}/collect`, { token: admin.token })).json().error.code).toBe('APPROVAL_NOTHING_TO_COLLECT');
    const hit = await t.call('POST', '/api/lookup/residents', { token: secret, body: { idNumber: id, reason: '追逃比对' } });
    expect(hit.statusCode).toBe(200);
    expect(hit.json()[0].idNumber).toBe(id);
  });

  it('a department account that would see data in clear is approved by a security officer, who gets its password', async () => {
    const res = await t.call('POST', '/api/admin/users', { token: admin.token, body: { username: 'police.clerk', displayName: '公安民警', role: 'department_staff', nodeId: a.city.id, departmentId: dept.id, reason: '比对岗位' } });
    expect(res.statusCode).toBe(202);
    expect(res.json().approval.decidedWith).toBe('approvals:data');
    const ok = await t.call('POST', `/api/approvals/${res.json().approval.id}/approve`, { token: officer.token, body: { reason: '已核实' } });
    expect(ok.json().initialPassword).toBeTruthy();
  });

  it('grants without unmasked fields and tokens without personal data are made at once', async () => {
    const grant = await t.call('POST', '/api/admin/grants', { token: admin.token, body: { departmentId: dept.id, recordKind: 'resident', nodeId: a.city.id, readFields: ['name'], purpose: '人口统计' } });
    expect(grant.statusCode).toBe(201);
    const token = await t.call('POST', '/api/admin/api-tokens', { token: admin.token, body: { name: '门禁', kind: 'device', nodeId: a.community.id, permissions: ['devices:ingest'] } });
    expect(token.statusCode).toBe(201);
  });
});

describe('all of it is audited and shown to the auditor', () => {
  it('the auditor lists every request with its outcome, and the audit log has each step', async () => {
    const all = await t.call('GET', '/api/approvals?limit=200', { token: auditor.token });
    expect(all.statusCode).toBe(200);
    const statuses = new Set(all.json().items.map((i: { status: string }) => i.status));
    expect(statuses).toEqual(new Set(['pending', 'approved', 'rejected']));
    const kinds = new Set(all.json().items.map((i: { kind: string }) => i.kind));
    expect(kinds).toEqual(new Set(['account.create', 'account.update', 'grant.unmask', 'token.personal_data']));
    // An administrator sees only their own requests.
    const mineOnly = (await t.call('GET', '/api/approvals?limit=200', { token: otherAdmin.token })).json();
    expect(mineOnly.items).toEqual([]);

    const log = await t.call('GET', '/api/audit?action=approval.&limit=200', { token: auditor.token });
    const actions = new Set(log.json().items.map((r: { action: string }) => r.action));
    for (const a of ['approval.request', 'approval.approve', 'approval.reject', 'approval.collect']) expect(actions).toContain(a);
    const approve = log.json().items.find((r: { action: string; reason: string }) => r.action === 'approval.approve' && r.reason === '依公安局来函');
    expect(approve).toMatchObject({ actorId: officer.user.id, actorRole: 'security_officer' });
    // No password or token secret in any audit row.
    const rows = await queryRows<{ detail: unknown }>(t.database.db, sql`SELECT detail FROM audit_log WHERE action LIKE 'approval.%'`);
    expect(JSON.stringify(rows)).not.toMatch(/qct_|initialPassword"\s*:\s*"/);
  });

  it('the administrator can withdraw a pending request', async () => {
    const id = (await newAuditor('withdrawn.auditor')).json().approval.id as number;
    expect((await t.call('POST', `/api/approvals/${id}/cancel`, { token: otherAdmin.token })).statusCode).toBe(404);
    expect((await t.call('POST', `/api/approvals/${id}/cancel`, { token: admin.token })).json().status).toBe('cancelled');
    expect((await t.call('POST', `/api/approvals/${id}/approve`, { token: auditor.token, body: { reason: '批准' } })).json().error.code).toBe('APPROVAL_NOT_PENDING');
  });
});

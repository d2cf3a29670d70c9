import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as OTPAuth from 'otpauth';
import { loginAs, makeSubtree, makeUser, testApp, TEST_PASSWORD, type Subtree, type TestApp } from '../support/app.js';

let t: TestApp;
let tree: Subtree;

beforeAll(async () => {
  t = await testApp({ lockoutThreshold: 3 });
  tree = await makeSubtree(t);
});
afterAll(() => t.close());

describe('log-in', () => {
  it('logs in with the right password and answers /auth/me with role, permissions and place', async () => {
    const { token, user } = await loginAs(t, { role: 'community_worker', node: tree.community });
    const me = await t.call('GET', '/api/auth/me', { token });
    expect(me.statusCode).toBe(200);
    const body = me.json();
    expect(body.user.username).toBe(user.username);
    expect(body.user.roleName).toBe('社区工作者');
    expect(body.permissions).toContain('registry:read');
    expect(body.node.trail).toEqual(['太原市', tree.district.name, tree.street.name, tree.community.name]);
  });

  it('refuses a wrong password with a generic message and the same answer for an unknown user', async () => {
    const user = await makeUser(t, { role: 'grid_worker', node: tree.grid });
    const wrong = await t.call('POST', '/api/auth/login', { body: { username: user.username, password: 'Nope-nope-123' } });
    const unknown = await t.call('POST', '/api/auth/login', { body: { username: 'nobody-here', password: 'Nope-nope-123' } });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('LOGIN_FAILED');
    expect(unknown.json().error.message).toBe(wrong.json().error.message);
    expect(wrong.json().error.message).toBe('用户名或密码错误');
  });

  it('locks the account after repeated failures, even for the right password', async () => {
    const user = await makeUser(t, { role: 'grid_worker', node: tree.grid });
    for (let i = 0; i < 2; i++) expect((await t.call('POST', '/api/auth/login', { body: { username: user.username, password: 'Bad-password-1' } })).statusCode).toBe(401);
    const third = await t.call('POST', '/api/auth/login', { body: { username: user.username, password: 'Bad-password-1' } });
    expect(third.statusCode).toBe(423);
    expect(third.json().error.code).toBe('ACCOUNT_LOCKED');
    const right = await t.call('POST', '/api/auth/login', { body: { username: user.username, password: TEST_PASSWORD } });
    expect(right.statusCode).toBe(423);
  });

  it('answers in English when asked', async () => {
    const res = await t.call('POST', '/api/auth/login', { body: { username: 'x-nobody', password: 'whatever-1A' }, headers: { 'accept-language': 'en-US,en;q=0.9' } });
    expect(res.json().error.message).toBe('Wrong user name or password');
  });
});

describe('tokens and sessions', () => {
  it('rejects a forged token and a missing one', async () => {
    const none = await t.call('GET', '/api/auth/me');
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('UNAUTHENTICATED');
    const forged = await t.call('GET', '/api/auth/me', { token: 'qcs_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
    expect(forged.statusCode).toBe(401);
    expect(forged.json().error.code).toBe('INVALID_TOKEN');
  });

  it('expires an idle session', async () => {
    const short = await testApp({ sessionIdleMinutes: 1 });
    try {
      const s = await makeSubtree(short);
      const { token } = await loginAs(short, { role: 'grid_worker', node: s.grid });
      expect((await short.call('GET', '/api/auth/me', { token })).statusCode).toBe(200);
      // Age the session behind the app's back: two minutes of silence.
      await short.database.db.execute((await import('drizzle-orm')).sql`UPDATE session SET last_seen_at = now() - interval '2 minutes'`);
      const res = await short.call('GET', '/api/auth/me', { token });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('SESSION_EXPIRED');
    } finally {
      await short.close();
    }
  }, 120_000);

  it('ends the session on log-out', async () => {
    const { token } = await loginAs(t, { role: 'grid_worker', node: tree.grid });
    expect((await t.call('POST', '/api/auth/logout', { token })).statusCode).toBe(204);
    expect((await t.call('GET', '/api/auth/me', { token })).json().error.code).toBe('SESSION_EXPIRED');
  });
});

describe('password policy', () => {
  it('refuses short, single-class, common and user-name passwords on change', async () => {
    const { token, user } = await loginAs(t, { role: 'community_worker', node: tree.community });
    const attempt = (newPassword: string) => t.call('POST', '/api/auth/password', { token, body: { currentPassword: TEST_PASSWORD, newPassword } });
    expect((await attempt('Ab1!')).json().error.message).toMatch(/至少 10 位/);
    expect((await attempt('abcdefghijkl')).json().error.message).toMatch(/至少 3 类/);
    expect((await attempt('Password@123')).json().error.message).toMatch(/过于常见/);
    expect((await attempt(`X1!${user.username}`)).json().error.message).toMatch(/用户名/);
    expect((await attempt('Long-enough-2026')).statusCode).toBe(204);
    expect((await t.call('POST', '/api/auth/login', { body: { username: user.username, password: 'Long-enough-2026' } })).statusCode).toBe(200);
  });

  it('makes a new account change its initial password before anything else', async () => {
    const user = await makeUser(t, { role: 'community_worker', node: tree.community, mustChangePassword: true });
    const token = await t.login(user.username);
    const blocked = await t.call('GET', '/api/tree/home', { token });
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().error.code).toBe('PASSWORD_CHANGE_REQUIRED');
    expect((await t.call('POST', '/api/auth/password', { token, body: { currentPassword: TEST_PASSWORD, newPassword: 'Fresh-start-2026' } })).statusCode).toBe(204);
    expect((await t.call('GET', '/api/tree/home', { token })).statusCode).toBe(200);
  });
});

describe('second factor', () => {
  it('lets an admin require TOTP for a role; the user enrols, then needs a code, and a code works once', async () => {
    const admin = await loginAs(t, { role: 'admin', node: tree.city });
    expect((await t.call('PUT', '/api/admin/role-policies/street_staff', { token: admin.token, body: { mfaRequired: true } })).statusCode).toBe(204);
    const user = await makeUser(t, { role: 'street_staff', node: tree.street });
    const login1 = await t.call('POST', '/api/auth/login', { body: { username: user.username, password: TEST_PASSWORD } });
    expect(login1.json().mfaEnrollmentRequired).toBe(true);
    const token = login1.json().token as string;
    expect((await t.call('GET', '/api/tree/home', { token })).json().error.code).toBe('MFA_ENROLLMENT_REQUIRED');
    const start = await t.call('POST', '/api/auth/totp/start', { token });
    const secret = start.json().secret as string;
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30 });
    // Use the previous step for enrolment so the current one is still fresh for the log-in below.
    const prev = totp.generate({ timestamp: Date.now() - 30_000 });
    expect((await t.call('POST', '/api/auth/totp/confirm', { token, body: { code: prev } })).statusCode).toBe(204);
    expect((await t.call('GET', '/api/tree/home', { token })).statusCode).toBe(200);

    const noCode = await t.call('POST', '/api/auth/login', { body: { username: user.username, password: TEST_PASSWORD } });
    expect(noCode.json().error.code).toBe('MFA_CODE_REQUIRED');
    const code = totp.generate();
    expect((await t.call('POST', '/api/auth/login', { body: { username: user.username, password: TEST_PASSWORD, totp: code } })).statusCode).toBe(200);
    const replay = await t.call('POST', '/api/auth/login', { body: { username: user.username, password: TEST_PASSWORD, totp: code } });
    expect(replay.json().error.code).toBe('MFA_CODE_INVALID');
  });
});

describe('machine tokens', () => {
  it('issues a token once, authenticates with it and refuses it after revocation', async () => {
    const admin = await loginAs(t, { role: 'admin', node: tree.city });
    const res = await t.call('POST', '/api/admin/api-tokens', { token: admin.token, body: { name: 'gate-camera-01', kind: 'device', nodeId: tree.community.id, permissions: ['devices:ingest', 'tree:read'] } });
    expect(res.statusCode).toBe(201);
    const { token, id } = res.json();
    expect(token).toMatch(/^qct_/);
    expect((await t.call('GET', '/api/tree/home', { token })).statusCode).toBe(200);
    expect((await t.call('GET', '/api/admin/users', { token })).statusCode).toBe(403);
    expect((await t.call('DELETE', `/api/admin/api-tokens/${id}`, { token: admin.token })).statusCode).toBe(204);
    expect((await t.call('GET', '/api/tree/home', { token })).json().error.code).toBe('INVALID_TOKEN');
  });
});

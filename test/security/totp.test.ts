// Issue 18, item 9: the second factor cannot be switched off or moved with a session alone, and
// administrators and auditors need one by default.
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSpec } from '../../src/config.js';
import { makeSubtree, makeUser, testApp, TEST_PASSWORD, type Subtree, type TestApp } from '../support/app.js';

let t: TestApp;
let tree: Subtree;

beforeAll(async () => {
  // The production default for the roles that must use a second factor.
  t = await testApp({ mfaRequiredRoles: configSpec.mfaRequiredRoles.default });
  tree = await makeSubtree(t);
});
afterAll(() => t.close());

const totpOf = (secret: string) => new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30 });

/** A community worker with a second factor in force, logged in with it. */
async function enrolled() {
  const user = await makeUser(t, { role: 'community_worker', node: tree.community });
  const token = (await t.call('POST', '/api/auth/login', { body: { username: user.username, password: TEST_PASSWORD } })).json().token as string;
  const secret = (await t.call('POST', '/api/auth/totp/start', { token })).json().secret as string;
  const totp = totpOf(secret);
  expect((await t.call('POST', '/api/auth/totp/confirm', { token, body: { code: totp.generate({ timestamp: Date.now() - 30_000 }) } })).statusCode).toBe(204);
  return { user, token, totp };
}

describe('replacing the second factor (item 9)', () => {
  it('refuses with the session alone, and the factor stays in force', async () => {
    const { user, token, totp } = await enrolled();
    const bare = await t.call('POST', '/api/auth/totp/start', { token });
    expect(bare.statusCode).toBe(401);
    expect(bare.json().error.code).toBe('MFA_REAUTH_REQUIRED');
    const noCode = await t.call('POST', '/api/auth/totp/start', { token, body: { password: TEST_PASSWORD } });
    expect(noCode.json().error).toMatchObject({ code: 'MFA_REAUTH_REQUIRED', field: 'code' });
    const wrongPassword = await t.call('POST', '/api/auth/totp/start', { token, body: { password: 'Not-my-password-1', code: totp.generate() } });
    expect(wrongPassword.json().error).toMatchObject({ code: 'CURRENT_PASSWORD_WRONG', field: 'password' });
    const wrongCode = await t.call('POST', '/api/auth/totp/start', { token, body: { password: TEST_PASSWORD, code: '000000' } });
    expect(wrongCode.json().error).toMatchObject({ code: 'MFA_CODE_INVALID', field: 'code' });
    // Still on: a log-in needs a code.
    const login = await t.call('POST', '/api/auth/login', { body: { username: user.username, password: TEST_PASSWORD } });
    expect(login.json().error.code).toBe('MFA_CODE_REQUIRED');
    const me = await t.call('GET', '/api/auth/me', { token });
    expect(me.json().user.totpEnabled).toBe(true);
  });

  it('with the password and a current code, moves to a new phone; the old factor works until the new one is confirmed', async () => {
    const { user, token, totp } = await enrolled();
    const start = await t.call('POST', '/api/auth/totp/start', { token, body: { password: TEST_PASSWORD, code: totp.generate() } });
    expect(start.statusCode).toBe(200);
    const next = totpOf(start.json().secret as string);
    // Not confirmed yet: the old phone still logs in, the new one does not.
    expect((await t.call('POST', '/api/auth/login', { body: { username: user.username, password: TEST_PASSWORD, totp: next.generate() } })).json().error.code).toBe('MFA_CODE_INVALID');
    expect((await t.call('POST', '/api/auth/login', { body: { username: user.username, password: TEST_PASSWORD, totp: totp.generate({ timestamp: Date.now() + 30_000 }) } })).statusCode).toBe(200);
    expect((await t.call('POST', '/api/auth/totp/confirm', { token, body: { code: next.generate() } })).statusCode).toBe(204);
    // Now only the new one.
    const withOld = await t.call('POST', '/api/auth/login', { body: { username: user.username, password: TEST_PASSWORD, totp: totp.generate({ timestamp: Date.now() + 90_000 }) } });
    expect(withOld.json().error.code).toBe('MFA_CODE_INVALID');
  });

  it('counts wrong passwords given there towards the lockout', async () => {
    const small = await testApp({ lockoutThreshold: 3 });
    try {
      const s = await makeSubtree(small);
      const user = await makeUser(small, { role: 'community_worker', node: s.community });
      const token = (await small.call('POST', '/api/auth/login', { body: { username: user.username, password: TEST_PASSWORD } })).json().token as string;
      const secret = (await small.call('POST', '/api/auth/totp/start', { token })).json().secret as string;
      await small.call('POST', '/api/auth/totp/confirm', { token, body: { code: totpOf(secret).generate() } });
      for (let i = 0; i < 3; i++) await small.call('POST', '/api/auth/totp/start', { token, body: { password: `Guess-number-${i}`, code: '123456' } });
      const locked = await small.call('POST', '/api/auth/totp/start', { token, body: { password: TEST_PASSWORD, code: totpOf(secret).generate() } });
      expect(locked.statusCode).toBe(423);
    } finally {
      await small.close();
    }
  }, 120_000);
});

describe('administrators and auditors need a second factor by default (item 9)', () => {
  it('sends a new administrator and a new auditor to enrolment first', async () => {
    for (const role of ['admin', 'auditor', 'security_officer'] as const) {
      const user = await makeUser(t, { role, node: tree.city });
      const login = await t.call('POST', '/api/auth/login', { body: { username: user.username, password: TEST_PASSWORD } });
      expect(login.json().mfaEnrollmentRequired, role).toBe(true);
      const blocked = await t.call('GET', role === 'auditor' ? '/api/audit' : '/api/tree/home', { token: login.json().token });
      expect(blocked.json().error.code, role).toBe('MFA_ENROLLMENT_REQUIRED');
    }
    const worker = await makeUser(t, { role: 'community_worker', node: tree.community });
    expect((await t.call('POST', '/api/auth/login', { body: { username: worker.username, password: TEST_PASSWORD } })).json().mfaEnrollmentRequired).toBe(false);
  });

  it('shows the default in the role policies, and an explicit policy overrides it', async () => {
    const admin = await makeUser(t, { role: 'admin', node: tree.city });
    const token = (await t.call('POST', '/api/auth/login', { body: { username: admin.username, password: TEST_PASSWORD } })).json().token as string;
    const secret = (await t.call('POST', '/api/auth/totp/start', { token })).json().secret as string;
    await t.call('POST', '/api/auth/totp/confirm', { token, body: { code: totpOf(secret).generate() } });
    const policies = (await t.call('GET', '/api/admin/role-policies', { token })).json() as { role: string; mfaRequired: boolean }[];
    expect(Object.fromEntries(policies.map((p) => [p.role, p.mfaRequired]))).toMatchObject({ admin: true, auditor: true, security_officer: true, community_worker: false });
  });
});

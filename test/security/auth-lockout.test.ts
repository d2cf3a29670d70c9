// Issue 18, items 4 and 13: the lockout must hold under parallel attempts, answer real and unknown
// user names alike, and not let a stranger lock a worker out from elsewhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, makeSubtree, makeUser, testApp, TEST_PASSWORD, type Subtree, type TestApp } from '../support/app.js';

let t: TestApp;
let tree: Subtree;

beforeAll(async () => {
  t = await testApp({ lockoutThreshold: 5, lockoutAccountThreshold: 20, lockoutMinutes: 15 });
  tree = await makeSubtree(t);
});
afterAll(() => t.close());

const attempt = (username: string, password: string, remoteAddress = '198.51.100.1') => t.call('POST', '/api/auth/login', { body: { username, password }, remoteAddress });

describe('parallel wrong passwords (item 4)', () => {
  it('30 wrong passwords sent at once lock the account, and the right one is then refused', async () => {
    const user = await makeUser(t, { role: 'community_worker', node: tree.community });
    const answers = await Promise.all(Array.from({ length: 30 }, () => attempt(user.username, 'Wrong-password-1')));
    const codes = answers.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 423).length).toBeGreaterThanOrEqual(25);
    expect(codes.every((c) => c === 401 || c === 423)).toBe(true);
    const right = await attempt(user.username, TEST_PASSWORD);
    expect(right.statusCode).toBe(423);
    expect(right.json().error.code).toBe('ACCOUNT_LOCKED');
  });

  it('an administrator’s unlock lets the user in again', async () => {
    const user = await makeUser(t, { role: 'grid_worker', node: tree.grid });
    await Promise.all(Array.from({ length: 8 }, () => attempt(user.username, 'Wrong-password-1')));
    expect((await attempt(user.username, TEST_PASSWORD)).statusCode).toBe(423);
    const admin = await loginAs(t, { role: 'admin', node: tree.city });
    const list = await t.call('GET', `/api/admin/users?q=${user.username}`, { token: admin.token });
    expect(list.json().items[0].lockedUntil).toBeNull(); // locked from one address only, not everywhere
    expect((await t.call('PATCH', `/api/admin/users/${user.id}`, { token: admin.token, body: { unlock: true } })).statusCode).toBe(200);
    expect((await attempt(user.username, TEST_PASSWORD)).statusCode).toBe(200);
  });
});

describe('real and unknown user names are answered alike (item 13)', () => {
  it('gives the same statuses and messages, attempt by attempt, into the lock', async () => {
    const user = await makeUser(t, { role: 'grid_worker', node: tree.grid });
    const real: string[] = [];
    const unknown: string[] = [];
    for (let i = 0; i < 7; i++) {
      const a = await attempt(user.username, 'Wrong-password-1', '198.51.100.77');
      const b = await attempt(`nobody-${user.username}`, 'Wrong-password-1', '198.51.100.77');
      real.push(`${a.statusCode} ${a.json().error.code} ${a.json().error.message}`);
      unknown.push(`${b.statusCode} ${b.json().error.code} ${b.json().error.message}`);
    }
    expect(unknown).toEqual(real);
    expect(real[0]).toMatch(/^401 LOGIN_FAILED/);
    expect(real[6]).toMatch(/^423 ACCOUNT_LOCKED/);
  });
});

describe('a stranger cannot lock a worker out (item 13)', () => {
  it('failures from one address lock only that address', async () => {
    const user = await makeUser(t, { role: 'community_worker', node: tree.community });
    expect((await attempt(user.username, TEST_PASSWORD, '10.20.30.40')).statusCode).toBe(200);
    for (let i = 0; i < 12; i++) await attempt(user.username, 'Wrong-password-1', '203.0.113.50');
    expect((await attempt(user.username, TEST_PASSWORD, '203.0.113.50')).statusCode).toBe(423);
    // From the worker's office: in at once. From a new place (a phone on mobile data): also in.
    expect((await attempt(user.username, TEST_PASSWORD, '10.20.30.40')).statusCode).toBe(200);
    expect((await attempt(user.username, TEST_PASSWORD, '192.0.2.99')).statusCode).toBe(200);
  });

  it('guessing spread over many addresses stops everywhere except where the worker logs in', async () => {
    const user = await makeUser(t, { role: 'community_worker', node: tree.community });
    expect((await attempt(user.username, TEST_PASSWORD, '10.20.30.41')).statusCode).toBe(200);
    for (let i = 0; i < 22; i++) await attempt(user.username, 'Wrong-password-1', `203.0.113.${100 + i}`);
    const fresh = await attempt(user.username, TEST_PASSWORD, '192.0.2.150');
    expect(fresh.statusCode).toBe(423);
    expect((await attempt(user.username, TEST_PASSWORD, '10.20.30.41')).statusCode).toBe(200);
    // The administrator sees the account-wide lock.
    const admin = await loginAs(t, { role: 'admin', node: tree.city });
    const row = (await t.call('GET', `/api/admin/users?q=${user.username}`, { token: admin.token })).json().items[0];
    expect(new Date(row.lockedUntil).getTime()).toBeGreaterThan(Date.now());
  });

  it('counts IPv6 clients by their /64, so a host cannot step around the count', async () => {
    const user = await makeUser(t, { role: 'grid_worker', node: tree.grid });
    for (let i = 0; i < 6; i++) await attempt(user.username, 'Wrong-password-1', `2001:db8:1:2::${(i + 1).toString(16)}`);
    expect((await attempt(user.username, TEST_PASSWORD, '2001:db8:1:2::ffff')).statusCode).toBe(423);
    expect((await attempt(user.username, TEST_PASSWORD, '2001:db8:1:3::1')).statusCode).toBe(200);
  });
});

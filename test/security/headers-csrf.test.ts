// Issue 18, items 10, 18 and 19: forged client addresses and request ids, security headers, and
// cross-site writes riding on the session cookie.
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { installFormBodies } from '../../src/platform/security.js';
import { loginAs, makeSubtree, makeUser, testApp, TEST_PASSWORD, type Subtree, type TestApp } from '../support/app.js';

let t: TestApp;
let tree: Subtree;

beforeAll(async () => {
  t = await testApp({ tileUrl: 'https://{s}.tiles.example.org/{z}/{x}/{y}.png' });
  tree = await makeSubtree(t);
});
afterAll(() => t.close());

async function lastLoginRow(app: TestApp, username: string) {
  const rows = await queryRows<{ ip: string; request_id: string }>(app.database.db, sql`SELECT ip, request_id FROM audit_log WHERE action = 'auth.login' AND detail->>'username' IS NULL AND actor_name = ${username} ORDER BY id DESC LIMIT 1`);
  return rows[0]!;
}

function cookieOf(res: { headers: Record<string, unknown> }): string {
  const raw = res.headers['set-cookie'];
  const list = Array.isArray(raw) ? raw : [String(raw)];
  return list.find((c) => c.startsWith('qc_session='))!;
}

describe('client address and request id (item 10)', () => {
  it('ignores X-Forwarded-For and X-Request-Id from a client that is not a configured proxy', async () => {
    const user = await makeUser(t, { role: 'grid_worker', node: tree.grid });
    const res = await t.call('POST', '/api/auth/login', { body: { username: user.username, password: TEST_PASSWORD }, headers: { 'x-forwarded-for': '6.6.6.6', 'x-request-id': 'forged-request-id-0001' }, remoteAddress: '198.51.100.20' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-request-id']).not.toBe('forged-request-id-0001');
    const row = await lastLoginRow(t, user.username);
    expect(row.ip).toBe('198.51.100.20');
    expect(row.request_id).toBe(res.headers['x-request-id']);
    expect(row.request_id).not.toBe('forged-request-id-0001');
  });

  it('takes the forwarded address only from a proxy named in QC_TRUSTED_PROXIES', async () => {
    const behind = await testApp({ trustedProxies: ['10.0.0.0/8'] });
    try {
      const s = await makeSubtree(behind);
      const user = await makeUser(behind, { role: 'grid_worker', node: s.grid });
      const viaProxy = await behind.call('POST', '/api/auth/login', { body: { username: user.username, password: TEST_PASSWORD }, headers: { 'x-forwarded-for': '203.0.113.9' }, remoteAddress: '10.1.2.3' });
      expect(viaProxy.statusCode).toBe(200);
      expect((await lastLoginRow(behind, user.username)).ip).toBe('203.0.113.9');
      const direct = await behind.call('POST', '/api/auth/login', { body: { username: user.username, password: TEST_PASSWORD }, headers: { 'x-forwarded-for': '203.0.113.9' }, remoteAddress: '192.0.2.77' });
      expect(direct.statusCode).toBe(200);
      expect((await lastLoginRow(behind, user.username)).ip).toBe('192.0.2.77');
    } finally {
      await behind.close();
    }
  }, 120_000);

  it('refuses a malformed proxy list at start', async () => {
    const { loadConfig } = await import('../../src/config.js');
    expect(() => loadConfig({ QC_TRUSTED_PROXIES: '10.0.0.0/8, not-an-address' })).toThrow(/QC_TRUSTED_PROXIES/);
    expect(loadConfig({ QC_TRUSTED_PROXIES: 'loopback, 10.0.0.0/8, fd00::/8' }).trustedProxies).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8']);
  });
});

describe('security headers (items 3 and 18)', () => {
  it('sends a strict Content-Security-Policy and the other headers on pages, API answers and errors', async () => {
    for (const url of ['/', '/residents/1', '/api/health', '/api/no-such-route', '/api/docs/static/index.html']) {
      const res = await t.call('GET', url);
      const csp = String(res.headers['content-security-policy'] ?? '');
      expect(csp, url).toContain("script-src 'self'");
      expect(csp, url).toContain("script-src-attr 'none'");
      expect(csp, url).toContain("object-src 'none'");
      expect(csp, url).toContain("frame-ancestors 'self'");
      expect(csp, url).toContain("base-uri 'self'");
      const scriptSrc = /script-src ([^;]*)/.exec(csp)![1]!;
      expect(scriptSrc, url).not.toMatch(/unsafe-inline|unsafe-eval|\*|https?:/);
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      expect(res.headers['x-frame-options'], url).toBe('SAMEORIGIN');
      expect(res.headers['referrer-policy'], url).toBe('strict-origin-when-cross-origin');
      expect(res.headers['strict-transport-security'], url).toBeUndefined();
    }
  });

  it('allows the configured map tiles as images, and nothing else from elsewhere', async () => {
    const csp = String((await t.call('GET', '/')).headers['content-security-policy']);
    expect(/img-src ([^;]*)/.exec(csp)![1]).toBe("'self' data: blob: https://*.tiles.example.org");
    expect(/connect-src ([^;]*)/.exec(csp)![1]).toBe("'self'");
  });

  it('sends HSTS only when the platform is served over TLS', async () => {
    const tls = await testApp({ publicBaseUrl: 'https://qingche.example.gov.cn' });
    try {
      const res = await tls.call('GET', '/api/health');
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000');
      expect(String(res.headers['content-security-policy'])).toContain('upgrade-insecure-requests');
    } finally {
      await tls.close();
    }
  }, 120_000);

  it('the web app page has no inline script for the policy to refuse', () => {
    const html = readFileSync(new URL('../../web/index.html', import.meta.url), 'utf8');
    for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
      expect(m[1]).toMatch(/\bsrc=/);
      expect(m[2]!.trim()).toBe('');
    }
    expect(html).not.toMatch(/\son[a-z]+=/i);
  });
});

describe('cross-site writes with the session cookie (item 19)', () => {
  async function cookieSession(role: 'admin' | 'community_worker' = 'admin') {
    const user = await makeUser(t, { role, node: role === 'admin' ? tree.city : tree.community });
    const res = await t.call('POST', '/api/auth/login', { body: { username: user.username, password: TEST_PASSWORD } });
    expect(res.statusCode).toBe(200);
    return { user, cookie: cookieOf(res).split(';')[0]!, token: res.json().token as string };
  }

  it('refuses a cookie-authenticated write sent from another origin (the template the probe created)', async () => {
    const { cookie } = await cookieSession();
    const evil = await t.call('PUT', '/api/admin/role-policies/reviewer', { body: { mfaRequired: true }, headers: { cookie, origin: 'http://evil.example' } });
    expect(evil.statusCode).toBe(403);
    expect(evil.json().error.code).toBe('CROSS_SITE_REQUEST');
    const fetchMeta = await t.call('PUT', '/api/admin/role-policies/reviewer', { body: { mfaRequired: true }, headers: { cookie, 'sec-fetch-site': 'cross-site' } });
    expect(fetchMeta.statusCode).toBe(403);
    const sameSite = await t.call('PUT', '/api/admin/role-policies/reviewer', { body: { mfaRequired: true }, headers: { cookie, 'sec-fetch-site': 'same-site' } });
    expect(sameSite.statusCode).toBe(403);
    const policies = (await t.call('GET', '/api/admin/role-policies', { headers: { cookie } })).json() as { role: string; mfaRequired: boolean }[];
    expect(policies.find((p) => p.role === 'reviewer')!.mfaRequired).toBe(false);
  });

  it('accepts the same write from the platform’s own pages, and bearer-token calls from anywhere', async () => {
    const { cookie, token } = await cookieSession();
    const own = await t.call('PUT', '/api/admin/role-policies/reviewer', { body: { mfaRequired: false }, headers: { cookie, origin: 'http://localhost:80', host: 'localhost:80', 'sec-fetch-site': 'same-origin' } });
    expect(own.statusCode).toBe(204);
    const bearer = await t.call('PUT', '/api/admin/role-policies/reviewer', { token, body: { mfaRequired: false }, headers: { origin: 'http://evil.example' } });
    expect(bearer.statusCode).toBe(204);
    // Reads are not writes.
    expect((await t.call('GET', '/api/auth/me', { headers: { cookie, origin: 'http://evil.example' } })).statusCode).toBe(200);
  });

  it('refuses a log-in posted from another site (log-in CSRF)', async () => {
    const user = await makeUser(t, { role: 'grid_worker', node: tree.grid });
    const res = await t.call('POST', '/api/auth/login', { body: { username: user.username, password: TEST_PASSWORD }, headers: { origin: 'https://evil.example' } });
    expect(res.statusCode).toBe(403);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('does not parse form-encoded bodies on JSON routes', async () => {
    const user = await makeUser(t, { role: 'grid_worker', node: tree.grid });
    const res = await t.built.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `username=${user.username}&password=${encodeURIComponent(TEST_PASSWORD)}` });
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('parses form bodies on a route that opts in', async () => {
    const app = Fastify();
    installFormBodies(app, 4096);
    app.post('/form', { config: { formBody: true } }, async (req) => req.body);
    app.post('/json', async (req) => req.body);
    const form = await app.inject({ method: 'POST', url: '/form', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'service_code=001&description=%E8%B7%AF%E7%81%AF&x=1&x=2' });
    expect(form.json()).toEqual({ service_code: '001', description: '路灯', x: ['1', '2'] });
    expect((await app.inject({ method: 'POST', url: '/json', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'a=1' })).statusCode).toBe(415);
    await app.close();
  });

  it('marks the cookie Secure behind TLS and clears it on log-out with the same attributes', async () => {
    const user = await makeUser(t, { role: 'grid_worker', node: tree.grid });
    const plain = cookieOf(await t.call('POST', '/api/auth/login', { body: { username: user.username, password: TEST_PASSWORD } }));
    expect(plain).toMatch(/HttpOnly/);
    expect(plain).toMatch(/SameSite=Strict/);
    expect(plain).not.toMatch(/Secure/);
    const tls = await testApp({ trustedProxies: ['127.0.0.1'] });
    try {
      const s = await makeSubtree(tls);
      const u = await makeUser(tls, { role: 'grid_worker', node: s.grid });
      const login = await tls.call('POST', '/api/auth/login', { body: { username: u.username, password: TEST_PASSWORD }, headers: { 'x-forwarded-proto': 'https' } });
      const set = cookieOf(login);
      expect(set).toMatch(/Secure/);
      const logout = await tls.call('POST', '/api/auth/logout', { headers: { cookie: set.split(';')[0]!, 'x-forwarded-proto': 'https' } });
      expect(logout.statusCode).toBe(204);
      const cleared = cookieOf(logout);
      for (const attr of ['HttpOnly', 'SameSite=Strict', 'Secure', 'Path=/']) expect(cleared).toContain(attr);
      // A forwarded protocol from a client that is not a trusted proxy is not believed.
      const forged = cookieOf(await t.call('POST', '/api/auth/login', { body: { username: user.username, password: TEST_PASSWORD }, headers: { 'x-forwarded-proto': 'https' } }));
      expect(forged).not.toMatch(/Secure/);
    } finally {
      await tls.close();
    }
  }, 120_000);

  it('still answers a valid write with its own session', async () => {
    const { token } = await loginAs(t, { role: 'community_worker', node: tree.community });
    expect((await t.call('POST', '/api/auth/logout', { token })).statusCode).toBe(204);
  });
});

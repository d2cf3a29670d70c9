// Issue 18, item 16: log-in, certificate verification and the public pages are rate-limited per
// address (and log-in per account, typed codes per prefix), answering 429 with Retry-After; the
// counts can live in the database so that every instance shares them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { testDataKeys } from '../../src/platform/crypto.js';
import { codePrefix } from '../../src/platform/ratelimit.js';
import { issue, resident, world, type World } from '../certificates/helpers.js';
import { makeSubtree, makeUser, testApp, testDefaults, TEST_PASSWORD, type TestApp } from '../support/app.js';

const perMinute = (max: number) => ({ max, windowMs: 60_000 });

describe('log-in (per address and per account)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp({ rateLoginAddress: perMinute(10), rateLoginAccount: perMinute(6), lockoutThreshold: 100, lockoutAccountThreshold: 100 });
  });
  afterAll(() => t.close());

  it('answers 429 with Retry-After once an address has made too many attempts (the probe sent 40 in 6 s)', async () => {
    const codes: number[] = [];
    let last;
    for (let i = 0; i < 14; i++) {
      last = await t.call('POST', '/api/auth/login', { body: { username: `unknown-${i}`, password: 'Whatever-123' }, remoteAddress: '203.0.113.1' });
      codes.push(last.statusCode);
    }
    expect(codes.slice(0, 10).every((c) => c === 401)).toBe(true);
    expect(codes.slice(10).every((c) => c === 429)).toBe(true);
    expect(last!.json().error.code).toBe('RATE_LIMITED');
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(last!.headers['retry-after'])).toBeLessThanOrEqual(60);
    // Another address is not affected.
    expect((await t.call('POST', '/api/auth/login', { body: { username: 'someone', password: 'Whatever-123' }, remoteAddress: '203.0.113.2' })).statusCode).toBe(401);
  });

  it('limits attempts on one user name from many addresses', async () => {
    const s = await makeSubtree(t);
    const user = await makeUser(t, { role: 'grid_worker', node: s.grid });
    const codes: number[] = [];
    for (let i = 0; i < 8; i++) codes.push((await t.call('POST', '/api/auth/login', { body: { username: user.username.toUpperCase(), password: 'Wrong-one-123' }, remoteAddress: `198.51.100.${i + 1}` })).statusCode);
    expect(codes).toEqual([401, 401, 401, 401, 401, 401, 429, 429]);
    const right = await t.call('POST', '/api/auth/login', { body: { username: user.username, password: TEST_PASSWORD }, remoteAddress: '198.51.100.50' });
    expect(right.statusCode).toBe(429);
  });
});

describe('public certificate verification and public pages', () => {
  let w: World;
  let c: { verifyCode: string; verifyUrl: string };
  beforeAll(async () => {
    w = await world({ rateVerify: perMinute(40), rateVerifyCode: perMinute(8), rateVerifyCodePrefix: perMinute(5), ratePublic: perMinute(15) });
    const rid = await resident(w, { name: '核验人' });
    c = (await issue(w, { residentId: rid, kind: 'residence', purpose: '申领居住证' })).json();
  });
  afterAll(() => w.t.close());

  const verify = (q: string, remoteAddress: string) => w.t.call('GET', `/api/public/certificates/verify?${q}`, { remoteAddress });

  it('stops typed-code guessing per address, without slowing scanned QR codes', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 10; i++) codes.push((await verify(`code=${String(i).padStart(2, '0')}ABCD${String(100 + i * 7).slice(-3)}X`, '192.0.2.10')).statusCode);
    expect(codes.slice(0, 8).every((x) => x === 200)).toBe(true);
    expect(codes.slice(8)).toEqual([429, 429]);
    // The same address scanning genuine QR codes goes on.
    const payload = new URL(c.verifyUrl).searchParams.get('p')!;
    for (let i = 0; i < 10; i++) {
      const r = await verify(`payload=${payload}`, '192.0.2.10');
      expect(r.statusCode).toBe(200);
      expect(r.json().status).toBe('valid');
    }
  });

  it('stops completing a partly known code from many addresses (per code prefix)', async () => {
    const prefix = c.verifyCode.slice(0, 5);
    const codes: number[] = [];
    for (let i = 0; i < 7; i++) codes.push((await verify(`code=${prefix}-${String(10000 + i * 13).slice(-5).replace(/[ILOU]/g, '0')}`, `198.51.100.${10 + i}`)).statusCode);
    expect(codes).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(codePrefix(`${prefix.toLowerCase()}-xxxxx`)).toBe(prefix.replace(/O/g, '0').replace(/[IL]/g, '1'));
  });

  it('counts every item of a batch', async () => {
    const items = Array.from({ length: 9 }, (_, i) => ({ code: `ZZ${i}QM-XRT2B` }));
    const res = await w.t.call('POST', '/api/public/certificates/verify/batch', { body: { items }, remoteAddress: '192.0.2.20' });
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBeDefined();
  });

  it('limits the other public pages per address', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 18; i++) codes.push((await w.t.call('GET', '/api/public/handbook', { remoteAddress: '192.0.2.30' })).statusCode);
    expect(codes.slice(0, 15).every((x) => x === 200)).toBe(true);
    expect(codes.slice(15)).toEqual([429, 429, 429]);
    // Health checks are not limited.
    for (let i = 0; i < 20; i++) expect((await w.t.call('GET', '/api/health', { remoteAddress: '192.0.2.30' })).statusCode).toBe(200);
  });
});

describe('counts in the database hold across instances', () => {
  it('two instances on one database share a log-in limit', async () => {
    const a = await testApp({ rateLimitStore: 'database', rateLoginAddress: perMinute(4) });
    const config = loadConfig({}, { ...a.config, ...testDefaults, rateLimitStore: 'database', rateLoginAddress: perMinute(4) });
    const b = await buildApp({ config, database: a.database, keys: testDataKeys(), logger: false });
    await b.app.ready();
    try {
      const send = (app: typeof a.built.app) => app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'shared-x', password: 'Whatever-123' }, remoteAddress: '203.0.113.77' });
      const codes = [];
      for (let i = 0; i < 3; i++) codes.push((await send(a.built.app)).statusCode);
      for (let i = 0; i < 3; i++) codes.push((await send(b.app)).statusCode);
      expect(codes).toEqual([401, 401, 401, 401, 429, 429]);
    } finally {
      await b.close();
      await a.close();
    }
  }, 120_000);

  it('the limits are configuration', () => {
    const cfg = loadConfig({ QC_RATE_LOGIN_ADDRESS: '50/5m', QC_RATE_PUBLIC: 'off' });
    expect(cfg.rateLoginAddress).toEqual({ max: 50, windowMs: 300_000 });
    expect(cfg.ratePublic).toBeNull();
    expect(() => loadConfig({ QC_RATE_VERIFY: 'lots' })).toThrow(/QC_RATE_VERIFY/);
  });
});

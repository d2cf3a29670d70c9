// A read of personal data is answered only once its audit row is durable. A probe unmasked 20 ID
// numbers (all answered 200), killed the server with SIGKILL fifteen seconds later, and found
// none of the 20 rows after a restart: read rows were committed without waiting for the flush.
// Here the real server runs as a child process on a temporary data folder (embedded database),
// is killed with SIGKILL right after the last answer, and is started again on the same folder.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { testApp } from '../support/app.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const PASSWORD = 'Qingche#2026';

interface Server {
  url: string;
  child: ChildProcess;
  output(): string;
}

/** `qingche serve --demo` on `dataDir`, on a free port; resolves with its address once it listens. */
async function startServer(dataDir: string, keyDir: string): Promise<Server> {
  const child = spawn(process.execPath, ['bin/qingche.mjs', 'serve', '--demo'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      PORT: '0',
      HOST: '127.0.0.1',
      QC_DATA_DIR: dataDir,
      QC_AUDIT_SIGNING_KEY_FILE: join(keyDir, 'audit-signing-key.pem'),
      QC_DEMO_RESIDENTS: '200',
      MQTT_PORT: '0',
      MQTT_URL: '',
      DATABASE_URL: '',
      QC_JOBS: 'false',
      QC_LOG_LEVEL: 'warn',
      QC_PUBLIC_BASE_URL: '',
      QC_MFA_REQUIRED_ROLES: '',
      QC_RATE_LOGIN_ADDRESS: 'off',
      QC_RATE_LOGIN_ACCOUNT: 'off',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`the server did not start within 240 s:\n${out.slice(-3000)}`)), 240_000);
    const check = () => {
      const m = /is running at (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.off('exit', exited);
        ok(m[1]!);
      }
    };
    const exited = (code: number | null) => {
      clearTimeout(timer);
      fail(new Error(`the server exited (${code}) before it was ready:\n${out.slice(-3000)}`));
    };
    child.stdout!.on('data', check);
    child.once('exit', exited);
  });
  return { url, child, output: () => out };
}

async function killHard(s: Server): Promise<void> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return;
  const gone = new Promise((r) => s.child.once('exit', r));
  s.child.kill('SIGKILL');
  await gone;
}

async function call(s: Server, method: string, path: string, token?: string, body?: unknown) {
  const res = await fetch(`${s.url}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, requestId: res.headers.get('x-request-id'), json: () => JSON.parse(text) as any, text };
}

async function login(s: Server, username: string): Promise<string> {
  const r = await call(s, 'POST', '/api/auth/login', undefined, { username, password: PASSWORD });
  if (r.status !== 200) throw new Error(`log-in ${username}: ${r.status} ${r.text}`);
  return r.json().token as string;
}

const dataDir = mkdtempSync(join(tmpdir(), 'qingche-durable-'));
const keyDir = mkdtempSync(join(tmpdir(), 'qingche-durable-keys-'));
const running: Server[] = [];
afterAll(async () => {
  for (const s of running) await killHard(s);
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(keyDir, { recursive: true, force: true });
});

describe('audit rows of personal-data reads survive a crash', () => {
  it('keeps all 20 unmask rows after SIGKILL right after the last answer', { timeout: 600_000 }, async () => {
    const first = await startServer(dataDir, keyDir);
    running.push(first);
    const token = await login(first, 'community');
    const list = await call(first, 'GET', '/api/residents?limit=20', token);
    expect(list.status).toBe(200);
    const found0 = (list.json().items as { id: number }[]).map((r) => r.id);
    expect(found0.length).toBeGreaterThan(0);
    // Twenty calls; a small demo community may have fewer residents, so some are unmasked twice.
    const ids = Array.from({ length: 20 }, (_, i) => found0[i % found0.length]!);

    // Twenty unmask calls, the way a worker at the counter makes them: one after another, plus a
    // burst of concurrent ones so that several share a commit.
    const requestIds: string[] = [];
    for (const id of ids.slice(0, 10)) {
      const r = await call(first, 'POST', `/api/residents/${id}/unmask`, token, { field: 'idNumber', reason: '核对身份（崩溃测试）' });
      expect(r.status, r.text).toBe(200);
      requestIds.push(r.requestId!);
    }
    const burst = await Promise.all(ids.slice(10).map((id) => call(first, 'POST', `/api/residents/${id}/unmask`, token, { field: 'idNumber', reason: '核对身份（崩溃测试）' })));
    for (const r of burst) {
      expect(r.status, r.text).toBe(200);
      requestIds.push(r.requestId!);
    }
    await killHard(first);
    expect(first.child.signalCode).toBe('SIGKILL');

    const second = await startServer(dataDir, keyDir);
    running.push(second);
    const auditor = await login(second, 'auditor');
    const rows = await call(second, 'GET', '/api/audit?action=resident.unmask&limit=100', auditor);
    expect(rows.status, rows.text).toBe(200);
    const found = new Set((rows.json().items as { requestId: string }[]).map((r) => r.requestId));
    const missing = requestIds.filter((r) => !found.has(r));
    expect(missing, `${missing.length} of 20 unmask rows lost in the crash`).toEqual([]);
    const verify = await call(second, 'POST', '/api/audit/verify', auditor);
    expect(verify.json()).toMatchObject({ ok: true });
    await killHard(second);
  });
});

describe('group commit', () => {
  it('shares commits among reads that arrive together, and one bad row costs only its caller', { timeout: 120_000 }, async () => {
    const t = await testApp();
    try {
      const audit = t.built.platform.audit;
      const db = t.database.db;
      const execute = vi.spyOn(db, 'execute');
      const ctx = (i: number) => ({ requestId: `group-${i}`, ip: '127.0.0.1', lang: 'zh' as const, principal: null });
      const calls = Array.from({ length: 30 }, (_, i) =>
        audit.recordNow(db, ctx(i) as never, { category: 'read', action: i === 7 ? 'x'.repeat(100) : 'group.read', entityId: i }),
      );
      const results = await Promise.allSettled(calls);
      expect(results.filter((r) => r.status === 'rejected').length).toBe(1);
      expect(results[7]!.status).toBe('rejected');
      const rows = await queryRows<{ request_id: string }>(db, sql`SELECT request_id FROM audit_log WHERE action = 'group.read' ORDER BY id`);
      expect(rows.map((r) => r.request_id).sort()).toEqual(Array.from({ length: 30 }, (_, i) => `group-${i}`).filter((x) => x !== 'group-7').sort());
      // Thirty callers at once, now that the head is known: one statement, one commit for all.
      execute.mockClear();
      await Promise.all(Array.from({ length: 30 }, (_, i) => audit.recordNow(db, ctx(100 + i) as never, { category: 'read', action: 'group.read.ok', entityId: i })));
      expect(execute.mock.calls.length).toBe(1);
      expect((await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'group.read.ok'`))[0]!.n).toBe(30);
      expect(await audit.verify(db)).toMatchObject({ ok: true });
    } finally {
      await t.close();
    }
  });
});

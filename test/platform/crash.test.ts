// Fault test: the real server (a child process) on an embedded data folder, killed with SIGKILL at
// several moments (while its first start writes the demo city, in a burst of concurrent
// registrations, right after an import was started, in the middle of an import), restarted on the
// same folder each time. The database must open, every
// registration answered 201 before a kill must be there, and each import must finish exactly once
// (none left "running", no person imported twice). A second server on the folder is refused
// naming the holder; at the end a clean SIGTERM leaves no lock and the folder opens directly.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { idCheckChar } from '../../src/modules/registry/validation.js';
import { simpleXlsx } from '../exchange/helpers.js';
import { buildRegister, hardProblems, type Register } from '../exchange/register-fixture.js';
import { api, runCli, startServer, type ServerProcess } from '../support/server.js';

const root = mkdtempSync(join(tmpdir(), 'qingche-crash-'));
const dataDir = join(root, 'data');
let server: ServerProcess | null = null;

afterAll(async () => {
  await server?.stop('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

const DIGITS = '零一二三四五六七八九';
const cn = (n: number) => String(n).replace(/\d/g, (d) => DIGITS[Number(d)]!);
/** A distinct valid ID number per index: one birth date each. */
function idFor(i: number, address = '140181'): string {
  const d = new Date(Date.UTC(1950, 0, 1) + i * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
  const first17 = `${address}${d}101`;
  return first17 + idCheckChar(first17);
}

interface Session {
  token: string;
  gridId: number;
  communityId: number;
}

async function logIn(s: ServerProcess): Promise<Session> {
  const login = await api(s.url, 'POST', '/api/auth/login', { body: { username: 'community', password: 'Qingche#2026' } });
  expect(login.status, JSON.stringify(login.json)).toBe(200);
  const token = login.json.token as string;
  const home = await api(s.url, 'GET', '/api/tree/home', { token });
  const grid = (home.json.children as { id: number; level: string }[]).find((c) => c.level === 'grid')!;
  return { token, gridId: grid.id, communityId: home.json.node.id };
}

/** Registrations answered 201 (their ids), across every server the test starts. */
const acknowledged = new Map<number, string>();
let nextPerson = 0;

/** Registers residents `concurrency` at a time until `until()` says stop; resolves when all in flight settled. */
function burst(s: ServerProcess, session: Session, concurrency: number): { stop(): Promise<void>; answered(): number } {
  let stopped = false;
  let answered = 0;
  const lane = async () => {
    while (!stopped) {
      const i = nextPerson++;
      const name = `断电${cn(i)}`;
      try {
        const r = await api(s.url, 'POST', '/api/residents', { token: session.token, body: { gridId: session.gridId, name, idNumber: idFor(i) } });
        if (r.status === 201) {
          acknowledged.set(r.json.id as number, name);
          answered += 1;
        }
      } catch {
        return; // the server is gone: the answer never came, so nothing was promised
      }
    }
  };
  const lanes = Array.from({ length: concurrency }, lane);
  return {
    answered: () => answered,
    async stop() {
      stopped = true;
      await Promise.all(lanes);
    },
  };
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return Date.now() - started;
}

/** Every acknowledged registration is there (listed by its name prefix), and no name twice. */
async function expectAcknowledgedPresent(s: ServerProcess, session: Session): Promise<void> {
  const seen = new Map<number, string>();
  for (let offset = 0; ; offset += 200) {
    const page = await api(s.url, 'GET', `/api/residents?q=${encodeURIComponent('断电')}&limit=200&offset=${offset}`, { token: session.token });
    expect(page.status).toBe(200);
    for (const r of page.json.items as { id: number; name: string }[]) seen.set(r.id, r.name);
    if ((page.json.items as unknown[]).length < 200) break;
  }
  const missing = [...acknowledged].filter(([id, name]) => seen.get(id) !== name);
  expect(missing, `registrations answered 201 before a kill and missing after it`).toEqual([]);
  expect(new Set(seen.values()).size).toBe(seen.size);
}

async function startImport(s: ServerProcess, session: Session, sheet: Buffer, fileName: string): Promise<number> {
  const form = new FormData();
  form.append('file', new Blob([sheet]), fileName);
  const up = await api(s.url, 'POST', `/api/imports?kind=resident&nodeId=${session.communityId}`, { token: session.token, form });
  expect(up.status, JSON.stringify(up.json)).toBe(201);
  const mapping = (up.json.mapping as { index: number; target: string | null }[]).map((m) => ({ index: m.index, target: m.target }));
  const st = await api(s.url, 'POST', `/api/imports/${up.json.id}/start`, { token: session.token, body: { mapping, defaultGridId: session.gridId, createPlaces: true } });
  expect(st.status, JSON.stringify(st.json)).toBe(202);
  return up.json.id as number;
}

async function importView(s: ServerProcess, session: Session, id: number) {
  return (await api(s.url, 'GET', `/api/imports/${id}`, { token: session.token })).json as { status: string; processedRows: number; counts: Record<string, number> };
}

const expectedCreated = (reg: Register) => reg.rows.filter((r) => !r.planted.some((p) => hardProblems.has(p))).length;

describe('kill -9 at any moment', () => {
  it('reopens after every kill with every acknowledged write, and finishes interrupted imports exactly once', async () => {
    const t0 = Date.now();
    // A real-style register (merged titles, buildings to create, planted mistakes), and a plain
    // sheet long enough for three batches of 2,000 rows.
    const regA = await buildRegister({ rows: 600, seed: 7, addressCodes: ['140105', '140106'], buildingPrefix: '甲区' });
    const rowsB = 4100;
    const sheetB = await simpleXlsx([['姓名', '身份证号'], ...Array.from({ length: rowsB }, (_, i) => [`批量${cn(i)}`, idFor(i, '140121')])]);

    // Moment 0: the very first start, killed while it writes the demo city. The new folder is
    // made beside its place, so the next start finds no half-made city and makes it whole.
    server = await startServer(dataDir, {}, 300_000, /staff: \d+ accounts/);
    server.child.kill('SIGKILL');
    await server.stop('SIGKILL');
    expect(existsSync(join(dataDir, 'pglite', 'PG_VERSION'))).toBe(false);

    server = await startServer(dataDir);
    const tStarted = Date.now();
    let session = await logIn(server);

    // A second server on the same folder is refused, naming the one that holds it.
    const second = runCli(['serve'], dataDir);
    expect(second.code).toBe(3);
    expect(second.out).toContain(`in use by process ${server.child.pid}`);
    // So is the doctor's attempt to open it; it says who holds it.
    const doctor = runCli(['doctor'], dataDir);
    expect(doctor.code).toBe(3);
    expect(doctor.out).toContain(`in use by process ${server.child.pid}`);

    // Moment 1: early in a burst of concurrent registrations.
    let b = burst(server, session, 6);
    await waitFor('25 registrations', async () => b.answered() >= 25);
    server.child.kill('SIGKILL');
    await b.stop();
    await server.stop('SIGKILL');
    const afterFirst = acknowledged.size;

    server = await startServer(dataDir);
    session = await logIn(server);
    await expectAcknowledgedPresent(server, session);

    // Moment 2: in the middle of an import (its first batch committed, the next being written)
    // and of a burst at the same time.
    const idB = await startImport(server, session, sheetB, '乙区花名册.xlsx');
    b = burst(server, session, 4);
    const s2 = server;
    await waitFor('the first batch of the import', async () => (await importView(s2, session, idB)).processedRows >= 2000, 90_000);
    const committedBefore = (await importView(server, session, idB)).processedRows;
    server.child.kill('SIGKILL');
    await b.stop();
    await server.stop('SIGKILL');

    server = await startServer(dataDir);
    session = await logIn(server);
    await expectAcknowledgedPresent(server, session);
    // Moment 3: an import just started (answered 202), killed before or as its worker takes it.
    const idA = await startImport(server, session, regA.buffer, '甲区花名册.xlsx');
    server.child.kill('SIGKILL');
    await server.stop('SIGKILL');

    server = await startServer(dataDir);
    const restartedAt = Date.now();
    session = await logIn(server);
    const s3 = server;
    // Both imports resume on the restarted server without waiting for a lease or the stale
    // timeout (it alone owns the folder) and finish.
    await waitFor('both imports to finish', async () => {
      const [a, bb] = await Promise.all([importView(s3, session, idA), importView(s3, session, idB)]);
      return a.status === 'done' && bb.status === 'done';
    }, 120_000);
    const resumedWithinMs = Date.now() - restartedAt;
    const viewA = await importView(server, session, idA);
    const viewB = await importView(server, session, idB);
    expect(viewB.processedRows).toBeGreaterThanOrEqual(committedBefore);
    expect(viewA.counts.created).toBe(expectedCreated(regA));
    expect(viewB.counts.created).toBe(rowsB);
    await expectAcknowledgedPresent(server, session);

    // A clean stop: exit code 0, no lock left, and the folder opens directly.
    const end = await server.stop('SIGTERM');
    server = null;
    expect(end).toEqual({ code: 0, signal: null });
    expect(existsSync(join(dataDir, 'pglite.lock'))).toBe(false);
    const db = await openDatabase({ dataDir: join(dataDir, 'pglite') });
    try {
      const q = async (text: string) => (await db.pglite!.query<Record<string, number>>(text)).rows[0]!;
      const ids = [...acknowledged.keys()];
      expect((await q(`SELECT count(*)::int AS n FROM resident WHERE id IN (${ids.join(',')})`)).n).toBe(ids.length);
      // No one imported twice across the kills: one record per ID number.
      expect((await q(`SELECT count(*)::int AS n FROM (SELECT id_number_hash FROM resident WHERE id_number_hash IS NOT NULL GROUP BY id_number_hash HAVING count(*) > 1) d`)).n).toBe(0);
      expect((await q(`SELECT count(*)::int AS n FROM job WHERE status = 'running'`)).n).toBe(0);
      expect((await q(`SELECT count(*)::int AS n FROM import_job WHERE status NOT IN ('done')`)).n).toBe(0);
      // The demo city is whole although its first start was killed: every demo log-in, the catalogue.
      expect((await q(`SELECT count(*)::int AS n FROM user_account WHERE username IN ('community','grid','courier','street','minzheng','weijian','reviewer','kaohe','bianban','auditor','security','admin')`)).n).toBe(12);
      expect((await q(`SELECT count(*)::int AS n FROM tree_node WHERE level = 'community'`)).n).toBeGreaterThanOrEqual(60);
      expect(readdirSync(dataDir).filter((n) => n.includes('.new-') || n.includes('.snapshot-'))).toEqual([]);
    } finally {
      await db.close();
    }
    process.stdout.write(`crash test: first start ${Math.round((tStarted - t0) / 1000)} s, ${acknowledged.size} registrations acknowledged (${afterFirst} before the first kill), import B committed ${committedBefore} rows before its kill, both imports done ${Math.round(resumedWithinMs / 1000)} s after the last restart, total ${Math.round((Date.now() - t0) / 1000)} s\n`);
  }, 900_000);
});

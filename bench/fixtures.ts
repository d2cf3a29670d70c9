// Shared benchmark fixtures: the real app over a database that holds the demo city at a given
// size, built once and reused by every later run.
//
//   import { benchDatabase, login, listen } from '../fixtures.js';
//   const fx = await benchDatabase({ engine: 'postgres', residents: ctx.residents, pgUrl: ctx.pgUrl, log: ctx.log });
//   const token = await login(fx, 'community');          // a demo account (see DEMO_USERS)
//   const res = await fx.built.app.inject({ url: '/api/residents?limit=50', headers: { authorization: `Bearer ${token}` } });
//   const server = await listen(fx);                     // or over loopback HTTP: server.url
//   …
//   await fx.close();
//
// Where the cities live:
// - PostgreSQL: database `qingche_bench_<residents>` on the server at `pgUrl` (default:
//   BENCH_DATABASE_URL, else TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test).
//   A finished build is marked by a comment on the database; a database without it (a build
//   that was interrupted) is dropped and built again. Builds are serialised by an advisory lock.
// - PGlite: folder bench/.data/pglite-<residents>/ (gitignored), marked finished by
//   bench/.data/pglite-<residents>.ready.json. PGlite is single-process: a lock file keeps a
//   second benchmark process waiting until the first has closed the folder.
// Each time a city is opened, pending migrations are applied, so new tables and indexes reach it.
//
// Suites that WRITE (imports, issuing) pass `scratch: true`: they get a throw-away copy of the
// city (CREATE DATABASE … TEMPLATE on PostgreSQL, a folder copy on PGlite), dropped on close, so
// the shared city stays as generated and runs stay comparable.
//
// The data keys are the fixed test keys (testDataKeys), so encrypted fields written by one run
// decrypt in the next. Every demo account's password is DEMO_PASSWORD.
import { cpSync, existsSync, mkdirSync, openSync, closeSync, readFileSync, rmSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { buildApp, type BuiltApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openDatabase, runMigrations, queryRows, type Database } from '../src/db/client.js';
import { testDataKeys } from '../src/platform/crypto.js';
import { progressBar } from '../src/cli/progress.js';
import { DEMO_PASSWORD, ensureDemoCity } from '../src/modules/demo/index.js';
import { sql } from 'drizzle-orm';

export { DEMO_PASSWORD };

export type Engine = 'pglite' | 'postgres';

/** Demo accounts useful to benchmarks, by what they are. */
export const DEMO_USERS = {
  /** community worker of 滨体社区 (scope: one community). */
  community: 'community',
  /** full-time grid worker in 滨体社区 (scope: one grid). */
  grid: 'grid',
  /** street staff of 兴华街道 (scope: a street and its communities). */
  street: 'street',
  /** 民政 department staff (grant: low income, extreme poverty, elderly living alone, city-wide). */
  civilAffairs: 'minzheng',
  /** 卫健 department staff. */
  health: 'weijian',
  reviewer: 'reviewer',
  auditor: 'auditor',
  admin: 'admin',
} as const;

export interface BenchFixture {
  engine: Engine;
  residents: number;
  built: BuiltApp;
  database: Database;
  /** The PostgreSQL URL of the database in use (postgres only). */
  url?: string;
  /** How the city was built, when it was: seconds, rows written and rows/s (from its ready mark). */
  build: BuildStats | null;
  close(): Promise<void>;
}

export interface BuildStats {
  residents: number;
  builtAt: string;
  seconds: number;
  /** Rows in the record tables (residents, households, houses, buildings, organisations, facilities, labels, visits, versions, reviews). */
  rows: number;
  residentsPerSecond: number;
  rowsPerSecond: number;
  peakRssMb: number;
}

export interface BenchOptions {
  engine: Engine;
  residents: number;
  /** PostgreSQL server (its database part is ignored: the fixture picks its own database names). */
  pgUrl?: string;
  /** A throw-away copy, dropped on close (for suites that write). */
  scratch?: boolean;
  log?: (msg: string) => void;
}

const here = dirname(fileURLToPath(import.meta.url));
export const benchDataDir = join(here, '.data');
const READY_KIND = 'qingche-bench-city';
const BUILD_LOCK = 7_204_118_777;

export function defaultPgUrl(): string {
  return process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

function appConfig() {
  return loadConfig({}, { env: 'test', dataDir: join(benchDataDir, 'files'), mqttPort: -1, jobsEnabled: false, logLevel: 'silent', port: 0 });
}

/** Builds the app over an open database (migrations applied first). */
async function appOver(database: Database): Promise<BuiltApp> {
  await runMigrations(database);
  const built = await buildApp({ config: appConfig(), database, keys: testDataKeys(), logger: false });
  await built.app.ready();
  return built;
}

/** Rows in the tables that grow with the city. */
export async function cityRowCount(database: Database): Promise<number> {
  const r = await queryRows<{ n: number }>(
    database.db,
    sql`SELECT (SELECT count(*) FROM resident) + (SELECT count(*) FROM household) + (SELECT count(*) FROM house) + (SELECT count(*) FROM building)
             + (SELECT count(*) FROM organisation) + (SELECT count(*) FROM facility) + (SELECT count(*) FROM resident_label) + (SELECT count(*) FROM visit)
             + (SELECT count(*) FROM record_version) + (SELECT count(*) FROM record_review) AS n`,
  );
  return Number(r[0]?.n ?? 0);
}

/** Generates the demo city into an empty, migrated database and returns how it went. */
async function seed(database: Database, residents: number, log: (m: string) => void): Promise<BuildStats> {
  const built = await appOver(database);
  const t0 = performance.now();
  try {
    await ensureDemoCity(built, { residents, log, progress: progressBar });
  } finally {
    await built.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  const rows = await cityRowCount(database);
  const made = await queryRows<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM resident`);
  const n = Number(made[0]?.n ?? 0);
  // VACUUM ANALYZE: fresh statistics and visibility maps, as a server has them once autovacuum
  // has passed after a bulk load (test servers often run with autovacuum off).
  log('VACUUM ANALYZE');
  await database.db.execute(sql`VACUUM ANALYZE`);
  return { residents: n, builtAt: new Date().toISOString(), seconds: Math.round(seconds * 10) / 10, rows, residentsPerSecond: Math.round(n / seconds), rowsPerSecond: Math.round(rows / seconds), peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
}

// ---- PostgreSQL -------------------------------------------------------------------------------

async function adminClient(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  return c;
}

function readMark(comment: string | null): BuildStats | null {
  if (!comment) return null;
  try {
    const j = JSON.parse(comment) as { kind?: string; stats?: BuildStats };
    return j.kind === READY_KIND && j.stats ? j.stats : null;
  } catch {
    return null;
  }
}

async function postgresCity(serverUrl: string, residents: number, log: (m: string) => void): Promise<{ name: string; stats: BuildStats }> {
  const name = `qingche_bench_${residents}`;
  const admin = await adminClient(serverUrl);
  try {
    // One builder at a time per server; others wait here and then find the city ready.
    await admin.query('SELECT pg_advisory_lock($1)', [BUILD_LOCK]);
    const found = await admin.query<{ comment: string | null }>(`SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1`, [name]);
    const mark = found.rows[0] ? readMark(found.rows[0].comment) : null;
    if (mark) return { name, stats: mark };
    if (found.rows[0]) {
      log(`${name} exists without a finished build: dropping it`);
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
    }
    log(`building the demo city with ${residents.toLocaleString('en-US')} residents in PostgreSQL database ${name} (once; later runs reuse it)`);
    await admin.query(`CREATE DATABASE ${name}`);
    const database = await openDatabase({ url: withDatabase(serverUrl, name), poolSize: 4 });
    let stats: BuildStats;
    try {
      await runMigrations(database);
      stats = await seed(database, residents, log);
    } finally {
      await database.close();
    }
    await admin.query(`COMMENT ON DATABASE ${name} IS '${JSON.stringify({ kind: READY_KIND, stats }).replace(/'/g, "''")}'`);
    log(`built ${name}: ${stats.residents} residents, ${stats.rows} rows in ${stats.seconds} s (${stats.rowsPerSecond} rows/s)`);
    return { name, stats };
  } finally {
    await admin.query('SELECT pg_advisory_unlock($1)', [BUILD_LOCK]).catch(() => undefined);
    await admin.end();
  }
}

async function postgresFixture(opts: BenchOptions, log: (m: string) => void): Promise<BenchFixture> {
  const serverUrl = opts.pgUrl ?? defaultPgUrl();
  const city = await postgresCity(serverUrl, opts.residents, log);
  let dbName = city.name;
  if (opts.scratch) {
    dbName = `${city.name}_s${process.pid}_${Date.now() % 100_000}`;
    const admin = await adminClient(serverUrl);
    try {
      // CREATE DATABASE … TEMPLATE needs the template idle: retry while another run holds a connection to it.
      for (let attempt = 0; ; attempt++) {
        try {
          await admin.query(`CREATE DATABASE ${dbName} TEMPLATE ${city.name}`);
          break;
        } catch (err) {
          if (attempt >= 30 || !/being accessed by other users/.test(String(err))) throw err;
          if (attempt === 0) log(`waiting for other connections to ${city.name} to close before copying it`);
          await new Promise((r) => setTimeout(r, 2000));
        }
      }
    } finally {
      await admin.end();
    }
  }
  const url = withDatabase(serverUrl, dbName);
  const database = await openDatabase({ url, poolSize: 10 });
  const built = await appOver(database);
  return {
    engine: 'postgres', residents: opts.residents, built, database, url, build: city.stats,
    async close() {
      await built.close();
      await database.close();
      if (opts.scratch) {
        const admin = await adminClient(serverUrl);
        await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).finally(() => admin.end());
      }
    },
  };
}

// ---- PGlite -----------------------------------------------------------------------------------

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** An exclusive lock file holding our pid; a lock left by a dead process is taken over. */
async function lockFile(path: string, what: string, log: (m: string) => void): Promise<() => void> {
  let told = false;
  for (;;) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      const release = () => {
        try {
          if (readFileSync(path, 'utf8') === String(process.pid)) unlinkSync(path);
        } catch {
          /* already gone */
        }
      };
      process.once('exit', release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(path, 'utf8') || 0);
      if (!holder || !pidAlive(holder)) {
        rmSync(path, { force: true });
        continue;
      }
      if (!told) log(`${what} is in use by process ${holder}: waiting for it to finish`);
      told = true;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

async function pgliteFixture(opts: BenchOptions, log: (m: string) => void): Promise<BenchFixture> {
  mkdirSync(benchDataDir, { recursive: true });
  const dir = join(benchDataDir, `pglite-${opts.residents}`);
  const readyFile = `${dir}.ready.json`;
  // Not `${dir}.lock`: that is the database's own lock (src/db/lock.ts), taken when it opens.
  const release = await lockFile(`${dir}.build-lock`, dir, log);
  let stats: BuildStats;
  try {
    if (existsSync(readyFile)) {
      stats = JSON.parse(readFileSync(readyFile, 'utf8')) as BuildStats;
    } else {
      if (existsSync(dir)) {
        log(`${dir} holds an unfinished build: removing it`);
        rmSync(dir, { recursive: true, force: true });
      }
      log(`building the demo city with ${opts.residents.toLocaleString('en-US')} residents in ${dir} (once; later runs reuse it)`);
      const database = await openDatabase({ dataDir: dir });
      try {
        await runMigrations(database);
        stats = await seed(database, opts.residents, log);
      } finally {
        await database.close();
      }
      writeFileSync(readyFile, JSON.stringify(stats, null, 2));
      log(`built ${dir}: ${stats.residents} residents, ${stats.rows} rows in ${stats.seconds} s (${stats.rowsPerSecond} rows/s)`);
    }
  } catch (err) {
    release();
    throw err;
  }
  let useDir = dir;
  if (opts.scratch) {
    // The copy is private to this process: the shared folder is free again once it is copied.
    useDir = join(benchDataDir, `scratch-${process.pid}-${Date.now() % 100_000}`);
    log(`copying ${dir} to a scratch folder`);
    cpSync(dir, useDir, { recursive: true });
    release();
  }
  const database = await openDatabase({ dataDir: useDir });
  const built = await appOver(database);
  return {
    engine: 'pglite', residents: opts.residents, built, database, build: stats,
    async close() {
      await built.close();
      await database.close();
      if (opts.scratch) rmSync(useDir, { recursive: true, force: true });
      else release();
    },
  };
}

// ---- public helpers ---------------------------------------------------------------------------

/** The demo city at `residents` on `engine`, built on first use and reused afterwards. */
export async function benchDatabase(opts: BenchOptions): Promise<BenchFixture> {
  const log = opts.log ?? ((m: string) => console.error(`  … ${m}`));
  if (!Number.isInteger(opts.residents) || opts.residents < 0) throw new Error(`residents must be a whole number, got ${opts.residents}`);
  return opts.engine === 'postgres' ? postgresFixture(opts, log) : pgliteFixture(opts, log);
}

/** Logs a demo account in through the API (app.inject) and returns its bearer token. */
export async function login(fx: BenchFixture, username: string, password = DEMO_PASSWORD): Promise<string> {
  const res = await fx.built.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`log-in of ${username} failed: ${res.statusCode} ${res.body}`);
  return (res.json() as { token: string }).token;
}

/** Is a TCP port free on the loopback interface? */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/**
 * A free loopback port: `BENCH_PORT` if set, else the first free one in BENCH_PORTS
 * ("4500-4599" by default), so benchmarks stay inside the ports set aside for them.
 */
export async function benchPort(): Promise<number> {
  if (process.env.BENCH_PORT) return Number(process.env.BENCH_PORT);
  const [lo, hi] = (process.env.BENCH_PORTS ?? '4500-4599').split('-').map(Number) as [number, number];
  for (let p = lo; p <= hi; p++) if (await portFree(p)) return p;
  throw new Error(`no free port in ${lo}-${hi} (set BENCH_PORTS)`);
}

/** Starts the fixture's app listening on loopback; `url` is its base address. It stops with fx.close(). */
export async function listen(fx: BenchFixture | BuiltApp): Promise<{ url: string; port: number }> {
  const built = 'built' in fx ? fx.built : fx;
  const port = await benchPort();
  await built.app.listen({ port, host: '127.0.0.1' });
  return { url: `http://127.0.0.1:${port}`, port };
}

export interface HttpResult {
  status: number;
  body: string;
}

/**
 * A small keep-alive HTTP/1.1 client (node:http) for loopback measurements, run in the same
 * process as the server: `await http.request('GET', '/api/residents?limit=50', { token })`.
 */
export function httpClient(baseUrl: string, opts: { maxSockets?: number } = {}) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.maxSockets ?? 16 });
  const base = new URL(baseUrl);
  return {
    request(method: string, path: string, o: { token?: string; body?: unknown } = {}): Promise<HttpResult> {
      const payload = o.body === undefined ? undefined : Buffer.from(JSON.stringify(o.body));
      const headers: Record<string, string | number> = { accept: 'application/json' };
      if (payload) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = payload.length;
      }
      if (o.token) headers.authorization = `Bearer ${o.token}`;
      return new Promise((resolve, reject) => {
        const req = http.request({ agent, host: base.hostname, port: base.port, method, path, headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        });
        req.on('error', reject);
        if (payload) req.write(payload);
        req.end();
      });
    },
    /** Like request, but throws unless the status is the expected one; returns the parsed JSON. */
    async json<T = unknown>(method: string, path: string, o: { token?: string; body?: unknown; expect?: number } = {}): Promise<T> {
      const r = await this.request(method, path, o);
      if (r.status !== (o.expect ?? 200)) throw new Error(`${method} ${path}: ${r.status} ${r.body.slice(0, 300)}`);
      return JSON.parse(r.body) as T;
    },
    close() {
      agent.destroy();
    },
  };
}

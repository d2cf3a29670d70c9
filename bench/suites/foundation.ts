// The foundation under load: log-in and the scoped list of residents over loopback HTTP at
// --residents N (default 1,000,000), and how fast the demo city is written.
//
// HTTP: the real app listens on a loopback port; the client is a keep-alive node:http client in
// the SAME process (so client and server share one event loop: figures are conservative). The
// baseline is a bare Fastify app on another loopback port of the same process, measured in the
// same run with the same client:
//   - log-in   vs a bare route that does one scrypt verification with the same parameters (the
//                 floor any log-in with a properly hashed password has) and returns a token;
//   - list     vs a bare route that sends the very JSON body the real list returned (HTTP and
//                 serialisation only: no session, scope, query, decryption or audit).
// Seeding: the demo generator writes a city of min(N, 50,000) residents (10,000 with --quick)
// into a fresh database; rows/s counts every row it writes (records, labels, visits, versions,
// review clocks). The baseline is one plain `INSERT … SELECT generate_series` of the same number
// of rows into the resident table (same indexes) of another fresh database on the same engine.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import Fastify from 'fastify';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { openDatabase, runMigrations, type Database } from '../../src/db/client.js';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { hashPassword, testDataKeys, verifyPassword } from '../../src/platform/crypto.js';
import { ensureDemoCity } from '../../src/modules/demo/index.js';
import { benchDatabase, benchDataDir, benchPort, cityRowCount, DEMO_PASSWORD, DEMO_USERS, defaultPgUrl, httpClient, listen, type Engine } from '../fixtures.js';
import { availableParallelism, loadavg } from 'node:os';
import { measure, peakRssMb, type BenchContext, type Row, type Suite } from '../lib.js';

function engines(): Engine[] {
  const e = (process.env.BENCH_ENGINES ?? 'postgres,pglite').split(',').map((s) => s.trim()).filter(Boolean);
  return e.filter((x): x is Engine => x === 'postgres' || x === 'pglite');
}
const engineName = (e: Engine) => (e === 'postgres' ? 'PostgreSQL' : 'PGlite');

/** The bare Fastify baseline: the same client, the same machine, nothing of the platform. */
async function bareServer(listBody: string) {
  const storedHash = await hashPassword(DEMO_PASSWORD);
  const app = Fastify({ logger: false });
  app.post('/login', async (req) => {
    const { password } = req.body as { password: string };
    if (!(await verifyPassword(password, storedHash))) throw new Error('wrong password');
    return { token: randomBytes(32).toString('base64url') };
  });
  const parsed = JSON.parse(listBody) as unknown;
  app.get('/residents', async () => parsed);
  const port = await benchPort();
  await app.listen({ port, host: '127.0.0.1' });
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

async function httpRows(ctx: BenchContext, engine: Engine): Promise<Row[]> {
  const fx = await benchDatabase({ engine, residents: ctx.residents, pgUrl: ctx.pgUrl, log: ctx.log });
  const E = engineName(engine);
  const rows: Row[] = [];
  try {
    const server = await listen(fx);
    const api = httpClient(server.url);
    const login = async (username: string) => (await api.json<{ token: string }>('POST', '/api/auth/login', { body: { username, password: DEMO_PASSWORD } })).token;
    const token = await login(DEMO_USERS.community);
    const streetToken = await login(DEMO_USERS.street);
    const firstPage = await api.request('GET', '/api/residents?limit=50', { token });
    if (firstPage.status !== 200 || (JSON.parse(firstPage.body) as { items: unknown[] }).items.length !== 50) throw new Error(`the community worker's first page is not 50 residents: ${firstPage.status}`);
    const bare = await bareServer(firstPage.body);
    const bareClient = httpClient(bare.url);
    try {
      const nLogin = ctx.quick ? 20 : 100;
      const nList = ctx.quick ? 200 : 1000;
      const check = (r: { status: number; body: string }, what: string) => {
        if (r.status !== 200) throw new Error(`${what}: ${r.status} ${r.body.slice(0, 200)}`);
      };
      // Log-in: one at a time for latency, four at a time for throughput (scrypt runs on the thread pool).
      const loginOnce = async () => check(await api.request('POST', '/api/auth/login', { body: { username: DEMO_USERS.community, password: DEMO_PASSWORD } }), 'log-in');
      const bareLogin = async () => check(await bareClient.request('POST', '/login', { body: { username: DEMO_USERS.community, password: DEMO_PASSWORD } }), 'bare log-in');
      const l1 = await measure(loginOnce, { n: nLogin, warmup: 3 });
      const b1 = await measure(bareLogin, { n: nLogin, warmup: 3 });
      const l4 = await measure(loginOnce, { n: nLogin, warmup: 3, concurrency: 4 });
      const b4 = await measure(bareLogin, { n: nLogin, warmup: 3, concurrency: 4 });
      rows.push(
        { name: `log-in p50 [${E}]`, value: l1.p50, unit: 'ms', baseline: { name: 'bare Fastify + scrypt', value: b1.p50 }, better: 'lower' },
        { name: `log-in p99 [${E}]`, value: l1.p99, unit: 'ms', baseline: { name: 'bare Fastify + scrypt', value: b1.p99 }, better: 'lower', note: `n=${l1.n}, one at a time` },
        { name: `log-in throughput, 4 concurrent [${E}]`, value: l4.opsPerSec, unit: 'req/s', baseline: { name: 'bare Fastify + scrypt', value: b4.opsPerSec }, better: 'higher' },
      );
      // The community worker's list: first page and the pages after it.
      const page = (i: number) => `/api/residents?limit=50&offset=${(i % 20) * 50}`;
      const listOnce = async (i: number) => check(await api.request('GET', page(i), { token }), 'list');
      const bareList = async () => check(await bareClient.request('GET', '/residents'), 'bare list');
      const s1 = await measure(listOnce, { n: nList, warmup: 30 });
      const sb1 = await measure(bareList, { n: nList, warmup: 30 });
      const s8 = await measure(listOnce, { n: nList, warmup: 30, concurrency: 8 });
      const sb8 = await measure(bareList, { n: nList, warmup: 30, concurrency: 8 });
      const streetList = await measure(async (i) => check(await api.request('GET', `/api/residents?limit=50&offset=${(i % 20) * 50}`, { token: streetToken }), 'street list'), { n: nList, warmup: 30 });
      const bytes = Buffer.byteLength(firstPage.body);
      rows.push(
        { name: `scoped page of 50 residents p50 (community worker) [${E}]`, value: s1.p50, unit: 'ms', baseline: { name: 'bare Fastify, same body', value: sb1.p50 }, better: 'lower', note: `${bytes} bytes per page` },
        { name: `scoped page of 50 residents p99 (community worker) [${E}]`, value: s1.p99, unit: 'ms', baseline: { name: 'bare Fastify, same body', value: sb1.p99 }, better: 'lower', note: `n=${s1.n}, one at a time` },
        { name: `scoped page of 50 residents throughput, 8 concurrent [${E}]`, value: s8.opsPerSec, unit: 'req/s', baseline: { name: 'bare Fastify, same body', value: sb8.opsPerSec }, better: 'higher', note: `p99 at 8 concurrent ${s8.p99.toFixed(1)} ms (bare ${sb8.p99.toFixed(1)} ms)` },
        { name: `scoped page of 50 residents p99 (street staff) [${E}]`, value: streetList.p99, unit: 'ms', baseline: { name: 'bare Fastify, same body', value: sb1.p99 }, better: 'lower', note: `p50 ${streetList.p50.toFixed(2)} ms` },
      );
      // Log-in followed by the first page: a worker starting the day.
      const both = await measure(
        async () => {
          const t = (await api.json<{ token: string }>('POST', '/api/auth/login', { body: { username: DEMO_USERS.community, password: DEMO_PASSWORD } })).token;
          check(await api.request('GET', '/api/residents?limit=50', { token: t }), 'list after log-in');
        },
        { n: nLogin, warmup: 3 },
      );
      const bareBoth = await measure(
        async () => {
          await bareLogin();
          await bareList();
        },
        { n: nLogin, warmup: 3 },
      );
      rows.push({ name: `log-in + first page p99 [${E}]`, value: both.p99, unit: 'ms', baseline: { name: 'bare Fastify + scrypt', value: bareBoth.p99 }, better: 'lower', note: `p50 ${both.p50.toFixed(1)} ms (bare ${bareBoth.p50.toFixed(1)} ms)` });
    } finally {
      bareClient.close();
      api.close();
      await bare.close();
    }
    if (fx.build) {
      rows.push({
        name: `demo city of ${fx.build.residents.toLocaleString('en-US')} residents, built once by the fixture [${E}]`, value: fx.build.rowsPerSecond, unit: 'rows/s', better: 'higher',
        note: `${fx.build.rows.toLocaleString('en-US')} rows in ${fx.build.seconds} s (${fx.build.residentsPerSecond} residents/s), peak RSS ${fx.build.peakRssMb} MB, built ${fx.build.builtAt}; no same-run baseline (built in an earlier run)`,
      });
    }
  } finally {
    await fx.close();
  }
  return rows;
}

// ---- seeding throughput --------------------------------------------------------------------

interface Scratch {
  database: Database;
  drop(): Promise<void>;
}

async function scratchDatabase(engine: Engine, pgUrl: string, tag: string): Promise<Scratch> {
  if (engine === 'postgres') {
    const name = `qingche_bench_${tag}_${process.pid}`;
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(pgUrl);
    u.pathname = `/${name}`;
    const database = await openDatabase({ url: u.toString(), poolSize: 4 });
    await runMigrations(database);
    return {
      database,
      async drop() {
        await database.close();
        const a = new pg.Client({ connectionString: pgUrl });
        await a.connect();
        await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => a.end());
      },
    };
  }
  const dir = join(benchDataDir, `${tag}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(benchDataDir, { recursive: true });
  const database = await openDatabase({ dataDir: dir });
  await runMigrations(database);
  return {
    database,
    async drop() {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function seedRows(ctx: BenchContext, engine: Engine): Promise<Row[]> {
  const E = engineName(engine);
  const pgUrl = ctx.pgUrl ?? defaultPgUrl();
  const size = Math.min(ctx.residents, ctx.quick ? 10_000 : 50_000);
  ctx.log(`seeding ${size.toLocaleString('en-US')} residents into a fresh ${E} database`);
  const a = await scratchDatabase(engine, pgUrl, 'seed');
  let seedMs = 0;
  let written = 0;
  let residents = 0;
  try {
    const config = loadConfig({}, { env: 'test', dataDir: join(benchDataDir, 'files'), mqttPort: -1, jobsEnabled: false, logLevel: 'silent', port: 0 });
    const built = await buildApp({ config, database: a.database, keys: testDataKeys(), logger: false });
    await built.app.ready();
    const t0 = performance.now();
    await ensureDemoCity(built, { residents: size });
    seedMs = performance.now() - t0;
    await built.close();
    written = await cityRowCount(a.database);
    residents = Number(((await a.database.db.execute(sql`SELECT count(*)::int AS n FROM resident`)) as unknown as { rows: { n: number }[] }).rows[0]!.n);
  } finally {
    await a.drop();
  }
  ctx.log(`baseline: INSERT … SELECT of ${written.toLocaleString('en-US')} rows into resident (${E})`);
  const b = await scratchDatabase(engine, pgUrl, 'insert');
  let bareMs = 0;
  try {
    // A grid to hang the rows on is not needed: placement is plain columns. Widths match real rows.
    const t0 = performance.now();
    await b.database.db.execute(sql`
      INSERT INTO resident (grid_id, tree_path, district_code, name, id_type, id_number_enc, id_number_hash, birth_date, sex, id_address_code, phone_enc, phone_hash,
                            ethnicity, marital_status, political_status, education, residence_status, hukou_address, address, occupation, resident_since)
      SELECT 1000 + g % 1200, '/1/2/' || (30 + g % 40) || '/' || (100 + g % 300) || '/' || (1000 + g % 1200) || '/', '140109', '王' || (g % 9973),
             '01', 's1.' || repeat(md5(g::text), 3), md5(g::text) || md5((g + 1)::text), DATE '1940-01-01' + (g % 29000), CASE WHEN g % 2 = 0 THEN '2' ELSE '1' END, '140109',
             's1.' || repeat(md5((g * 7)::text), 3), md5((g * 7)::text) || md5((g * 11)::text), '01', '20', '13', '70', 'registered', '太原市迎泽大街', '迎泽大街' || (g % 97) || '号', '职员', DATE '2000-01-01'
      FROM generate_series(1, ${written}) AS g`);
    bareMs = performance.now() - t0;
  } finally {
    await b.drop();
  }
  const rowsPerSec = (written / seedMs) * 1000;
  const bareRowsPerSec = (written / bareMs) * 1000;
  return [
    {
      name: `seeding the demo city, ${residents.toLocaleString('en-US')} residents [${E}]`, value: rowsPerSec, unit: 'rows/s', baseline: { name: 'plain INSERT … SELECT', value: bareRowsPerSec }, better: 'higher',
      note: `${written.toLocaleString('en-US')} rows in ${(seedMs / 1000).toFixed(1)} s = ${Math.round((residents / seedMs) * 1000)} residents/s (validated, encrypted, versioned, review clocks, audited); the INSERT … SELECT took ${(bareMs / 1000).toFixed(1)} s; peak RSS so far ${peakRssMb()} MB`,
    },
  ];
}

export const suite: Suite = {
  name: 'foundation',
  async run(ctx) {
    const rows: Row[] = [];
    const load0 = loadavg()[0]!;
    for (const engine of engines()) {
      ctx.log(`foundation on ${engineName(engine)} at ${ctx.residents.toLocaleString('en-US')} residents`);
      rows.push(...(await httpRows(ctx, engine)));
      rows.push(...(await seedRows(ctx, engine)));
    }
    // The machine is shared: say how busy it was, so the figures can be read for what they are.
    if (rows[0]) rows[0].note = `${rows[0].note ? `${rows[0].note}; ` : ''}load average (1 min) ${load0.toFixed(1)} at start, ${loadavg()[0]!.toFixed(1)} at end, on ${availableParallelism()} cores`;
    return rows;
  },
};

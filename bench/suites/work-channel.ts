// Work channel: the inbox of a community with 5,000 asks (tasks and notices from a dozen senders,
// reports due, stale data; a third already done) opens in < 200 ms on PostgreSQL, among 19 other
// communities holding 2,000 each. Measured through the API (app.inject, a logged-in community
// worker: authentication, scope, the page, its counts, unit names, working days left), on a
// fresh database per engine. Baseline, same run: the bare SQL of the page's rows alone.
//
//   npm run bench -- work-channel
//   BENCH_ENGINES=postgres npm run bench -- work-channel
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase, queryRows, runMigrations, type Database } from '../../src/db/client.js';
import { rolePermissions } from '../../src/platform/auth/roles.js';
import { systemContext } from '../../src/platform/context.js';
import { testDataKeys } from '../../src/platform/crypto.js';
import { measure, type BenchContext, type Row, type Suite } from '../lib.js';

type Engine = 'pglite' | 'postgres';
const engines = (): Engine[] => (process.env.BENCH_ENGINES ?? 'postgres,pglite').split(',').map((s) => s.trim()).filter((x): x is Engine => x === 'postgres' || x === 'pglite');
const engineName = (e: Engine) => (e === 'postgres' ? 'PostgreSQL' : 'PGlite');
const PASSWORD = 'Bench-Channel-2026!';

async function open(engine: Engine, pgUrl: string | undefined): Promise<{ database: Database; drop(): Promise<void> } | null> {
  if (engine === 'pglite') {
    const database = await openDatabase({});
    return { database, drop: () => database.close() };
  }
  if (!pgUrl) return null;
  const name = `qingche_bench_channel_${process.pid}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(pgUrl);
  u.pathname = `/${name}`;
  const database = await openDatabase({ url: u.toString(), poolSize: 5 });
  return {
    database,
    async drop() {
      await database.close();
      const a = new pg.Client({ connectionString: pgUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

async function runEngine(engine: Engine, ctx: BenchContext): Promise<Row[]> {
  const opened = await open(engine, ctx.pgUrl);
  if (!opened) return [];
  const { database } = opened;
  try {
    await runMigrations(database);
    const config = loadConfig({}, { env: 'test', dataDir: mkdtempSync(join(tmpdir(), 'qc-bench-channel-')), mqttPort: -1, jobsEnabled: false, logLevel: 'silent', port: 0, mfaRequiredRoles: [], rateLoginAddress: null, rateLoginAccount: null });
    const built = await buildApp({ config, database, keys: testDataKeys(), logger: false });
    await built.app.ready();
    const tree = built.modules.tree.service;
    const sys = systemContext('bench');
    const city = await tree.createNode({ parentId: null, level: 'city', code: '140100', name: '太原市', validFrom: '2000-01-01' }, sys);
    const district = await tree.createNode({ parentId: city.id, level: 'district', code: '140105', name: '小店区', validFrom: '2000-01-01' }, sys);
    const street = await tree.createNode({ parentId: district.id, level: 'street', code: '140105001', name: '坞城街道', validFrom: '2000-01-01' }, sys);
    const communities = [];
    for (let c = 1; c <= 20; c++) {
      const cm = await tree.createNode({ parentId: street.id, level: 'community', code: `140105001${String(c).padStart(3, '0')}`, name: `第${c}社区`, validFrom: '2000-01-01' }, sys);
      const grids = [];
      for (let g = 1; g <= 5; g++) grids.push(await tree.createNode({ parentId: cm.id, level: 'grid', code: `${cm.code}${String(g).padStart(3, '0')}`, name: `第${g}网格`, kind: 'urban', validFrom: '2000-01-01' }, sys));
      communities.push({ cm, grids });
    }
    const target = communities[0]!;
    ctx.log(`${engineName(engine)}: writing 5,000 asks for one community and 38,000 for the others`);
    const db = built.platform.db;
    // 12 senders' tasks, each reaching the community or one of its grids (one inbox row per task and unit).
    const fill = async (units: { id: number; path: string }[], n: number, taskBase: number) => {
      const unitsSql = sql.join(units.map((u, i) => sql`(${i}::int, ${u.id}::int, ${u.path}::text)`), sql`, `);
      await db.execute(sql`
        INSERT INTO channel_task (kind, title, body, sender_name, sender_unit, sender_node_id, sender_path, duty_item_id, duty_item_name, duty_list_kind, sent_on, working_days, deadline, units)
        SELECT CASE WHEN g % 5 = 0 THEN 'notice' ELSE 'task' END, '第' || (g + ${taskBase}) || '号任务', '正文', '发送人', '部门' || (g % 12), ${street.id}, ${street.path}, g % 121 + 1, '事项' || (g % 121 + 1), 'basic',
               (CURRENT_DATE - (g % 300))::date, 5, (CURRENT_DATE - (g % 300) + 7)::date, 1
        FROM generate_series(1, ${n}) g`);
      await db.execute(sql`
        WITH u(i, id, path) AS (VALUES ${unitsSql}),
             t AS (SELECT id, row_number() OVER (ORDER BY id) AS g, deadline, kind FROM channel_task WHERE id > (SELECT coalesce(max(task_id), 0) FROM channel_inbox))
        INSERT INTO channel_inbox (source, source_key, task_id, unit_node_id, tree_path, district_code, title, from_name, item_name, deadline, read_at, done_at, result)
        SELECT t.kind, 'task:' || t.id || ':' || u.id, t.id, u.id, u.path, '140105', '第' || t.g || '号任务', '部门' || (t.g % 12), '事项' || (t.g % 121 + 1), t.deadline,
               CASE WHEN t.g % 2 = 0 THEN now() END, CASE WHEN t.g % 3 = 0 THEN now() END, CASE WHEN t.g % 3 = 0 THEN '已完成' END
        FROM t JOIN u ON u.i = t.g % ${units.length}`);
    };
    await fill([{ id: target.cm.id, path: target.cm.path }, ...target.grids.map((g) => ({ id: g.id, path: g.path }))], 5000, 0);
    for (const other of communities.slice(1)) await fill([{ id: other.cm.id, path: other.cm.path }, ...other.grids.map((g) => ({ id: g.id, path: g.path }))], 2000, 0);
    await db.execute(sql`ANALYZE channel_inbox`);
    await db.execute(sql`ANALYZE channel_task`);
    const [count] = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM channel_inbox WHERE tree_path LIKE ${`${target.cm.path}%`}`);
    const user = await built.platform.auth.createUser({ username: 'benchcommunity', displayName: '社区工作者', role: 'community_worker', nodeId: target.cm.id, treePath: target.cm.path, departmentId: null, password: PASSWORD, gridWorkerKind: null, mustChangePassword: false }, sys);
    const login = await built.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: user.username, password: PASSWORD } });
    const token = (login.json() as { token: string }).token;
    const get = async (url: string) => {
      const r = await built.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
      if (r.statusCode !== 200) throw new Error(`${url}: ${r.statusCode} ${r.body}`);
      return r;
    };
    const first = (await get('/api/channel/inbox?limit=50')).json() as { total: number; counts: { open: number; done: number } };
    if (first.counts.open + first.counts.done !== count!.n) throw new Error(`inbox counts ${JSON.stringify(first.counts)} differ from ${count!.n} rows`);
    const n = ctx.quick ? 30 : 100;
    const open = await measure(() => get('/api/channel/inbox?limit=50'), { n, warmup: 10 });
    const late = await measure(() => get('/api/channel/inbox?state=all&limit=50&offset=2000'), { n, warmup: 10 });
    const bare = await measure(
      () => queryRows(db, sql`SELECT * FROM channel_inbox WHERE tree_path LIKE ${`${target.cm.path}%`} AND done_at IS NULL ORDER BY done_at IS NOT NULL, deadline ASC NULLS LAST, id DESC LIMIT 50`),
      { n, warmup: 10 },
    );
    const principal = { kind: 'user' as const, userId: user.id, tokenId: null, username: user.username, displayName: user.displayName, role: 'community_worker' as const, permissions: new Set(rolePermissions.community_worker), nodeId: target.cm.id, treePath: target.cm.path, departmentId: null, gridWorkerKind: null, sessionDigest: null };
    const authed = { principal, lang: 'zh' as const, ip: 'bench', requestId: 'bench' };
    const service = await measure(() => built.modules.workChannel.service.inbox.list(authed, { state: 'open', limit: 50, offset: 0 }), { n, warmup: 10 });
    await built.close();
    const e = engineName(engine);
    const base = { name: `bare SQL of the page’s rows (${e})`, value: bare.p95 };
    return [
      { name: `community inbox, first page of open asks, ${count!.n} in the community (${e}) p95`, value: open.p95, unit: 'ms', baseline: base, better: 'lower', target: engine === 'postgres' ? '< 200 ms' : undefined, limit: engine === 'postgres' ? { max: 200 } : undefined, note: `p50 ${open.p50.toFixed(1)} ms` },
      { name: `community inbox, everything, page 41 (${e}) p95`, value: late.p95, unit: 'ms', baseline: base, better: 'lower', target: engine === 'postgres' ? '< 200 ms' : undefined, limit: engine === 'postgres' ? { max: 200 } : undefined, note: `p50 ${late.p50.toFixed(1)} ms` },
      { name: `the inbox service alone, first page (${e}) p95`, value: service.p95, unit: 'ms', baseline: base, better: 'lower', note: `p50 ${service.p50.toFixed(1)} ms` },
      { name: `bare SQL of the page’s rows (${e}) p95`, value: bare.p95, unit: 'ms', better: 'lower', note: `p50 ${bare.p50.toFixed(1)} ms` },
    ];
  } finally {
    await opened.drop();
  }
}

export const suite: Suite = {
  name: 'work channel: a community’s inbox of 5,000 asks',
  async run(ctx) {
    const rows: Row[] = [];
    for (const e of engines()) rows.push(...(await runEngine(e, ctx)));
    return rows;
  },
};

// Duty lists (权责清单): comparing two versions of a township's lists of 300 items each, the page
// a reviewer or the street opens to see what an adjustment changed (target: under 200 ms on
// PostgreSQL), on PostgreSQL and PGlite.
//
// Setup, in a fresh database per engine: a street adopts a catalogue of 300 items (version 1),
// then 40 items are adjusted, 10 removed and 10 added one change at a time (60 more versions),
// so the last version again holds 300 items, 60 of them differing from version 1. Measured:
//   - GET /api/duty-lists/townships/:id/compare?from=1&to=61 through the app (app.inject: routing,
//     session, scope, both snapshots read, compared, names of the authors, JSON out);
//   - the same against today's lists (?from=1), which reads the current items instead of a snapshot.
// Baseline, same run, same database: the bare SQL read of the two snapshot rows, the least any
// comparison must do.
//
//   npm run bench -- duty-lists
//   BENCH_ENGINES=pglite npm run bench -- duty-lists
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase, queryRows, runMigrations, type Database } from '../../src/db/client.js';
import { systemContext } from '../../src/platform/context.js';
import { testDataKeys } from '../../src/platform/crypto.js';
import { benchDataDir, defaultPgUrl, type Engine } from '../fixtures.js';
import { measure, type BenchContext, type LatencyStats, type Row, type Suite } from '../lib.js';

function engines(): Engine[] {
  const e = (process.env.BENCH_ENGINES ?? 'postgres,pglite').split(',').map((s) => s.trim()).filter(Boolean);
  return e.filter((x): x is Engine => x === 'postgres' || x === 'pglite');
}
const engineName = (e: Engine) => (e === 'postgres' ? 'PostgreSQL' : 'PGlite');
const PASSWORD = 'Bench-Duty-2026!';

async function freshDatabase(engine: Engine, pgUrl: string): Promise<{ database: Database; drop(): Promise<void> }> {
  const name = `qingche_bench_duty_${process.pid}`;
  if (engine === 'postgres') {
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(pgUrl);
    u.pathname = `/${name}`;
    const database = await openDatabase({ url: u.toString(), poolSize: 4 });
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
  const dir = join(benchDataDir, `duty-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(benchDataDir, { recursive: true });
  const database = await openDatabase({ dataDir: dir });
  return {
    database,
    async drop() {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function runEngine(ctx: BenchContext, engine: Engine): Promise<Row[]> {
  const fresh = await freshDatabase(engine, ctx.pgUrl ?? defaultPgUrl());
  const { database } = fresh;
  try {
    await runMigrations(database);
    const config = loadConfig({}, { env: 'test', dataDir: join(benchDataDir, 'files'), mqttPort: -1, jobsEnabled: false, logLevel: 'silent', port: 0, mfaRequiredRoles: [], rateLoginAddress: null, rateLoginAccount: null });
    const built = await buildApp({ config, database, keys: testDataKeys(), logger: false });
    await built.app.ready();
    try {
      const sys = systemContext('bench');
      const tree = built.modules.tree.service;
      const city = await tree.createNode({ parentId: null, level: 'city', code: '140100', name: '太原市', validFrom: '2000-01-01' }, sys);
      const district = await tree.createNode({ parentId: city.id, level: 'district', code: '140105', name: '小店区', validFrom: '2000-01-01' }, sys);
      const street = await tree.createNode({ parentId: district.id, level: 'street', code: '140105001', name: '坞城街道', validFrom: '2000-01-01' }, sys);
      await built.platform.auth.createUser({ username: 'benchstreet', displayName: '街道干部', role: 'street_staff', nodeId: street.id, treePath: street.path, departmentId: null, password: PASSWORD, gridWorkerKind: null, mustChangePassword: false }, sys);
      const lists = built.modules.dutyLists.service.lists;
      const kinds = ['basic', 'cooperative', 'taken_back'] as const;
      const per = { basic: 121, cooperative: 117, taken_back: 62 };
      const items = kinds.flatMap((k) => Array.from({ length: per[k] }, (_, i) => ({
        listKind: k, name: `${k === 'basic' ? '基本履职' : k === 'cooperative' ? '配合履职' : '收回'}事项第${i + 1}项`, category: ['党的建设', '平安建设', '民生服务', '城乡建设'][i % 4]!,
        basis: `《某某条例》第${i + 1}条，以及相关政策文件的具体规定，约百字的依据文字在此占位以接近真实清单的长度。`, carrier: '综合办公室', departmentName: '区住建局', cooperation: k === 'cooperative' ? '配合开展检查、宣传和信息报送' : null, communityInvolved: i % 3 === 0,
      })));
      await lists.addCatalogueItems(sys, items);
      const login = await built.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'benchstreet', password: PASSWORD } });
      const token = (login.json() as { token: string }).token;
      const me = { ...sys, principal: { ...sys.principal, treePath: street.path, nodeId: street.id } };
      await lists.adopt(me, street.id, { reason: '采用目录' });
      const current = await lists.lists(me, street.id, {});
      for (const [i, it] of current.items.slice(0, 40).entries()) await lists.updateItem(me, it.id, { carrier: `调整后科室${i}`, reason: '机构调整' });
      for (const it of current.items.slice(40, 50)) await lists.removeItem(me, it.id, { reason: '事项取消' });
      for (let i = 0; i < 10; i++) await lists.addItem(me, street.id, { listKind: 'cooperative', name: `新增准入事项${i + 1}`, reason: '准入' });
      const last = (await lists.versions(me, street.id))[0]!.versionNo;
      const check = await built.app.inject({ method: 'GET', url: `/api/duty-lists/townships/${street.id}/compare?from=1&to=${last}`, headers: { authorization: `Bearer ${token}` } });
      const body = check.json() as { added: unknown[]; removed: unknown[]; changed: unknown[]; unchanged: number };
      if (check.statusCode !== 200 || body.added.length !== 10 || body.removed.length !== 10 || body.changed.length !== 40 || body.unchanged !== 250) throw new Error(`unexpected comparison: ${check.statusCode} ${check.body.slice(0, 300)}`);

      const n = ctx.quick ? 60 : 300;
      const api = (q: string) => measure(async () => {
        const r = await built.app.inject({ method: 'GET', url: `/api/duty-lists/townships/${street.id}/compare?${q}`, headers: { authorization: `Bearer ${token}` } });
        if (r.statusCode !== 200) throw new Error(`compare: ${r.statusCode}`);
      }, { n, warmup: 20 });
      const bare = await measure(() => queryRows(database.db, sql`SELECT version_no, snapshot FROM duty_list_version WHERE township_node_id = ${street.id} AND version_no IN (1, ${last})`), { n, warmup: 20 });
      const versions = await api(`from=1&to=${last}`);
      const today = await api('from=1');
      const row = (name: string, s: LatencyStats): Row => ({
        name: `${name} [${engineName(engine)}] p99`, value: s.p99, unit: 'ms', baseline: { name: 'bare read of the two snapshots', value: bare.p99 }, better: 'lower', target: 'p99 < 200 ms', limit: { max: 200 },
        note: `p50 ${s.p50.toFixed(1)} ms (bare ${bare.p50.toFixed(1)} ms), p95 ${s.p95.toFixed(1)} ms, n=${s.n}; 300 items each, 60 differ`,
      });
      return [row(`compare version 1 with version ${last}`, versions), row('compare version 1 with today’s lists', today)];
    } finally {
      await built.close();
    }
  } finally {
    await fresh.drop();
  }
}

export const suite: Suite = {
  name: 'duty-lists',
  async run(ctx) {
    const rows: Row[] = [];
    for (const engine of engines()) {
      ctx.log(`duty lists on ${engineName(engine)}`);
      rows.push(...(await runEngine(ctx, engine)));
    }
    return rows;
  },
};

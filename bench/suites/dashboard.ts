// The home dashboard (首页看板) at city scale: GET /api/dashboard over loopback HTTP for a
// community worker (counted live), a street (kept a few minutes, then recounted in the
// background) and the whole city (likewise), plus what one full recount of the city costs.
//
// Baselines, measured in the same run on the same database: for the requests, the one bare SQL
// count of the residents in the same scope (the least any dashboard must do); for the recount,
// the same count over the whole city. The dashboard does more than that count (six record kinds,
// residents by category and label, overdue reviews, one row per child), so the ratio says what
// the rest costs, not a fault.
import { sql } from 'drizzle-orm';
import { availableParallelism, loadavg } from 'node:os';
import { queryRows } from '../../src/db/client.js';
import { benchDatabase, DEMO_PASSWORD, DEMO_USERS, httpClient, listen, type BenchFixture, type Engine } from '../fixtures.js';
import { measure, time, type BenchContext, type LatencyStats, type Row, type Suite } from '../lib.js';

function engines(): Engine[] {
  const e = (process.env.BENCH_ENGINES ?? 'postgres,pglite').split(',').map((s) => s.trim()).filter(Boolean);
  return e.filter((x): x is Engine => x === 'postgres' || x === 'pglite');
}
const engineName = (e: Engine) => (e === 'postgres' ? 'PostgreSQL' : 'PGlite');

async function scopeOf(fx: BenchFixture, username: string): Promise<string> {
  const r = await queryRows<{ tree_path: string }>(fx.database.db, sql`SELECT tree_path FROM user_account WHERE username = ${username}`);
  if (!r[0]) throw new Error(`demo account ${username} is missing`);
  return r[0].tree_path;
}

const countIn = (path: string) => sql`SELECT count(*)::int AS n FROM resident WHERE tree_path LIKE ${`${path}%`} AND status = 'active'`;

async function runEngine(ctx: BenchContext, engine: Engine): Promise<Row[]> {
  const fx = await benchDatabase({ engine, residents: ctx.residents, pgUrl: ctx.pgUrl, log: ctx.log });
  const rows: Row[] = [];
  try {
    const server = await listen(fx);
    const client = httpClient(server.url);
    const n = ctx.quick ? 60 : 300;

    // One full recount of the city's base-data numbers (what a stale city dashboard triggers).
    const registry = fx.built.modules.registry.service;
    const recount = await time(async () => {
      await registry.countsUnder('/1/', { byChild: true });
      await registry.lookups.staleCounts('/1/', fx.database.db);
    });
    const bareCity = await time(() => queryRows(fx.database.db, countIn('/1/')));
    rows.push({
      name: `full recount of the city's numbers [${engineName(engine)}]`,
      value: recount,
      unit: 'ms',
      baseline: { name: 'bare count of residents', value: bareCity },
      better: 'lower',
      note: 'runs in the background at start and when kept numbers are older than 5 minutes; never on a request once warm',
    });

    for (const c of [
      { user: DEMO_USERS.community, label: 'community worker, counted live' },
      { user: DEMO_USERS.street, label: 'street staff, kept numbers' },
      { user: DEMO_USERS.admin, label: 'whole city, kept numbers' },
    ]) {
      const { token } = await client.json<{ token: string }>('POST', '/api/auth/login', { body: { username: c.user, password: DEMO_PASSWORD } });
      const path = await scopeOf(fx, c.user);
      const first = await client.request('GET', '/api/dashboard', { token });
      if (first.status !== 200) throw new Error(`${c.label}: ${first.status} ${first.body.slice(0, 200)}`);
      const api = await measure(
        async () => {
          const res = await client.request('GET', '/api/dashboard', { token });
          if (res.status !== 200) throw new Error(`${c.label}: ${res.status}`);
        },
        { n, warmup: 10 },
      );
      const bare = await measure(() => queryRows(fx.database.db, countIn(path)), { n, warmup: 10 });
      rows.push(latencyRow(`GET /api/dashboard, ${c.label} [${engineName(engine)}]`, api, bare));
    }
    client.close();
  } finally {
    await fx.close();
  }
  return rows;
}

function latencyRow(name: string, api: LatencyStats, bare: LatencyStats): Row {
  return {
    name: `${name} p99`,
    value: api.p99,
    unit: 'ms',
    baseline: { name: 'bare count of the scope', value: bare.p99 },
    better: 'lower',
    note: `p50 ${api.p50.toFixed(1)} ms (bare ${bare.p50.toFixed(1)} ms), p95 ${api.p95.toFixed(1)} ms, n=${api.n}`,
  };
}

export const suite: Suite = {
  name: 'dashboard',
  async run(ctx) {
    const rows: Row[] = [];
    const load0 = loadavg()[0]!;
    for (const engine of engines()) {
      ctx.log(`dashboard on ${engineName(engine)} at ${ctx.residents.toLocaleString('en-US')} residents`);
      rows.push(...(await runEngine(ctx, engine)));
    }
    if (rows[0]) rows[0].note = `${rows[0].note}; load average (1 min) ${load0.toFixed(1)} at start, ${loadavg()[0]!.toFixed(1)} at end, on ${availableParallelism()} cores`;
    return rows;
  },
};

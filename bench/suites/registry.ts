// Base data (S1/S2) at city scale: one resident found by ID number, and a scoped, filtered page of
// 50 residents, over the demo city at --residents N (default 1,000,000), on PostgreSQL and PGlite.
//
// Every figure is a full API request over loopback HTTP to the real, listening server (the
// client is a keep-alive node:http client in the same process, one request at a time): log-in
// session check, scope, query, decryption and masking, and the audit row every read of personal
// data writes. Its baseline, measured in the same run on the same database, is the bare SQL
// query that returns the same rows through the same driver, with nothing around it.
// Target (issue): p99 under 20 ms on PostgreSQL.
//
// The read audit row's commit: the community worker's page of 50 with its audit row committed
// synchronously in a group commit (decision 0024) against the same page with the row committed as
// before (one statement per read, synchronous_commit off: decision 0009, reproduced below), on
// the same server in the same run, one request at a time and 8 at a time.
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../../src/db/client.js';
import type { AuditEntry, AuditService } from '../../src/platform/audit.js';
import type { RequestContext } from '../../src/platform/context.js';
import { benchDatabase, DEMO_PASSWORD, DEMO_USERS, httpClient, listen, type BenchFixture, type Engine } from '../fixtures.js';
import { availableParallelism, loadavg } from 'node:os';
import { measure, type BenchContext, type LatencyStats, type Row, type Suite } from '../lib.js';

const TARGET_MS = 20;

function engines(): Engine[] {
  const e = (process.env.BENCH_ENGINES ?? 'postgres,pglite').split(',').map((s) => s.trim()).filter(Boolean);
  return e.filter((x): x is Engine => x === 'postgres' || x === 'pglite');
}

const engineName = (e: Engine) => (e === 'postgres' ? 'PostgreSQL' : 'PGlite');

interface Case {
  name: string;
  user: string;
  /** The API request for the i-th run. */
  request: (i: number) => { method: 'GET' | 'POST'; path: string; body?: unknown };
  /** The same rows as bare SQL. */
  bare: (i: number) => SQL;
  /** Must the request find something? (guards against measuring empty answers) */
  expectRows: boolean;
}

async function scopeOf(fx: BenchFixture, username: string): Promise<string> {
  const r = await queryRows<{ tree_path: string }>(fx.database.db, sql`SELECT tree_path FROM user_account WHERE username = ${username}`);
  if (!r[0]) throw new Error(`demo account ${username} is missing`);
  return r[0].tree_path;
}

/** Plain ID numbers of a random sample of residents (decrypted with the city's keys). */
async function sampleIdNumbers(fx: BenchFixture, where: SQL, n: number): Promise<string[]> {
  const rows = await queryRows<{ id_number_enc: string }>(fx.database.db, sql`SELECT r.id_number_enc FROM resident r WHERE ${where} AND r.id_number_enc IS NOT NULL AND r.status = 'active' ORDER BY random() LIMIT ${n}`);
  if (!rows.length) throw new Error('no residents to sample: is the city empty?');
  return rows.map((r) => fx.built.platform.cipher.decrypt(r.id_number_enc));
}

async function runEngine(ctx: BenchContext, engine: Engine): Promise<Row[]> {
  const fx = await benchDatabase({ engine, residents: ctx.residents, pgUrl: ctx.pgUrl, log: ctx.log });
  const rows: Row[] = [];
  try {
    const server = await listen(fx);
    const client = httpClient(server.url);
    const tokens = new Map<string, string>();
    for (const u of [DEMO_USERS.community, DEMO_USERS.street, DEMO_USERS.civilAffairs]) {
      tokens.set(u, (await client.json<{ token: string }>('POST', '/api/auth/login', { body: { username: u, password: DEMO_PASSWORD } })).token);
    }
    const n = ctx.quick ? 120 : 600;
    const communityPath = await scopeOf(fx, DEMO_USERS.community);
    const streetPath = await scopeOf(fx, DEMO_USERS.street);
    const cipher = fx.built.platform.cipher;
    const inCommunity = await sampleIdNumbers(fx, sql`r.tree_path LIKE ${`${communityPath}%`}`, 200);
    // 民政 reads, city-wide, the residents carrying the labels its grant names.
    const granted = await sampleIdNumbers(fx, sql`EXISTS (SELECT 1 FROM resident_label l WHERE l.resident_id = r.id AND l.label_code IN ('low_income', 'extreme_poverty', 'elderly_alone'))`, 200);
    const streetCount = (await queryRows<{ n: number }>(fx.database.db, sql`SELECT count(*)::int AS n FROM resident WHERE tree_path LIKE ${`${streetPath}%`}`))[0]!.n;
    const ageCut = sql`(CURRENT_DATE - (60 * interval '1 year'))::date`;

    const cases: Case[] = [
      {
        name: 'resident by ID number (community worker, POST /api/residents/search)',
        user: DEMO_USERS.community,
        request: (i) => ({ method: 'POST', path: '/api/residents/search', body: { q: inCommunity[i % inCommunity.length], limit: 50 } }),
        bare: (i) => sql`SELECT * FROM resident WHERE id_number_hash = ${cipher.blindIndex('id', inCommunity[i % inCommunity.length]!)} AND tree_path LIKE ${`${communityPath}%`} AND status = 'active' ORDER BY tree_path, id LIMIT 50`,
        expectRows: true,
      },
      {
        name: 'residents by the last four of an ID number or phone (community worker, POST /api/residents/search)',
        user: DEMO_USERS.community,
        request: (i) => ({ method: 'POST', path: '/api/residents/search', body: { q: inCommunity[i % inCommunity.length]!.slice(-4), limit: 50 } }),
        bare: (i) => {
          const tail = inCommunity[i % inCommunity.length]!.slice(-4);
          const phone = /^[0-9]{4}$/.test(tail) ? sql` OR phone_tail_hash = ${cipher.tailIndex('phone4', tail)}` : sql``;
          return sql`SELECT * FROM resident WHERE (id_number_tail_hash = ${cipher.tailIndex('id4', tail)}${phone}) AND tree_path LIKE ${`${communityPath}%`} AND status = 'active' ORDER BY tree_path, id LIMIT 50`;
        },
        expectRows: true,
      },
      {
        name: 'resident by ID number (民政 look-up, POST /api/lookup/residents)',
        user: DEMO_USERS.civilAffairs,
        request: (i) => ({ method: 'POST', path: '/api/lookup/residents', body: { idNumber: granted[i % granted.length], reason: '低保年审核对（基准测试）' } }),
        bare: (i) => sql`SELECT * FROM resident WHERE id_number_hash = ${cipher.blindIndex('id', granted[i % granted.length]!)} AND status NOT IN ('deleted', 'merged') ORDER BY id LIMIT 20`,
        expectRows: true,
      },
      {
        name: `page of 50, women 60+ (street staff, ${streetCount.toLocaleString('en-US')} residents in scope)`,
        user: DEMO_USERS.street,
        request: (i) => ({ method: 'GET', path: `/api/residents?ageMin=60&sex=2&limit=50&offset=${(i % 10) * 50}` }),
        bare: (i) => sql`SELECT * FROM resident WHERE tree_path LIKE ${`${streetPath}%`} AND status = 'active' AND birth_date <= ${ageCut} AND sex = '2' ORDER BY tree_path, id LIMIT 50 OFFSET ${(i % 10) * 50}`,
        expectRows: true,
      },
      {
        name: 'page of 50, label 独居老人 (community worker)',
        user: DEMO_USERS.community,
        request: () => ({ method: 'GET', path: '/api/residents?labels=elderly_alone&limit=50' }),
        bare: () => sql`SELECT * FROM resident r WHERE r.tree_path LIKE ${`${communityPath}%`} AND r.status = 'active' AND EXISTS (SELECT 1 FROM resident_label l WHERE l.resident_id = r.id AND l.label_code = 'elderly_alone' AND l.tree_path LIKE ${`${communityPath}%`} AND (l.until IS NULL OR l.until >= CURRENT_DATE)) ORDER BY r.tree_path, r.id LIMIT 50`,
        expectRows: true,
      },
      {
        name: 'page of 50, name prefix 王 (street staff)',
        user: DEMO_USERS.street,
        request: (i) => ({ method: 'GET', path: `/api/residents?q=${encodeURIComponent('王')}&limit=50&offset=${(i % 5) * 50}` }),
        bare: (i) => sql`SELECT * FROM resident WHERE tree_path LIKE ${`${streetPath}%`} AND status = 'active' AND name LIKE '王%' ORDER BY tree_path, id LIMIT 50 OFFSET ${(i % 5) * 50}`,
        expectRows: true,
      },
    ];

    for (const c of cases) {
      const token = tokens.get(c.user)!;
      // Check once that the request answers with rows, so an error or an empty page is never timed.
      const first = c.request(0);
      const body = await client.json<unknown>(first.method, first.path, { token, body: first.body });
      const count = Array.isArray(body) ? body.length : (body as { items: unknown[] }).items.length;
      if (c.expectRows && count === 0) throw new Error(`${c.name}: the request found nothing`);
      const api = await measure(
        async (i) => {
          const r = c.request(i);
          const res = await client.request(r.method, r.path, { token, body: r.body });
          if (res.status !== 200) throw new Error(`${c.name}: ${res.status} ${res.body.slice(0, 200)}`);
        },
        { n, warmup: 30 },
      );
      const bare = await measure((i) => fx.database.db.execute(c.bare(i)), { n, warmup: 30 });
      rows.push(latencyRow(`${c.name} [${engineName(engine)}]`, api, bare, engine));
    }
    rows.push(...(await readAuditCommit(fx, client, tokens.get(DEMO_USERS.community)!, n, engine)));
    client.close();
  } finally {
    await fx.close();
  }
  return rows;
}

const GENESIS = '0'.repeat(64);
const AUDIT_LOCK_KEY = 7_204_118_001;

/** What the service keeps to itself, reached here only to reproduce the path it replaced. */
interface AuditInternals {
  recordNow: AuditService['recordNow'];
  head: string | null;
  build(ctx: RequestContext, e: AuditEntry, at: Date): Record<string, unknown> & { at: Date };
  link_(prev: string, rows: unknown[]): ({ at: Date; prevHash: string; hash: string } & Record<string, any>)[];
}

/**
 * The read audit path before decision 0024, for the same-run baseline: every read its own
 * statement, committed without waiting for the WAL flush (the answer could go out before the row
 * was durable). Returns the function that puts the real path back.
 */
function useAsynchronousReadAudit(audit: AuditService): () => void {
  const a = audit as unknown as AuditInternals;
  const real = a.recordNow;
  a.recordNow = async (db: Db, ctx: RequestContext, entries: AuditEntry | AuditEntry[]) => {
    const list = Array.isArray(entries) ? entries : [entries];
    if (!list.length || !a.head || !list.every((e) => e.category === 'read')) return real.call(audit, db, ctx, entries);
    const prev = a.head;
    const rows = a.link_(prev, list.map((e) => a.build(ctx, e, new Date())));
    const values = sql.join(
      rows.map((r) => sql`(${r.at.toISOString()}::timestamptz, ${r.actorId}::int, ${r.actorName}, ${r.actorRole}, ${r.departmentId}::int, ${r.category}, ${r.action}, ${r.entityType}, ${r.entityId}, ${r.subjectId}::bigint, ${r.treePath}, ${r.districtCode}, ${r.ip}, ${r.requestId}, ${r.reason}, ${r.result}, ${r.detail === null ? null : JSON.stringify(r.detail)}::jsonb, ${r.prevHash}, ${r.hash})`),
      sql`, `,
    );
    let inserted: { id: number }[] = [];
    try {
      inserted = await queryRows<{ id: number }>(db, sql`
      WITH guard AS (SELECT pg_advisory_xact_lock(${AUDIT_LOCK_KEY}), set_config('synchronous_commit', 'off', true)),
           head AS (SELECT coalesce((SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1), (SELECT last_hash FROM audit_checkpoint ORDER BY id DESC LIMIT 1), ${GENESIS}) AS hash)
      INSERT INTO audit_log (at, actor_id, actor_name, actor_role, department_id, category, action, entity_type, entity_id, subject_id, tree_path, district_code, ip, request_id, reason, result, detail, prev_hash, hash)
      SELECT v.* FROM guard, head, (VALUES ${values}) AS v(at, actor_id, actor_name, actor_role, department_id, category, action, entity_type, entity_id, subject_id, tree_path, district_code, ip, request_id, reason, result, detail, prev_hash, hash)
      WHERE head.hash = ${prev}
      RETURNING id`);
    } catch (err) {
      // Another read linked to the same head first (the unique previous hash): the locked path.
      const code = (err as { code?: string }).code ?? (err as { cause?: { code?: string } }).cause?.code;
      if (code !== '23505') throw err;
    }
    if (inserted.length !== rows.length) return real.call(audit, db, ctx, entries);
    a.head = rows[rows.length - 1]!.hash;
  };
  return () => {
    a.recordNow = real;
  };
}

/** The page of 50 with each way of committing its audit row, alternating, one at a time and 8 at a time. */
async function readAuditCommit(fx: BenchFixture, client: ReturnType<typeof httpClient>, token: string, n: number, engine: Engine): Promise<Row[]> {
  const page = async (i: number) => {
    const res = await client.request('GET', `/api/residents?limit=50&offset=${(i % 5) * 50}`, { token });
    if (res.status !== 200) throw new Error(`page of 50 (${current}): ${res.status} ${res.body.slice(0, 200)}`);
  };
  const audit = fx.built.platform.audit;
  let current = '';
  const runs: Record<'async' | 'group', { one: LatencyStats[]; eight: LatencyStats[] }> = { async: { one: [], eight: [] }, group: { one: [], eight: [] } };
  // Two rounds of each, alternating, so that a change in the machine's load falls on both.
  for (let round = 0; round < 2; round++) {
    for (const mode of ['async', 'group'] as const) {
      current = mode;
      const restore = mode === 'async' ? useAsynchronousReadAudit(audit) : () => undefined;
      try {
        runs[mode].one.push(await measure(page, { n: Math.round(n / 2), warmup: 20 }));
        runs[mode].eight.push(await measure(page, { n, warmup: 20, concurrency: 8 }));
      } finally {
        restore();
      }
    }
  }
  const mean = (xs: LatencyStats[], k: keyof LatencyStats) => xs.reduce((s, x) => s + x[k], 0) / xs.length;
  const e = engineName(engine);
  const before = 'asynchronous single statement (before)';
  return [
    { name: `page of 50 with its audit row in a synchronous group commit, one at a time [${e}] p50`, value: mean(runs.group.one, 'p50'), unit: 'ms', baseline: { name: before, value: mean(runs.async.one, 'p50') }, better: 'lower', note: `p99 ${mean(runs.group.one, 'p99').toFixed(2)} ms (before ${mean(runs.async.one, 'p99').toFixed(2)} ms); mean of 2 alternating rounds of n=${Math.round(n / 2)}` },
    { name: `page of 50 with its audit row in a synchronous group commit, 8 at a time [${e}] p50`, value: mean(runs.group.eight, 'p50'), unit: 'ms', baseline: { name: before, value: mean(runs.async.eight, 'p50') }, better: 'lower', note: `p99 ${mean(runs.group.eight, 'p99').toFixed(2)} ms (before ${mean(runs.async.eight, 'p99').toFixed(2)} ms)` },
    { name: `page of 50 with its audit row in a synchronous group commit, 8 at a time [${e}] throughput`, value: mean(runs.group.eight, 'opsPerSec'), unit: 'req/s', baseline: { name: before, value: mean(runs.async.eight, 'opsPerSec') }, better: 'higher' },
  ];
}

function latencyRow(name: string, api: LatencyStats, bare: LatencyStats, engine: Engine): Row {
  return {
    name: `${name} p99`,
    value: api.p99,
    unit: 'ms',
    baseline: { name: 'bare SQL', value: bare.p99 },
    better: 'lower',
    target: engine === 'postgres' ? `p99 < ${TARGET_MS} ms` : undefined,
    limit: engine === 'postgres' ? { max: TARGET_MS } : undefined,
    note: `p50 ${api.p50.toFixed(2)} ms (bare SQL ${bare.p50.toFixed(2)} ms), p95 ${api.p95.toFixed(2)} ms, ${Math.round(api.opsPerSec)} req/s one at a time, n=${api.n}`,
  };
}

export const suite: Suite = {
  name: 'registry',
  async run(ctx) {
    const rows: Row[] = [];
    const load0 = loadavg()[0]!;
    for (const engine of engines()) {
      ctx.log(`registry on ${engineName(engine)} at ${ctx.residents.toLocaleString('en-US')} residents`);
      rows.push(...(await runEngine(ctx, engine)));
    }
    // The machine is shared: say how busy it was, so the figures can be read for what they are.
    if (rows[0]) rows[0].note = `${rows[0].note ? `${rows[0].note}; ` : ''}load average (1 min) ${load0.toFixed(1)} at start, ${loadavg()[0]!.toFixed(1)} at end, on ${availableParallelism()} cores`;
    return rows;
  },
};

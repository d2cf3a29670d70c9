// Subtraction must not undo small-count protection. A department once saw grid 193 with 0-17
// hidden but the total 55, 18-59 31 and 60+ 23 shown: the hidden value was 1. Templates now
// declare which columns add up to which, and secondary suppression follows those sums as well as
// the rows' sums up to the total (and across the units of a consolidated view). The property:
// for random tables, no hidden cell can be worked out from one declared sum, and (on tables small
// enough to check exactly) no small cell is determined by all the sums taken together.
// Built-in templates do not give a department per-grid counts of labels its grants do not cover.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { systemContext } from '../../src/platform/context.js';
import type { ReportResult, ResultRow } from '../../src/modules/reports/engine.js';
import { cellId, protect, sumConstraints, type SumRule } from '../../src/modules/reports/privacy.js';
import { loginAs, makeGrid, makeSubtree, testApp, type Subtree, type TestApp } from '../support/app.js';
import { bornAged, seedPeople, type Person } from '../reports/seed.js';

// ---- the rule itself, on random tables ------------------------------------------------------

/** A small deterministic generator (mulberry32), so that a failure can be replayed from its seed. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

interface Table { result: ReportResult; sums: SumRule[] }

/** A random table of counts whose declared sums hold exactly (or with some slack), with subtotals and a total. */
function randomTable(seed: number): Table {
  const r = rng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const value = () => {
    const p = r();
    return p < 0.25 ? 0 : p < 0.55 ? int(1, 4) : int(5, 40);
  };
  const leaves = Array.from({ length: int(2, 5) }, (_, i) => `l${i}`);
  const sums: SumRule[] = [];
  const nSums = int(0, 2);
  for (let i = 0; i < nSums; i++) {
    const parts = leaves.filter(() => r() < 0.7);
    if (parts.length >= 2) sums.push({ total: `t${i}`, parts });
  }
  const columns = [...leaves, ...sums.map((s) => s.total)];
  const slack = r() < 0.3;
  const dims = int(0, 2);
  const detail = (keys: string[]): ResultRow => {
    const values: Record<string, number> = {};
    for (const l of leaves) values[l] = value();
    for (const s of sums) values[s.total] = s.parts.reduce((a, p) => a + values[p]!, 0) + (slack && r() < 0.3 ? int(0, 2) : 0);
    return { key: keys.join('|'), keys, headings: keys, level: 'detail', values, n: { ...values } };
  };
  const add = (key: string, keys: string[], level: ResultRow['level'], rows: ResultRow[]): ResultRow => {
    const values: Record<string, number> = {};
    for (const c of columns) values[c] = rows.reduce((a, x) => a + (x.values[c] as number), 0);
    return { key, keys, headings: keys, level, values, n: { ...values } };
  };
  let rows: ResultRow[];
  if (dims === 0) {
    const one = detail([]);
    rows = [{ ...one, key: '*', level: 'total' }];
  } else if (dims === 1) {
    const details = Array.from({ length: int(1, 8) }, (_, i) => detail([`g${i}`]));
    rows = [...details, add('*', ['*'], 'total', details)];
  } else {
    rows = [];
    const subs: ResultRow[] = [];
    for (let i = 0; i < int(1, 4); i++) {
      const ds = Array.from({ length: int(1, 4) }, (_, j) => detail([`a${i}`, `b${j}`]));
      const st = add(`a${i}|*`, [`a${i}`, '*'], 'subtotal', ds);
      rows.push(...ds, st);
      subs.push(st);
    }
    rows.push(add('*|*', ['*', '*'], 'total', subs));
  }
  const result = {
    template: { id: 1, code: 't', version: 1, title: 't', department: 'd', legalBasis: '' }, unit: { id: 1, name: 'u', level: 'community', code: 'c', trail: [] },
    period: { key: '2026-10', start: '2026-10-01', end: '2026-10-31', labelZh: '', labelEn: '' }, referenceDate: '2026-10-31',
    dims: Array.from({ length: dims }, (_, i) => ({ by: 'field', title: `d${i}` })),
    columns: columns.map((k) => ({ key: k, title: k, kind: 'count', computed: true, drillable: true })),
    rows, manualFields: [], computedAt: '', computeMs: 0,
  } as ReportResult;
  return { result, sums };
}

/** Rank of an integer matrix, exactly (fraction-free elimination in BigInt). */
function rank(m: number[][]): number {
  const a = m.map((row) => row.map((x) => BigInt(x)));
  let rk = 0;
  const cols = a[0]?.length ?? 0;
  for (let c = 0; c < cols && rk < a.length; c++) {
    const p = a.findIndex((row, i) => i >= rk && row[c] !== 0n);
    if (p < 0) continue;
    [a[rk], a[p]] = [a[p]!, a[rk]!];
    for (let i = 0; i < a.length; i++) {
      if (i === rk || a[i]![c] === 0n) continue;
      const f = a[i]![c]!;
      const g = a[rk]![c]!;
      a[i] = a[i]!.map((x, j) => x * g - a[rk]![j]! * f);
    }
    rk += 1;
  }
  return rk;
}

/** Hidden cells whose value the sums determine: e_j lies in the row space of the sums over hidden cells. */
function determinedExactly(constraints: string[][], hidden: string[]): string[] {
  const idx = new Map(hidden.map((h, i) => [h, i]));
  const m = constraints
    .filter((c) => c.some((id) => idx.has(id)))
    .map((c) => {
      const row = new Array<number>(hidden.length).fill(0);
      c.forEach((id, i) => {
        const j = idx.get(id);
        if (j !== undefined) row[j]! += i === 0 ? 1 : -1;
      });
      return row;
    });
  if (!m.length) return [];
  const base = rank(m);
  return hidden.filter((h) => {
    const e = new Array<number>(hidden.length).fill(0);
    e[idx.get(h)!] = 1;
    return rank([...m, e]) === base;
  });
}

describe('secondary suppression (property)', () => {
  it('leaves no declared sum with exactly one hidden cell, on 1,500 random tables', () => {
    for (let seed = 1; seed <= 1500; seed++) {
      const { result, sums } = randomTable(seed);
      const out = protect(result, 5, new Map(), { sums });
      const hidden = new Set(out.suppressed);
      for (const row of result.rows) {
        for (const c of result.columns) {
          const n = row.n[c.key]!;
          if (n > 0 && n < 5) expect(hidden.has(cellId(row.key, c.key)), `seed ${seed}: small cell shown`).toBe(true);
        }
      }
      for (const c of sumConstraints(result, sums)) {
        const h = c.filter((id) => hidden.has(id)).length;
        expect(h === 0 || h >= 2, `seed ${seed}: ${c.join(' = ')} has one hidden cell`).toBe(true);
      }
      for (const row of out.rows) for (const c of result.columns) if (hidden.has(cellId(row.key, c.key))) expect(row.values[c.key]).toBeNull();
    }
  });

  it('leaves no small cell determined by all the sums together (exact check on tables up to 60 cells)', () => {
    let checked = 0;
    for (let seed = 2001; seed <= 2600; seed++) {
      const { result, sums } = randomTable(seed);
      if (result.rows.length * result.columns.length > 60) continue;
      const out = protect(result, 5, new Map(), { sums });
      const small = new Set(out.suppressed.filter((id) => !out.complementary.includes(id)));
      const pinned = determinedExactly(sumConstraints(result, sums), out.suppressed).filter((id) => small.has(id));
      expect(pinned, `seed ${seed}`).toEqual([]);
      checked += 1;
    }
    expect(checked).toBeGreaterThan(200);
  });

  it('closes the grid 193 case: 0-17 hidden, total and the other bands no longer all shown', () => {
    const row = (key: string, v: Record<string, number>): ResultRow => ({ key, keys: [key], headings: [key], level: key === '*' ? 'total' : 'detail', values: v, n: v });
    const g193 = { total: 55, age0to17: 1, age18to59: 31, age60plus: 23 };
    const g194 = { total: 60, age0to17: 12, age18to59: 30, age60plus: 18 };
    const result = {
      dims: [{ by: 'tree', title: '网格' }], columns: Object.keys(g193).map((k) => ({ key: k, title: k, kind: 'count', computed: true, drillable: true })),
      rows: [row('193', g193), row('194', g194), row('*', { total: 115, age0to17: 13, age18to59: 61, age60plus: 41 })],
    } as unknown as ReportResult;
    const without = protect(result, 5, new Map());
    // Without the declared sum only the column sum is followed: row 193 stays open to subtraction.
    expect(['total', 'age18to59', 'age60plus'].filter((k) => without.suppressed.includes(cellId('193', k)))).toEqual([]);
    const out = protect(result, 5, new Map(), { sums: [{ total: 'total', parts: ['age0to17', 'age18to59', 'age60plus'] }] });
    expect(out.suppressed).toContain(cellId('193', 'age0to17'));
    const rowHidden = ['total', 'age0to17', 'age18to59', 'age60plus'].filter((k) => out.suppressed.includes(cellId('193', k)));
    expect(rowHidden.length).toBeGreaterThanOrEqual(2);
    expect(out.complementary.length).toBeGreaterThan(0);
    expect(out.complementary).not.toContain(cellId('193', 'age0to17'));
  });
});

// ---- through the API: a department reading the built-in population report -----------------

let t: TestApp;
let a: Subtree;
let other: Subtree;
let worker: string;
let otherWorker: string;
let minzheng: string;
let canlian: string;
let subId: number;

function lastMonth() {
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const [y, m] = today.split('-').map(Number) as [number, number];
  const py = m === 1 ? y - 1 : y;
  const pm = m === 1 ? 12 : m - 1;
  return { key: `${py}-${String(pm).padStart(2, '0')}`, end: new Date(Date.UTC(py, pm, 0)).toISOString().slice(0, 10) };
}
const period = lastMonth();

/** n people of a grid aged `age`, alternating sex, each in a household of their own. */
function people(grid: Subtree['grid'], n: number, age: number, from: number, labels: Person['labels'] = []): Person[] {
  return Array.from({ length: n }, (_, i) => ({ grid, sex: i % 2 ? '2' : '1', birth: bornAged(age, period.end), household: from + i, labels }));
}

async function submitPop(token: string) {
  const due = (await t.call('GET', '/api/reports/due', { token })).json().items.find((d: { templateCode: string }) => d.templateCode === 'pop_monthly');
  const r = await t.call('POST', `/api/reports/due/${due.id}/submit`, { token, body: { manual: { report: {} } } });
  expect(r.statusCode, r.body).toBe(201);
  return r.json().submission.id as number;
}

describe('a department reading the population report', () => {
  beforeAll(async () => {
    t = await testApp();
    a = await makeSubtree(t);
    other = await makeSubtree(t);
    await makeGrid(t, a.community, '第二网格');
    const tree = t.built.modules.tree.service;
    const civil = await tree.createDepartment({ code: 'civil_affairs', name: '太原市民政局', shortName: '民政', nodeId: a.city.id }, systemContext('test'));
    const dis = await tree.createDepartment({ code: 'disabled_federation', name: '太原市残疾人联合会', shortName: '残联', nodeId: a.city.id }, systemContext('test'));
    const grants = t.built.modules.registry.service.grants;
    await grants.create(systemContext('test'), { departmentId: civil.id, recordKind: 'resident', nodeId: a.city.id, labels: ['low_income', 'extreme_poverty', 'elderly_alone'], readFields: ['name', 'label:low_income', 'label:extreme_poverty', 'label:elderly_alone'], purpose: '低保动态管理' });
    await grants.create(systemContext('test'), { departmentId: dis.id, recordKind: 'resident', nodeId: a.city.id, labels: ['disabled'], readFields: ['name', 'label:disabled'], purpose: '残疾人帮扶' });
    worker = (await loginAs(t, { role: 'community_worker', node: a.community })).token;
    otherWorker = (await loginAs(t, { role: 'community_worker', node: other.community })).token;
    minzheng = (await loginAs(t, { role: 'department_staff', node: a.city, departmentId: civil.id })).token;
    canlian = (await loginAs(t, { role: 'department_staff', node: a.city, departmentId: dis.id })).token;
    // Grid of community A: one child, six adults, six over sixty (five of them disabled, for 残联).
    await seedPeople(t, [...people(a.grid, 1, 10, 1), ...people(a.grid, 6, 40, 10), ...people(a.grid, 6, 70, 20, [{ code: 'disabled', attributes: { category: '1', grade: '2' } }]).map((p, i) => (i === 5 ? { ...p, labels: [] } : p))]);
    // Community B: plenty of everyone.
    await seedPeople(t, [...people(other.grid, 6, 10, 100), ...people(other.grid, 7, 40, 110), ...people(other.grid, 6, 70, 120)]);
    await t.built.modules.reports.service.submissions.sweep();
    subId = await submitPop(worker);
    await submitPop(otherWorker);
  });
  afterAll(() => t.close());

  it('hides 0-17 and one more figure of the same row, so that the total cannot give it away', async () => {
    const view = (await t.call('GET', `/api/reports/submissions/${subId}`, { token: minzheng })).json();
    expect(view.protected).toBe(true);
    const hidden = new Set<string>(view.result.suppressed);
    const g = String(a.grid.id);
    expect(hidden.has(`${g}::age0to17`)).toBe(true);
    const ageRow = ['total', 'age0to17', 'age18to59', 'age60plus'].filter((k) => hidden.has(`${g}::${k}`));
    expect(ageRow.length).toBeGreaterThanOrEqual(2);
    // Every sum of the table has no cell alone hidden (columns down to the total, declared sums across).
    const columns = view.result.columns as { key: string; kind: string; computed: boolean }[];
    const rows = view.result.rows as ResultRow[];
    const table = { dims: view.result.dims, columns, rows } as unknown as ReportResult;
    for (const c of sumConstraints(table, [{ total: 'total', parts: ['male', 'female'] }, { total: 'total', parts: ['registered', 'nonHukou', 'floating'] }, { total: 'total', parts: ['age0to17', 'age18to59', 'age60plus'] }])) {
      const h = c.filter((id) => hidden.has(id)).length;
      expect(h === 0 || h >= 2, c.join(' = ')).toBe(true);
    }
    // A figure hidden to protect another reads "*", a small one "<5".
    const xlsxLike = await t.call('GET', `/api/reports/submissions/${subId}/export?format=csv`, { token: minzheng });
    expect(xlsxLike.body).toContain('<5');
    expect(xlsxLike.body).toContain('*');
    // Neither can be drilled into; the refusal is audited.
    const comp = (view.result.complementary as string[])[0]!;
    const [row, col] = comp.split('::');
    const d = await t.call('GET', `/api/reports/submissions/${subId}/drill?row=${row}&column=${col}&reason=${encodeURIComponent('核查')}`, { token: minzheng });
    expect(d.statusCode).toBe(403);
    expect(d.json().error.code).toBe('REPORT_CELL_SUPPRESSED');
    const audit = await queryRows<{ n: number }>(t.database.db, sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'report.drill' AND result = 'denied' AND entity_id = ${String(subId)}`);
    expect(audit[0]!.n).toBe(1);
  });

  it('does not give 民政 per-grid counts of labels it has no grant for', async () => {
    const view = (await t.call('GET', `/api/reports/submissions/${subId}`, { token: minzheng })).json();
    const keys = (view.result.columns as { key: string }[]).map((c) => c.key);
    expect(keys).toEqual(expect.arrayContaining(['total', 'elderlyAlone', 'lowIncome', 'extremePoverty']));
    for (const k of ['disabled', 'leftBehind', 'veteran', 'correction', 'mental']) {
      expect(keys).not.toContain(k);
      for (const r of view.result.rows) expect(r.values[k]).toBeUndefined();
    }
    expect(view.result.withheldColumns.map((c: { key: string }) => c.key)).toContain('disabled');
    const drill = await t.call('GET', `/api/reports/submissions/${subId}/drill?row=*&column=disabled&reason=${encodeURIComponent('核查')}`, { token: minzheng });
    expect(drill.statusCode).toBe(403);
    expect(drill.json().error.code).toBe('REPORT_COLUMN_WITHHELD');
    const csv = await t.call('GET', `/api/reports/submissions/${subId}/export?format=csv`, { token: minzheng });
    expect(csv.statusCode).toBe(200);
    expect(csv.body).not.toContain('残疾人');
    const json = await t.call('GET', `/api/reports/submissions/${subId}/export?format=json`, { token: minzheng });
    expect((json.json().result.columns as { key: string }[]).map((c) => c.key)).not.toContain('disabled');
    const cons = (await t.call('GET', `/api/reports/consolidated?templateCode=pop_monthly&period=${period.key}`, { token: minzheng })).json();
    expect(cons.columns.map((c: { key: string }) => c.key)).not.toContain('disabled');
    for (const r of cons.rows) expect(r.values.disabled).toBeUndefined();
    expect(cons.total.disabled).toBeUndefined();
  });

  it('gives 残联 its own label and not 民政’s', async () => {
    const view = (await t.call('GET', `/api/reports/submissions/${subId}`, { token: canlian })).json();
    const keys = (view.result.columns as { key: string }[]).map((c) => c.key);
    expect(keys).toContain('disabled');
    expect(keys).not.toContain('lowIncome');
    expect(view.result.rows.find((r: { key: string }) => r.key === String(a.grid.id)).values.disabled).toBe(5);
  });

  it('protects the units of the consolidated view along the grand total', async () => {
    const cons = (await t.call('GET', `/api/reports/consolidated?templateCode=pop_monthly&period=${period.key}`, { token: minzheng })).json();
    const mine = cons.rows.find((r: { unit: { id: number } }) => r.unit.id === a.community.id);
    const theirs = cons.rows.find((r: { unit: { id: number } }) => r.unit.id === other.community.id);
    expect(mine.suppressed).toContain('age0to17');
    expect(mine.values.age0to17).toBeNull();
    // Down the column: A + B = total, so one of B and the total is hidden too.
    expect(theirs.suppressed.includes('age0to17') || cons.totalSuppressed.includes('age0to17')).toBe(true);
    // Across A's row: total = 0-17 + 18-59 + 60+.
    expect(['total', 'age18to59', 'age60plus'].some((k) => mine.suppressed.includes(k))).toBe(true);
    const csv = await t.call('GET', `/api/reports/consolidated?templateCode=pop_monthly&period=${period.key}&format=csv`, { token: minzheng });
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain('<5');
  });

  it('shows the community itself every figure', async () => {
    const own = (await t.call('GET', `/api/reports/submissions/${subId}`, { token: worker })).json();
    expect(own.protected).toBe(false);
    expect(own.result.suppressed).toEqual([]);
    expect(own.result.rows.find((r: { key: string }) => r.key === String(a.grid.id)).values.age0to17).toBe(1);
  });

  it('refuses a template whose declared sums do not add up columns', async () => {
    const admin = (await loginAs(t, { role: 'department_staff', node: a.city, departmentId: (await t.built.modules.tree.service.createDepartment({ code: 'health', name: '卫健委', shortName: '卫健', nodeId: a.city.id }, systemContext('test'))).id })).token;
    const body = {
      sources: [{ key: 'r', source: 'resident', filters: [] }], rows: [{ by: 'tree', level: 'grid' }], manualFields: [], totals: true,
      columns: [{ key: 'total', title: '人数', measure: { kind: 'count' } }, { key: 'men', title: '男', measure: { kind: 'count', where: [{ field: 'sex', op: 'eq', value: '1' }] } }, { key: 'rate', title: '比例', measure: { kind: 'ratio', numerator: 'men', denominator: 'total' } }],
      sums: [{ total: 'total', parts: ['men', 'rate'] }, { total: 'nobody', parts: ['men', 'total'] }],
    };
    const r = await t.call('POST', '/api/reports/templates/check', {
      token: admin,
      body: { title: '卫健人数表', legalBasis: '测试依据', purpose: '测试用途', cadence: 'monthly', deadlineDays: 5, submitLevel: 'community', handMinutesBefore: 10, definition: body },
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().ok).toBe(false);
    const paths = (r.json().problems as { field: string }[]).map((p) => p.field);
    expect(paths).toEqual(expect.arrayContaining(['definition.sums[0].parts[1]', 'definition.sums[1].total']));
  });
});

// Reports: the monthly population-and-key-groups report over the demo city (every district,
// ~1,000,000 residents at full size) grouped to grid level, on PostgreSQL and PGlite, beside the
// same report written by hand in SQL in the same run; the largest single district alone; a
// community's one-click computation; and the Excel export of a 10,000-row report beside a bare
// ExcelJS write of the same cells.
//
//   npm run bench -- reports                 # 1,000,000 residents, both engines
//   npm run bench -- reports --quick         # 20,000 residents
//   BENCH_ENGINES=postgres npm run bench -- reports
import ExcelJS from 'exceljs';
import { sql, type SQL } from 'drizzle-orm';
import { performance } from 'node:perf_hooks';
import { queryRows } from '../../src/db/client.js';
import { dateParams } from '../../src/modules/registry/index.js';
import { compileReport, type TemplateDefinition } from '../../src/modules/reports/index.js';
import type { ReportResult } from '../../src/modules/reports/engine.js';
import { toXlsx } from '../../src/modules/reports/outputs.js';
import { chinaToday, latestCompletedPeriod, referenceDate } from '../../src/modules/reports/periods.js';
import { yearsBefore } from '../../src/modules/reports/compiler.js';
import type { TreeNode } from '../../src/modules/tree/index.js';
import { benchDatabase, type BenchFixture, type Engine } from '../fixtures.js';
import { peakRssMb, type BenchContext, type Row, type Suite } from '../lib.js';

const LABELS = ['elderly_alone', 'low_income', 'extreme_poverty', 'disabled', 'left_behind_child', 'veteran', 'community_correction', 'severe_mental'];

/** The population report as someone fluent in SQL would write it by hand: one pass, totals by ROLLUP. */
function handWritten(scope: string, period: { start: string; end: string }, ref: string): SQL {
  const like = `${scope}%`;
  const labelCols = LABELS.map((l, i) => sql`bool_or(label_code = ${l}) AS ${sql.raw(`l${i}`)}`);
  const labelCounts = LABELS.map((_, i) => sql`count(*) FILTER (WHERE lab.${sql.raw(`l${i}`)}) AS ${sql.raw(`lc${i}`)}`);
  return sql`
    WITH lab AS (
      SELECT resident_id, ${sql.join(labelCols, sql`, `)}
      FROM resident_label
      WHERE tree_path LIKE ${like} AND label_code IN (${sql.join(LABELS.map((l) => sql`${l}`), sql`, `)})
        AND since <= ${ref}::date AND (until IS NULL OR until >= ${ref}::date)
      GROUP BY resident_id),
    p AS (
      SELECT r.grid_id, count(*) AS total,
             count(*) FILTER (WHERE r.sex = '1') AS male, count(*) FILTER (WHERE r.sex = '2') AS female,
             count(*) FILTER (WHERE r.residence_status = 'registered') AS registered, count(*) FILTER (WHERE r.residence_status = 'resident') AS non_hukou,
             count(*) FILTER (WHERE r.residence_status = 'floating') AS floating,
             count(*) FILTER (WHERE r.birth_date > ${yearsBefore(ref, 18)}::date) AS age0_17,
             count(*) FILTER (WHERE r.birth_date <= ${yearsBefore(ref, 18)}::date AND r.birth_date > ${yearsBefore(ref, 60)}::date) AS age18_59,
             count(*) FILTER (WHERE r.birth_date <= ${yearsBefore(ref, 60)}::date) AS age60,
             count(*) FILTER (WHERE r.birth_date <= ${yearsBefore(ref, 80)}::date) AS age80,
             count(*) FILTER (WHERE r.birth_date BETWEEN ${period.start}::date AND ${period.end}::date) AS births,
             ${sql.join(labelCounts, sql`, `)}
      FROM resident r LEFT JOIN lab ON lab.resident_id = r.id
      WHERE r.tree_path LIKE ${like} AND r.status = 'active'
      GROUP BY ROLLUP (r.grid_id)),
    h AS (SELECT grid_id, count(*) AS households FROM household WHERE tree_path LIKE ${like} AND status = 'active' GROUP BY ROLLUP (grid_id))
    SELECT *, round(age60 * 100.0 / nullif(total, 0), 1) AS aged_rate FROM p FULL JOIN h USING (grid_id)`;
}

async function median(n: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

async function populationReport(fx: BenchFixture, ctx: BenchContext): Promise<Row[]> {
  const engine = fx.engine;
  const E = engine === 'postgres' ? 'PostgreSQL' : 'PGlite';
  const db = fx.built.platform.db;
  const svc = fx.built.modules.reports.service;
  const tree = fx.built.modules.tree.service;
  const template = (await svc.templates.approvedByCode('pop_monthly'))!;
  const def = template.definition as TemplateDefinition;
  const resolved = await svc.engine.resolve(def);
  const period = latestCompletedPeriod('monthly', chinaToday());
  const ref = referenceDate(period, chinaToday());
  const city = (await tree.subtree('/', ['city']))[0]!;
  const [{ n: residents }] = (await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM resident WHERE status = 'active'`)) as [{ n: number }];
  const districtRow = (await queryRows<{ district_code: string; n: number }>(db, sql`SELECT district_code, count(*)::int AS n FROM resident WHERE status = 'active' GROUP BY 1 ORDER BY 2 DESC LIMIT 1`))[0]!;
  const district = (await tree.findByCode(districtRow.district_code))!;
  const runs = ctx.quick ? 3 : 5;
  const out: Row[] = [];

  const measureScope = async (unit: TreeNode, count: number, label: string) => {
    const grids = (await tree.subtree(unit.path, ['grid'])).length;
    const d = dateParams({ ref, periodStart: period.start, periodEnd: period.end });
    const compiled = compileReport(resolved, { d, scopes: [city.path, unit.path] }, (codes, path, dp) => svc.sources.labelFacts(codes, path, dp)).sql;
    const hand = handWritten(unit.path, period, ref);
    // The two must agree before their times mean anything.
    const a = await queryRows<Record<string, unknown>>(db, compiled);
    const b = await queryRows<Record<string, unknown>>(db, hand);
    const total = (rows: Record<string, unknown>[], key: string, isTotal: (r: Record<string, unknown>) => boolean) => Number(rows.find(isTotal)?.[key] ?? -1);
    const ca = total(a, 'c_total', (r) => r.k1 === '*');
    const cb = total(b, 'total', (r) => r.grid_id === null);
    const la = total(a, 'c_elderlyAlone', (r) => r.k1 === '*');
    const lb = total(b, 'lc0', (r) => r.grid_id === null);
    if (ca !== cb || la !== lb || ca !== count) throw new Error(`compiled and hand-written reports disagree: total ${ca} vs ${cb} (expected ${count}), elderly alone ${la} vs ${lb}`);
    ctx.log(`${E} ${label}: ${count} residents, ${grids} grids; results agree`);
    // Interleaved so that caches favour neither.
    const tc: number[] = [];
    const th: number[] = [];
    for (let i = 0; i < runs; i++) {
      tc.push(await median(1, () => queryRows(db, compiled)));
      th.push(await median(1, () => queryRows(db, hand)));
    }
    const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    const compiledMs = med(tc);
    const handMs = med(th);
    const e2e = await median(runs, () => svc.engine.compute(db, template, unit, city.path, period, ref));
    const limit = engine === 'postgres' ? 1000 : 3000;
    out.push(
      { name: `population report, ${label}, ${count.toLocaleString('en-US')} residents → ${grids} grids, compiled SQL (${E})`, value: compiledMs, unit: 'ms', baseline: { name: 'hand-written SQL', value: handMs }, better: 'lower', target: '≤ 1.3x hand-written', limit: { max: handMs * 1.3 } },
      { name: `population report, ${label}, end to end with headings (${E})`, value: e2e, unit: 'ms', baseline: { name: 'hand-written SQL', value: handMs }, better: 'lower', target: engine === 'postgres' ? '< 1 s' : '< 3 s', limit: { max: limit } },
    );
  };
  await measureScope(city, residents, 'whole city');
  if (district.id !== city.id && districtRow.n < residents) await measureScope(district, districtRow.n, `largest district ${district.name}`);

  // A community pressing the button: the same template for one community.
  // The community with the most residents (the community id is the 4th id of a path).
  const biggest = (await queryRows<{ id: string; n: number }>(db, sql`SELECT split_part(tree_path, '/', 5) AS id, count(*)::int AS n FROM resident WHERE status = 'active' GROUP BY 1 ORDER BY 2 DESC LIMIT 1`))[0]!;
  const unit = (await tree.getNode(Number(biggest.id)))!;
  const d = dateParams({ ref, periodStart: period.start, periodEnd: period.end });
  const oneSql = compileReport(resolved, { d, scopes: [unit.path] }, (codes, path, dp) => svc.sources.labelFacts(codes, path, dp)).sql;
  const sqlOnly = await median(runs * 2, () => queryRows(db, oneSql));
  const click = await median(runs * 2, () => svc.engine.compute(db, template, unit, unit.path, period, ref));
  out.push({ name: `one click: ${unit.name} (${biggest.n.toLocaleString('en-US')} residents) computes the monthly report (${E})`, value: click, unit: 'ms', baseline: { name: 'its SQL alone', value: sqlOnly }, better: 'lower', note: 'engine.compute: resolve, one query, tree headings, shaping' });
  return out;
}

/** A 10,000-row result with the population report's columns (synthetic figures). */
function bigResult(def: TemplateDefinition): ReportResult {
  const columns = def.columns.map((c) => ({ key: c.key, title: c.title, group: c.group, unit: c.unit, kind: c.measure.kind, computed: true, drillable: true }));
  const rows = Array.from({ length: 10_000 }, (_, i) => {
    const values: Record<string, number> = {};
    for (const [j, c] of columns.entries()) values[c.key] = c.kind === 'ratio' ? ((i * 7 + j) % 1000) / 10 : (i * 31 + j * 17) % 5000;
    return { key: String(i + 1), keys: [String(i + 1)], headings: [`第${i + 1}网格`], level: 'detail' as const, values, n: values };
  });
  return {
    template: { id: 1, code: 'pop_monthly', version: 1, title: '社区人口及重点人群月报表', department: '基层减负办', legalBasis: '统计法' },
    unit: { id: 1, name: '某市', level: 'city', code: '140100', trail: ['太原市'] },
    period: { key: '2025-10', start: '2025-10-01', end: '2025-10-31', labelZh: '2025年10月', labelEn: '2025-10' },
    referenceDate: '2025-10-31', dims: [{ by: 'tree', title: '网格' }], columns, rows, manualFields: def.manualFields, notes: def.notes, computedAt: new Date().toISOString(), computeMs: 0,
  };
}

async function excelExport(def: TemplateDefinition, ctx: BenchContext): Promise<Row[]> {
  const result = bigResult(def);
  const runs = ctx.quick ? 2 : 3;
  let size = 0;
  const styled = await median(runs, async () => {
    size = (await toXlsx({ result, submittedBy: '张三', submittedAt: new Date().toISOString(), version: 1 })).length;
  });
  const bare = await median(runs, async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('bare');
    ws.addRow(['网格', ...result.columns.map((c) => c.title)]);
    for (const r of result.rows) ws.addRow([r.headings[0], ...result.columns.map((c) => r.values[c.key])]);
    await wb.xlsx.writeBuffer();
  });
  return [
    { name: `Excel export of a 10,000-row × ${result.columns.length}-column report (official layout, ${Math.round(size / 1024)} KB)`, value: styled, unit: 'ms', baseline: { name: 'bare ExcelJS write of the same cells', value: bare }, better: 'lower', target: '< 2 s', limit: { max: 2000 }, note: `peak RSS ${peakRssMb()} MB` },
  ];
}

export const suite: Suite = {
  name: 'reports',
  async run(ctx) {
    const rows: Row[] = [];
    const wanted = (process.env.BENCH_ENGINES ?? 'postgres,pglite').split(',') as Engine[];
    let def: TemplateDefinition | null = null;
    for (const engine of wanted) {
      if ((engine !== 'postgres' && engine !== 'pglite') || (engine === 'postgres' && !ctx.pgUrl)) continue;
      const fx = await benchDatabase({ engine, residents: ctx.residents, pgUrl: ctx.pgUrl, log: ctx.log });
      try {
        def = ((await fx.built.modules.reports.service.templates.approvedByCode('pop_monthly'))!.definition as TemplateDefinition);
        rows.push(...(await populationReport(fx, ctx)));
      } finally {
        await fx.close();
      }
    }
    if (!def) def = (await import('../../src/modules/reports/builtins.js')).builtinTemplates[0]!.definition;
    rows.push(...(await excelExport(def, ctx)));
    return rows;
  },
};

// Template -> SQL. A template is first resolved against the report sources the registry publishes
// (every field, operator, code and label checked, with every problem reported at once, each with
// its path in the template); a resolved template then compiles to ONE query: a label CTE shared by
// all sources, one aggregate CTE per source grouped by GROUPING SETS (rows, subtotals, total), and
// a final SELECT that joins them on the row keys and computes ratios and shares. Every value is a
// bound parameter; identifiers come only from the source description. Each source CTE carries the
// caller's scope and the unit's subtree, so a compiled query cannot read outside them.
import { sql, type SQL } from 'drizzle-orm';
import { canonicalJson } from '../../platform/audit.js';
import { subtreeCondition } from '../../platform/scope.js';
import type { DateParams, DrillKind, GrantNeed, ReportField, ReportSource } from '../registry/index.js';
import { isLabelFilter, measureSourceKey, type Column, type FieldFilter, type Filter, type Grouping, type Measure, type TemplateDefinition } from './definition.js';

export interface Problem {
  path: string;
  zh: string;
  en: string;
}

/** Most cells one report may have (rows x columns); finer groupings are refused before anything is sent. */
export const MAX_CELLS = 100_000;

export const levelDepth = { city: 0, district: 1, street: 2, community: 3, grid: 4 } as const;

export interface ResolvedSource {
  key: string;
  src: ReportSource;
  filters: Filter[];
  /** Columns reading this source. */
  columns: Column[];
}

export interface Resolved {
  def: TemplateDefinition;
  sources: ResolvedSource[];
  byKey: Map<string, ResolvedSource>;
  columns: Map<string, Column>;
  /** Label codes tested anywhere, in a fixed order (x0, x1 … in the label CTE). */
  labels: string[];
}

export interface LabelInfo {
  code: string;
  zh: string;
  en: string;
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

function fieldOf(src: ReportSource, key: string): ReportField | undefined {
  return src.fields.find((f) => f.key === key);
}

/** A field's value in a compiled query: per-row look-ups come from the row's LATERAL (fx), the rest inline. */
function exprOf(fd: ReportField, d: DateParams): SQL {
  return fd.perRow ? sql.raw(`fx."${fd.key}"`) : fd.expr(d);
}

/**
 * Checks a definition against the sources and label kinds. Returns the problems (empty when the
 * template is sound) and, when sound, the resolved template the compiler needs.
 */
export function resolveTemplate(def: TemplateDefinition, allSources: ReportSource[], labelKinds: LabelInfo[]): { problems: Problem[]; resolved?: Resolved } {
  const problems: Problem[] = [];
  const bad = (path: string, zh: string, en: string) => problems.push({ path, zh, en });
  const labelCodes = new Set(labelKinds.map((l) => l.code));
  const sources: ResolvedSource[] = [];
  const byKey = new Map<string, ResolvedSource>();
  const labels: string[] = [];
  const useLabel = (code: string) => {
    if (!labels.includes(code)) labels.push(code);
  };

  const checkFilter = (f: Filter, src: ReportSource, path: string) => {
    if (isLabelFilter(f)) {
      if (!labelCodes.has(f.label)) bad(`${path}.label`, `没有标签“${f.label}”`, `no label "${f.label}"`);
      else if (!src.personId) bad(`${path}.label`, `数据源“${src.zh}”不是关于人的记录，不能按标签筛选`, `the source "${src.en}" is not about people; it cannot be filtered by label`);
      else useLabel(f.label);
      return;
    }
    const fd = fieldOf(src, f.field);
    if (!fd) {
      bad(`${path}.field`, `数据源“${src.zh}”没有字段“${f.field}”`, `the source "${src.en}" has no field "${f.field}"`);
      return;
    }
    checkOp(f, fd, path, bad);
  };

  def.sources.forEach((u, i) => {
    const path = `sources[${i}]`;
    if (byKey.has(u.key)) bad(`${path}.key`, `数据源代号“${u.key}”重复`, `source key "${u.key}" is used twice`);
    const src = allSources.find((s) => s.key === u.source);
    if (!src) {
      bad(`${path}.source`, `没有数据源“${u.source}”（可用：${allSources.map((s) => s.key).join('、')}）`, `no source "${u.source}" (available: ${allSources.map((s) => s.key).join(', ')})`);
      return;
    }
    u.filters.forEach((f, j) => checkFilter(f, src, `${path}.filters[${j}]`));
    if (src.key === 'label' && !u.filters.some((f) => !isLabelFilter(f) && f.field === 'labelCode' && (f.op === 'eq' || f.op === 'in'))) {
      bad(`${path}.filters`, '使用“重点人群标签”数据源时须按标签（labelCode 等于/属于）筛选', 'the label-facts source needs a labelCode eq/in filter');
    }
    const rs: ResolvedSource = { key: u.key, src, filters: u.filters, columns: [] };
    sources.push(rs);
    byKey.set(u.key, rs);
  });

  const columns = new Map<string, Column>();
  def.columns.forEach((c, i) => {
    if (columns.has(c.key)) bad(`columns[${i}].key`, `列代号“${c.key}”重复`, `column key "${c.key}" is used twice`);
    columns.set(c.key, c);
  });
  const manualKeys = new Set<string>();
  def.manualFields.forEach((m, i) => {
    const path = `manualFields[${i}]`;
    if (manualKeys.has(m.key) || columns.has(m.key)) bad(`${path}.key`, `代号“${m.key}”重复`, `key "${m.key}" is used twice`);
    manualKeys.add(m.key);
    if (m.type === 'choice' && !m.options?.length) bad(`${path}.options`, '选择题须列出选项', 'a choice needs options');
    if (m.type !== 'choice' && m.options) bad(`${path}.options`, '只有选择题有选项', 'only a choice has options');
    if ((m.min !== undefined || m.max !== undefined) && m.type !== 'integer' && m.type !== 'number') bad(`${path}.min`, '只有数字项可设最小值、最大值', 'only numbers have a minimum and maximum');
    if (m.min !== undefined && m.max !== undefined && m.min > m.max) bad(`${path}.max`, '最大值小于最小值', 'the maximum is below the minimum');
    if (m.maxLength !== undefined && m.type !== 'text') bad(`${path}.maxLength`, '只有文字项可设长度', 'only text has a length');
    if (m.scope === 'row' && !def.rows.length) bad(`${path}.scope`, '报表不分行时，手工项只能按整表填写（scope=report）', 'a report without row grouping takes report-scope manual fields only');
  });

  def.columns.forEach((c, i) => {
    const path = `columns[${i}].measure`;
    const m = c.measure;
    if (m.kind === 'ratio') {
      if (!columns.has(m.numerator)) bad(`${path}.numerator`, `分子列“${m.numerator}”不存在`, `numerator column "${m.numerator}" does not exist`);
      if (typeof m.denominator === 'number') {
        if (m.denominator === 0) bad(`${path}.denominator`, '分母为 0：除数不能为零', 'the denominator is 0: division by zero');
      } else if (!columns.has(m.denominator)) bad(`${path}.denominator`, `分母列“${m.denominator}”不存在`, `denominator column "${m.denominator}" does not exist`);
      else if (m.denominator === m.numerator) bad(`${path}.denominator`, '分子和分母是同一列', 'the numerator and the denominator are the same column');
      if (m.scale === 0) bad(`${path}.scale`, '倍数不能为 0', 'the scale cannot be 0');
      return;
    }
    if (m.kind === 'share') {
      if (!columns.has(m.of)) bad(`${path}.of`, `列“${m.of}”不存在`, `column "${m.of}" does not exist`);
      else if (m.of === c.key) bad(`${path}.of`, '占比不能引用本列', 'a share cannot refer to its own column');
      if (!def.rows.length) bad(`${path}`, '报表不分行时没有“占比”可言', 'a report without rows has no shares');
      return;
    }
    const sk = measureSourceKey(def, m)!;
    const rs = byKey.get(sk);
    if (!rs) {
      bad(`${path}.from`, `数据源代号“${sk}”不存在`, `source key "${sk}" does not exist`);
      return;
    }
    rs.columns.push(c);
    (m.where ?? []).forEach((f, j) => checkFilter(f, rs.src, `${path}.where[${j}]`));
    if (m.kind === 'count') return;
    const fd = fieldOf(rs.src, m.field);
    if (!fd) {
      bad(`${path}.field`, `数据源“${rs.src.zh}”没有字段“${m.field}”`, `the source "${rs.src.en}" has no field "${m.field}"`);
      return;
    }
    if ((m.kind === 'sum' || m.kind === 'avg') && !fd.numeric) bad(`${path}.field`, `“${fd.zh}”不是数值，不能求和或求平均`, `"${fd.en}" is not a number; it cannot be summed or averaged`);
    if ((m.kind === 'min' || m.kind === 'max') && !fd.numeric && fd.type !== 'date' && fd.type !== 'timestamp') bad(`${path}.field`, `“${fd.zh}”不能取最大、最小值`, `"${fd.en}" has no minimum or maximum`);
  });
  // Ratios and shares must not refer to each other in a circle.
  for (const c of def.columns) {
    const seen = new Set<string>();
    let stack = [c.key];
    while (stack.length) {
      const k = stack.pop()!;
      const m = columns.get(k)?.measure;
      if (!m) continue;
      const refs = m.kind === 'ratio' ? [m.numerator, typeof m.denominator === 'string' ? m.denominator : ''] : m.kind === 'share' ? [m.of] : [];
      for (const r of refs.filter(Boolean)) {
        if (r === c.key) {
          bad(`columns[${def.columns.indexOf(c)}].measure`, `列“${c.title}”循环引用自身`, `column "${c.title}" refers to itself in a circle`);
          stack = [];
          break;
        }
        if (!seen.has(r)) {
          seen.add(r);
          stack.push(r);
        }
      }
    }
  }
  // Declared sums: additive columns that exist, a total that is not one of its own parts.
  (def.sums ?? []).forEach((sum, i) => {
    const path = `sums[${i}]`;
    const additive = (key: string, at: string) => {
      const c = columns.get(key);
      if (!c) bad(at, `列“${key}”不存在`, `column "${key}" does not exist`);
      else if (!['count', 'countDistinct', 'sum'].includes(c.measure.kind)) bad(at, `列“${c.title}”不是计数或求和，不能相加`, `column "${c.title}" is not a count or a sum; it cannot be added up`);
    };
    additive(sum.total, `${path}.total`);
    sum.parts.forEach((p, j) => {
      additive(p, `${path}.parts[${j}]`);
      if (p === sum.total) bad(`${path}.parts[${j}]`, '合计列不能是自己的组成部分', 'the total cannot be one of its own parts');
    });
  });
  for (const rs of sources) {
    if (!rs.columns.length) bad(`sources[${sources.indexOf(rs)}]`, `数据源“${rs.key}”没有被任何列使用`, `source "${rs.key}" is not used by any column`);
  }

  def.rows.forEach((g, i) => {
    const path = `rows[${i}]`;
    for (const rs of sources) {
      if (!rs.columns.length) continue;
      if (g.by === 'field') {
        const fd = fieldOf(rs.src, g.field);
        if (!fd) bad(`${path}.field`, `数据源“${rs.src.zh}”没有字段“${g.field}”，不能按它分组`, `the source "${rs.src.en}" has no field "${g.field}" to group by`);
        else if (!fd.groupable) bad(`${path}.field`, `“${fd.zh}”不是代码字段，不能按它分组（分组不得列出个人）`, `"${fd.en}" is not a coded field and cannot group rows (a grouping never lists people)`);
      } else if (g.by === 'period') {
        const key = g.field ?? rs.src.periodField;
        const fd = key ? fieldOf(rs.src, key) : undefined;
        if (!fd) bad(`${path}.field`, `数据源“${rs.src.zh}”没有可按期间分组的日期字段${key ? `“${key}”` : ''}`, `the source "${rs.src.en}" has no date field${key ? ` "${key}"` : ''} to group by period`);
        else if (fd.type !== 'date' && fd.type !== 'timestamp') bad(`${path}.field`, `“${fd.zh}”不是日期`, `"${fd.en}" is not a date`);
      } else if (g.by === 'ageBand') {
        if (!fieldOf(rs.src, 'age')) bad(path, `数据源“${rs.src.zh}”没有年龄，不能按年龄段分组`, `the source "${rs.src.en}" has no age to band`);
      }
    }
    if (g.by === 'ageBand' && g.bands.some((b, j) => j > 0 && b <= g.bands[j - 1]!)) bad(`${path}.bands`, '年龄段下限须递增', 'age band bounds must increase');
  });
  if (def.rows.length === 2 && canonicalJson(def.rows[0]) === canonicalJson(def.rows[1])) bad('rows[1]', '两级分组相同', 'the two row groupings are the same');

  if (problems.length) return { problems };
  return { problems, resolved: { def, sources: sources.filter((s) => s.columns.length), byKey, columns, labels } };
}

function checkOp(f: FieldFilter, fd: ReportField, path: string, bad: (p: string, zh: string, en: string) => void) {
  const v = f.value;
  const need = (ok: boolean, zh: string, en: string) => {
    if (!ok) bad(`${path}.value`, `“${fd.zh}”${zh}`, `"${fd.en}" ${en}`);
  };
  const isNum = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
  const isCode = (x: unknown) => typeof x === 'string' && (!fd.codes || x in fd.codes);
  const codeHint = fd.codes ? `（可选：${Object.entries(fd.codes).slice(0, 12).map(([k, c]) => `${k}=${c.zh}`).join('，')}${Object.keys(fd.codes).length > 12 ? '…' : ''}）` : '';
  const opAllowed: Record<string, readonly string[]> = {
    code: ['eq', 'ne', 'in', 'notIn', 'isNull', 'notNull'],
    boolean: ['isTrue', 'isFalse', 'eq', 'isNull', 'notNull'],
    integer: ['eq', 'ne', 'in', 'notIn', 'gt', 'gte', 'lt', 'lte', 'between', 'isNull', 'notNull'],
    number: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'between', 'isNull', 'notNull'],
    date: ['eq', 'gt', 'gte', 'lt', 'lte', 'between', 'inPeriod', 'withinDays', 'notWithinDays', 'isNull', 'notNull'],
    timestamp: ['inPeriod', 'withinDays', 'notWithinDays', 'isNull', 'notNull'],
    reference: ['eq', 'in', 'isNull', 'notNull'],
  };
  if (!opAllowed[fd.type]!.includes(f.op)) {
    bad(`${path}.op`, `“${fd.zh}”不能用条件“${f.op}”（可用：${opAllowed[fd.type]!.join('、')}）`, `"${fd.en}" cannot take "${f.op}" (allowed: ${opAllowed[fd.type]!.join(', ')})`);
    return;
  }
  if (['isNull', 'notNull', 'isTrue', 'isFalse', 'inPeriod'].includes(f.op)) {
    if (v !== undefined) bad(`${path}.value`, `条件“${f.op}”不需要取值`, `"${f.op}" takes no value`);
    return;
  }
  if (f.op === 'withinDays' || f.op === 'notWithinDays') return need(Number.isInteger(v) && (v as number) > 0 && (v as number) <= 3660, '的天数应为 1-3660 的整数', 'needs a whole number of days (1-3660)');
  const scalarOk = (x: unknown): boolean => {
    switch (fd.type) {
      case 'code':
        return isCode(x);
      case 'boolean':
        return typeof x === 'boolean';
      case 'integer':
        return Number.isInteger(x);
      case 'number':
        return isNum(x);
      case 'date':
        return typeof x === 'string' && DATE_RE.test(x) && !Number.isNaN(Date.parse(`${x}T00:00:00Z`));
      case 'reference':
        return Number.isInteger(x) && (x as number) > 0;
      default:
        return false;
    }
  };
  const what = fd.type === 'code' ? `的取值不在代码表中${codeHint}` : fd.type === 'date' ? '的取值应为日期 YYYY-MM-DD' : fd.type === 'boolean' ? '的取值应为 true 或 false' : '的取值应为数字';
  const whatEn = fd.type === 'code' ? 'takes a value from its code table' : fd.type === 'date' ? 'takes a date YYYY-MM-DD' : fd.type === 'boolean' ? 'takes true or false' : 'takes a number';
  if (f.op === 'in' || f.op === 'notIn') return need(Array.isArray(v) && v.length > 0 && v.every(scalarOk), what, whatEn);
  if (f.op === 'between') {
    if (!Array.isArray(v) || v.length !== 2 || !v.every(scalarOk)) return need(false, '的区间应为两个值 [起, 止]', 'takes two values [from, to]');
    return need(String(v[0]).localeCompare(String(v[1]), undefined, { numeric: true }) <= 0 || (isNum(v[0]) && isNum(v[1]) && (v[0] as number) <= (v[1] as number)), '的区间起点大于终点', 'has a range that ends before it starts');
  }
  need(!Array.isArray(v) && scalarOk(v), what, whatEn);
}

// ---- compiling ------------------------------------------------------------------------------

/** The date `years` whole years before `ref`, clamped to the month's last day (29 Feb -> 28 Feb). */
export function yearsBefore(ref: string, years: number): string {
  const [y, m, d] = ref.split('-').map(Number) as [number, number, number];
  const ty = y - years;
  const last = new Date(Date.UTC(ty, m, 0)).getUTCDate();
  return `${String(ty).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** Born on or before this date = at least `n` years old on the reference date. */
function ageCut(d: DateParams, n: number): SQL {
  return sql`${yearsBefore(d.dates.ref, n)}::date`;
}

function ageCondition(birth: SQL, op: string, v: unknown, d: DateParams): SQL {
  const atLeast = (n: number) => sql`${birth} <= ${ageCut(d, n)}`;
  const under = (n: number) => sql`${birth} > ${ageCut(d, n)}`;
  const n = v as number;
  switch (op) {
    case 'gte':
      return atLeast(n);
    case 'gt':
      return atLeast(n + 1);
    case 'lte':
      return under(n + 1);
    case 'lt':
      return under(n);
    case 'eq':
      return sql`(${atLeast(n)} AND ${under(n + 1)})`;
    case 'ne':
      return sql`NOT (${atLeast(n)} AND ${under(n + 1)})`;
    case 'between': {
      const [a, b] = v as [number, number];
      return sql`(${atLeast(a)} AND ${under(b + 1)})`;
    }
    case 'in':
      return sql`(${sql.join((v as number[]).map((x) => sql`(${atLeast(x)} AND ${under(x + 1)})`), sql` OR `)})`;
    case 'notIn':
      return sql`NOT (${sql.join((v as number[]).map((x) => sql`(${atLeast(x)} AND ${under(x + 1)})`), sql` OR `)})`;
    case 'isNull':
      return sql`${birth} IS NULL`;
    case 'notNull':
      return sql`${birth} IS NOT NULL`;
  }
  throw new Error(`age op ${op}`);
}

export interface CompileEnv {
  d: DateParams;
  /** Subtree paths every row must lie in: the caller's scope and the unit's subtree. */
  scopes: string[];
}

function labelRef(labels: string[], code: string): SQL {
  return sql.raw(`lab.x${labels.indexOf(code)}`);
}

export function filterSql(f: Filter, src: ReportSource, labels: string[], d: DateParams): SQL {
  if (isLabelFilter(f)) return f.has === false ? sql`${labelRef(labels, f.label)} IS NOT TRUE` : sql`${labelRef(labels, f.label)} IS TRUE`;
  const fd = fieldOf(src, f.field)!;
  if (fd.ageFrom) return ageCondition(fd.ageFrom, f.op, f.value, d);
  const e = exprOf(fd, d);
  const v = f.value;
  const list = (xs: unknown[]) => sql.join(xs.map((x) => sql`${x}`), sql`, `);
  const typed = (x: unknown) => (fd.type === 'date' ? sql`${x}::date` : sql`${x}`);
  switch (f.op) {
    case 'eq':
      return fd.type === 'boolean' ? (v ? sql`(${e}) IS TRUE` : sql`(${e}) IS FALSE`) : sql`${e} = ${typed(v)}`;
    case 'ne':
      return sql`${e} IS DISTINCT FROM ${typed(v)}`;
    case 'in':
      return sql`${e} IN (${list(v as unknown[])})`;
    case 'notIn':
      return sql`(${e} IS NULL OR ${e} NOT IN (${list(v as unknown[])}))`;
    case 'gt':
      return sql`${e} > ${typed(v)}`;
    case 'gte':
      return sql`${e} >= ${typed(v)}`;
    case 'lt':
      return sql`${e} < ${typed(v)}`;
    case 'lte':
      return sql`${e} <= ${typed(v)}`;
    case 'between': {
      const [a, b] = v as [unknown, unknown];
      return sql`${e} BETWEEN ${typed(a)} AND ${typed(b)}`;
    }
    case 'isNull':
      return sql`${e} IS NULL`;
    case 'notNull':
      return sql`${e} IS NOT NULL`;
    case 'isTrue':
      return sql`(${e}) IS TRUE`;
    case 'isFalse':
      return sql`(${e}) IS NOT TRUE`;
    case 'inPeriod':
      return fd.type === 'timestamp' ? sql`(${e} >= ${d.startTs} AND ${e} < ${d.periodEndTs})` : sql`${e} BETWEEN ${d.periodStart} AND ${d.periodEnd}`;
    case 'withinDays':
      return fd.type === 'timestamp' ? sql`${e} >= ${d.refEndTs} - make_interval(days => ${v as number})` : sql`${e} > ${d.ref} - ${v as number}::int`;
    case 'notWithinDays':
      return fd.type === 'timestamp' ? sql`(${e} IS NULL OR ${e} < ${d.refEndTs} - make_interval(days => ${v as number}))` : sql`(${e} IS NULL OR ${e} <= ${d.ref} - ${v as number}::int)`;
  }
  throw new Error(`op ${f.op}`);
}

const periodFormat: Record<string, string> = { day: 'YYYY-MM-DD', month: 'YYYY-MM', quarter: 'YYYY-"Q"Q', year: 'YYYY' };

/** The row key of a grouping on one source, as text (NULL when the value is missing). */
export function groupKeySql(g: Grouping, src: ReportSource, d: DateParams): SQL {
  switch (g.by) {
    case 'tree':
      if (g.level === 'grid' && src.key !== 'facility') return sql`(${src.gridId})::text`;
      // The node id at that depth of the path ("/city/district/street/community/grid/").
      return sql`nullif(split_part(${src.treePath}, '/', ${sql.raw(String(levelDepth[g.level] + 2))}), '')`;
    case 'field': {
      const fd = fieldOf(src, g.field)!;
      const e = exprOf(fd, d);
      return fd.type === 'boolean' ? sql`(CASE WHEN ${e} THEN '1' WHEN NOT ${e} THEN '0' END)` : sql`(${e})::text`;
    }
    case 'period': {
      const fd = fieldOf(src, g.field ?? src.periodField!)!;
      const e = exprOf(fd, d);
      const local = fd.type === 'timestamp' ? sql`(${e} AT TIME ZONE 'Asia/Shanghai')` : sql`(${e})::timestamp`;
      return sql`to_char(date_trunc(${sql.raw(`'${g.unit}'`)}, ${local}), ${sql.raw(`'${periodFormat[g.unit]}'`)})`;
    }
    case 'ageBand': {
      const birth = fieldOf(src, 'age')!.ageFrom!;
      const whens = g.bands.map((b, i) => sql` WHEN ${birth} > ${ageCut(d, b)} THEN ${sql.raw(`'${i}'`)}`);
      return sql`(CASE WHEN ${birth} IS NULL THEN NULL${sql.join(whens, sql``)} ELSE ${sql.raw(`'${g.bands.length}'`)} END)`;
    }
  }
}

/** The base measure a column's records come from (ratios: the numerator; shares: their column). */
export function baseColumn(r: Resolved, key: string): Column {
  let c = r.columns.get(key)!;
  for (let i = 0; i < 10; i++) {
    const m = c.measure;
    if (m.kind === 'ratio') c = r.columns.get(m.numerator)!;
    else if (m.kind === 'share') c = r.columns.get(m.of)!;
    else return c;
  }
  return c;
}

function q(name: string): SQL {
  return sql.raw(`"${name}"`);
}

function whereOf(parts: (SQL | null | undefined)[]): SQL {
  const list = parts.filter((p): p is SQL => !!p);
  return list.length ? sql.join(list, sql` AND `) : sql`true`;
}

function scopeConds(src: ReportSource, scopes: string[]): SQL[] {
  return [...new Set(scopes)].map((p) => subtreeCondition(p, src.treePath));
}

export interface CompiledReport {
  sql: SQL;
  dims: number;
  /** Bits of GROUPING(): 0 detail rows, all bits set for the total row. */
  totalBits: number;
}

/** The label CTE needed by a set of sources, or none. */
function labelCte(r: Resolved, env: CompileEnv, labelFacts: (codes: string[], scopePath: string, d: DateParams) => SQL): SQL | null {
  if (!r.labels.length) return null;
  // The narrowest scope bounds the label scan (both are subtrees of each other's line).
  const narrow = [...env.scopes].sort((a, b) => b.length - a.length)[0]!;
  return sql`lab AS (${labelFacts(r.labels, narrow, env.d)})`;
}

function usesLabels(rs: ResolvedSource): boolean {
  const all = [...rs.filters, ...rs.columns.flatMap((c) => ('where' in c.measure ? (c.measure.where ?? []) : []))];
  return all.some(isLabelFilter);
}

/** The per-row look-ups a source's part of the template uses (each computed once per row). */
function perRowFields(rs: ResolvedSource, r: Resolved): ReportField[] {
  const keys = new Set<string>();
  const all = [...rs.filters, ...rs.columns.flatMap((c) => ('where' in c.measure ? (c.measure.where ?? []) : []))];
  for (const f of all) if (!isLabelFilter(f)) keys.add(f.field);
  for (const c of rs.columns) if ('field' in c.measure) keys.add(c.measure.field);
  for (const g of r.def.rows) {
    if (g.by === 'field') keys.add(g.field);
    if (g.by === 'period') keys.add(g.field ?? rs.src.periodField ?? '');
  }
  return rs.src.fields.filter((f) => f.perRow && keys.has(f.key));
}

function fromClause(rs: ResolvedSource, r: Resolved, d: DateParams): SQL {
  const dims = r.def.rows.map((g, i) => sql`${groupKeySql(g, rs.src, d)} AS ${sql.raw(`g${i + 1}`)}`);
  const lab = usesLabels(rs) ? sql` LEFT JOIN lab ON lab.resident_id = ${rs.src.personId!}` : sql``;
  const per = perRowFields(rs, r);
  const fx = per.length ? sql` CROSS JOIN LATERAL (SELECT ${sql.join(per.map((f) => sql`${f.expr(d)} AS ${sql.raw(`"${f.key}"`)}`), sql`, `)}) fx` : sql``;
  const gk = dims.length ? sql` CROSS JOIN LATERAL (SELECT ${sql.join(dims, sql`, `)}) gk` : sql``;
  return sql`${rs.src.from}${lab}${fx}${gk}`;
}

function aggregate(c: Column, rs: ResolvedSource, r: Resolved, d: DateParams): { value: SQL; n: SQL | null } {
  const m = c.measure as Exclude<Measure, { kind: 'ratio' } | { kind: 'share' }>;
  const where = (m.where ?? []).map((f) => filterSql(f, rs.src, r.labels, d));
  const filt = where.length ? sql` FILTER (WHERE ${sql.join(where, sql` AND `)})` : sql``;
  if (m.kind === 'count') return { value: sql`count(*)${filt}`, n: null };
  const fd = fieldOf(rs.src, m.field)!;
  const e = exprOf(fd, d);
  const n = sql`count(${e})${filt}`;
  switch (m.kind) {
    case 'countDistinct':
      return { value: sql`count(DISTINCT ${e})${filt}`, n: null };
    case 'sum':
      return { value: sql`round(sum(${e})${filt}::numeric, ${sql.raw(String(m.decimals ?? (fd.type === 'integer' ? 0 : 2)))})`, n };
    case 'avg':
      return { value: sql`round(avg(${e})${filt}::numeric, ${sql.raw(String(m.decimals ?? 1))})`, n };
    case 'min':
    case 'max': {
      const agg = sql`${sql.raw(m.kind)}(${e})${filt}`;
      if (fd.type === 'timestamp') return { value: sql`to_char(${agg} AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')`, n };
      if (fd.type === 'date') return { value: sql`to_char(${agg}, 'YYYY-MM-DD')`, n };
      return { value: m.decimals !== undefined ? sql`round(${agg}::numeric, ${sql.raw(String(m.decimals))})` : agg, n };
    }
  }
}

/**
 * The one query of a report: rows keyed k1, k2 (text; '' for a missing value, '*' aggregated), t
 * (GROUPING bits), and per column "c_<key>" (value) and "n_<key>" (records behind it, for the
 * small-count rule).
 */
export function compileReport(r: Resolved, env: CompileEnv, labelFacts: (codes: string[], scopePath: string, d: DateParams) => SQL): CompiledReport {
  const d = env.d;
  const dims = r.def.rows.length;
  const gcols = Array.from({ length: dims }, (_, i) => `g${i + 1}`);
  const gref = gcols.map((g) => sql.raw(`gk.${g}`));
  const sets = dims === 0 ? null : dims === 1 ? sql`GROUPING SETS ((${gref[0]!}), ())` : sql`GROUPING SETS ((${gref[0]!}, ${gref[1]!}), (${gref[0]!}), ())`;
  const totalBits = (1 << dims) - 1;
  const ctes: SQL[] = [];
  const lab = labelCte(r, env, labelFacts);
  if (lab) ctes.push(lab);
  r.sources.forEach((rs, i) => {
    const name = `s${i}`;
    const keys = gcols.map((g, j) => sql`CASE WHEN GROUPING(${gref[j]!}) = 1 THEN '*' ELSE coalesce(${gref[j]!}, '') END AS ${sql.raw(`k${j + 1}`)}`);
    const t = dims ? sql`GROUPING(${sql.join(gref, sql`, `)}) AS t` : sql`0 AS t`;
    const aggs = rs.columns.flatMap((c) => {
      const a = aggregate(c, rs, r, d);
      return a.n ? [sql`${a.value} AS ${q(`c_${c.key}`)}`, sql`${a.n} AS ${q(`n_${c.key}`)}`] : [sql`${a.value} AS ${q(`c_${c.key}`)}`];
    });
    const where = whereOf([...scopeConds(rs.src, env.scopes), rs.src.live(d), ...rs.filters.map((f) => filterSql(f, rs.src, r.labels, d))]);
    ctes.push(sql`${sql.raw(name)} AS (SELECT ${sql.join([...keys, t, ...aggs], sql`, `)} FROM ${fromClause(rs, r, d)} WHERE ${where}${sets ? sql` GROUP BY ${sets}` : sql``})`);
  });
  const srcOf = new Map<string, string>();
  r.sources.forEach((rs, i) => rs.columns.forEach((c) => srcOf.set(c.key, `s${i}`)));
  const valueOf = (key: string, depth = 0): SQL => {
    const c = r.columns.get(key)!;
    const m = c.measure;
    if (depth > 10) throw new Error('column references too deep');
    if (m.kind === 'ratio') {
      const num = valueOf(m.numerator, depth + 1);
      const den = typeof m.denominator === 'number' ? sql`${m.denominator}::numeric` : valueOf(m.denominator, depth + 1);
      const scale = m.scale ?? 1;
      return sql`(CASE WHEN (${den}) IS NULL OR (${den}) = 0 THEN NULL ELSE round((${num})::numeric * ${sql.raw(String(scale))} / (${den})::numeric, ${sql.raw(String(m.decimals ?? 2))}) END)`;
    }
    if (m.kind === 'share') {
      const x = valueOf(m.of, depth + 1);
      const total = sql`max(CASE WHEN t = ${sql.raw(String(totalBits))} THEN (${x})::numeric END) OVER ()`;
      return sql`round((${x})::numeric * ${sql.raw(String(m.scale ?? 100))} / nullif(${total}, 0), ${sql.raw(String(m.decimals ?? 1))})`;
    }
    const ref = sql.raw(`${srcOf.get(key)}."c_${key}"`);
    return m.kind === 'count' || m.kind === 'countDistinct' || m.kind === 'sum' ? sql`coalesce(${ref}, 0)` : ref;
  };
  const outCols: SQL[] = [...gcols.map((_, j) => sql.raw(`k${j + 1}`)), sql.raw('t')];
  for (const c of r.def.columns) {
    outCols.push(sql`${valueOf(c.key)} AS ${q(`c_${c.key}`)}`);
    const m = c.measure;
    if (m.kind !== 'ratio' && m.kind !== 'share' && m.kind !== 'count' && m.kind !== 'countDistinct') outCols.push(sql`coalesce(${sql.raw(`${srcOf.get(c.key)}."n_${c.key}"`)}, 0) AS ${q(`n_${c.key}`)}`);
  }
  const using = [...gcols.map((_, j) => `k${j + 1}`), 't'].join(', ');
  let from = sql.raw('s0');
  for (let i = 1; i < r.sources.length; i++) from = dims ? sql`${from} FULL JOIN ${sql.raw(`s${i}`)} USING (${sql.raw(using)})` : sql`${from} CROSS JOIN ${sql.raw(`s${i}`)}`;
  const order = dims ? sql` ORDER BY t, ${sql.raw(gcols.map((_, j) => `k${j + 1}`).join(', '))}` : sql``;
  return { sql: sql`WITH ${sql.join(ctes, sql`, `)} SELECT ${sql.join(outCols, sql`, `)} FROM ${from}${order}`, dims, totalBits };
}

export interface DrillQuery {
  ids: SQL;
  count: SQL;
  source: ReportSource;
  drill: DrillKind;
}

/**
 * The records behind one cell: the same source, scope, filters and grouping as the report, the
 * column's own conditions, the cell's row keys, and the viewer's visibility (department grants).
 * Distinct counts of a person or household list those people or households.
 */
export function compileDrill(
  r: Resolved,
  cell: { keys: string[]; column: string },
  env: CompileEnv,
  visibility: SQL,
  labelFacts: (codes: string[], scopePath: string, d: DateParams) => SQL,
  page: { limit: number; offset: number },
): DrillQuery {
  const d = env.d;
  const c = baseColumn(r, cell.column);
  const m = c.measure as Exclude<Measure, { kind: 'ratio' } | { kind: 'share' }>;
  const rs = r.byKey.get(measureSourceKey(r.def, m)!)!;
  const lab = labelCte(r, env, labelFacts);
  const conds: SQL[] = [...scopeConds(rs.src, env.scopes), visibility];
  const live = rs.src.live(d);
  if (live) conds.push(live);
  for (const f of [...rs.filters, ...(m.where ?? [])]) conds.push(filterSql(f, rs.src, r.labels, d));
  cell.keys.forEach((k, i) => {
    if (k === '*') return;
    conds.push(k === '' ? sql`${sql.raw(`gk.g${i + 1}`)} IS NULL` : sql`${sql.raw(`gk.g${i + 1}`)} = ${k}`);
  });
  let idExpr = rs.src.id;
  let drill: DrillKind = rs.src.drill;
  if (m.kind !== 'count') {
    const fd = fieldOf(rs.src, m.field)!;
    conds.push(sql`${exprOf(fd, d)} IS NOT NULL`);
    if (m.kind === 'countDistinct' && fd.type === 'reference') {
      const target: DrillKind | null = fd.key === 'householdId' ? 'household' : fd.key === 'residentId' ? 'resident' : fd.key === 'id' ? rs.src.drill : null;
      if (target) {
        idExpr = exprOf(fd, d);
        drill = target;
      }
    }
  }
  const withLab = lab ? sql`WITH ${lab} ` : sql``;
  const base = sql`FROM ${fromClause(rs, r, d)} WHERE ${sql.join(conds, sql` AND `)}`;
  return {
    ids: sql`${withLab}SELECT DISTINCT ${idExpr} AS id ${base} ORDER BY 1 LIMIT ${page.limit} OFFSET ${page.offset}`,
    count: sql`${withLab}SELECT count(DISTINCT ${idExpr})::int AS n ${base}`,
    source: rs.src,
    drill,
  };
}

// ---- filing checks --------------------------------------------------------------------------

/** The grants a department needs to file a template, per source, and the labels its base set is confined to. */
export function grantNeeds(r: Resolved): { source: ReportSource; needs: GrantNeed[]; confinedTo: string[] | null }[] {
  return r.sources.map((rs) => {
    const needs: GrantNeed[] = [];
    const add = (n: GrantNeed | null) => {
      if (n && !needs.some((x) => x.kind === n.kind && x.field === n.field)) needs.push(n);
    };
    const labelCodesFiltered = (fs: Filter[]) => fs.flatMap((f) => (!isLabelFilter(f) && f.field === 'labelCode' && (f.op === 'eq' || f.op === 'in') ? (Array.isArray(f.value) ? f.value : [f.value]).map(String) : []));
    const fieldNeed = (key: string, fs: Filter[]) => {
      const fd = fieldOf(rs.src, key);
      if (!fd?.grant) return;
      if (fd.grant.field === 'label:*') for (const code of labelCodesFiltered(fs)) add({ kind: fd.grant.kind, field: `label:${code}` });
      else add(fd.grant);
    };
    const all: Filter[] = [...rs.filters];
    for (const c of rs.columns) all.push(...('where' in c.measure ? (c.measure.where ?? []) : []));
    for (const f of all) {
      if (isLabelFilter(f)) add({ kind: 'resident', field: `label:${f.label}` });
      else fieldNeed(f.field, rs.filters);
    }
    for (const c of rs.columns) if ('field' in c.measure) fieldNeed(c.measure.field, rs.filters);
    for (const g of r.def.rows) {
      if (g.by === 'field') fieldNeed(g.field, rs.filters);
      if (g.by === 'ageBand') fieldNeed('age', rs.filters);
      if (g.by === 'period') fieldNeed(g.field ?? rs.src.periodField ?? '', rs.filters);
    }
    // The base set is confined to labels when every row must carry one of them.
    const confined = rs.filters.filter((f) => isLabelFilter(f) && f.has !== false).map((f) => (f as { label: string }).label);
    const viaLabelSource = rs.src.key === 'label' ? labelCodesFiltered(rs.filters) : [];
    return { source: rs.src, needs, confinedTo: confined.length || viaLabelSource.length ? [...confined, ...viaLabelSource] : null };
  });
}

/**
 * The label codes a column's figures depend on: labels its source and its own conditions test
 * (carrying one or not), label codes a label-facts source is filtered to, label groupings (every
 * label), and for a ratio or a share the labels of the columns it uses. A department whose grants
 * do not cover one of them does not get the column.
 */
export function columnLabels(r: Resolved, key: string, allLabels: string[], seen = new Set<string>()): string[] {
  const c = r.columns.get(key);
  if (!c || seen.has(key)) return [];
  seen.add(key);
  const m = c.measure;
  if (m.kind === 'ratio') return [...new Set([...columnLabels(r, m.numerator, allLabels, seen), ...(typeof m.denominator === 'string' ? columnLabels(r, m.denominator, allLabels, seen) : [])])];
  if (m.kind === 'share') return columnLabels(r, m.of, allLabels, seen);
  const rs = r.byKey.get(m.from ?? r.def.sources[0]!.key);
  if (!rs) return [];
  const out = new Set<string>();
  for (const f of [...rs.filters, ...(m.where ?? [])]) {
    if (isLabelFilter(f)) out.add(f.label);
    else if (f.field === 'labelCode') for (const v of Array.isArray(f.value) ? f.value : [f.value]) if (v !== undefined) out.add(String(v));
  }
  if (rs.src.key === 'label' && r.def.rows.some((g) => g.by === 'field' && g.field === 'labelCode')) for (const l of allLabels) out.add(l);
  return [...out];
}

/** A column's meaning, independent of its heading: source, every condition, measure, field. */
export function columnSignatures(r: Resolved): { key: string; title: string; signature: string }[] {
  const out: { key: string; title: string; signature: string }[] = [];
  for (const rs of r.sources) {
    for (const c of rs.columns) {
      const m = c.measure as Exclude<Measure, { kind: 'ratio' } | { kind: 'share' }>;
      const conds = [...rs.filters, ...(m.where ?? [])].map((f) => canonicalJson(isLabelFilter(f) ? { label: f.label, has: f.has !== false } : { field: f.field, op: f.op, value: Array.isArray(f.value) ? [...f.value].map(String).sort() : (f.value ?? null) })).sort();
      out.push({ key: c.key, title: c.title, signature: canonicalJson({ source: rs.src.key, conds, kind: m.kind, field: m.kind === 'count' ? null : m.field }) });
    }
  }
  return out;
}

/** Rows a report will have at most, for the cell limit. */
export function estimateRows(def: TemplateDefinition, cardinality: (g: Grouping) => number): number {
  if (!def.rows.length) return 1;
  const cards = def.rows.map(cardinality);
  if (cards.length === 1) return cards[0]! + 1;
  return cards[0]! * cards[1]! + cards[0]! + 1;
}

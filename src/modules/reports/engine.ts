// Running a template for one unit: resolve, compile, execute the one query, and shape the rows
// into a table with headings (tree names, code names, periods, age bands). Groups the query found
// nothing for (a grid without residents) are listed with zeros, so the form always has its rows.
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { queryRows, type DbOrTx } from '../../db/client.js';
import { canonicalJson } from '../../platform/audit.js';
import { AppError } from '../../platform/errors.js';
import { dateParams, type ReportSource, type ReportSources } from '../registry/index.js';
import type { TreeNode, TreeService } from '../tree/index.js';
import { compileReport, resolveTemplate, type LabelInfo, type Resolved } from './compiler.js';
import type { Grouping, TemplateDefinition } from './definition.js';
import { ReportErrors } from './errors.js';
import { filingNumber } from './filing.js';
import type { CellValue, ReportResult, ResultColumn, ResultRow, ResultTemplate, TemplateEnglish } from './schemas.js';
import { periodKeyLabel, periodKeysBetween, type Period } from './periods.js';

export type { CellValue, ReportResult, ResultColumn, ResultRow, ResultTemplate };

export interface TemplateLike {
  id: number;
  code: string;
  version: number;
  title: string;
  departmentName: string;
  legalBasis: string;
  definition: TemplateDefinition;
  filingYear?: number | null;
  filingSeq?: number | null;
  en?: TemplateEnglish | null;
}

/** The template part of a result, as of the template row now (filing number and English included). */
export function resultTemplate(t: TemplateLike): ResultTemplate {
  return { id: t.id, code: t.code, version: t.version, title: t.title, department: t.departmentName, legalBasis: t.legalBasis, filing: filingNumber(t.filingYear, t.filingSeq), en: t.en ?? null };
}

const levelNames: Record<string, { zh: string; en: string }> = {
  district: { zh: '区（县）', en: 'District' }, street: { zh: '街道（乡镇）', en: 'Street' }, community: { zh: '社区（村）', en: 'Community' }, grid: { zh: '网格', en: 'Grid' },
};
const unitNames: Record<string, { zh: string; en: string }> = { day: { zh: '日期', en: 'Day' }, month: { zh: '月份', en: 'Month' }, quarter: { zh: '季度', en: 'Quarter' }, year: { zh: '年度', en: 'Year' } };

export function ageBandLabels(bands: number[], lang: 'zh' | 'en' = 'zh'): string[] {
  const out: string[] = [];
  out.push(lang === 'zh' ? `${bands[0]! - 1}岁及以下` : `0-${bands[0]! - 1}`);
  for (let i = 1; i < bands.length; i++) out.push(lang === 'zh' ? `${bands[i - 1]}-${bands[i]! - 1}岁` : `${bands[i - 1]}-${bands[i]! - 1}`);
  out.push(lang === 'zh' ? `${bands[bands.length - 1]}岁及以上` : `${bands[bands.length - 1]}+`);
  return out;
}

export class ReportEngine {
  constructor(
    readonly sources: ReportSources,
    private readonly tree: TreeService,
  ) {}

  async labelInfos(db?: DbOrTx): Promise<LabelInfo[]> {
    return (await this.sources.labelKinds(db)).map((k) => ({ code: k.code, zh: k.nameZh, en: k.nameEn }));
  }

  /** Resolves a definition or throws REPORT_TEMPLATE_INVALID naming every problem. */
  async resolve(def: TemplateDefinition, db?: DbOrTx, pathPrefix = 'definition'): Promise<Resolved> {
    const { problems, resolved } = resolveTemplate(def, await this.sources.sources(db), await this.labelInfos(db));
    if (!resolved) {
      const first = problems[0]!;
      throw new AppError(
        ReportErrors.REPORT_TEMPLATE_INVALID,
        { reason_zh: problems.map((p) => p.zh).join('；'), reason_en: problems.map((p) => p.en).join('; ') },
        `${pathPrefix}.${first.path}`,
        { problems: problems.map((p) => ({ field: `${pathPrefix}.${p.path}`, zh: p.zh, en: p.en })) },
      );
    }
    return resolved;
  }

  /**
   * Computes the report for a unit: one query over base data inside the unit's subtree and the
   * caller's scope, with labels and ages taken on the reference date.
   */
  async compute(db: DbOrTx, t: TemplateLike, unit: TreeNode, callerPath: string, period: Period, referenceDate: string, lang: 'zh' | 'en' = 'zh'): Promise<ReportResult> {
    const def = t.definition;
    const r = await this.resolve(def, db);
    const d = dateParams({ ref: referenceDate, periodStart: period.start, periodEnd: period.end });
    const compiled = compileReport(r, { d, scopes: [callerPath, unit.path] }, (codes, path, dp) => this.sources.labelFacts(codes, path, dp));
    const started = performance.now();
    const raw = await queryRows<Record<string, unknown>>(db, compiled.sql);
    const computeMs = Math.round(performance.now() - started);
    const shaped = await this.shape(db, r, raw, unit, period, lang);
    const trail = (await this.tree.trailOf(unit.path, db)).map((n) => n.name);
    return {
      template: resultTemplate(t),
      unit: { id: unit.id, name: unit.name, level: unit.level, code: unit.code, trail },
      period, referenceDate, ...shaped, manualFields: def.manualFields.filter((m) => m.scope === 'report'), notes: def.notes, notesEn: def.notesEn,
      computedAt: new Date().toISOString(), computeMs,
    };
  }

  /** Column metadata of a template, in layout order (computed columns, then row-scope manual fields). */
  columnsOf(def: TemplateDefinition, r: Resolved): ResultColumn[] {
    const cols: ResultColumn[] = def.columns.map((c) => ({
      key: c.key, title: c.title, titleEn: c.titleEn, group: c.group, groupEn: c.groupEn, unit: c.unit, kind: c.measure.kind, computed: true,
      drillable: !!r.columns.get(c.key),
    }));
    for (const m of def.manualFields.filter((x) => x.scope === 'row')) cols.push({ key: m.key, title: m.title, titleEn: m.titleEn, unit: m.unit, kind: 'manual', computed: false, drillable: false, manual: m });
    return cols;
  }

  private async shape(db: DbOrTx, r: Resolved, raw: Record<string, unknown>[], unit: TreeNode, period: Period, lang: 'zh' | 'en') {
    const def = r.def;
    const dims = def.rows.length;
    const columns = this.columnsOf(def, r);
    const computed = def.columns;
    const byKey = new Map<string, ResultRow>();
    const levelOf = (t: number): ResultRow['level'] => (t === 0 ? 'detail' : t === (1 << dims) - 1 ? 'total' : 'subtotal');
    for (const row of raw) {
      const keys = Array.from({ length: dims }, (_, i) => String(row[`k${i + 1}`] ?? ''));
      const t = Number(row.t ?? 0);
      const values: Record<string, CellValue> = {};
      const n: Record<string, number> = {};
      for (const c of computed) {
        const v = row[`c_${c.key}`];
        values[c.key] = v === null || v === undefined ? null : typeof v === 'string' && !/^\d{4}-\d{2}-\d{2}$/.test(v) ? Number(v) : (v as number | string);
        const k = c.measure.kind;
        if (k === 'count' || k === 'countDistinct') n[c.key] = Number(values[c.key] ?? 0);
        else if (`n_${c.key}` in row) n[c.key] = Number(row[`n_${c.key}`] ?? 0);
      }
      const rowKeys = dims === 0 ? [] : keys;
      const key = dims === 0 ? '*' : rowKeys.join('|');
      byKey.set(key, { key, keys: rowKeys, headings: [], level: dims === 0 ? 'total' : levelOf(t), values, n });
    }
    // Expected groups and their headings.
    const expected: string[][] = [];
    const headingMaps: Map<string, string>[] = [];
    const orderMaps: Map<string, number>[] = [];
    for (const g of def.rows) {
      const { keys, headings } = await this.expectedKeys(db, g, r, unit, period, lang, [...byKey.values()].map((x) => x.keys[def.rows.indexOf(g)]!).filter((k) => k !== '*'));
      expected.push(keys);
      headingMaps.push(headings);
      orderMaps.push(new Map(keys.map((k, i) => [k, i])));
    }
    const zeroRow = (keys: string[], level: ResultRow['level']): ResultRow => {
      const values: Record<string, CellValue> = {};
      const n: Record<string, number> = {};
      for (const c of computed) {
        const k = c.measure.kind;
        values[c.key] = k === 'count' || k === 'countDistinct' || k === 'sum' ? 0 : null;
        n[c.key] = 0;
      }
      return { key: keys.join('|'), keys, headings: [], level, values, n };
    };
    if (dims === 0 && !byKey.size) byKey.set('*', { ...zeroRow([], 'total'), key: '*' });
    if (dims === 1) {
      for (const k of expected[0]!) if (!byKey.has(k)) byKey.set(k, zeroRow([k], 'detail'));
      if (!byKey.has('*')) byKey.set('*', zeroRow(['*'], 'total'));
    }
    if (dims === 2) {
      if (expected[0]!.length * expected[1]!.length <= 5000) {
        for (const a of expected[0]!) {
          for (const b of expected[1]!) if (!byKey.has(`${a}|${b}`)) byKey.set(`${a}|${b}`, zeroRow([a, b], 'detail'));
          if (!byKey.has(`${a}|*`)) byKey.set(`${a}|*`, zeroRow([a, '*'], 'subtotal'));
        }
      }
      if (!byKey.has('*|*')) byKey.set('*|*', zeroRow(['*', '*'], 'total'));
    }
    const totalWord = lang === 'zh' ? '合计' : 'Total';
    const subtotalWord = lang === 'zh' ? '小计' : 'Subtotal';
    const rows = [...byKey.values()];
    for (const row of rows) {
      if (dims === 0) row.headings = [unit.name];
      else
        row.headings = row.keys.map((k, i) => {
          if (k === '*') return i === 0 ? totalWord : subtotalWord;
          return headingMaps[i]!.get(k) ?? (k === '' ? (lang === 'zh' ? '（未填写）' : '(blank)') : k);
        });
    }
    const rank = (k: string, i: number) => (k === '*' ? Number.MAX_SAFE_INTEGER : (orderMaps[i]!.get(k) ?? 1_000_000 + (k === '' ? 1 : 0)));
    rows.sort((a, b) => {
      for (let i = 0; i < dims; i++) {
        const d = rank(a.keys[i]!, i) - rank(b.keys[i]!, i);
        if (d) return d;
        if (a.keys[i] !== b.keys[i]) return a.keys[i]!.localeCompare(b.keys[i]!);
      }
      return 0;
    });
    if (!def.totals) {
      // The total is still computed (shares need it) but not shown.
      const keep = rows.filter((x) => x.level !== 'total' || dims === 0);
      return { dims: this.dimTitles(def, r, lang), columns, rows: keep };
    }
    return { dims: this.dimTitles(def, r, lang), columns, rows };
  }

  dimTitles(def: TemplateDefinition, r: Resolved, lang: 'zh' | 'en') {
    return def.rows.map((g) => {
      if (g.by === 'tree') return { by: 'tree', title: levelNames[g.level]![lang], titleEn: levelNames[g.level]!.en };
      if (g.by === 'period') return { by: 'period', title: unitNames[g.unit]![lang], titleEn: unitNames[g.unit]!.en };
      if (g.by === 'ageBand') return { by: 'ageBand', title: lang === 'zh' ? '年龄段' : 'Age band', titleEn: 'Age band' };
      const fd = r.sources[0]!.src.fields.find((f) => f.key === g.field);
      return { by: 'field', title: fd ? fd[lang] : g.field, titleEn: fd ? fd.en : g.field };
    });
  }

  /** The groups a form always lists (every grid of the unit, every code of a short code table …) and their headings. */
  private async expectedKeys(db: DbOrTx, g: Grouping, r: Resolved, unit: TreeNode, period: Period, lang: 'zh' | 'en', found: string[]): Promise<{ keys: string[]; headings: Map<string, string> }> {
    const headings = new Map<string, string>();
    if (g.by === 'tree') {
      const nodes = await this.tree.subtree(unit.path, [g.level], db);
      const have = new Set(nodes.map((n) => String(n.id)));
      const extra = found.filter((k) => k && !have.has(k)).map(Number).filter(Number.isFinite);
      const more = extra.length ? await this.tree.getNodes(extra, db) : [];
      for (const n of [...nodes, ...more]) headings.set(String(n.id), n.name);
      headings.set('', lang === 'zh' ? `（未落到${levelNames[g.level]!.zh}）` : `(not on a ${levelNames[g.level]!.en.toLowerCase()})`);
      return { keys: nodes.map((n) => String(n.id)), headings };
    }
    if (g.by === 'field') {
      const src: ReportSource = r.sources[0]!.src;
      const fd = src.fields.find((f) => f.key === g.field);
      const codes = fd?.codes ?? {};
      if (fd?.type === 'boolean') {
        headings.set('1', lang === 'zh' ? '是' : 'yes');
        headings.set('0', lang === 'zh' ? '否' : 'no');
        return { keys: ['1', '0'], headings };
      }
      for (const [k, v] of Object.entries(codes)) headings.set(k, v[lang]);
      const keys = Object.keys(codes);
      return { keys: keys.length <= 20 ? keys : keys.filter((k) => found.includes(k)), headings };
    }
    if (g.by === 'period') {
      const keys = periodKeysBetween(g.unit, period.start, period.end);
      for (const k of [...keys, ...found]) headings.set(k, periodKeyLabel(k, lang));
      return { keys: keys.length <= 400 ? keys : [], headings };
    }
    const labels = ageBandLabels(g.bands, lang);
    labels.forEach((l, i) => headings.set(String(i), l));
    return { keys: labels.map((_, i) => String(i)), headings };
  }
}

/** A stable fingerprint of the figures (what the worker saw in the preview). */
export function resultDigest(result: Pick<ReportResult, 'rows'>): string {
  return createHash('sha256')
    .update(canonicalJson(result.rows.map((r) => [r.key, r.values])))
    .digest('hex');
}

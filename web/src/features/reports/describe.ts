// Templates in words: a filter, a grouping or a measure as a person reads it ("居民：标签“独居老人”，
// 年龄 ≥ 80"), using the source catalogue from GET /api/reports/sources.
import type { Catalogue, ColumnDef, Definition, Filter, Grouping } from './api';

type Lang = 'zh' | 'en';

const opWords: Record<string, [string, string]> = {
  eq: ['=', '='], ne: ['≠', '≠'], in: ['属于', 'in'], notIn: ['不属于', 'not in'], gt: ['>', '>'], gte: ['≥', '≥'], lt: ['<', '<'], lte: ['≤', '≤'],
  between: ['介于', 'between'], isNull: ['为空', 'is empty'], notNull: ['不为空', 'is set'], isTrue: ['为是', 'is true'], isFalse: ['为否', 'is false'],
  inPeriod: ['在报告期内', 'in the period'], withinDays: ['在近 {n} 天内', 'within {n} days'], notWithinDays: ['超过 {n} 天（或从无）', 'not within {n} days (or never)'],
};
export const opNames = opWords;

const levelWords: Record<string, [string, string]> = { district: ['区县', 'district'], street: ['街道', 'street'], community: ['社区', 'community'], grid: ['网格', 'grid'] };
const unitWords: Record<string, [string, string]> = { day: ['日', 'day'], month: ['月', 'month'], quarter: ['季度', 'quarter'], year: ['年', 'year'] };
const measureWords: Record<string, [string, string]> = {
  count: ['计数', 'count'], countDistinct: ['去重计数', 'distinct count'], sum: ['求和', 'sum'], avg: ['平均', 'average'], min: ['最小', 'minimum'], max: ['最大', 'maximum'], ratio: ['比率', 'ratio'], share: ['占比', 'share'],
};
export const measureNames = measureWords;

const pick = (p: [string, string] | undefined, lang: Lang, fallback = '') => (p ? (lang === 'en' ? p[1] : p[0]) : fallback);

export function sourceOf(cat: Catalogue | undefined, key: string) {
  return cat?.sources.find((s) => s.key === key);
}

export function fieldName(cat: Catalogue | undefined, source: string, field: string, lang: Lang): string {
  const f = sourceOf(cat, source)?.fields.find((x) => x.key === field);
  return f ? (lang === 'en' ? f.en : f.zh) : field;
}

function valueText(cat: Catalogue | undefined, source: string, field: string, v: unknown, lang: Lang): string {
  const f = sourceOf(cat, source)?.fields.find((x) => x.key === field);
  const one = (x: unknown) => {
    const c = f?.codes?.[String(x)];
    return c ? (lang === 'en' ? c.en : c.zh) : String(x);
  };
  if (Array.isArray(v)) return v.map(one).join(lang === 'en' ? ', ' : '、');
  return one(v);
}

export function describeFilter(cat: Catalogue | undefined, source: string, f: Filter, lang: Lang): string {
  if ('label' in f) {
    const l = cat?.labels.find((x) => x.code === f.label);
    const name = l ? (lang === 'en' ? l.en : l.zh) : f.label;
    return f.has === false ? (lang === 'en' ? `without label “${name}”` : `无标签“${name}”`) : lang === 'en' ? `label “${name}”` : `标签“${name}”`;
  }
  const name = fieldName(cat, source, f.field, lang);
  const op = pick(opWords[f.op], lang, f.op).replace('{n}', String(f.value ?? ''));
  if (['isNull', 'notNull', 'isTrue', 'isFalse', 'inPeriod', 'withinDays', 'notWithinDays'].includes(f.op)) return `${name} ${op}`;
  if (f.op === 'between' && Array.isArray(f.value)) return `${name} ${op} ${valueText(cat, source, f.field, f.value[0], lang)}–${valueText(cat, source, f.field, f.value[1], lang)}`;
  return `${name} ${op} ${valueText(cat, source, f.field, f.value, lang)}`;
}

export function describeGrouping(cat: Catalogue | undefined, def: Definition, g: Grouping, lang: Lang): string {
  if (g.by === 'tree') return lang === 'en' ? `by ${pick(levelWords[g.level], lang)}` : `按${pick(levelWords[g.level], lang)}`;
  if (g.by === 'field') return lang === 'en' ? `by ${fieldName(cat, def.sources[0]?.source ?? '', g.field, lang)}` : `按${fieldName(cat, def.sources[0]?.source ?? '', g.field, lang)}`;
  if (g.by === 'period') return lang === 'en' ? `by ${pick(unitWords[g.unit], lang)}` : `按${pick(unitWords[g.unit], lang)}`;
  return lang === 'en' ? `by age band (${g.bands.join(', ')})` : `按年龄段（${g.bands.join('、')}）`;
}

export function describeMeasure(cat: Catalogue | undefined, def: Definition, c: ColumnDef, lang: Lang): string {
  const m = c.measure;
  const title = (k: string) => {
    const col = def.columns.find((x) => x.key === k);
    return (lang === 'en' ? col?.titleEn : undefined) ?? col?.title ?? k;
  };
  if (m.kind === 'ratio') return `${title(m.numerator)} ÷ ${typeof m.denominator === 'number' ? m.denominator : title(m.denominator)}${m.scale && m.scale !== 1 ? ` × ${m.scale}` : ''}`;
  if (m.kind === 'share') return lang === 'en' ? `share of “${title(m.of)}”` : `占“${title(m.of)}”合计的比例`;
  const su = def.sources.find((s) => s.key === (m.from ?? def.sources[0]?.key));
  const source = su?.source ?? '';
  const srcName = sourceOf(cat, source);
  const conds = [...(su?.filters ?? []), ...(m.where ?? [])].map((f) => describeFilter(cat, source, f, lang));
  const what = m.kind === 'count' ? '' : ` ${fieldName(cat, source, m.field, lang)}`;
  const src = srcName ? (lang === 'en' ? srcName.en : srcName.zh) : source;
  if (lang === 'en') return `${pick(measureWords[m.kind], lang)}${what}: ${src}${conds.length ? ` (${conds.join('; ')})` : ''}`;
  return `${pick(measureWords[m.kind], lang)}${what}：${src}${conds.length ? `（${conds.join('，')}）` : ''}`;
}

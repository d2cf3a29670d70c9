// Hand-entered items (手工填报项): the few things no base data can answer. Values are checked
// against their declared type before anything is stored; every problem is reported with its path.
import { AppError } from '../../platform/errors.js';
import type { ManualField, TemplateDefinition } from './definition.js';
import { ReportErrors } from './errors.js';
import type { ManualValues } from './schemas.js';

type ManualValue = ManualValues['report'][string];

/** What arrives to be checked: the request's `ManualIn`, or values stored earlier; anything else is refused item by item. */
export interface ManualInput {
  report?: Record<string, unknown>;
  rows?: Record<string, Record<string, unknown>>;
}

interface Problem {
  field: string;
  title: string;
  titleEn?: string;
  zh: string;
  en: string;
  /** A required item left empty (the rest are values of the wrong kind). */
  missing?: boolean;
  /** For a row-scope item: the row's key. */
  row?: string;
}

function check(m: ManualField, raw: unknown, path: string, problems: Problem[], row?: string): ManualValue {
  const bad = (zh: string, en: string, missing = false) => {
    problems.push({ field: path, title: m.title, titleEn: m.titleEn, zh, en, missing, row });
    return null;
  };
  if (raw === undefined || raw === null || (typeof raw === 'string' && !raw.trim())) {
    if (m.required) return bad('必填', 'is required', true);
    return null;
  }
  switch (m.type) {
    case 'integer':
    case 'number': {
      if (typeof raw !== 'number' || !Number.isFinite(raw)) return bad(`应为数字，收到的是${typeof raw === 'string' ? `文字“${raw.slice(0, 20)}”` : typeof raw}`, `must be a number, got ${typeof raw === 'string' ? `the text "${raw.slice(0, 20)}"` : typeof raw}`);
      if (m.type === 'integer' && !Number.isInteger(raw)) return bad('应为整数', 'must be a whole number');
      if (m.min !== undefined && raw < m.min) return bad(`不能小于 ${m.min}`, `cannot be below ${m.min}`);
      if (m.max !== undefined && raw > m.max) return bad(`不能大于 ${m.max}`, `cannot be above ${m.max}`);
      return raw;
    }
    case 'text': {
      if (typeof raw !== 'string') return bad('应为文字', 'must be text');
      const s = raw.trim();
      const max = m.maxLength ?? 500;
      if (s.length > max) return bad(`最多 ${max} 个字`, `at most ${max} characters`);
      return s || null;
    }
    case 'date': {
      if (typeof raw !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(raw) || Number.isNaN(Date.parse(`${raw}T00:00:00Z`)) || new Date(`${raw}T00:00:00Z`).toISOString().slice(0, 10) !== raw) return bad('应为日期 YYYY-MM-DD', 'must be a date YYYY-MM-DD');
      return raw;
    }
    case 'choice': {
      if (typeof raw !== 'string' || !m.options?.includes(raw)) return bad(`应为以下之一：${m.options?.join('、')}`, `must be one of: ${m.options?.join(', ')}`);
      return raw;
    }
  }
  return bad('类型不支持', 'unsupported type');
}

/**
 * Validates hand-entered values for a report with the given detail rows (keys, and headings to
 * name them by); throws naming every problem. A required item left empty is refused with
 * REPORT_MANUAL_REQUIRED, naming the item (and the row); a value of the wrong kind with
 * REPORT_MANUAL_INVALID.
 */
export function validateManual(def: TemplateDefinition, detailRowKeys: string[], input: ManualInput | undefined, lang: 'zh' | 'en', headings?: Map<string, string>): ManualValues {
  const problems: Problem[] = [];
  const out: ManualValues = { report: {}, rows: {} };
  const reportFields = def.manualFields.filter((m) => m.scope === 'report');
  const rowFields = def.manualFields.filter((m) => m.scope === 'row');
  const given = input ?? {};
  for (const k of Object.keys(given.report ?? {})) {
    if (!reportFields.some((m) => m.key === k)) problems.push({ field: `manual.report.${k}`, title: k, zh: '没有这个填报项', en: 'no such item' });
  }
  for (const m of reportFields) out.report[m.key] = check(m, given.report?.[m.key], `manual.report.${m.key}`, problems);
  const rowKeys = new Set(detailRowKeys);
  for (const [rk, vals] of Object.entries(given.rows ?? {})) {
    if (!rowKeys.has(rk)) {
      problems.push({ field: `manual.rows.${rk}`, title: rk, zh: '没有这一行', en: 'no such row' });
      continue;
    }
    for (const k of Object.keys(vals ?? {})) if (!rowFields.some((m) => m.key === k)) problems.push({ field: `manual.rows.${rk}.${k}`, title: k, zh: '没有这个填报项', en: 'no such item' });
  }
  if (rowFields.length) {
    for (const rk of detailRowKeys) {
      const vals = given.rows?.[rk] ?? {};
      out.rows[rk] = {};
      for (const m of rowFields) out.rows[rk]![m.key] = check(m, vals[m.key], `manual.rows.${rk}.${m.key}`, problems, rk);
    }
  }
  const details = { problems: problems.map((x) => ({ field: x.field, message: lang === 'zh' ? `${x.title}：${x.zh}` : `${x.titleEn ?? x.title}: ${x.en}` })) };
  const missing = problems.filter((x) => x.missing);
  if (missing.length) {
    const p = missing[0]!;
    const heading = p.row !== undefined ? (headings?.get(p.row) ?? p.row) : null;
    const others = missing.length - 1;
    throw new AppError(
      ReportErrors.REPORT_MANUAL_REQUIRED,
      {
        field_zh: p.title, field_en: p.titleEn ?? p.title,
        where_zh: `${heading ? `（${heading}）` : ''}${others ? `等 ${missing.length} 项` : ''}`,
        where_en: `${heading ? ` (${heading})` : ''}${others ? ` and ${others} more` : ''}`,
      },
      p.field,
      { ...details, missing: missing.map((x) => ({ field: x.field, key: x.field.split('.').pop(), title: x.title, titleEn: x.titleEn ?? null, row: x.row ?? null, heading: x.row !== undefined ? (headings?.get(x.row) ?? x.row) : null })) },
    );
  }
  if (problems.length) {
    const p = problems[0]!;
    throw new AppError(
      ReportErrors.REPORT_MANUAL_INVALID,
      { field: p.title, reason_zh: p.zh, reason_en: p.en, reason: lang === 'zh' ? p.zh : p.en },
      p.field,
      details,
    );
  }
  return out;
}

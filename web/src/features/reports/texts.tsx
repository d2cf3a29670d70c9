// Reports in the reader's language. Built-in templates carry English beside their Chinese (titles,
// headings, notes, the filing office); a department's own template is its own words, shown as
// written and marked as user data. Units in headings (人, 户, %) are the form's own words.
import type { ReactNode } from 'react';
import { bi, UserText } from '../../components/UserText';
import type { Lang } from '../../i18n';
import type { Filing, ManualField, ReportResult, ResultColumn, TemplateEnglish } from './api';

export { bi };

/** The same as plain text (for places that need a string: titles of tabs, file names, tooltips). */
export function biText(lang: Lang, zh: string | undefined | null, en: string | undefined | null): string {
  return (lang === 'en' && en ? en : zh) ?? '';
}

const unitEn: Record<string, string> = { 人: 'people', 户: 'households', 个: 'items', 次: 'visits', 项: 'items', 元: 'yuan', 天: 'days', 岁: 'years', 处: 'places', 间: 'rooms', 家: 'units', 件: 'cases' };

/** A unit of measure in the reader's language (a unit a department typed stays as typed). */
export function unitText(lang: Lang, unit: string | undefined): string | undefined {
  if (!unit || lang !== 'en') return unit;
  return unitEn[unit] ?? unit;
}

/** A column heading with its unit: 户数（户） / Households (households). */
export function columnHeading(lang: Lang, c: Pick<ResultColumn, 'title' | 'titleEn' | 'unit'>): ReactNode {
  const title = bi(lang, c.title, c.titleEn);
  if (!c.unit) return title;
  const u = unitText(lang, c.unit);
  return lang === 'en' ? (
    <>
      {title} <span className="qc-unit">({u === c.unit ? <UserText>{u}</UserText> : u})</span>
    </>
  ) : (
    <>
      {title}（{c.unit}）
    </>
  );
}

export const manualTitle = (lang: Lang, m: Pick<ManualField, 'title' | 'titleEn'>) => bi(lang, m.title, m.titleEn);
export const manualHint = (lang: Lang, m: Pick<ManualField, 'hint' | 'hintEn'>) => bi(lang, m.hint, m.hintEn);

export const templateTitle = (lang: Lang, t: { title: string; en?: TemplateEnglish | null }) => bi(lang, t.title, t.en?.title);
export const templateDepartment = (lang: Lang, name: string, en?: TemplateEnglish | null) => bi(lang, name, en?.departmentName);

/** The filing number as printed (备案号), or that there is none yet. */
export function filingText(lang: Lang, f: Filing | null | undefined): string {
  if (!f) return lang === 'en' ? 'not yet filed' : '未备案';
  return lang === 'en' ? f.en : f.zh;
}

/** A row heading: totals and subtotals are the app's words; grid and place names are user data. */
export function rowHeading(lang: Lang, result: Pick<ReportResult, 'dims'>, level: string, heading: string | undefined, i: number): ReactNode {
  if (level !== 'detail' && (heading === '合计' || heading === 'Total')) return lang === 'en' ? 'Total' : '合计';
  if (level !== 'detail' && (heading === '小计' || heading === 'Subtotal')) return lang === 'en' ? 'Subtotal' : '小计';
  void result;
  void i;
  return <UserText>{heading}</UserText>;
}

// Certificate templates: body text with {placeholders}. Each placeholder says where its value
// comes from (base data, the request, or the act of issuing), so the catalogue can list the base
// data a kind needs, and issuing refuses to leave any placeholder blank.
import { maskIdNumber } from '../registry/index.js';

export type VariableSource = 'resident' | 'related' | 'label' | 'request' | 'issue';

export interface TemplateVariable {
  zh: string;
  en: string;
  source: VariableSource;
  /** The base data behind it, as a worker would name it (for "needs" and "missing"). */
  needs: { zh: string; en: string };
}

const v = (zh: string, en: string, source: VariableSource, needsZh: string, needsEn: string): TemplateVariable => ({ zh, en, source, needs: { zh: needsZh, en: needsEn } });

export const templateVariables: Record<string, TemplateVariable> = {
  name: v('姓名', 'name', 'resident', '姓名', 'name'),
  sex: v('性别', 'sex', 'resident', '性别', 'sex'),
  birthDate: v('出生日期', 'birth date', 'resident', '出生日期', 'birth date'),
  age: v('年龄', 'age', 'resident', '出生日期', 'birth date'),
  idType: v('证件类型', 'document type', 'resident', '证件类型', 'document type'),
  idNumber: v('证件号码', 'ID number', 'resident', '证件号码', 'ID number'),
  ethnicity: v('民族', 'ethnicity', 'resident', '民族', 'ethnicity'),
  address: v('现住址', 'current address', 'resident', '现住址', 'current address'),
  hukouAddress: v('户籍地址', 'hukou address', 'resident', '户籍地址', 'hukou address'),
  residentSince: v('居住起始日期', 'living here since', 'resident', '居住起始日期', '"living here since" date'),
  residenceDuration: v('居住时长', 'time lived here', 'resident', '居住起始日期', '"living here since" date'),
  householdSize: v('同户人数', 'household size', 'resident', '所属户', 'household'),
  relatedName: v('另一人姓名', 'second person’s name', 'related', '另一人的姓名', 'the second person’s name'),
  relatedSex: v('另一人性别', 'second person’s sex', 'related', '另一人的性别', 'the second person’s sex'),
  relatedIdType: v('另一人证件类型', 'second person’s document type', 'related', '另一人的证件类型', 'the second person’s document type'),
  relatedIdNumber: v('另一人证件号码', 'second person’s ID number', 'related', '另一人的证件号码', 'the second person’s ID number'),
  relation: v('二人关系', 'relationship', 'related', '与户主关系（二人均须登记）', 'relation to the household head (both people)'),
  hardship: v('困难情况', 'hardship', 'label', '低保、特困或残疾登记（由民政、残联维护）', 'a 低保, 特困 or disability record (kept by civil affairs or the disabled persons’ federation)'),
  purpose: v('用途', 'purpose', 'request', '用途', 'purpose'),
  unitName: v('出具单位', 'issuing unit', 'issue', '出具单位', 'issuing unit'),
  unitKind: v('社区或村', 'community or village', 'issue', '出具单位', 'issuing unit'),
  issueDate: v('出具日期', 'date of issue', 'issue', '出具日期', 'date of issue'),
  validUntil: v('有效期至', 'valid until', 'issue', '有效期', 'validity'),
};

const PLACEHOLDER = /\{([^{}]*)\}/g;

export interface TemplateProblem {
  zh: string;
  en: string;
}

/** The placeholders a template uses, in order of first use. */
export function placeholdersOf(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/** Problems with a template an admin wrote: stray braces, unknown placeholders, no subject. */
export function checkTemplate(template: string, needsRelated: boolean): TemplateProblem | null {
  const stripped = template.replace(PLACEHOLDER, '');
  if (stripped.includes('{') || stripped.includes('}')) return { zh: '花括号不成对', en: 'unbalanced braces' };
  const used = placeholdersOf(template);
  const unknown = used.filter((p) => !templateVariables[p]);
  if (unknown.length) return { zh: `没有这些占位符：${unknown.map((u) => `{${u}}`).join('、')}`, en: `unknown placeholders: ${unknown.map((u) => `{${u}}`).join(', ')}` };
  if (!used.includes('name')) return { zh: '正文必须写明居民姓名 {name}', en: 'the body must name the resident with {name}' };
  const related = used.filter((p) => templateVariables[p]!.source === 'related');
  if (related.length && !needsRelated) return { zh: `用到了另一人的信息（${related.map((r) => `{${r}}`).join('、')}），须勾选“需要选择另一人”`, en: `uses the second person (${related.join(', ')}); mark the kind as needing a second person` };
  return null;
}

/** The base data a template needs, as a worker would name it (deduplicated, in order). */
export function needsOf(template: string): { zh: string; en: string }[] {
  const seen = new Set<string>();
  const out: { zh: string; en: string }[] = [];
  for (const p of placeholdersOf(template)) {
    const def = templateVariables[p];
    if (!def || def.source === 'issue' || def.source === 'request' || seen.has(def.needs.zh)) continue;
    seen.add(def.needs.zh);
    out.push(def.needs);
  }
  return out;
}

/** The template as a reader sees it, each placeholder shown by name: 兹证明【姓名】… */
export function sampleOf(template: string, lang: 'zh' | 'en'): string {
  return template.replace(PLACEHOLDER, (m, key: string) => {
    const def = templateVariables[key];
    return def ? (lang === 'zh' ? `【${def.zh}】` : `[${def.en}]`) : m;
  });
}

export type Values = Record<string, string | null | undefined>;

export interface Filled {
  /** The text as printed. */
  text: string;
  /** The text with ID numbers masked (shown publicly, covered by the signature's digest). */
  publicText: string;
  /** Placeholders that had no value. */
  missing: string[];
}

const SECRET_VARIABLES = new Set(['idNumber', 'relatedIdNumber']);

/**
 * "本社区（村）", as templates written for both kinds of unit say, reads "本社区" or "本村" once the
 * unit is known (values.unitKind); so does "村（居）".
 */
export function localise(template: string, unitKind: string | null | undefined): string {
  if (!unitKind) return template;
  return template.replace(/社区[（(]村[）)]|村[（(]居[）)]|村[（(]社区[）)]|社区[（(]居[）)]/g, unitKind);
}

export function fill(template: string, values: Values): Filled {
  template = localise(template, values.unitKind);
  const missing: string[] = [];
  const render = (masked: boolean) =>
    template.replace(PLACEHOLDER, (_m, key: string) => {
      const val = values[key];
      if (val === null || val === undefined || String(val).trim() === '') {
        if (!masked && !missing.includes(key)) missing.push(key);
        return '';
      }
      return masked && SECRET_VARIABLES.has(key) ? maskIdNumber(String(val)) : String(val);
    });
  const text = render(false);
  return { text, publicText: render(true), missing };
}

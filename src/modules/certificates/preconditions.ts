// Preconditions of a certificate kind: small declarative rules an admin sets in the catalogue
// ("lived here at least 6 months", "holds a 低保 label kept by civil affairs"), checked against
// base data when a worker issues, each answered in plain words so the worker can tell the resident
// exactly what is missing.
import { Type, type Static } from '@sinclair/typebox';
import { StrictObject } from '../../platform/http.js';
import { ageOnDate, chineseDate, durationEn, durationZh, monthsBetween } from '../../platform/dates.js';

const referTo = Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'Handbook entry to show when this condition fails' }));

export const PreconditionSchema = Type.Union([
  StrictObject({ type: Type.Literal('resident_months'), months: Type.Integer({ minimum: 1, maximum: 600 }), referTo }, { description: 'Has lived in the community at least N months (from 居住起始日期)' }),
  StrictObject({ type: Type.Literal('age_min'), years: Type.Integer({ minimum: 1, maximum: 120 }), referTo }, { description: 'Is at least N years old' }),
  StrictObject({ type: Type.Literal('labels_any'), labels: Type.Array(Type.String({ minLength: 1, maxLength: 32 }), { minItems: 1, maxItems: 20 }), referTo }, { description: 'Holds at least one of these labels (kept by their owners, e.g. 低保 by civil affairs)' }),
  StrictObject({ type: Type.Literal('lives_alone'), referTo }, { description: 'Is the only active member of their household' }),
  StrictObject({ type: Type.Literal('residence_status'), statuses: Type.Array(Type.String({ enum: ['registered', 'resident', 'floating', 'overseas', 'unregistered'] }), { minItems: 1, maxItems: 5 }), referTo }, { description: 'Population category is one of these' }),
  StrictObject({ type: Type.Literal('related_in_household'), relations: Type.Optional(Type.Array(Type.String({ enum: ['spouse', 'child', 'parent', 'sibling'] }), { minItems: 1, maxItems: 4 })), referTo }, { description: 'The second person lives in the same household and the register states how they are related' }),
]);
export type Precondition = Static<typeof PreconditionSchema>;

export type RelationKey = 'spouse' | 'child' | 'parent' | 'sibling';
export interface Relation {
  key: RelationKey;
  /** What the second person is to the first: 妻子, 儿子, 母亲, 姐姐 … */
  zh: string;
  en: string;
}

export interface LabelFact {
  code: string;
  attributes: Record<string, unknown>;
}

/** What the checks look at, drawn from base data when a worker issues. */
export interface SubjectFacts {
  today: string;
  birthDate: string | null;
  residentSince: string | null;
  residenceStatus: string | null;
  labels: LabelFact[];
  householdId: number | null;
  /** Active members of the household, the resident included (null without a household). */
  householdSize: number | null;
  related?: { name: string; sameHousehold: boolean; relation: Relation | null };
}

export interface CheckResult {
  /** A precondition of the kind, or address_checked: the printed address was checked (added when the template prints {address}). */
  type: Precondition['type'] | 'address_checked';
  ok: boolean;
  /** The rule in plain words. */
  rule: { zh: string; en: string };
  /** What base data says, in plain words. */
  found: { zh: string; en: string };
  referTo?: string;
}

export type LabelNames = Map<string, { zh: string; en: string }>;

const residenceNames: Record<string, { zh: string; en: string }> = {
  registered: { zh: '户籍人口', en: 'registered resident' }, resident: { zh: '常住人口（非户籍）', en: 'non-hukou permanent resident' }, floating: { zh: '流动人口', en: 'floating population' },
  overseas: { zh: '境外人员', en: 'overseas person' }, unregistered: { zh: '未落户人员', en: 'person without hukou' },
};
const relationNames: Record<RelationKey, { zh: string; en: string }> = { spouse: { zh: '配偶', en: 'spouse' }, child: { zh: '子女', en: 'child' }, parent: { zh: '父母', en: 'parent' }, sibling: { zh: '兄弟姐妹', en: 'sibling' } };

function labelList(codes: string[], names: LabelNames, lang: 'zh' | 'en'): string {
  return codes.map((c) => names.get(c)?.[lang] ?? c).join(lang === 'zh' ? '、' : ', ');
}

/** The rule in words, for the catalogue and for the check. */
export function describePrecondition(p: Precondition, names: LabelNames): { zh: string; en: string } {
  switch (p.type) {
    case 'resident_months':
      return { zh: `在本社区居住满 ${p.months} 个月`, en: `has lived in the community for at least ${p.months} months` };
    case 'age_min':
      return { zh: `年满 ${p.years} 周岁`, en: `is at least ${p.years} years old` };
    case 'labels_any':
      return { zh: `属于以下人群之一：${labelList(p.labels, names, 'zh')}`, en: `belongs to one of: ${labelList(p.labels, names, 'en')}` };
    case 'lives_alone':
      return { zh: '户内仅本人一人居住', en: 'is the only member of their household' };
    case 'residence_status':
      return { zh: `人口类型为${p.statuses.map((s) => residenceNames[s]?.zh ?? s).join('或')}`, en: `population category is ${p.statuses.map((s) => residenceNames[s]?.en ?? s).join(' or ')}` };
    case 'related_in_household':
      return p.relations
        ? { zh: `另一人与本人同户，且登记为本人的${p.relations.map((r) => relationNames[r as RelationKey].zh).join('或')}`, en: `the second person is in the same household and registered as their ${p.relations.map((r) => relationNames[r as RelationKey].en).join(' or ')}` }
        : { zh: '另一人与本人同户，且户籍登记能说明二人关系', en: 'the second person is in the same household and the register states how they are related' };
  }
}

export function evaluate(p: Precondition, f: SubjectFacts, names: LabelNames): CheckResult {
  const rule = describePrecondition(p, names);
  const out = (ok: boolean, zh: string, en: string): CheckResult => ({ type: p.type, ok, rule, found: { zh, en }, ...(p.referTo ? { referTo: p.referTo } : {}) });
  switch (p.type) {
    case 'resident_months': {
      if (!f.residentSince) return out(false, '未登记居住起始日期', 'no "living here since" date is recorded');
      const m = monthsBetween(f.residentSince, f.today);
      return out(m >= p.months, `自${chineseDate(f.residentSince)}起居住，至今${durationZh(Math.max(0, m))}`, `living here since ${f.residentSince}, ${durationEn(Math.max(0, m))} so far`);
    }
    case 'age_min': {
      if (!f.birthDate) return out(false, '未登记出生日期', 'no birth date is recorded');
      const age = ageOnDate(f.birthDate, f.today);
      return out(age >= p.years, `现年 ${age} 周岁`, `aged ${age}`);
    }
    case 'labels_any': {
      const held = f.labels.filter((l) => p.labels.includes(l.code)).map((l) => l.code);
      return held.length
        ? out(true, `登记为${labelList(held, names, 'zh')}`, `registered as ${labelList(held, names, 'en')}`)
        : out(false, `基础数据中没有${labelList(p.labels, names, 'zh')}的有效登记`, `base data holds no current ${labelList(p.labels, names, 'en')} record`);
    }
    case 'lives_alone': {
      if (f.householdSize === null) return out(false, '未登记所属户', 'no household is recorded');
      return out(f.householdSize === 1, f.householdSize === 1 ? '户内登记 1 人' : `户内登记 ${f.householdSize} 人`, `${f.householdSize} member(s) registered in the household`);
    }
    case 'residence_status': {
      const s = f.residenceStatus ?? '';
      return out(p.statuses.includes(s), `人口类型为${residenceNames[s]?.zh ?? '未登记'}`, `population category is ${residenceNames[s]?.en ?? 'not recorded'}`);
    }
    case 'related_in_household': {
      const r = f.related;
      if (!r) return out(false, '未选择另一人', 'no second person was chosen');
      if (!r.sameHousehold) return out(false, `${r.name}与本人不在同一户，户籍登记不能证明二人关系`, `${r.name} is not in the same household, so the register cannot prove the relationship`);
      if (!r.relation) return out(false, `二人同户，但登记的与户主关系不能直接说明二人关系`, 'same household, but the recorded relations to the household head do not state how the two are related');
      const ok = !p.relations || (p.relations as string[]).includes(r.relation.key);
      return out(ok, `${r.name}登记为本人的${r.relation.zh}`, `${r.name} is registered as their ${r.relation.en}`);
    }
  }
}

/**
 * How person B is related to person A, from their GB/T 4761 relations to the same household
 * head. Only pairs the register states unambiguously: head and spouse, head and child, head and
 * parent, head and sibling. Anything else (e.g. the head's spouse and the head's child, who may be
 * a step-child) is left to the police or a notary.
 */
export function relationBetween(
  a: { relationToHead: string | null; sex: string; birthDate: string | null },
  b: { relationToHead: string | null; sex: string; birthDate: string | null },
): Relation | null {
  const ra = a.relationToHead;
  const rb = b.relationToHead;
  const male = b.sex === '1';
  const female = b.sex === '2';
  if (!ra || !rb) return null;
  const pick = (key: RelationKey, m: [string, string], fm: [string, string]): Relation | null => (male ? { key, zh: m[0], en: m[1] } : female ? { key, zh: fm[0], en: fm[1] } : null);
  if ((ra === '02' && rb === '10') || (ra === '10' && rb === '02')) return pick('spouse', ['丈夫', 'husband'], ['妻子', 'wife']);
  if (ra === '02' && (rb === '20' || rb === '30')) return pick('child', ['儿子', 'son'], ['女儿', 'daughter']);
  if ((ra === '20' || ra === '30') && rb === '02') return pick('parent', ['父亲', 'father'], ['母亲', 'mother']);
  if (ra === '02' && rb === '50') return pick('parent', ['父亲', 'father'], ['母亲', 'mother']);
  if (ra === '50' && rb === '02') return pick('child', ['儿子', 'son'], ['女儿', 'daughter']);
  if ((ra === '02' && rb === '70') || (ra === '70' && rb === '02')) {
    if (!a.birthDate || !b.birthDate || a.birthDate === b.birthDate) return null;
    const older = b.birthDate < a.birthDate;
    return older ? pick('sibling', ['哥哥', 'elder brother'], ['姐姐', 'elder sister']) : pick('sibling', ['弟弟', 'younger brother'], ['妹妹', 'younger sister']);
  }
  return null;
}

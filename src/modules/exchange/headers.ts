// Which sheet column feeds which field. Community sheets name the same thing many ways (身份证号,
// 公民身份号码, 证件号码 …), in any order, sometimes with a "*" for required or a unit in
// brackets; this file knows the names, finds the header row, and proposes a mapping that the
// person importing confirms (and that is then remembered per sheet layout).
import { sm3Hex } from '../../platform/crypto.js';
import { fieldsOf, type LabelRules, type RecordKind } from '../registry/index.js';
import type { ColumnMapping } from './tables.js';

export interface LabelKindInfo {
  code: string;
  nameZh: string;
  nameEn: string;
  owner: string;
  active: boolean;
  /** Plausibility rules (age range, sex): rows that break one are warned about. */
  rules?: LabelRules;
}

export interface Target {
  key: string;
  zh: string;
  en: string;
  required: boolean;
  /** field: a catalogue field; special: resolved by the importer (grid, household number, labels …). */
  type: 'field' | 'special' | 'label';
}

/** Special targets: resolved by the importer rather than copied into a field. */
export const SPECIAL = {
  id: '@id',
  grid: '@grid',
  householdNo: '@householdNo',
  labels: '@labels',
  building: '@building',
  buildingAddress: '@buildingAddress',
  unitNo: '@unitNo',
  roomNo: '@roomNo',
} as const;

const specialNames: Record<string, { zh: string; en: string }> = {
  [SPECIAL.id]: { zh: '记录编号', en: 'record number' },
  [SPECIAL.grid]: { zh: '所属网格', en: 'grid' },
  [SPECIAL.householdNo]: { zh: '户号', en: 'household number' },
  [SPECIAL.labels]: { zh: '重点人群（标签）', en: 'labels' },
  [SPECIAL.building]: { zh: '楼栋名称', en: 'building' },
  [SPECIAL.buildingAddress]: { zh: '楼栋地址', en: 'building address' },
  [SPECIAL.unitNo]: { zh: '单元', en: 'entrance' },
  [SPECIAL.roomNo]: { zh: '房号', en: 'room number' },
};

/** The Chinese name of a special target, for messages. */
export function specialName(key: string): string | undefined {
  return specialNames[key]?.zh;
}

/** Specials each kind accepts (besides @id and @grid, which all kinds take). */
const kindSpecials: Record<RecordKind, string[]> = {
  resident: [SPECIAL.householdNo, SPECIAL.labels, SPECIAL.building, SPECIAL.buildingAddress, SPECIAL.unitNo, SPECIAL.roomNo],
  household: [SPECIAL.building, SPECIAL.buildingAddress, SPECIAL.unitNo, SPECIAL.roomNo],
  house: [SPECIAL.building, SPECIAL.buildingAddress],
  building: [],
  organisation: [SPECIAL.building, SPECIAL.buildingAddress],
  facility: [],
};

/** Header names seen in community sheets, besides each field's own Chinese heading. */
const synonyms: Partial<Record<RecordKind, Record<string, string[]>>> & { common: Record<string, string[]> } = {
  common: {
    [SPECIAL.id]: ['记录编号', '系统编号', '平台编号', 'id', 'recordid'],
    [SPECIAL.grid]: ['所属网格', '网格', '网格名称', '网格编码', '网格代码', '所在网格', '网格号', 'grid'],
  },
  resident: {
    name: ['姓名', '居民姓名', '人员姓名', '名字', 'name'],
    idNumber: ['身份证号', '身份证号码', '公民身份号码', '公民身份证号码', '证件号码', '证件号', '身份证', '居民身份证号码', '身份号码', 'idnumber'],
    idType: ['证件类型', '证件种类'],
    phone: ['联系电话', '手机号', '手机号码', '电话', '联系方式', '手机', '电话号码', '联系手机', 'phone'],
    sex: ['性别', 'sex'],
    birthDate: ['出生日期', '出生年月', '出生年月日', '生日', 'birthdate'],
    ethnicity: ['民族'],
    maritalStatus: ['婚姻状况', '婚姻状态', '婚否'],
    politicalStatus: ['政治面貌'],
    education: ['文化程度', '学历', '受教育程度'],
    residenceStatus: ['人口类型', '人员类型', '居住类型', '户籍类型', '人口类别', '居住状态', '户籍性质'],
    hukouAddress: ['户籍地址', '户籍地', '户口所在地', '户籍所在地', '户籍详址'],
    address: ['现住址', '现居住地址', '居住地址', '住址', '家庭住址', '现居住地', '现住地址', '家庭地址'],
    occupation: ['职业'],
    employer: ['工作单位', '单位', '服务处所', '工作单位及职务'],
    residentSince: ['居住起始日期', '入住时间', '来本地时间', '迁入日期', '入住日期'],
    relationToHead: ['与户主关系', '与户主的关系', '家庭关系'],
    notes: ['备注', '说明'],
    [SPECIAL.householdNo]: ['户号', '户编号', '户籍编号', '户口编号'],
    [SPECIAL.labels]: ['重点人群', '人员标签', '标签', '特殊人群', '人群类别', '人员类别', '重点人员类型', '特殊人群类别'],
    [SPECIAL.building]: ['楼栋', '楼栋名称', '楼号', '所在楼栋', '楼栋号'],
    [SPECIAL.buildingAddress]: ['楼栋地址', '楼栋坐落', '楼房地址'],
    [SPECIAL.unitNo]: ['单元', '单元号'],
    [SPECIAL.roomNo]: ['房号', '房间号', '门牌号', '室号'],
  },
  household: {
    householdNo: ['户号', '户编号', '户口编号'],
    kind: ['户类型', '户别', '户口类型'],
    [SPECIAL.building]: ['楼栋', '楼栋名称', '楼号', '所在楼栋'],
    [SPECIAL.buildingAddress]: ['楼栋地址', '楼栋坐落'],
    [SPECIAL.unitNo]: ['单元', '单元号'],
    [SPECIAL.roomNo]: ['房号', '房间号', '门牌号'],
  },
  building: {
    name: ['楼栋名称', '楼栋', '楼号', '建筑名称', '名称'],
    address: ['地址', '楼栋地址', '坐落', '坐落地址'],
    kind: ['建筑类型', '楼栋类型', '房屋类型'],
    floors: ['层数', '总层数', '楼层数'],
    unitCount: ['单元数'],
    builtYear: ['建成年份', '建成年代', '建造年份'],
    lat: ['纬度'],
    lng: ['经度'],
  },
  house: {
    [SPECIAL.building]: ['楼栋名称', '楼栋', '楼号', '所在楼栋'],
    [SPECIAL.buildingAddress]: ['楼栋地址', '地址'],
    unitNo: ['单元', '单元号'],
    floor: ['楼层', '所在楼层', '层'],
    roomNo: ['房号', '房间号', '门牌号', '室号'],
    areaM2: ['面积', '建筑面积', '面积（㎡）', '面积(平方米)', '房屋面积'],
    usage: ['使用情况', '房屋用途', '居住情况', '使用性质'],
  },
  organisation: {
    name: ['单位名称', '名称', '企业名称', '机构名称', '商铺名称', '店名'],
    kind: ['单位类型', '类型', '机构类型', '单位性质'],
    creditCode: ['统一社会信用代码', '信用代码', '社会信用代码', '组织机构代码'],
    legalRepName: ['法定代表人', '负责人', '法人', '法定代表人/负责人', '经营者'],
    phone: ['联系电话', '电话', '手机号', '联系方式'],
    address: ['地址', '经营地址', '单位地址', '注册地址'],
    employees: ['从业人数', '员工人数', '职工人数'],
    lat: ['纬度'],
    lng: ['经度'],
    [SPECIAL.building]: ['所在楼栋', '楼栋'],
    [SPECIAL.buildingAddress]: ['楼栋地址'],
  },
  facility: {
    name: ['设施名称', '名称', '场所名称'],
    kind: ['设施类型', '类型', '场所类型'],
    operator: ['运营方', '运营单位', '管理单位'],
    openingHours: ['开放时间', '营业时间'],
    address: ['地址', '位置'],
    capacity: ['容量', '座位数', '床位数'],
    lat: ['纬度'],
    lng: ['经度'],
    [SPECIAL.grid]: ['所属社区/网格', '所属网格', '网格'],
  },
};

/** Columns recognised as holding nothing to import (derived or bookkeeping). */
const ignoredHeaders = new Set([
  '序号', 'no', 'no.', '年龄', '周岁', '岁数', '操作', '身份证地址码', '状态', '更新时间', '版本', '掩码字段',
  // The three columns the error report adds: the report goes back in as it is.
  '原表行号', '处理结果', '问题说明',
]);

/** Short names of the default label kinds; admins' new kinds are matched by their own names. */
const labelAliases: Record<string, string[]> = {
  elderly_alone: ['独居', '独居老人', '独居人员'],
  elderly_80: ['高龄', '高龄老人', '80岁以上老人', '80岁以上'],
  empty_nest: ['空巢', '空巢老人'],
  low_income: ['低保', '低保户', '低保对象', '低保人员', '城乡低保'],
  extreme_poverty: ['特困', '特困人员', '特困供养', '五保', '五保户'],
  disabled: ['残疾', '残疾人', '残疾人员'],
  left_behind_child: ['留守儿童', '留守'],
  veteran: ['退役军人', '退伍军人', '复员军人'],
  floating: ['流动人口'],
  key_youth: ['重点青少年'],
  community_correction: ['社区矫正', '社区矫正对象', '矫正对象', '社区矫正人员'],
  severe_mental: ['严重精神障碍', '严重精神障碍患者', '精神障碍患者'],
  unemployed: ['失业', '失业人员', '登记失业人员', '登记失业'],
};

/**
 * Normalises a header or value for matching: full-width to half-width (NFKC), no spaces or line
 * breaks, no required-markers (*), no trailing colon, lower case.
 */
export function normaliseHeader(s: string): string {
  return s
    .normalize('NFKC')
    .replace(/[\s\u3000]+/g, '')
    .replace(/[*＊※]/g, '')
    .replace(/[:：]$/, '')
    .toLowerCase();
}

/** The same without anything in brackets: 联系电话（手机） → 联系电话. */
function withoutBrackets(s: string): string {
  return s.replace(/[(（[【][^)）\]】]*[)）\]】]/g, '');
}

/** Every label kind's names, with and without 是否 / brackets, to its code. */
export function labelNameIndex(kinds: LabelKindInfo[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const k of kinds) {
    if (!k.active) continue;
    const names = [k.nameZh, withoutBrackets(k.nameZh), k.code, k.nameEn, ...(labelAliases[k.code] ?? [])];
    for (const n of names) {
      const key = normaliseHeader(n);
      if (key && !out.has(key)) out.set(key, k.code);
    }
  }
  return out;
}

export function targetsOf(kind: RecordKind, labelKinds: LabelKindInfo[]): Target[] {
  const out: Target[] = [{ key: SPECIAL.id, ...specialNames[SPECIAL.id]!, required: false, type: 'special' }];
  for (const def of fieldsOf(kind)) {
    if (def.system || def.derived || def.type === 'reference') continue;
    out.push({ key: def.key, zh: def.zh, en: def.en, required: Boolean(def.required), type: 'field' });
  }
  out.push({ key: SPECIAL.grid, ...(kind === 'facility' ? { zh: '所属社区/网格', en: 'community or grid' } : specialNames[SPECIAL.grid]!), required: false, type: 'special' });
  for (const s of kindSpecials[kind]) out.push({ key: s, ...specialNames[s]!, required: kind === 'house' && s === SPECIAL.building, type: 'special' });
  if (kind === 'resident') {
    for (const l of labelKinds.filter((x) => x.active)) out.push({ key: `label:${l.code}`, zh: `是否${withoutBrackets(l.nameZh)}`, en: `is ${l.nameEn}`, required: false, type: 'label' });
  }
  return out;
}

/** Header name → target key for one kind (catalogue headings, synonyms, label names). */
function headerIndex(kind: RecordKind, labelKinds: LabelKindInfo[]): Map<string, string> {
  const idx = new Map<string, string>();
  const add = (name: string, target: string) => {
    const k = normaliseHeader(name);
    if (k && !idx.has(k)) idx.set(k, target);
  };
  // Kind-specific synonyms first: in a house sheet "地址" is the building's address.
  for (const [target, names] of Object.entries(synonyms[kind] ?? {})) for (const n of names) add(n, target);
  for (const [target, names] of Object.entries(synonyms.common)) for (const n of names) add(n, target);
  for (const t of targetsOf(kind, labelKinds)) {
    if (t.type === 'field') {
      add(t.zh, t.key);
      add(t.en, t.key);
      add(t.key, t.key);
    }
  }
  if (kind === 'resident') {
    for (const [name, code] of labelNameIndex(labelKinds)) {
      add(name, `label:${code}`);
      add(`是否${name}`, `label:${code}`);
    }
  }
  return idx;
}

export function isIgnoredHeader(h: string): boolean {
  return ignoredHeaders.has(normaliseHeader(h));
}

/** The target a header names, or null. */
export function matchHeader(kind: RecordKind, header: string, labelKinds: LabelKindInfo[], idx = headerIndex(kind, labelKinds)): string | null {
  const h = normaliseHeader(header);
  if (!h) return null;
  return idx.get(h) ?? idx.get(normaliseHeader(withoutBrackets(header))) ?? null;
}

/**
 * Headings registers use for two different things: 人员类别 is 户籍/流动 in one sheet and
 * 低保/独居老人 in the next. The column's first values decide; the first target is taken when
 * they say nothing.
 */
const ambiguousHeaders: Partial<Record<RecordKind, Record<string, string[]>>> = {
  resident: {
    人员类别: [SPECIAL.labels, 'residenceStatus'],
    人员类型: ['residenceStatus', SPECIAL.labels],
    人口类别: ['residenceStatus', SPECIAL.labels],
    人群类别: [SPECIAL.labels, 'residenceStatus'],
    类别: [SPECIAL.labels, 'residenceStatus'],
  },
};

/** How many of a column's sample values a target would take (for ambiguous headings). */
export type ValueFit = (target: string, samples: string[]) => number;

/**
 * Proposes a mapping from header names; each target is used once (the leftmost column wins).
 * An ambiguous heading goes to the target its sample values fit best, or to its other reading
 * when the first is taken.
 */
export function proposeMapping(kind: RecordKind, headers: string[], labelKinds: LabelKindInfo[], samples?: string[][], fit?: ValueFit): ColumnMapping[] {
  const idx = headerIndex(kind, labelKinds);
  const amb = ambiguousHeaders[kind] ?? {};
  const candidates = headers.map((header, col) => {
    if (isIgnoredHeader(header)) return [];
    const a = amb[normaliseHeader(header)] ?? amb[normaliseHeader(withoutBrackets(header))];
    if (a) {
      const values = (samples?.[col] ?? []).filter((v) => v.trim());
      if (!fit || !values.length) return a;
      return [...a].sort((x, y) => fit(y, values) - fit(x, values));
    }
    const t = matchHeader(kind, header, labelKinds, idx);
    return t ? [t] : [];
  });
  // Unambiguous headings claim their targets first, so an ambiguous one takes what is left.
  const used = new Set<string>();
  const out: ColumnMapping[] = headers.map((header, index) => ({ index, header, target: null }));
  for (const pass of [1, 2]) {
    candidates.forEach((c, index) => {
      if ((pass === 1) !== (c.length === 1)) return;
      const target = c.find((x) => !used.has(x)) ?? null;
      if (target) used.add(target);
      out[index]!.target = target;
    });
  }
  return out;
}

/** How many cells of a row read as headers of this kind: picks the header row. */
export function headerScore(kind: RecordKind, cells: string[], labelKinds: LabelKindInfo[]): number {
  const idx = headerIndex(kind, labelKinds);
  let n = 0;
  for (const c of cells) if (c && (matchHeader(kind, c, labelKinds, idx) || isIgnoredHeader(c))) n += 1;
  return n;
}

/** The layout signature a template is remembered under: the normalised headers, in order. */
export function headerSignature(kind: RecordKind, headers: string[]): string {
  return sm3Hex(`${kind}\u0001${headers.map(normaliseHeader).join('\u0001')}`);
}

/** Checks a mapping against a kind: known targets, each used once, required ones present. */
export function checkMapping(kind: RecordKind, mapping: ColumnMapping[], labelKinds: LabelKindInfo[]): { problems: { zh: string; en: string }[]; missing: Target[] } {
  const targets = new Map(targetsOf(kind, labelKinds).map((t) => [t.key, t]));
  const problems: { zh: string; en: string }[] = [];
  const seen = new Map<string, number>();
  for (const m of mapping) {
    if (!m.target) continue;
    if (!targets.has(m.target)) problems.push({ zh: `第 ${m.index + 1} 列“${m.header}”对应的字段 ${m.target} 不存在`, en: `column ${m.index + 1} ("${m.header}") maps to unknown field ${m.target}` });
    const prev = seen.get(m.target);
    if (prev !== undefined) {
      const t = targets.get(m.target);
      problems.push({ zh: `“${t?.zh ?? m.target}”同时对应了第 ${prev + 1} 列和第 ${m.index + 1} 列`, en: `"${t?.en ?? m.target}" is mapped from both column ${prev + 1} and column ${m.index + 1}` });
    }
    seen.set(m.target, m.index);
  }
  const missing = [...targets.values()].filter((t) => t.required && !seen.has(t.key));
  return { problems, missing };
}

// Turning spreadsheet cells into field input: dates typed as dates, serial numbers or text; ID
// numbers that Excel turned into numbers (and so lost digits); formulas (their cached result, or
// the cell is reported); the short forms sheets use for code values (户籍, 党员, 大专, 妻 …);
// yes/no columns; and a 重点人群 cell listing several labels.
import { checkPhone } from '../registry/index.js';
import { normaliseHeader } from './headers.js';

export interface Reason {
  zh: string;
  en: string;
}

import type { Cell } from '../../platform/documents/xlsx-reader.js';

export type { Cell };

const pad = (n: number) => String(n).padStart(2, '0');

function isoDate(d: Date): string {
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** Excel's day numbers (1900 date system) to a date; null outside 1900-2199. */
export function excelSerialToDate(n: number): string | null {
  if (!Number.isFinite(n) || n < 1 || n > 109_574) return null;
  const d = new Date(Date.UTC(1899, 11, 30) + Math.floor(n) * 86_400_000);
  return isoDate(d);
}

function numberText(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return n.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 0 });
  return String(n);
}

/** What a cell shows, for the error report and for text fields. */
export function cellText(cell: Cell): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'string') return cell;
  if (typeof cell === 'number') return numberText(cell);
  if (typeof cell === 'boolean') return cell ? 'TRUE' : 'FALSE';
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? '' : isoDate(cell);
  if ('error' in cell) return cell.error;
  return `=${cell.formula}`;
}

export function isBlank(cell: Cell): boolean {
  return cell === null || cell === undefined || (typeof cell === 'string' && cell.replace(/[\s\u3000]/g, '') === '');
}

/** A cell that holds no usable value: an error value, or a formula saved without its result. */
export function cellProblem(cell: Cell): Reason | null {
  if (cell && typeof cell === 'object' && !(cell instanceof Date)) {
    if ('error' in cell) return { zh: `单元格为错误值 ${cell.error}`, en: `the cell holds the error value ${cell.error}` };
    return { zh: `单元格是公式（=${cell.formula.slice(0, 40)}）且文件中没有保存计算结果，请复制后“粘贴为数值”`, en: `the cell is a formula (=${cell.formula.slice(0, 40)}) saved without its result; paste it as values` };
  }
  return null;
}

/** An ID number from a cell. Excel keeps 15 significant digits, so an 18-digit number typed as a number has lost its last digits. */
export function idNumberFrom(cell: Cell): { value: string | null; problem?: Reason } {
  if (typeof cell === 'number') {
    if (Number.isInteger(cell) && cell > 0 && cell < 1e15) return { value: numberText(cell) };
    return { value: null, problem: { zh: `证件号码被 Excel 存成了数字（${cell.toExponential(5)}），后几位已经丢失；请把该列设为“文本”格式后重新录入`, en: `Excel stored the ID number as a number (${cell.toExponential(5)}) and lost its last digits; format the column as text and enter it again` } };
  }
  const s = cellText(cell).trim();
  if (/^\d(\.\d+)?e\+?\d+$/i.test(s)) {
    return { value: null, problem: { zh: `证件号码显示为科学计数法（${s}），后几位已经丢失；请把该列设为“文本”格式后重新录入`, en: `the ID number is in scientific notation (${s}) and lost its last digits; format the column as text and enter it again` } };
  }
  return { value: s || null };
}

/** A date from a cell: a date cell, an Excel serial number, 19800517, or text the registry parses (1980-5-17, 1980年5月17日, 1980.5.17). */
export function dateFrom(cell: Cell): string | null {
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? null : isoDate(cell);
  if (typeof cell === 'number') {
    if (Number.isInteger(cell) && cell >= 18_000_101 && cell <= 21_001_231) return `${String(cell).slice(0, 4)}-${String(cell).slice(4, 6)}-${String(cell).slice(6, 8)}`;
    return excelSerialToDate(cell) ?? numberText(cell);
  }
  const s = cellText(cell).trim().normalize('NFKC');
  if (/^\d{8}$/.test(s)) return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
  // "1980-05-17 00:00:00" from sheets that hold dates as text with a time.
  const m = /^(\d{4}[-/.]\d{1,2}[-/.]\d{1,2})[ T]\d{1,2}:\d{2}(:\d{2})?$/.exec(s);
  return m ? m[1]! : s || null;
}

/** Short forms found in sheets for the national code values, per field. */
const codeAliases: Record<string, Record<string, string>> = {
  sex: { 男性: '1', 女性: '2', m: '1', f: '2' },
  residenceStatus: {
    户籍: 'registered', 户籍人口: 'registered', 本地户籍: 'registered', 常住: 'resident', 常住人口: 'resident', 非户籍常住: 'resident', 人户分离: 'resident',
    流动: 'floating', 流动人口: 'floating', 外来: 'floating', 外来人口: 'floating', 暂住: 'floating', 暂住人口: 'floating',
    境外: 'overseas', 境外人员: 'overseas', 外籍: 'overseas', 外籍人员: 'overseas', 未落户: 'unregistered', 未落户人员: 'unregistered',
  },
  maritalStatus: { 离异: '40', 离婚: '40', 丧偶: '30', 初婚: '21', 再婚: '22', 复婚: '23', 未说明: '90' },
  politicalStatus: { 党员: '01', 中共党员: '01', 预备党员: '02', 团员: '03', 共青团员: '03', 群众: '13', 无党派: '12', 无党派人士: '12' },
  education: {
    研究生: '10', 博士: '10', 硕士: '10', 博士研究生: '10', 硕士研究生: '10', 本科: '20', 大学: '20', 大学本科: '20', 大专: '30', 专科: '30', 大学专科: '30',
    中专: '40', 职高: '40', 技校: '40', 中等专科: '40', 高中: '60', 普通高中: '60', 初中: '70', 小学: '80', 文盲: '90', 半文盲: '90', 学龄前: '90', 其他: '90',
  },
  relationToHead: {
    户主: '02', 本人: '02', 配偶: '10', 妻: '10', 妻子: '10', 夫: '10', 丈夫: '10', 子: '20', 儿子: '20', 长子: '20', 次子: '20', 三子: '20', 女: '30', 女儿: '30', 长女: '30', 次女: '30', 三女: '30',
    孙子: '40', 孙女: '40', 外孙: '40', 外孙子: '40', 外孙女: '40', 父亲: '50', 母亲: '50', 父: '50', 母: '50', 岳父: '80', 岳母: '80', 公公: '80', 婆婆: '80',
    祖父: '60', 祖母: '60', 外祖父: '60', 外祖母: '60', 兄: '70', 弟: '70', 姐: '70', 妹: '70', 哥哥: '70', 弟弟: '70', 姐姐: '70', 妹妹: '70',
    儿媳: '80', 女婿: '80', 其他亲属: '80', 其他: '80', 非亲属: '99', 保姆: '99', 租客: '99',
  },
  idType: { 身份证: '01', 居民身份证: '01', 二代身份证: '01', 港澳通行证: '06', 回乡证: '06', 台胞证: '07', 台湾通行证: '07', 永久居留证: '08', 外国人永久居留证: '08' },
  kind: {
    // household
    家庭: 'family', 家庭户: 'family', 集体: 'collective', 集体户: 'collective',
    // building
    住宅: 'residential', 住宅楼: 'residential', 商业: 'commercial', 商用: 'commercial', 商住: 'mixed', 农房: 'rural_house', 农村住房: 'rural_house', 公共: 'public',
    // organisation
    公司: 'firm', 企业: 'firm', 个体工商户: 'shop', 个体户: 'shop', 门店: 'shop', 店铺: 'shop', 医院: 'clinic', 诊所: 'clinic', 卫生室: 'clinic', 事业单位: 'institution', 机关: 'institution', 幼儿园: 'school',
    // facility
    食堂: 'canteen', 老年食堂: 'canteen', 爱心食堂: 'canteen', 托育: 'child_care', 儿童之家: 'child_care', 托育中心: 'child_care', 书屋: 'library', 图书室: 'library', 农家书屋: 'library',
    卫生站: 'clinic', 健身: 'sports', 健身广场: 'sports', 日间照料: 'elderly_care', 养老服务站: 'elderly_care', 便民服务中心: 'service_center', 菜场: 'market',
  },
  usage: { 自用: 'owner_occupied', 自住房: 'owner_occupied', 租赁: 'rented', 出租房: 'rented', 闲置: 'vacant', 空房: 'vacant', 商用: 'business', 门面: 'business' },
};

/**
 * Rewrites a code value the registry would not know into one it does (户籍 → registered); values
 * the registry already accepts (codes, full Chinese or English names) pass unchanged.
 */
export function codeAlias(field: string, raw: string, kind: string): string {
  const v = raw.normalize('NFKC').replace(/[\s\u3000]/g, '');
  const table = codeAliases[field];
  const hit = table?.[v] ?? table?.[v.toLowerCase()];
  // Organisations and facilities both say 学校 / 卫生站; only some words are meant for some kinds.
  if (field === 'kind' && hit) {
    const okFor: Record<string, string[]> = {
      household: ['family', 'collective'], building: ['residential', 'commercial', 'mixed', 'rural_house', 'public'],
      organisation: ['firm', 'shop', 'clinic', 'institution', 'school'], facility: ['canteen', 'child_care', 'library', 'clinic', 'sports', 'elderly_care', 'service_center', 'market'],
    };
    return okFor[kind]?.includes(hit) ? hit : v;
  }
  if (hit) return hit;
  if (field === 'ethnicity' && v && !v.endsWith('族')) return `${v}族`;
  return v;
}

const YES = new Set(['是', '有', '√', '✓', '✔', '☑', '●', 'y', 'yes', '1', 'true', '是的', '属于']);
const NO = new Set(['否', '无', '不是', '×', '✗', '✘', 'n', 'no', '0', 'false', '不属于', '-', '/']);

/** A yes/no cell: true, false, or null when it is neither. Blank is no. */
export function yesNo(cell: Cell): boolean | null {
  if (typeof cell === 'boolean') return cell;
  if (typeof cell === 'number') return cell === 1 ? true : cell === 0 ? false : null;
  const v = cellText(cell).normalize('NFKC').replace(/[\s\u3000]/g, '').toLowerCase();
  if (v === '') return false;
  if (YES.has(v)) return true;
  if (NO.has(v)) return false;
  return null;
}

/** A cell listing labels ("独居老人、低保", "残疾人,退役军人"): codes found and names not understood. */
export function parseLabelList(text: string, names: Map<string, string>): { codes: string[]; unknown: string[] } {
  const codes: string[] = [];
  const unknown: string[] = [];
  for (const part of text.split(/[、，,;；/|\n]+|\s+/)) {
    const p = part.trim();
    if (!p || ['无', '否', '-', '/'].includes(p)) continue;
    const key = normaliseHeader(p);
    const code = names.get(key) ?? names.get(normaliseHeader(p.replace(/[(（][^)）]*[)）]/g, '')));
    if (code) {
      if (!codes.includes(code)) codes.push(code);
    } else unknown.push(p);
  }
  return { codes, unknown };
}

/** Masked values from an export (140***********1234): they can identify nothing and update nothing. */
export function isMasked(s: string): boolean {
  return s.includes('*');
}

/**
 * A phone cell: one number in any of the styles registers use (checked and normalised by the
 * registry), or several ("13856189989/0351-6123456"), of which the first valid one is taken. A
 * cell with no usable number gives no phone and a warning: a typo in the phone must not cost a
 * person their record. Warnings never repeat the number (issue reasons are kept in clear).
 */
export function phoneFrom(text: string): { number: string | null; warning?: Reason } {
  const pieces = text.split(/[,，、/／;；|｜\n]+|\s*(?:或|及|和)\s*/).map((s) => s.trim()).filter(Boolean);
  const parts: string[] = [];
  for (const piece of pieces) {
    // "13856189989 0351-6123456": two numbers with only a space between them.
    const bySpace = piece.split(/\s+/);
    if (!checkPhone(piece).ok && bySpace.length > 1 && bySpace.every((x) => checkPhone(x).ok)) parts.push(...bySpace);
    else parts.push(piece);
  }
  const valid: string[] = [];
  let firstBad: Reason | null = null;
  for (const part of parts) {
    const r = checkPhone(part);
    if (r.ok) valid.push(r.value.number);
    else firstBad ??= r.reason;
  }
  if (!valid.length) {
    const why = firstBad ?? { zh: '电话号码格式不正确', en: 'not a phone number' };
    return { number: null, warning: { zh: `${why.zh}；此号码未导入，其余内容已导入，请核实后补录`, en: `${why.en}; the number was left out, the rest of the row was imported` } };
  }
  if (parts.length > 1) {
    return { number: valid[0]!, warning: { zh: `填写了 ${parts.length} 个号码，只导入了第一个有效号码（一人登记一个联系电话，其余可记在备注中）`, en: `${parts.length} numbers given; the first valid one was imported (one phone per person; note the others)` } };
  }
  return { number: valid[0]! };
}

/** 出生年月 without the day ("1956.03", "1956年3月", "1956-3"): "1956-03", else null. */
export function yearMonthFrom(cell: Cell): string | null {
  if (typeof cell !== 'string') return null;
  const m = /^(\d{4})\s*[.\-/年]\s*(\d{1,2})\s*月?$/.exec(cell.trim().normalize('NFKC'));
  if (!m) return null;
  const month = Number(m[2]);
  return month >= 1 && month <= 12 ? `${m[1]}-${String(month).padStart(2, '0')}` : null;
}

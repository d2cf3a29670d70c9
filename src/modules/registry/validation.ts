// Validation of the identifiers a community register holds: GB 11643 citizen ID numbers (with the
// check character, 15-digit legacy numbers converted), mobile and landline phones, and GB 32100
// unified social credit codes. Each check returns a reason in Chinese and English, never throws.

export interface Reason {
  zh: string;
  en: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: Reason };

export interface IdNumberInfo {
  /** The 18-character number, upper-case X. */
  number: string;
  /** YYYY-MM-DD */
  birthDate: string;
  /** GB/T 2261.1: '1' male, '2' female (odd/even sequence). */
  sex: '1' | '2';
  /** The 6-digit address code valid when the number was issued (may be abolished since; not checked against today's list). */
  addressCode: string;
  /** The input was a 15-digit legacy number. */
  converted: boolean;
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** The GB 11643 check character of the first 17 digits. */
export function idCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK[sum % 11]!;
}

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

/** Full-width digits and letters (common in pasted spreadsheets) become half-width; spaces go. */
export function normaliseInput(s: string): string {
  return s
    .replace(/[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\s\u3000'"]/g, '')
    .trim();
}

export function checkIdNumber(raw: string, today = new Date()): Checked<IdNumberInfo> {
  const s = normaliseInput(raw).toUpperCase();
  if (s.length === 15) {
    if (!/^\d{15}$/.test(s)) return { ok: false, reason: { zh: '15 位身份证号只能由数字组成', en: 'a 15-digit ID number has digits only' } };
    // Legacy numbers (before 1999) carry a 2-digit year in the 1900s and no check character.
    const first17 = `${s.slice(0, 6)}19${s.slice(6)}`;
    const r = checkIdNumber(first17 + idCheckChar(first17), today);
    return r.ok ? { ok: true, value: { ...r.value, converted: true } } : r;
  }
  if (s.length !== 18) return { ok: false, reason: { zh: `身份证号应为 18 位（当前 ${s.length} 位）`, en: `an ID number has 18 characters (got ${s.length})` } };
  if (!/^\d{17}[\dX]$/.test(s)) return { ok: false, reason: { zh: '身份证号前 17 位须为数字，末位为数字或 X', en: 'an ID number is 17 digits and a digit or X' } };
  if (!/^[1-9]\d{5}$/.test(s.slice(0, 6)) || Number(s.slice(0, 2)) < 11 || Number(s.slice(0, 2)) > 91) {
    return { ok: false, reason: { zh: '身份证号的地址码不正确', en: 'the address code of the ID number is not valid' } };
  }
  const y = Number(s.slice(6, 10));
  const m = Number(s.slice(10, 12));
  const d = Number(s.slice(12, 14));
  if (!validDate(y, m, d) || y < 1880) return { ok: false, reason: { zh: `身份证号中的出生日期 ${s.slice(6, 14)} 不存在`, en: `the birth date ${s.slice(6, 14)} in the ID number does not exist` } };
  const birth = `${s.slice(6, 10)}-${s.slice(10, 12)}-${s.slice(12, 14)}`;
  if (Date.UTC(y, m - 1, d) > today.getTime()) return { ok: false, reason: { zh: '身份证号中的出生日期晚于今天', en: 'the birth date in the ID number is in the future' } };
  const expected = idCheckChar(s.slice(0, 17));
  if (expected !== s[17]) return { ok: false, reason: { zh: `身份证号校验位错误（应为 ${expected}）`, en: `wrong check character (expected ${expected})` } };
  return { ok: true, value: { number: s, birthDate: birth, sex: Number(s[16]) % 2 === 1 ? '1' : '2', addressCode: s.slice(0, 6), converted: false } };
}

export interface PhoneInfo {
  number: string;
  kind: 'mobile' | 'landline';
}

/**
 * Mainland mobile numbers (1[3-9] + 9 digits) and landlines with their area code, however they
 * are written: 138-5618-9989, 138 5618 9989, 138.5618.9989, +86 13856189989, 0086…, (0351)6123456,
 * 0351-6123456, +86 351 6123456. Stored in one form: 13856189989, 0351-6123456.
 */
export function checkPhone(raw: string): Checked<PhoneInfo> {
  // Separators typed inside a number go; so does a country prefix (+86, 0086, 86 before a mobile).
  let s = normaliseInput(raw).replace(/[()（）.\-－—–_·]/g, '');
  const international = /^(\+86|0086)/.test(s);
  s = s.replace(/^(\+86|0086)/, '').replace(/^86(?=1[3-9]\d{9}$)/, '');
  if (/^1[3-9]\d{9}$/.test(s)) return { ok: true, value: { number: s, kind: 'mobile' } };
  // Written internationally, a landline drops the trunk 0 of its area code (+86 351 6123456).
  const land = international && /^[1-9]\d{8,10}$/.test(s) ? `0${s}` : s;
  if (/^0[1-9]\d{1,2}\d{7,8}$/.test(land) && land.length >= 10 && land.length <= 12) {
    // Keep the conventional "area-number" form: 3-digit area codes are 010 and 02x.
    const area = /^(010|02\d)/.test(land) ? land.slice(0, 3) : land.slice(0, 4);
    return { ok: true, value: { number: `${area}-${land.slice(area.length)}`, kind: 'landline' } };
  }
  if (/^1\d{9}$|^1\d{11,}$/.test(s)) return { ok: false, reason: { zh: `手机号应为 11 位（当前 ${s.length} 位）`, en: `a mobile number has 11 digits (got ${s.length})` } };
  if (/^[2-9]\d{6,7}$/.test(s)) return { ok: false, reason: { zh: '座机号码缺少区号（如 0351-）', en: 'the landline number lacks its area code (such as 0351-)' } };
  return { ok: false, reason: { zh: '电话号码格式不正确（手机号为 11 位，座机须带区号）', en: 'not a phone number (mobile: 11 digits; landline: with area code)' } };
}

const CREDIT_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** GB 32100-2015 unified social credit code: 18 characters from a 31-letter alphabet, mod-31 check. */
export function checkCreditCode(raw: string): Checked<string> {
  const s = normaliseInput(raw).toUpperCase();
  if (s.length !== 18) return { ok: false, reason: { zh: '统一社会信用代码应为 18 位', en: 'a unified social credit code has 18 characters' } };
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = CREDIT_CHARS.indexOf(s[i]!);
    if (v < 0) return { ok: false, reason: { zh: `统一社会信用代码含非法字符 ${s[i]}`, en: `invalid character ${s[i]} in the credit code` } };
    sum += v * CREDIT_WEIGHTS[i]!;
  }
  const check = CREDIT_CHARS[(31 - (sum % 31)) % 31];
  if (check !== s[17]) return { ok: false, reason: { zh: `统一社会信用代码校验位错误（应为 ${check}）`, en: `wrong check character (expected ${check})` } };
  return { ok: true, value: s };
}

/** The check character for 17 credit-code characters (used by the demo generator). */
export function creditCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_CHARS.indexOf(first17[i]!) * CREDIT_WEIGHTS[i]!;
  return CREDIT_CHARS[(31 - (sum % 31)) % 31]!;
}

/** A person's name: 1-40 characters of Han, letters, the middle dot of minority and foreign names. */
export function checkPersonName(raw: string): Checked<string> {
  const s = raw.replace(/\s+/g, ' ').trim();
  if (!s) return { ok: false, reason: { zh: '姓名不能为空', en: 'the name is required' } };
  if (s.length > 40) return { ok: false, reason: { zh: '姓名过长', en: 'the name is too long' } };
  if (!/^[\p{Script=Han}A-Za-z·•.\- ]+$/u.test(s)) return { ok: false, reason: { zh: '姓名含有非法字符', en: 'the name contains characters a name cannot have' } };
  return { ok: true, value: s.replace(/•/g, '·') };
}

/** Age in whole years on a date. */
export function ageOn(birthDate: string, on = new Date()): number {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  let age = on.getUTCFullYear() - y;
  if (on.getUTCMonth() + 1 < m || (on.getUTCMonth() + 1 === m && on.getUTCDate() < d)) age -= 1;
  return age;
}

export function maskIdNumber(n: string): string {
  if (n.length <= 7) return '*'.repeat(n.length);
  return `${n.slice(0, 3)}${'*'.repeat(n.length - 7)}${n.slice(-4)}`;
}

export function maskPhone(p: string): string {
  if (/^1\d{10}$/.test(p)) return `${p.slice(0, 3)}****${p.slice(-4)}`;
  const dash = p.indexOf('-');
  if (dash > 0) return `${p.slice(0, dash + 1)}${'*'.repeat(Math.max(0, p.length - dash - 3))}${p.slice(-2)}`;
  return p.length > 4 ? `${'*'.repeat(p.length - 4)}${p.slice(-4)}` : '****';
}

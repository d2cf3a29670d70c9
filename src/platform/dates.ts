// Dates as residents read them: certificates are dated in China Standard Time (UTC+8, no DST),
// whatever the server's own zone, and printed as 2026年3月1日.
import { randomBytes } from 'node:crypto';

const CST_OFFSET_MS = 8 * 3_600_000;

/** Today's date in China, YYYY-MM-DD. */
export function todayCn(now = Date.now()): string {
  return new Date(now + CST_OFFSET_MS).toISOString().slice(0, 10);
}

/** A moment as the date and time a resident reads it in China: 2026-03-01 14:05. */
export function cnDateTime(d: Date): string {
  return new Date(d.getTime() + CST_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** 2019-03-01 -> 2019年3月1日 */
export function chineseDate(date: string): string {
  const [y, m, d] = date.split('-');
  return `${y}年${Number(m)}月${Number(d)}日`;
}

/** Whole months from `from` to `to` (both YYYY-MM-DD); negative when `from` is later. */
export function monthsBetween(from: string, to: string): number {
  const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = to.split('-').map(Number) as [number, number, number];
  let months = (ty - fy) * 12 + (tm - fm);
  if (td < fd) months -= 1;
  return months;
}

/** 27 months -> 2年3个月; 5 -> 5个月 */
export function durationZh(months: number): string {
  if (months < 1) return '不足1个月';
  const y = Math.floor(months / 12);
  const m = months % 12;
  return `${y ? `${y}年` : ''}${m ? `${m}个月` : ''}`;
}

export function durationEn(months: number): string {
  const y = Math.floor(months / 12);
  const m = months % 12;
  return [y ? `${y} year${y > 1 ? 's' : ''}` : '', m ? `${m} month${m > 1 ? 's' : ''}` : ''].filter(Boolean).join(' ') || 'under a month';
}

/** Full years of age on a date. */
export function ageOnDate(birthDate: string, on: string): number {
  return Math.floor(monthsBetween(birthDate, on) / 12);
}

// Crockford's base32: no I, L, O or U, so a code read aloud or typed from paper is not misread.
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A random 10-character verification code (50 bits). */
export function newVerifyCode(): string {
  const bytes = randomBytes(10);
  let out = '';
  for (const b of bytes) out += CROCKFORD[b & 31];
  return out;
}

/** Accepts what people type (lower case, dashes, spaces, O for 0, I/L for 1); null when it cannot be a code. */
export function normaliseVerifyCode(input: string): string | null {
  const s = input
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (s.length !== 10) return null;
  for (const c of s) if (!CROCKFORD.includes(c)) return null;
  return s;
}

/** K7QM9XRT2B -> K7QM9-XRT2B */
export function displayVerifyCode(code: string): string {
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/** A time as community staff read it: Beijing time, to the minute (in exports and their messages). */
export function beijingTime(d: Date): string {
  return new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}

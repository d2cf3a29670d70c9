// Report periods (报告期) and deadlines. Reports are about a finished period: the monthly report
// for October is issued on 1 November and due `deadlineDays` after 31 October. Dates are China
// dates (UTC+8) as YYYY-MM-DD strings.
import type { Cadence, Period } from './schemas.js';

export type { Period };

const pad = (n: number) => String(n).padStart(2, '0');

/** Today's date in China. */
export function chinaToday(now = new Date()): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

function lastDay(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

export function monthPeriod(y: number, m: number): Period {
  return { key: `${y}-${pad(m)}`, start: `${y}-${pad(m)}-01`, end: `${y}-${pad(m)}-${pad(lastDay(y, m))}`, labelZh: `${y}年${m}月`, labelEn: `${y}-${pad(m)}` };
}

export function quarterPeriod(y: number, q: number): Period {
  const m0 = (q - 1) * 3 + 1;
  return { key: `${y}-Q${q}`, start: `${y}-${pad(m0)}-01`, end: `${y}-${pad(m0 + 2)}-${pad(lastDay(y, m0 + 2))}`, labelZh: `${y}年第${q}季度`, labelEn: `${y} Q${q}` };
}

export function yearPeriod(y: number): Period {
  return { key: String(y), start: `${y}-01-01`, end: `${y}-12-31`, labelZh: `${y}年度`, labelEn: String(y) };
}

export function oncePeriod(start: string, end: string): Period {
  return { key: `${start}~${end}`, start, end, labelZh: `${start} 至 ${end}`, labelEn: `${start} to ${end}` };
}

/** The period a key names (for recurring cadences), or null when the key is malformed. */
export function periodFromKey(cadence: Cadence, key: string, once?: { start: string; end: string }): Period | null {
  if (cadence === 'monthly') {
    const m = /^(\d{4})-(\d{2})$/.exec(key);
    return m && Number(m[2]) >= 1 && Number(m[2]) <= 12 ? monthPeriod(Number(m[1]), Number(m[2])) : null;
  }
  if (cadence === 'quarterly') {
    const m = /^(\d{4})-Q([1-4])$/.exec(key);
    return m ? quarterPeriod(Number(m[1]), Number(m[2])) : null;
  }
  if (cadence === 'yearly') return /^\d{4}$/.test(key) ? yearPeriod(Number(key)) : null;
  return once && key === `${once.start}~${once.end}` ? oncePeriod(once.start, once.end) : null;
}

/** The last period that has ended by `today` (the one a recurring report is now due for). */
export function latestCompletedPeriod(cadence: Exclude<Cadence, 'once'>, today: string): Period {
  const [y, m] = today.split('-').map(Number) as [number, number];
  if (cadence === 'monthly') return m === 1 ? monthPeriod(y - 1, 12) : monthPeriod(y, m - 1);
  if (cadence === 'quarterly') {
    const q = Math.floor((m - 1) / 3) + 1;
    return q === 1 ? quarterPeriod(y - 1, 4) : quarterPeriod(y, q - 1);
  }
  return yearPeriod(y - 1);
}

export function deadlineOf(period: Period, deadlineDays: number): string {
  return addDays(period.end, deadlineDays);
}

/** The reference date of a report: the period's end, or today while the period is still running. */
export function referenceDate(period: Period, today: string): string {
  return period.end < today ? period.end : today;
}

/** Fillings per month, for the burden figures. */
export function fillsPerMonth(cadence: Cadence): number {
  return cadence === 'monthly' ? 1 : cadence === 'quarterly' ? 1 / 3 : cadence === 'yearly' ? 1 / 12 : 0;
}

/** The longest a period of the cadence lasts, in days (for the cell estimate). */
export function periodDays(cadence: Cadence, once?: { start: string; end: string }): number {
  if (cadence === 'monthly') return 31;
  if (cadence === 'quarterly') return 92;
  if (cadence === 'yearly') return 366;
  if (!once) return 1;
  return Math.max(1, Math.round((Date.parse(once.end) - Date.parse(once.start)) / 86_400_000) + 1);
}

/** Heading of a period key produced by a period grouping (2025-10 -> 2025年10月). */
export function periodKeyLabel(key: string, lang: 'zh' | 'en'): string {
  if (lang === 'en') return key;
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(key);
  if (m) return `${m[1]}年${Number(m[2])}月${Number(m[3])}日`;
  m = /^(\d{4})-(\d{2})$/.exec(key);
  if (m) return `${m[1]}年${Number(m[2])}月`;
  m = /^(\d{4})-Q(\d)$/.exec(key);
  if (m) return `${m[1]}年第${m[2]}季度`;
  if (/^\d{4}$/.test(key)) return `${key}年`;
  return key;
}

/** Every period key of `unit` that overlaps [start, end], in order. */
export function periodKeysBetween(unit: 'day' | 'month' | 'quarter' | 'year', start: string, end: string): string[] {
  const out: string[] = [];
  if (unit === 'day') {
    for (let d = start; d <= end && out.length < 4000; d = addDays(d, 1)) out.push(d);
    return out;
  }
  let [y, m] = start.split('-').map(Number) as [number, number];
  const [ey, em] = end.split('-').map(Number) as [number, number];
  if (unit === 'quarter') m = Math.floor((m - 1) / 3) * 3 + 1;
  if (unit === 'year') m = 1;
  while ((y < ey || (y === ey && m <= em)) && out.length < 4000) {
    out.push(unit === 'month' ? `${y}-${pad(m)}` : unit === 'quarter' ? `${y}-Q${Math.floor((m - 1) / 3) + 1}` : String(y));
    m += unit === 'month' ? 1 : unit === 'quarter' ? 3 : 12;
    if (m > 12) {
      y += Math.floor((m - 1) / 12);
      m = ((m - 1) % 12) + 1;
    }
  }
  return out;
}

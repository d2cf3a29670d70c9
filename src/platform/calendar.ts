// Working days (工作日) for deadlines: Monday to Friday, except the public holidays of the year's
// arrangement, plus its make-up working days (调休上班, a Saturday or Sunday). The arrangement is
// data (calendar.tables.ts), loaded each year by an administrator; the platform ships the
// published ones (calendar-cn.ts). The pure functions below take a loaded `CalendarData`; the
// `WorkCalendar` service reads the table once and keeps it until a year is loaded again.
import { asc, eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import type { Db, DbOrTx } from '../db/client.js';
import type { AuthedContext } from './context.js';
import { AppError, defineErrors } from './errors.js';
import { shippedCalendars, type CalendarYearData } from './calendar-cn.js';
import { calendarDayKinds, workCalendarDays, workCalendarYears, type CalendarDayKind } from './calendar.tables.js';
import type { AuditService } from './audit.js';

export const CalendarErrors = defineErrors({
  CALENDAR_INVALID: { status: 400, zh: '节假日安排有误：{reason_zh}', en: 'The holiday arrangement is not valid: {reason_en}' },
  CALENDAR_FILE_UNREADABLE: { status: 400, zh: '无法读取该表格：请上传 xlsx，第一行为表头（日期、类型、名称）', en: 'Could not read the sheet: upload an xlsx whose first row is the header (date, kind, name)' },
  WORKING_DAYS_INVALID: { status: 400, zh: '工作日数须为 0 到 250 之间的整数', en: 'The number of working days must be a whole number from 0 to 250' },
});

export interface CalendarData {
  /** Years whose arrangement is loaded (others count weekends only). */
  years: ReadonlySet<number>;
  holidays: ReadonlyMap<string, string>;
  workdays: ReadonlyMap<string, string>;
}

export const emptyCalendar: CalendarData = { years: new Set(), holidays: new Map(), workdays: new Map() };

const DAY = 86_400_000;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

function validDate(day: string): boolean {
  if (!DATE_RE.test(day)) return false;
  const t = Date.parse(`${day}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === day;
}

function next(day: string, by = 1): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + by * DAY).toISOString().slice(0, 10);
}

/** 0 Sunday … 6 Saturday. */
function weekday(day: string): number {
  return new Date(`${day}T00:00:00Z`).getUTCDay();
}

export function isWorkingDay(cal: CalendarData, day: string): boolean {
  if (cal.holidays.has(day)) return false;
  if (cal.workdays.has(day)) return true;
  const w = weekday(day);
  return w !== 0 && w !== 6;
}

/**
 * The day `n` working days after `day` (`day` itself not counted): a task sent on Wednesday 30
 * September 2026 with one working day is due Thursday 8 October. With n = 0, `day` when it is a
 * working day, else the next working day.
 */
export function addWorkingDays(cal: CalendarData, day: string, n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 250) throw new AppError(CalendarErrors.WORKING_DAYS_INVALID, {}, 'workingDays');
  let d = day;
  if (n === 0) {
    while (!isWorkingDay(cal, d)) d = next(d);
    return d;
  }
  let left = n;
  while (left > 0) {
    d = next(d);
    if (isWorkingDay(cal, d)) left -= 1;
  }
  return d;
}

const dayNumber = (day: string) => Math.round(Date.parse(`${day}T00:00:00Z`) / DAY);

/** Monday-to-Friday days in (a, b] of day numbers (day 0, 1970-01-01, was a Thursday). */
function weekdaysAfter(a: number, b: number): number {
  const upTo = (d: number) => {
    // Weekdays in [0, d] by whole weeks from day 0 plus the rest of the last week.
    const weeks = Math.floor((d + 1) / 7);
    let n = weeks * 5;
    for (let x = weeks * 7; x <= d; x++) {
      const w = (x + 4) % 7; // 0 Sunday … 6 Saturday
      if (w !== 0 && w !== 6) n += 1;
    }
    return n;
  };
  return upTo(b) - upTo(a);
}

/** Working days in (from, to]: 0 on the same day, negative when `to` is earlier. */
export function workingDaysBetween(cal: CalendarData, from: string, to: string): number {
  if (to < from) return 0 - workingDaysBetween(cal, to, from);
  let n = weekdaysAfter(dayNumber(from), dayNumber(to));
  // The arrangement's exceptions inside the span: holidays on weekdays, make-up days on weekends.
  for (const d of cal.holidays.keys()) if (d > from && d <= to && weekday(d) !== 0 && weekday(d) !== 6) n -= 1;
  for (const d of cal.workdays.keys()) if (d > from && d <= to && (weekday(d) === 0 || weekday(d) === 6) && !cal.holidays.has(d)) n += 1;
  return n;
}

export interface CalendarYearIn {
  source: string;
  days: { day: string; kind: CalendarDayKind; name: string }[];
}

/** Checks one year's arrangement; the first problem found is the error. */
export function checkYear(year: number, input: CalendarYearIn): void {
  const bad = (zh: string, en: string, field = 'days'): never => {
    throw new AppError(CalendarErrors.CALENDAR_INVALID, { reason_zh: zh, reason_en: en }, field);
  };
  if (!Number.isInteger(year) || year < 2000 || year > 2100) bad('年份须在 2000 到 2100 之间', 'the year must lie between 2000 and 2100', 'year');
  if (!input.source.trim()) bad('请写明依据的通知', 'name the notice it comes from', 'source');
  if (!input.days.length) bad('至少需要一天', 'at least one day is needed');
  const seen = new Set<string>();
  for (const [i, d] of input.days.entries()) {
    const at = `第${i + 1}行`;
    if (!validDate(d.day)) bad(`${at}日期 ${d.day} 不是有效日期（YYYY-MM-DD）`, `row ${i + 1}: ${d.day} is not a date (YYYY-MM-DD)`);
    if (!d.day.startsWith(`${year}-`)) bad(`${at}日期 ${d.day} 不在 ${year} 年`, `row ${i + 1}: ${d.day} is not in ${year}`);
    if (!calendarDayKinds.includes(d.kind)) bad(`${at}类型须为放假或上班`, `row ${i + 1}: the kind must be holiday or workday`);
    if (!d.name.trim()) bad(`${at}缺少节日名称`, `row ${i + 1}: the festival's name is missing`);
    if (seen.has(d.day)) bad(`${d.day} 出现了两次`, `${d.day} appears twice`);
    seen.add(d.day);
    const w = weekday(d.day);
    if (d.kind === 'workday' && w !== 0 && w !== 6) bad(`${d.day} 本是工作日，不能作为调休上班日`, `${d.day} is a weekday already, so it cannot be a make-up working day`);
  }
}

const KIND_WORDS: Record<string, CalendarDayKind> = { 放假: 'holiday', 休: 'holiday', 假: 'holiday', holiday: 'holiday', 上班: 'workday', 班: 'workday', 补班: 'workday', 调休上班: 'workday', workday: 'workday' };

function cellText(v: ExcelJS.CellValue): string {
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (v && typeof v === 'object' && 'text' in v) return String(v.text);
  if (v && typeof v === 'object' && 'result' in v) return String(v.result);
  return v === null || v === undefined ? '' : String(v).trim();
}

/** 2027/1/1, 2027-1-1, 2027年1月1日 -> 2027-01-01 (anything else is left for checkYear to refuse). */
function normaliseDate(s: string): string {
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(s.trim());
  return m ? `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}` : s.trim();
}

/** Reads a sheet of rows 日期 | 类型 (放假/上班) | 名称 under a header row. */
export async function parseCalendarSheet(buf: Buffer): Promise<CalendarYearIn['days']> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buf as unknown as ExcelJS.Buffer);
  } catch {
    throw new AppError(CalendarErrors.CALENDAR_FILE_UNREADABLE, {}, 'file');
  }
  const ws = wb.worksheets[0];
  if (!ws) throw new AppError(CalendarErrors.CALENDAR_FILE_UNREADABLE, {}, 'file');
  const days: CalendarYearIn['days'] = [];
  ws.eachRow((row, i) => {
    if (i === 1) return;
    const day = normaliseDate(cellText(row.getCell(1).value));
    const kindText = cellText(row.getCell(2).value);
    const name = cellText(row.getCell(3).value);
    if (!day && !kindText && !name) return;
    days.push({ day, kind: KIND_WORDS[kindText.toLowerCase()] ?? (kindText as CalendarDayKind), name });
  });
  return days;
}

export interface CalendarYearSummary {
  year: number;
  source: string;
  loadedAt: string;
  holidays: number;
  workdays: number;
}

export class WorkCalendar {
  private cache: CalendarData | null = null;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
  ) {}

  /** The loaded arrangement (read once, kept until a year is loaded). Pass `tx` inside a transaction. */
  async data(db: DbOrTx = this.db): Promise<CalendarData> {
    if (this.cache) return this.cache;
    const [years, days] = await Promise.all([db.select({ year: workCalendarYears.year }).from(workCalendarYears), db.select().from(workCalendarDays)]);
    const holidays = new Map<string, string>();
    const workdays = new Map<string, string>();
    for (const d of days) (d.kind === 'holiday' ? holidays : workdays).set(d.day, d.name);
    this.cache = { years: new Set(years.map((y) => y.year)), holidays, workdays };
    return this.cache;
  }

  invalidate(): void {
    this.cache = null;
  }

  async addWorkingDays(day: string, n: number, db?: DbOrTx): Promise<string> {
    return addWorkingDays(await this.data(db), day, n);
  }

  async workingDaysBetween(from: string, to: string, db?: DbOrTx): Promise<number> {
    return workingDaysBetween(await this.data(db), from, to);
  }

  async isWorkingDay(day: string, db?: DbOrTx): Promise<boolean> {
    return isWorkingDay(await this.data(db), day);
  }

  async years(): Promise<CalendarYearSummary[]> {
    const [ys, days] = await Promise.all([this.db.select().from(workCalendarYears).orderBy(asc(workCalendarYears.year)), this.db.select().from(workCalendarDays)]);
    return ys.map((y) => ({
      year: y.year, source: y.source, loadedAt: y.loadedAt.toISOString(),
      holidays: days.filter((d) => d.year === y.year && d.kind === 'holiday').length, workdays: days.filter((d) => d.year === y.year && d.kind === 'workday').length,
    }));
  }

  async year(year: number): Promise<{ year: number; loaded: boolean; source: string | null; loadedAt: string | null; days: CalendarYearIn['days'] }> {
    const [y] = await this.db.select().from(workCalendarYears).where(eq(workCalendarYears.year, year));
    const days = await this.db.select().from(workCalendarDays).where(eq(workCalendarDays.year, year)).orderBy(asc(workCalendarDays.day));
    return { year, loaded: !!y, source: y?.source ?? null, loadedAt: y?.loadedAt.toISOString() ?? null, days: days.map((d) => ({ day: d.day, kind: d.kind, name: d.name })) };
  }

  /** Replaces one year's arrangement (an administrator loading next year's, or correcting one). */
  async load(ctx: AuthedContext, year: number, input: CalendarYearIn) {
    checkYear(year, input);
    await this.db.transaction(async (tx) => {
      await this.write(tx, year, input, ctx.principal.userId);
      await this.audit.record(tx, ctx, { category: 'admin', action: 'calendar.load', entityType: 'work_calendar_year', entityId: year, detail: { source: input.source, holidays: input.days.filter((d) => d.kind === 'holiday').length, workdays: input.days.filter((d) => d.kind === 'workday').length } });
    });
    this.invalidate();
    return this.year(year);
  }

  private async write(tx: DbOrTx, year: number, input: CalendarYearIn, by: number | null): Promise<void> {
    await tx.delete(workCalendarDays).where(eq(workCalendarDays.year, year));
    await tx.insert(workCalendarYears).values({ year, source: input.source.trim(), loadedBy: by }).onConflictDoUpdate({ target: workCalendarYears.year, set: { source: input.source.trim(), loadedBy: by, loadedAt: new Date() } });
    await tx.insert(workCalendarDays).values(input.days.map((d) => ({ day: d.day, year, kind: d.kind, name: d.name.trim() })));
  }

  /** At start: the shipped arrangements for years nobody has loaded yet. */
  async ensureShipped(shipped: CalendarYearData[] = shippedCalendars): Promise<void> {
    const have = new Set((await this.db.select({ year: workCalendarYears.year }).from(workCalendarYears)).map((y) => y.year));
    for (const c of shipped) {
      if (have.has(c.year)) continue;
      checkYear(c.year, c);
      await this.db.transaction(async (tx) => this.write(tx, c.year, c, null));
    }
    this.invalidate();
  }
}

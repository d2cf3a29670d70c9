// Working days with the 2026 arrangement as shipped (国务院办公厅, 4 November 2025).
import { describe, expect, it } from 'vitest';
import { shippedCalendars } from './calendar-cn.js';
import { addWorkingDays, checkYear, emptyCalendar, isWorkingDay, workingDaysBetween, type CalendarData } from './calendar.js';

const y2026 = shippedCalendars.find((c) => c.year === 2026)!;
const cal: CalendarData = {
  years: new Set([2026]),
  holidays: new Map(y2026.days.filter((d) => d.kind === 'holiday').map((d) => [d.day, d.name])),
  workdays: new Map(y2026.days.filter((d) => d.kind === 'workday').map((d) => [d.day, d.name])),
};

describe('working-day calendar', () => {
  it('ships the published 2026 arrangement: 33 days off and 6 make-up working days', () => {
    expect(cal.holidays.size).toBe(3 + 9 + 3 + 5 + 3 + 3 + 7);
    expect([...cal.workdays.keys()].sort()).toEqual(['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']);
    expect(() => checkYear(2026, y2026)).not.toThrow();
  });

  it('knows holidays, make-up days and plain weekends', () => {
    expect(isWorkingDay(cal, '2026-02-16')).toBe(false); // Monday in 春节
    expect(isWorkingDay(cal, '2026-02-14')).toBe(true); // Saturday, make-up
    expect(isWorkingDay(cal, '2026-03-07')).toBe(false); // plain Saturday
    expect(isWorkingDay(cal, '2026-03-09')).toBe(true);
    expect(isWorkingDay(emptyCalendar, '2026-10-01')).toBe(true); // unloaded: weekends only
  });

  it('counts deadlines across 国庆 and 春节', () => {
    expect(addWorkingDays(cal, '2026-09-30', 1)).toBe('2026-10-08');
    expect(addWorkingDays(cal, '2026-09-18', 1)).toBe('2026-09-20'); // Sunday make-up day
    expect(addWorkingDays(cal, '2026-02-13', 1)).toBe('2026-02-14');
    expect(addWorkingDays(cal, '2026-02-14', 1)).toBe('2026-02-24');
    expect(addWorkingDays(cal, '2026-10-01', 0)).toBe('2026-10-08');
    expect(addWorkingDays(cal, '2026-03-09', 0)).toBe('2026-03-09');
    expect(workingDaysBetween(cal, '2026-09-30', '2026-10-08')).toBe(1);
    expect(workingDaysBetween(cal, '2026-10-08', '2026-09-30')).toBe(-1);
    for (const [d, n] of [['2026-04-30', 5], ['2026-12-28', 3], ['2026-01-01', 10]] as const) expect(workingDaysBetween(cal, d, addWorkingDays(cal, d, n))).toBe(n);
  });

  it('refuses arrangements with mistakes', () => {
    const bad = (days: { day: string; kind: 'holiday' | 'workday'; name: string }[], source = '通知') => () => checkYear(2027, { source, days });
    expect(bad([{ day: '2027-02-30', kind: 'holiday', name: '春节' }])).toThrow(/not a date/);
    expect(bad([{ day: '2026-12-31', kind: 'holiday', name: '元旦' }])).toThrow(/not in 2027/);
    expect(bad([{ day: '2027-01-01', kind: 'holiday', name: '元旦' }, { day: '2027-01-01', kind: 'holiday', name: '元旦' }])).toThrow(/twice/);
    expect(bad([{ day: '2027-01-04', kind: 'workday', name: '元旦' }])).toThrow(/weekday already/);
    expect(bad([{ day: '2027-01-01', kind: 'holiday', name: '' }])).toThrow(/name is missing/);
    expect(bad([{ day: '2027-01-01', kind: 'holiday', name: '元旦' }], ' ')).toThrow(/notice/);
    expect(() => addWorkingDays(cal, '2026-01-05', -1)).toThrow(/whole number/);
  });
});

describe('working days between, counted by weeks', () => {
  it('agrees with counting day by day over two years in both directions', () => {
    const slow = (from: string, to: string) => {
      let n = 0;
      for (let d = Date.parse(`${from}T00:00:00Z`) + 86_400_000; d <= Date.parse(`${to}T00:00:00Z`); d += 86_400_000) if (isWorkingDay(cal, new Date(d).toISOString().slice(0, 10))) n += 1;
      return n;
    };
    const start = Date.parse('2025-12-20T00:00:00Z');
    for (let i = 0; i < 400; i += 7) {
      for (const span of [0, 1, 3, 6, 13, 45, 200]) {
        const a = new Date(start + i * 86_400_000).toISOString().slice(0, 10);
        const b = new Date(start + (i + span) * 86_400_000).toISOString().slice(0, 10);
        expect(workingDaysBetween(cal, a, b)).toBe(slow(a, b));
        expect(workingDaysBetween(cal, b, a)).toBe(0 - slow(a, b));
      }
    }
  });
});

// Report periods and deadlines: reports are about a finished period, due a set number of days after it.
import { describe, expect, it } from 'vitest';
import { chinaToday, deadlineOf, latestCompletedPeriod, periodFromKey, periodKeysBetween, referenceDate } from '../../src/modules/reports/periods.js';

describe('periods', () => {
  it('takes the last finished month, quarter or year', () => {
    expect(latestCompletedPeriod('monthly', '2026-01-03')).toMatchObject({ key: '2025-12', start: '2025-12-01', end: '2025-12-31' });
    expect(latestCompletedPeriod('monthly', '2024-03-15')).toMatchObject({ key: '2024-02', end: '2024-02-29' });
    expect(latestCompletedPeriod('quarterly', '2025-04-01')).toMatchObject({ key: '2025-Q1', start: '2025-01-01', end: '2025-03-31' });
    expect(latestCompletedPeriod('quarterly', '2025-02-10')).toMatchObject({ key: '2024-Q4', end: '2024-12-31' });
    expect(latestCompletedPeriod('yearly', '2025-06-30')).toMatchObject({ key: '2024', start: '2024-01-01', end: '2024-12-31' });
  });

  it('reads period keys back and refuses malformed ones', () => {
    expect(periodFromKey('monthly', '2025-10')).toMatchObject({ end: '2025-10-31', labelZh: '2025年10月' });
    expect(periodFromKey('monthly', '2025-13')).toBeNull();
    expect(periodFromKey('quarterly', '2025-Q3')).toMatchObject({ start: '2025-07-01', end: '2025-09-30' });
    expect(periodFromKey('once', '2025-05-01~2025-05-31', { start: '2025-05-01', end: '2025-05-31' })).toMatchObject({ labelZh: '2025-05-01 至 2025-05-31' });
    expect(periodFromKey('once', '2025-06', { start: '2025-05-01', end: '2025-05-31' })).toBeNull();
  });

  it('counts deadlines from the period’s end and takes the reference date no later than today', () => {
    const oct = periodFromKey('monthly', '2025-10')!;
    expect(deadlineOf(oct, 5)).toBe('2025-11-05');
    expect(referenceDate(oct, '2025-11-02')).toBe('2025-10-31');
    expect(referenceDate(oct, '2025-10-20')).toBe('2025-10-20');
    expect(periodKeysBetween('month', '2025-11-15', '2026-02-01')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(periodKeysBetween('quarter', '2025-02-01', '2025-08-01')).toEqual(['2025-Q1', '2025-Q2', '2025-Q3']);
    // China's date, not UTC: 23:30 UTC on 31 December is already 1 January in Beijing.
    expect(chinaToday(new Date('2025-12-31T23:30:00Z'))).toBe('2026-01-01');
  });
});

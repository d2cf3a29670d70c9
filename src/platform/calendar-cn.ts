// The arrangements shipped with the platform, as published. 2026: 国务院办公厅关于2026年部分节假日
// 安排的通知 (4 November 2025, Xinhua). Later years are loaded by an administrator (API or page).
import type { CalendarDayKind } from './calendar.tables.js';

export interface CalendarYearData {
  year: number;
  source: string;
  days: { day: string; kind: CalendarDayKind; name: string }[];
}

function span(from: string, to: string, name: string): CalendarYearData['days'] {
  const out: CalendarYearData['days'] = [];
  for (let d = Date.parse(`${from}T00:00:00Z`); d <= Date.parse(`${to}T00:00:00Z`); d += 86_400_000) out.push({ day: new Date(d).toISOString().slice(0, 10), kind: 'holiday', name });
  return out;
}
const work = (day: string, name: string) => ({ day, kind: 'workday' as const, name });

export const shippedCalendars: CalendarYearData[] = [
  {
    year: 2026,
    source: '国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日）',
    days: [
      ...span('2026-01-01', '2026-01-03', '元旦'), work('2026-01-04', '元旦'),
      ...span('2026-02-15', '2026-02-23', '春节'), work('2026-02-14', '春节'), work('2026-02-28', '春节'),
      ...span('2026-04-04', '2026-04-06', '清明节'),
      ...span('2026-05-01', '2026-05-05', '劳动节'), work('2026-05-09', '劳动节'),
      ...span('2026-06-19', '2026-06-21', '端午节'),
      ...span('2026-09-25', '2026-09-27', '中秋节'),
      ...span('2026-10-01', '2026-10-07', '国庆节'), work('2026-09-20', '国庆节'), work('2026-10-10', '国庆节'),
    ],
  },
];

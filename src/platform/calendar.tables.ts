// The working-day calendar as data (节假日安排): China's public holidays and the make-up working
// days (调休) the State Council publishes each year, loaded by an administrator. A year with no
// row in work_calendar_year is counted by weekends alone.
import { sql } from 'drizzle-orm';
import { date, index, integer, pgTable, text, timestamp, varchar } from 'drizzle-orm/pg-core';

export const calendarDayKinds = ['holiday', 'workday'] as const;
export type CalendarDayKind = (typeof calendarDayKinds)[number];

/** One year's arrangement as loaded: where it came from and who loaded it. */
export const workCalendarYears = pgTable('work_calendar_year', {
  year: integer('year').primaryKey(),
  /** The notice it was taken from, e.g. 国办发明电〔2025〕7号 / 国务院办公厅关于2026年部分节假日安排的通知. */
  source: text('source').notNull(),
  loadedBy: integer('loaded_by'),
  loadedAt: timestamp('loaded_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
});

/** A day that differs from the plain week: a holiday (放假) or a make-up working day (调休上班). */
export const workCalendarDays = pgTable(
  'work_calendar_day',
  {
    day: date('day', { mode: 'string' }).primaryKey(),
    year: integer('year').notNull(),
    kind: varchar('kind', { length: 8 }).notNull().$type<CalendarDayKind>(),
    /** The festival it belongs to: 春节, 国庆节 … */
    name: text('name').notNull(),
  },
  (t) => [index('work_calendar_day_year_idx').on(t.year)],
);

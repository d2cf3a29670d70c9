// The working-day calendar over HTTP: anyone logged in reads it and asks what a deadline comes
// to; an administrator loads a year's arrangement as JSON or as an xlsx sheet.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError } from './errors.js';
import { CalendarErrors, parseCalendarSheet, type WorkCalendar } from './calendar.js';
import { calendarDayKinds } from './calendar.tables.js';
import { errorResponses, StrictObject } from './http.js';
import { DateString, StringEnum } from './schemas.js';

const CalendarDay = Type.Object({ day: Type.String({ description: 'YYYY-MM-DD' }), kind: StringEnum(calendarDayKinds, { description: 'holiday (放假) or workday (调休上班)' }), name: Type.String({ description: 'The festival: 春节, 国庆节 …' }) });
const CalendarDayIn = StrictObject({ day: Type.String({ maxLength: 10 }), kind: StringEnum(calendarDayKinds), name: Type.String({ minLength: 1, maxLength: 40 }) });
const YearParam = StrictObject({ year: Type.Integer({ minimum: 2000, maximum: 2100 }) });
const YearOut = Type.Object({ year: Type.Integer(), loaded: Type.Boolean({ description: 'False: the year counts weekends only until its arrangement is loaded' }), source: Type.Union([Type.String(), Type.Null()]), loadedAt: Type.Union([Type.String(), Type.Null()]), days: Type.Array(CalendarDay) });
const YearIn = StrictObject({ source: Type.String({ minLength: 1, maxLength: 300, description: 'The notice it comes from' }), days: Type.Array(CalendarDayIn, { minItems: 1, maxItems: 120 }) });
const SHEET_LIMIT = 1024 * 1024;

export function calendarRoutes(calendar: WorkCalendar): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['calendar'];
    app.get('/calendar/years', {
      config: { authenticated: true },
      schema: { tags, summary: 'Years whose holiday arrangement is loaded', response: { 200: Type.Array(Type.Object({ year: Type.Integer(), source: Type.String(), loadedAt: Type.String(), holidays: Type.Integer(), workdays: Type.Integer() })), ...errorResponses } },
    }, async () => calendar.years());

    app.get('/calendar/working-days', {
      config: { authenticated: true },
      schema: {
        tags, summary: 'A deadline in working days from a date (days), or the working days between two dates (to)',
        querystring: StrictObject({ from: DateString, days: Type.Optional(Type.Integer({ minimum: 0, maximum: 250 })), to: Type.Optional(DateString) }),
        response: { 200: Type.Object({ from: Type.String(), deadline: Type.Union([Type.String(), Type.Null()]), workingDays: Type.Union([Type.Integer(), Type.Null()]), yearsLoaded: Type.Array(Type.Integer()) }), ...errorResponses },
      },
    }, async (req) => {
      const data = await calendar.data();
      const deadline = req.query.days !== undefined ? await calendar.addWorkingDays(req.query.from, req.query.days) : null;
      const workingDays = req.query.to ? await calendar.workingDaysBetween(req.query.from, req.query.to) : null;
      return { from: req.query.from, deadline, workingDays, yearsLoaded: [...data.years].sort() };
    });

    app.get('/calendar/:year', {
      config: { authenticated: true },
      schema: { tags, summary: 'One year’s holidays and make-up working days', params: YearParam, response: { 200: YearOut, ...errorResponses } },
    }, async (req) => calendar.year(req.params.year));

    app.put('/calendar/:year', {
      config: { permission: 'calendar:manage' },
      schema: { tags, summary: 'Load (replace) a year’s arrangement: every holiday and every make-up working day', params: YearParam, body: YearIn, response: { 200: YearOut, ...errorResponses } },
    }, async (req) => calendar.load(req.authed, req.params.year, req.body));

    app.post('/calendar/:year/sheet', {
      config: { permission: 'calendar:manage' },
      preValidation: async (req) => {
        if (req.body === undefined || req.body === null) (req as { body: unknown }).body = {};
      },
      schema: {
        tags, summary: 'Load a year’s arrangement from an xlsx sheet (multipart field "file"): rows 日期 | 类型 (放假/上班) | 名称 under a header row',
        consumes: ['multipart/form-data'], params: YearParam, querystring: StrictObject({ source: Type.String({ minLength: 1, maxLength: 300 }) }),
        body: Type.Object({ file: Type.Optional(Type.String({ format: 'binary' })) }),
        response: { 200: YearOut, ...errorResponses },
      },
    }, async (req) => {
      if (!req.isMultipart()) throw new AppError(CalendarErrors.CALENDAR_FILE_UNREADABLE, {}, 'file');
      const part = await req.file({ limits: { fileSize: SHEET_LIMIT } });
      if (!part) throw new AppError(CalendarErrors.CALENDAR_FILE_UNREADABLE, {}, 'file');
      let buf: Buffer;
      try {
        buf = await part.toBuffer();
      } catch {
        throw new AppError(CalendarErrors.CALENDAR_FILE_UNREADABLE, {}, 'file');
      }
      return calendar.load(req.authed, req.params.year, { source: req.query.source, days: await parseCalendarSheet(buf) });
    });
  };
}

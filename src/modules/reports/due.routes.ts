// Due reports (待报): the list, one due report, the one button (preview), submitting, drilling
// into a preview's figure, and the preview as a file.
import { Type } from '@sinclair/typebox';
import { errorResponses } from '../../platform/http.js';
import { IdParam } from '../../platform/schemas.js';
import { sendFile, tags, type ReportsApp } from './http.js';
import * as S from './schemas.js';
import type { ReportService } from './service.js';

export function dueRoutes(app: ReportsApp, svc: ReportService): void {
  const readers = ['reports:submit', 'reports:read'] as const;

  app.get('/reports/due', {
    config: { permission: readers },
    schema: { tags, summary: 'Reports due in the caller’s area (a community: its own), overdue first, with deadlines, status and reminders', querystring: S.DueListQuery, response: { 200: S.DueList, ...errorResponses } },
  }, async (req) => svc.submissions.listDue(req.authed, req.query));

  app.get('/reports/due/:id', {
    config: { permission: readers },
    schema: { tags, summary: 'One due report', params: IdParam, response: { 200: S.DueOut, ...errorResponses } },
  }, async (req) => svc.submissions.getDue(req.authed, req.params.id));

  app.post('/reports/due/:id/preview', {
    config: { permission: 'reports:submit' },
    schema: {
      tags, summary: 'The one button: compute the report from base data for the caller’s unit (nothing is stored). The digest lets the submission confirm the figures did not change.',
      params: IdParam, querystring: S.LangQuery, response: { 200: S.PreviewOut, ...errorResponses },
    },
  }, async (req) => svc.submissions.preview(req.authed, req.params.id));

  app.post('/reports/due/:id/submit', {
    config: { permission: 'reports:submit' },
    schema: {
      tags, summary: 'Submit: recomputed and frozen at this moment, with the hand-entered items. Submitting again answers with the same submission.',
      params: IdParam, body: S.SubmitIn, response: { 200: S.SubmitOut, 201: S.SubmitOut, ...errorResponses },
    },
  }, async (req, reply) => {
    const r = await svc.submissions.submit(req.authed, req.params.id, req.body);
    return reply.code(r.alreadySubmitted ? 200 : 201).send(r);
  });

  app.get('/reports/due/:id/drill', {
    config: { permission: 'reports:submit', personalData: { action: 'report.drill', entityType: 'report_due' } },
    schema: { tags, summary: 'The records behind a figure of the preview', params: IdParam, querystring: S.DrillQuery, response: { 200: S.DrillOut, ...errorResponses } },
  }, async (req) => svc.submissions.drill(req.authed, { dueId: req.params.id }, req.query.row, req.query.column, req.query));

  app.get('/reports/due/:id/export', {
    config: { permission: 'reports:submit' },
    schema: { tags, summary: 'The preview as Excel, PDF, CSV or JSON (marked as not submitted)', params: IdParam, querystring: S.ExportQuery, response: { 200: Type.Unknown(), ...errorResponses } },
  }, async (req, reply) => sendFile(reply, await svc.exportPreview(req.authed, req.params.id, req.query.format)));
}

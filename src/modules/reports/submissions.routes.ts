// Submissions: the list, one submission (protected above the unit), its versions, corrections,
// drilling into a submitted figure, downloads, and every unit's report side by side.
import { Type } from '@sinclair/typebox';
import { errorResponses } from '../../platform/http.js';
import { IdParam } from '../../platform/schemas.js';
import { sendFile, tags, type ReportsApp } from './http.js';
import * as S from './schemas.js';
import type { ReportService } from './service.js';

export function submissionRoutes(app: ReportsApp, svc: ReportService): void {
  const read = { permission: 'reports:read' } as const;

  app.get('/reports/submissions', {
    config: read,
    schema: { tags, summary: 'Submitted reports the caller may read (a department: those of templates serving it, within its jurisdiction)', querystring: S.SubmissionListQuery, response: { 200: S.SubmissionList, ...errorResponses } },
  }, async (req) => svc.submissions.list(req.authed, req.query));

  app.get('/reports/submissions/:id', {
    config: read,
    schema: { tags, summary: 'One submission (small counts suppressed above the unit)', params: IdParam, querystring: S.LangQuery, response: { 200: S.SubmissionOut, ...errorResponses } },
  }, async (req) => svc.submissions.get(req.authed, req.params.id));

  app.get('/reports/submissions/:id/versions', {
    config: read,
    schema: { tags, summary: 'Every version of this report (corrections with their reasons)', params: IdParam, response: { 200: Type.Array(S.SubmissionVersion), ...errorResponses } },
  }, async (req) => svc.submissions.versions(req.authed, req.params.id));

  app.post('/reports/submissions/:id/corrections', {
    config: { permission: 'reports:submit' },
    schema: { tags, summary: 'Correct a submission: recomputed from today’s base data (and new hand-entered items) as a new version with a reason; the earlier version stays', params: IdParam, body: S.CorrectionIn, response: { 201: S.SubmissionOut, ...errorResponses } },
  }, async (req, reply) => reply.code(201).send(await svc.submissions.correct(req.authed, req.params.id, req.body)));

  app.get('/reports/submissions/:id/drill', {
    config: { permission: 'reports:read', personalData: { action: 'report.drill', entityType: 'report_submission' } },
    schema: { tags, summary: 'The records behind a submitted figure, as the viewer may see them (departments give a reason; every read is logged)', params: IdParam, querystring: S.DrillQuery, response: { 200: S.DrillOut, ...errorResponses } },
  }, async (req) => svc.submissions.drill(req.authed, { submissionId: req.params.id }, req.query.row, req.query.column, req.query));

  app.get('/reports/submissions/:id/export', {
    config: read,
    schema: { tags, summary: 'Download as Excel (official layout, or the department’s uploaded form), PDF, CSV or JSON', params: IdParam, querystring: S.ExportQuery, response: { 200: Type.Unknown(), ...errorResponses } },
  }, async (req, reply) => sendFile(reply, await svc.exportSubmission(req.authed, req.params.id, req.query.format, req.query.layout)));

  app.get('/reports/consolidated', {
    config: read,
    schema: {
      tags, summary: 'Every unit’s report of a template for a period side by side, with who has not reported and a grand total',
      querystring: S.ConsolidatedQuery, response: { 200: S.ConsolidatedOut, ...errorResponses },
    },
  }, async (req, reply) => {
    const { templateCode, period, format = 'json' } = req.query;
    if (format === 'json') return svc.submissions.consolidated(req.authed, templateCode, period);
    return sendFile(reply, await svc.exportConsolidated(req.authed, templateCode, period, format));
  });
}

// The source catalogue and templates: draft, check, file for approval (备案), review, retire,
// new versions, send down, and the compiled SQL for reviewers.
import { Type } from '@sinclair/typebox';
import { errorResponses } from '../../platform/http.js';
import { IdParam } from '../../platform/schemas.js';
import { anyReports, tags, type ReportsApp } from './http.js';
import * as S from './schemas.js';
import type { ReportService } from './service.js';

export function templateRoutes(app: ReportsApp, svc: ReportService): void {
  const drafters = ['reports:draft', 'reports:review'] as const;

  app.get('/reports/sources', {
    config: { permission: anyReports },
    schema: {
      tags, summary: 'What a template may read: the report sources of base data with their fields (type, code table, the grant a department needs), the label kinds, filter operators and limits',
      querystring: S.LangQuery, response: { 200: S.CatalogueOut, ...errorResponses },
    },
  }, async () => svc.catalogue());

  app.get('/reports/templates', {
    config: { permission: anyReports },
    schema: { tags, summary: 'Templates the caller may see: a department its own (every state) and the approved ones; the reviewer all', querystring: S.TemplateListQuery, response: { 200: Type.Array(S.TemplateOut), ...errorResponses } },
  }, async (req) => svc.templates.list(req.authed, req.query));

  app.post('/reports/templates/check', {
    config: { permission: drafters },
    schema: { tags, summary: 'Check a template without saving it: problems, coverage, overlaps with approved templates, cell count, grants the department lacks, burden', body: S.TemplateInput, response: { 200: S.TemplateCheck, ...errorResponses } },
  }, async (req) => svc.templates.check(req.authed, req.body));

  app.post('/reports/templates', {
    config: { permission: 'reports:draft' },
    schema: { tags, summary: 'Draft a template (department staff). The definition must be sound; grants are checked when it is submitted for approval.', body: S.TemplateInput, response: { 201: S.TemplateOut, ...errorResponses } },
  }, async (req, reply) => reply.code(201).send(await svc.templates.create(req.authed, req.body)));

  app.get('/reports/templates/:id', {
    config: { permission: anyReports },
    schema: { tags, summary: 'One template version', params: IdParam, querystring: S.LangQuery, response: { 200: S.TemplateOut, ...errorResponses } },
  }, async (req) => svc.templates.view(req.authed, req.params.id));

  app.put('/reports/templates/:id', {
    config: { permission: 'reports:draft' },
    schema: { tags, summary: 'Change a draft (a rejected template becomes a draft again)', params: IdParam, body: S.TemplateInput, response: { 200: S.TemplateOut, ...errorResponses } },
  }, async (req) => svc.templates.update(req.authed, req.params.id, req.body));

  app.get('/reports/templates/:id/history', {
    config: { permission: anyReports },
    schema: { tags, summary: 'Every version of the template’s report code', params: IdParam, response: { 200: Type.Array(S.TemplateOut), ...errorResponses } },
  }, async (req) => svc.templates.history(req.authed, req.params.id));

  app.post('/reports/templates/:id/submit', {
    config: { permission: 'reports:draft' },
    schema: {
      tags, summary: 'File the template for approval (备案). Refused when it names fields the department is not granted, an unknown field, divides by zero or would make too many cells. Answers with the coverage and the overlaps found.',
      params: IdParam, response: { 200: S.SubmitTemplateOut, ...errorResponses },
    },
  }, async (req) => svc.templates.submit(req.authed, req.params.id));

  app.post('/reports/templates/:id/review', {
    config: { permission: 'reports:review' },
    schema: {
      tags, summary: 'The reviewer’s decision: approve (sends it down at once), reject with a reason, or merge it into an approved template that answers it (the department is then served by that one)',
      params: IdParam, body: S.ReviewIn, response: { 200: S.ReviewOut, ...errorResponses },
    },
  }, async (req) => svc.templates.review(req.authed, req.params.id, req.body));

  app.post('/reports/templates/:id/retire', {
    config: { permission: ['reports:review', 'reports:draft'] },
    schema: { tags, summary: 'Stop an approved template; open due reports are cancelled, history stays', params: IdParam, body: S.RetireIn, response: { 200: S.RetireOut, ...errorResponses } },
  }, async (req) => svc.retire(req.authed, req.params.id, req.body.reason));

  app.post('/reports/templates/:id/versions', {
    config: { permission: drafters },
    schema: { tags, summary: 'Start a new draft version of an approved template', params: IdParam, response: { 201: S.TemplateOut, ...errorResponses } },
  }, async (req, reply) => reply.code(201).send(await svc.templates.newVersion(req.authed, req.params.id)));

  app.post('/reports/templates/:id/issue', {
    config: { permission: drafters },
    schema: {
      tags, summary: 'Send the report down for a period (default: the current one). Refused for anything but an approved template.',
      params: IdParam, body: S.IssueIn, response: { 200: S.IssueOut, ...errorResponses },
    },
  }, async (req) => svc.issue(req.authed, req.params.id, req.body.period));

  app.get('/reports/templates/:id/sql', {
    config: { permission: drafters },
    schema: { tags, summary: 'The one SQL query the template compiles to (with its bound parameters), for a sample unit and the current period', params: IdParam, response: { 200: S.SqlOut, ...errorResponses } },
  }, async (req) => svc.sqlOf(req.authed, req.params.id));
}

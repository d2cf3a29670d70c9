// A department's own Excel form (表样) for a template: upload it, read its cells, say where each
// figure goes.
import { Type } from '@sinclair/typebox';
import { AppError } from '../../platform/errors.js';
import { errorResponses } from '../../platform/http.js';
import { IdParam } from '../../platform/schemas.js';
import { ReportErrors } from './errors.js';
import { anyReports, tags, type ReportsApp } from './http.js';
import * as S from './schemas.js';
import type { ReportService } from './service.js';

export function formRoutes(app: ReportsApp, svc: ReportService): void {
  const drafters = ['reports:draft', 'reports:review'] as const;

  app.post('/reports/templates/:id/form', {
    config: { permission: drafters },
    preValidation: async (req) => {
      if (req.body === undefined || req.body === null) (req as { body: unknown }).body = {};
    },
    schema: {
      tags, summary: 'Upload the department’s own Excel form (表样, .xlsx) as multipart field "file"; answers with its non-empty cells for mapping', params: IdParam, consumes: ['multipart/form-data'],
      body: S.FormUploadIn, response: { 201: S.FormUploaded, 413: Type.Ref('ErrorBody'), ...errorResponses },
    },
  }, async (req, reply) => {
    if (!req.isMultipart()) throw new AppError(ReportErrors.REPORT_FORM_INVALID, { reason_zh: '请以 multipart 字段 file 上传 .xlsx 文件', reason_en: 'upload the .xlsx as multipart field "file"' }, 'file');
    const part = await req.file();
    if (!part) throw new AppError(ReportErrors.REPORT_FORM_INVALID, { reason_zh: '没有收到文件', reason_en: 'no file received' }, 'file');
    const buf = await part.toBuffer();
    return reply.code(201).send(await svc.uploadForm(req.authed, req.params.id, part.filename, buf));
  });

  app.get('/reports/templates/:id/form', {
    config: { permission: anyReports },
    schema: { tags, summary: 'The uploaded form: its cells and the current mapping', params: IdParam, response: { 200: S.FormOut, ...errorResponses } },
  }, async (req) => svc.getForm(req.authed, req.params.id));

  app.put('/reports/templates/:id/form/mapping', {
    config: { permission: drafters },
    schema: { tags, summary: 'Say where each figure goes on the uploaded form', params: IdParam, body: S.FormMapping, response: { 200: S.FormMapping, ...errorResponses } },
  }, async (req) => svc.setFormMapping(req.authed, req.params.id, req.body));
}

// HTTP for hand-backs (事项退回): the township asks, the department answers, the reviewer decides.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError } from '../../platform/errors.js';
import { errorResponses } from '../../platform/http.js';
import { IdParam } from '../../platform/schemas.js';
import { attachmentHeader } from '../../platform/documents/http.js';
import { DutyErrors } from './errors.js';
import * as S from './schemas.js';
import type { DutyListsService } from './service.js';

export function handbackRoutes(service: DutyListsService): FastifyPluginAsyncTypebox {
  const h = service.handbacks;
  return async (app) => {
    const tags = ['duty-handback'];
    app.post('/duty-handbacks', {
      config: { permission: 'duty:manage' },
      schema: { tags, summary: 'Ask to hand an item of the township’s lists back to the upper department, with the reason and evidence', body: S.HandbackIn, response: { 201: S.HandbackOut, ...errorResponses } },
    }, async (req, reply) => reply.code(201).send(await h.request(req.authed, req.body)));

    app.get('/duty-handbacks', {
      config: { permission: 'duty:read' },
      schema: { tags, summary: 'Hand-back requests the caller may see (a department: those to it)', querystring: S.HandbackQuery, response: { 200: S.HandbackPage, ...errorResponses } },
    }, async (req) => h.list(req.authed, req.query));

    app.get('/duty-handbacks/:id', {
      config: { permission: 'duty:read' },
      schema: { tags, summary: 'One hand-back request', params: IdParam, response: { 200: S.HandbackOut, ...errorResponses } },
    }, async (req) => h.get(req.authed, req.params.id));

    app.post('/duty-handbacks/:id/answer', {
      config: { permission: 'duty:apply' },
      schema: { tags, summary: 'The department’s answer (only the department the item goes back to)', params: IdParam, body: S.DepartmentAnswerIn, response: { 200: S.HandbackOut, ...errorResponses } },
    }, async (req) => h.answer(req.authed, req.params.id, req.body));

    app.post('/duty-handbacks/:id/decide', {
      config: { permission: 'duty:review' },
      schema: { tags, summary: 'The reviewer’s decision: return (the item moves to the taken-back list as a new version) or keep', params: IdParam, body: S.DecideHandbackIn, response: { 200: S.HandbackOut, ...errorResponses } },
    }, async (req) => h.decide(req.authed, req.params.id, req.body));

    app.post('/duty-handbacks/:id/evidence', {
      config: { permission: 'duty:manage' },
      preValidation: async (req) => {
        if (req.body === undefined || req.body === null) (req as { body: unknown }).body = {};
      },
      schema: {
        tags, summary: 'Attach an evidence file (PDF, JPG, PNG, .docx or .xlsx; at most 5) as multipart field "file"', consumes: ['multipart/form-data'], params: IdParam,
        body: Type.Object({ file: Type.Optional(Type.String({ format: 'binary' })) }), response: { 201: S.HandbackOut, 413: Type.Ref('ErrorBody'), ...errorResponses },
      },
    }, async (req, reply) => {
      if (!req.isMultipart()) throw new AppError(DutyErrors.DUTY_EVIDENCE_INVALID, { reason_zh: '请以 multipart 字段 file 上传', reason_en: 'upload it as multipart field "file"' }, 'file');
      const part = await req.file();
      if (!part) throw new AppError(DutyErrors.DUTY_EVIDENCE_INVALID, { reason_zh: '没有收到文件', reason_en: 'no file received' }, 'file');
      return reply.code(201).send(await h.attach(req.authed, req.params.id, { filename: part.filename, stream: part.file }));
    });

    app.get('/duty-handbacks/:id/evidence/:fileId', {
      config: { permission: 'duty:read' },
      schema: { tags, summary: 'Download an evidence file (logged)', params: S.FileParams, response: { 200: Type.Unknown({ description: 'The file' }), ...errorResponses } },
    }, async (req, reply) => {
      const f = await h.evidence(req.authed, req.params.id, req.params.fileId);
      return reply.header('content-type', f.contentType).header('content-length', f.size).header('content-disposition', attachmentHeader(f.fileName)).send(f.stream);
    });
  };
}

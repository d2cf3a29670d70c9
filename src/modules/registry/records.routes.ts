// HTTP for the record kinds other than residents (户, 楼栋, 房屋, 单位, 设施): create, change, list,
// read, history and status, one route per kind where the body differs by kind.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../../platform/http.js';
import { IdParam } from '../../platform/schemas.js';
import type { RecordService } from './records.js';
import * as S from './schemas.js';

export function recordRoutes(records: RecordService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['records'];

    for (const kind of S.otherKinds) {
      app.post(`/records/${kind}`, {
        config: { permission: 'registry:write' },
        schema: { tags, summary: `Create a ${kind}`, body: S.RecordCreateIns[kind], response: { 201: S.RecordOuts[kind], ...errorResponses } },
      }, async (req, reply) => reply.code(201).send(await records.create(req.authed, kind, req.body)));

      app.patch(`/records/${kind}/:id`, {
        config: { permission: ['registry:write', 'registry:supplement'] },
        schema: { tags, summary: `Change a ${kind} (send the version you read)`, params: IdParam, body: S.RecordPatchIns[kind], response: { 200: S.Written, ...errorResponses } },
      }, async (req) => records.update(req.authed, kind, req.params.id, req.body));
    }

    app.get('/records/:kind', {
      config: { permission: ['registry:read', 'registry:lookup'] },
      schema: { tags, summary: 'Households, buildings, houses, organisations or facilities in the caller’s scope', params: S.KindParam, querystring: S.RecordListQuery, response: { 200: S.RecordListOut, ...errorResponses } },
    }, async (req) => records.list(req.authed, req.params.kind, req.query));

    app.get('/records/:kind/:id', {
      config: { permission: ['registry:read', 'registry:lookup'], personalData: { action: '{kind}.read', entityType: '{kind}', kinds: ['organisation'] } },
      schema: { tags, summary: 'One record', params: S.KindIdParam, response: { 200: S.AnyRecordOut, ...errorResponses } },
    }, async (req) => records.get(req.authed, req.params.kind, req.params.id));

    app.get('/records/:kind/:id/history', {
      config: { permission: ['registry:read', 'registry:lookup'], personalData: { action: '{kind}.history', entityType: '{kind}', kinds: ['organisation'] } },
      schema: { tags, summary: 'Versions of one record', params: S.KindIdParam, response: { 200: S.HistoryOut, ...errorResponses } },
    }, async (req) => records.history(req.authed, req.params.kind, req.params.id));

    app.post('/records/:kind/:id/status', {
      config: { permission: 'registry:write' },
      schema: { tags, summary: 'Close or delete a record (kept with its history)', params: S.KindIdParam, body: S.RecordStatusIn, response: { 200: S.VersionOut, ...errorResponses } },
    }, async (req) => records.setStatus(req.authed, req.params.kind, req.params.id, req.body));
  };
}

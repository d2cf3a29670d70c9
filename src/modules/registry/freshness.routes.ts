// HTTP for keeping base data fresh (定期维护): visits, the to-do list of overdue reviews, its
// dashboard counts, and confirming a record unchanged.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../../platform/http.js';
import type { FreshnessService } from './freshness.js';
import type { RecordService } from './records.js';
import * as S from './schemas.js';

export function freshnessRoutes(freshness: FreshnessService, records: RecordService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['freshness'];

    app.post('/visits', {
      config: { permission: 'visits:write' },
      schema: { tags, summary: 'Record a visit; with confirm: true (an explicit choice), the person’s record counts as checked and leaves the to-do list', body: S.VisitIn, response: { 201: S.VisitWritten, ...errorResponses } },
    }, async (req, reply) => reply.code(201).send(await freshness.recordVisit(req.authed, req.body)));

    app.get('/stale', {
      config: { permission: 'registry:read' },
      schema: { tags, summary: 'The to-do list of records due for review (定期维护), most overdue first', querystring: S.StaleQuery, response: { 200: S.StaleOut, ...errorResponses } },
    }, async (req) => records.stale(req.authed, req.query));

    app.get('/stale/summary', {
      config: { permission: ['registry:read', 'dashboard:read'] },
      schema: { tags, summary: 'Overdue and due-soon reviews under a node (dashboard counts)', querystring: S.NodeFilterQuery, response: { 200: S.StaleCountsOut, ...errorResponses } },
    }, async (req) => records.staleSummary(req.authed, req.query.nodeId));

    app.post('/records/:kind/:id/confirm', {
      config: { permission: 'registry:write' },
      schema: { tags, summary: 'Confirm a record is still right without changing it (restarts its review clocks)', params: S.KindIdParam, response: { 200: S.ConfirmedOut, ...errorResponses } },
    }, async (req) => records.confirm(req.authed, req.params.kind, req.params.id));
  };
}

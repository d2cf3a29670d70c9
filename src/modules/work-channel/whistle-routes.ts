// HTTP for 街乡吹哨、部门报到: a street raises and closes whistles, summoned departments report,
// and anyone with whistle:read sees the whistles and the measured response times in its area.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../../platform/http.js';
import { IdParam } from '../../platform/schemas.js';
import * as S from './schemas.js';
import type { WhistleService } from './whistles.js';

export function whistleRoutes(whistles: WhistleService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['whistles'];
    app.post('/whistles', {
      config: { permission: 'whistle:raise' },
      schema: { tags, summary: 'Blow the whistle: the problem, the place, the departments summoned and the deadline to report (hours for emergencies, working days otherwise)', body: S.NewWhistleIn, response: { 201: S.WhistleOut, ...errorResponses } },
    }, async (req, reply) => reply.code(201).send(await whistles.raise(req.authed, req.body)));

    app.get('/whistles', {
      config: { permission: 'whistle:read' },
      schema: { tags, summary: 'Whistles in the caller’s area (a department: those that summon it), newest first', querystring: S.WhistleQuery, response: { 200: S.WhistlePage, ...errorResponses } },
    }, async (req) => whistles.list(req.authed, req.query));

    app.get('/whistles/stats', {
      config: { permission: 'whistle:read' },
      schema: { tags, summary: 'Whistle rate per street and the departments’ response times (median minutes to acknowledge and to be on site, share on site by the deadline)', querystring: S.StatsQuery, response: { 200: S.WhistleStats, ...errorResponses } },
    }, async (req) => whistles.stats(req.authed, req.query));

    app.get('/whistles/:id', {
      config: { permission: 'whistle:read' },
      schema: { tags, summary: 'One whistle with every summoned department’s report', params: IdParam, response: { 200: S.WhistleOut, ...errorResponses } },
    }, async (req) => whistles.get(req.authed, req.params.id));

    app.post('/whistles/:id/report', {
      config: { permission: 'whistle:report' },
      schema: { tags, summary: 'The caller’s department reports one step, in order: acknowledge, on_site (staff sent), act', params: IdParam, body: S.ReportStepIn, response: { 200: S.WhistleOut, ...errorResponses } },
    }, async (req) => whistles.report(req.authed, req.params.id, req.body));

    app.post('/whistles/:id/close', {
      config: { permission: 'whistle:raise' },
      schema: { tags, summary: 'The street closes the whistle with the outcome', params: IdParam, body: S.CloseWhistleIn, response: { 200: S.WhistleOut, ...errorResponses } },
    }, async (req) => whistles.close(req.authed, req.params.id, req.body.note));
  };
}

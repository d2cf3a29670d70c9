// Assisted service (帮办代办): taking a request for an elderly or vulnerable resident, the list,
// the per-community counts, one request with its steps, and recording a step.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses, IdParam } from '../../platform/http.js';
import * as S from './schemas.js';
import type { CertificatesService } from './services.js';

export function assistedRoutes(s: CertificatesService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['assisted service'];
    const write = { permission: 'assisted:write' } as const;
    const read = { permission: ['assisted:write', 'certificates:read'] } as const;

    app.post('/assisted', {
      config: write,
      schema: {
        tags, summary: 'Take a request on behalf of an elderly or vulnerable resident (60+, or a label such as 独居, 残疾, 低保; otherwise state why help is needed)',
        body: S.NewAssistedIn, response: { 201: S.AssistedOut, ...errorResponses },
      },
    }, async (req, reply) => reply.code(201).send(await s.assisted.create(req.authed, req.body)));

    app.get('/assisted', {
      config: { permission: [...read.permission] },
      schema: { tags, summary: 'Assisted-service requests in the caller’s area', querystring: S.AssistedQuery, response: { 200: S.AssistedPage, ...errorResponses } },
    }, async (req) => s.assisted.list(req.authed, req.query));

    app.get('/assisted/stats', {
      config: { permission: [...read.permission] },
      schema: { tags, summary: 'Per community: requests taken, open, in progress, done, cancelled, overdue, done on time, average days to done', querystring: S.StatsQuery, response: { 200: S.AssistedStats, ...errorResponses } },
    }, async (req) => s.assisted.stats(req.authed, req.query));

    app.get('/assisted/:id', {
      config: { permission: [...read.permission] },
      schema: { tags, summary: 'One request with every step', params: IdParam, response: { 200: S.AssistedDetail, ...errorResponses } },
    }, async (req) => s.assisted.get(req.authed, req.params.id));

    app.post('/assisted/:id/steps', {
      config: write,
      schema: {
        tags, summary: 'Record a step: a note and/or a new status (in_progress, done with its result, cancelled with a note); send the version you saw',
        params: IdParam, body: S.AssistedStepIn, response: { 200: S.AssistedOut, ...errorResponses },
      },
    }, async (req) => s.assisted.addStep(req.authed, req.params.id, req.body));
  };
}

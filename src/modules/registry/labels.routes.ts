// HTTP for labels (重点人群 …): the label kinds and field policies (data, not code), and a
// resident's labels, which only the label's owner writes.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../../platform/http.js';
import { IdParam } from '../../platform/schemas.js';
import type { FreshnessService } from './freshness.js';
import type { LabelService } from './labels.js';
import * as S from './schemas.js';

export function labelRoutes(labels: LabelService, freshness: FreshnessService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['labels'];
    const manage = { permission: 'labels:manage' } as const;

    app.get('/labels', {
      config: { authenticated: true },
      schema: { tags, summary: 'Label kinds (重点人群 …) with owners and review periods', response: { 200: S.LabelKindsOut } },
    }, async () => labels.kinds(true));

    app.post('/labels', {
      config: manage,
      schema: { tags, summary: 'Add a label kind (data, not code)', body: S.LabelKindIn, response: { 201: S.LabelKindOut, ...errorResponses } },
    }, async (req, reply) => reply.code(201).send(await labels.createKind(req.authed, req.body)));

    app.patch('/labels/:code', {
      config: manage,
      schema: { tags, summary: 'Rename, re-own, change the review period or plausibility rules of, or retire a label kind', params: S.LabelCodeParam, body: S.LabelKindPatch, response: { 200: S.LabelKindOut, ...errorResponses } },
    }, async (req) => labels.updateKind(req.authed, req.params.code, req.body));

    app.get('/field-policies', {
      config: { authenticated: true },
      schema: { tags, summary: 'Field owners and review cycles (字段权属与维护周期)', response: { 200: S.PoliciesOut } },
    }, async () => freshness.policies());

    app.patch('/field-policies/:id', {
      config: manage,
      schema: { tags, summary: 'Change a field group’s owner or review period (due dates follow)', params: IdParam, body: S.PolicyPatch, response: { 200: S.PolicyOut, ...errorResponses } },
    }, async (req) => freshness.setPolicy(req.authed, req.params.id, req.body));

    app.put('/residents/:id/labels/:code', {
      config: { permission: ['registry:write', 'registry:supplement'] },
      schema: { tags: ['residents'], summary: 'Give a resident a label (or update the open one): only the label’s owner may', params: S.ResidentLabelParams, body: S.SetLabelIn, response: { 200: S.SetLabelOut, ...errorResponses } },
    }, async (req) => labels.setFromRequest(req.authed, req.params.id, req.params.code, req.body));

    app.delete('/residents/:id/labels/:code', {
      config: { permission: ['registry:write', 'registry:supplement'] },
      schema: { tags: ['residents'], summary: 'End a resident’s label on a date (kept in history)', params: S.ResidentLabelParams, querystring: S.EndLabelQuery, response: { 204: Type.Null(), ...errorResponses } },
    }, async (req, reply) => {
      await labels.end(req.authed, req.params.id, req.params.code, req.query.until ?? new Date().toISOString().slice(0, 10), req.query.reason ?? null);
      return reply.code(204).send(null);
    });
  };
}

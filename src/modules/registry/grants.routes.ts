// HTTP for department grants on base data (数据授权): list, grant (an unmasking grant waits for a
// security officer's approval), revoke, and a department's own.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { approvalOut, PendingOut } from '../../platform/approvals.routes.js';
import { errorResponses } from '../../platform/http.js';
import { IdParam } from '../../platform/schemas.js';
import type { GrantAdmin } from './grants.js';
import * as S from './schemas.js';

export function grantRoutes(grants: GrantAdmin): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['grants'];
    const manage = { permission: 'grants:manage' } as const;

    app.get('/admin/grants', {
      config: manage,
      schema: { tags, summary: 'Department grants on base data', querystring: S.GrantListQuery, response: { 200: S.GrantsOut, ...errorResponses } },
    }, async (req) => grants.list(req.query));

    app.post('/admin/grants', {
      config: manage,
      schema: {
        tags, summary: 'Grant a department named fields of a record kind (optionally only for residents with given labels) over a subtree, for a purpose',
        body: S.GrantIn,
        description: 'A grant that shows ID numbers or phones unmasked is not made at once: it goes to a security officer for approval (202 with the request; separation of duties, decision 0015).',
        response: { 201: S.GrantOut, 202: PendingOut, ...errorResponses },
      },
    }, async (req, reply) => {
      const r = await grants.grantOrRequest(req.authed, req.body);
      return 'grant' in r ? reply.code(201).send(r.grant) : reply.code(202).send({ approval: approvalOut(r.approval) });
    });

    app.delete('/admin/grants/:id', {
      config: manage,
      schema: { tags, summary: 'Revoke a grant (effective at once)', params: IdParam, response: { 204: Type.Null(), ...errorResponses } },
    }, async (req, reply) => {
      await grants.revoke(req.authed, req.params.id);
      return reply.code(204).send(null);
    });

    app.get('/grants/mine', {
      config: { permission: ['registry:lookup', 'registry:supplement'] },
      schema: { tags, summary: 'The caller’s department grants: what it may read, write and see unmasked', response: { 200: S.GrantsOut, ...errorResponses } },
    }, async (req) => grants.mine(req.authed));
  };
}

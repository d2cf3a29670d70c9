// HTTP for label proposals (标签提议): the community proposes a label a department keeps (by hand
// from the resident card; imports propose on their own), the department works through its queue
// and confirms or rejects each with a reason, and the community follows the outcome.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../../platform/http.js';
import { IdParam } from '../../platform/schemas.js';
import type { ProposalService } from './proposals.js';
import * as S from './schemas.js';

export function proposalRoutes(proposals: ProposalService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addSchema(S.ProposalOut);
    const tags = ['label-proposals'];
    const read = { permission: ['registry:read', 'registry:supplement'] } as const;

    app.get('/label-proposals', {
      config: read,
      schema: {
        tags, summary: 'Label proposals: a community’s (street’s) own, with their outcome; a department’s queue of the labels it keeps. Reading them is logged.',
        querystring: S.ProposalListQuery, response: { 200: S.ProposalListOut, ...errorResponses },
      },
    }, async (req) => proposals.list(req.authed, req.query));

    app.get('/label-proposals/counts', {
      config: read,
      schema: { tags, summary: 'How many proposals the caller sees, per status (no personal data)', response: { 200: S.ProposalCountsOut, ...errorResponses } },
    }, async (req) => proposals.counts(req.authed));

    app.post('/label-proposals', {
      config: { permission: 'registry:write' },
      schema: {
        tags, summary: 'Propose a label a department keeps (低保, 退役军人, 残疾人 …) for a resident, with what the community knows; the department decides',
        body: S.ProposeIn, response: { 201: S.ProposalRef, ...errorResponses },
      },
    }, async (req, reply) => reply.code(201).send(await proposals.propose(req.authed, req.body)));

    app.post('/label-proposals/:id/confirm', {
      config: { permission: 'registry:supplement' },
      schema: {
        tags, summary: 'Confirm a proposal (the label’s owning department): the label is written through the normal label write, with a version, history and audit',
        params: IdParam, body: S.ConfirmProposalIn, response: { 200: S.ConfirmProposalOut, ...errorResponses },
      },
    }, async (req) => proposals.confirmFromRequest(req.authed, req.params.id, req.body));

    app.post('/label-proposals/:id/reject', {
      config: { permission: 'registry:supplement' },
      schema: { tags, summary: 'Reject a proposal with a reason the community sees; nothing is written to the person', params: IdParam, body: S.RejectProposalIn, response: { 200: S.ProposalRef, ...errorResponses } },
    }, async (req) => proposals.reject(req.authed, req.params.id, req.body));

    app.post('/label-proposals/:id/withdraw', {
      config: { permission: 'registry:write' },
      schema: { tags, summary: 'Withdraw a proposal still waiting (the community’s mistake)', params: IdParam, body: S.WithdrawProposalIn, response: { 200: S.ProposalRef, ...errorResponses } },
    }, async (req) => proposals.withdraw(req.authed, req.params.id, req.body));
  };
}

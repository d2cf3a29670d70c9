// HTTP for label proposals (标签提议): the community proposes a label a department keeps (by hand
// from the resident card; imports propose on their own), the department works through its queue
// and confirms or rejects each with a reason, and the community follows the outcome.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses, IdParam, StrictObject } from '../../platform/http.js';
import type { ProposalService, ProposalStatus } from './proposals.js';

const DateString = Type.String({ format: 'date', description: 'YYYY-MM-DD' });

const ProposalOut = Type.Object(
  {
    id: Type.Integer(),
    status: Type.String({ description: 'pending, confirmed, rejected, withdrawn' }),
    statusName: Type.String(),
    label: Type.Object({ code: Type.String(), name: Type.String() }),
    owner: Type.String({ description: 'The department code that keeps the label' }),
    ownerName: Type.String(),
    resident: Type.Object({ id: Type.Integer() }, { additionalProperties: true, description: 'The person as the caller may see them: a department sees what its grant writing this label may read, masked as the grant says' }),
    place: Type.String({ description: 'Community / grid' }),
    source: Type.String({ description: 'import (a register row) or manual (the resident card)' }),
    evidence: Type.Object({ importId: Type.Optional(Type.Integer()), fileName: Type.Optional(Type.String()), rowNo: Type.Optional(Type.Integer()), column: Type.Optional(Type.String()), text: Type.Optional(Type.String()) }, { description: 'Where the community’s knowledge comes from' }),
    note: Type.Union([Type.String(), Type.Null()]),
    since: Type.Union([Type.String(), Type.Null()]),
    proposedBy: Type.String(),
    proposedAt: Type.String(),
    decidedBy: Type.Union([Type.String(), Type.Null()]),
    decidedAt: Type.Union([Type.String(), Type.Null()]),
    decisionReason: Type.Union([Type.String(), Type.Null()]),
    warnings: Type.Array(Type.String(), { description: 'What the label’s plausibility rules say of the person' }),
  },
  { $id: 'LabelProposal' },
);

export function proposalRoutes(proposals: ProposalService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addSchema(ProposalOut);
    const Ref = Type.Ref(ProposalOut);
    const tags = ['label-proposals'];

    app.get(
      '/label-proposals',
      {
        config: { permission: ['registry:read', 'registry:supplement'] },
        schema: {
          tags,
          summary: 'Label proposals: a community’s (street’s) own, with their outcome; a department’s queue of the labels it keeps. Reading them is logged.',
          querystring: StrictObject({
            status: Type.Optional(Type.String({ enum: ['pending', 'confirmed', 'rejected', 'withdrawn'] })),
            residentId: Type.Optional(Type.Integer({ minimum: 1 })),
            code: Type.Optional(Type.String({ maxLength: 32 })),
            limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
            offset: Type.Integer({ minimum: 0, default: 0 }),
          }),
          response: { 200: Type.Object({ items: Type.Array(Ref), total: Type.Integer() }), ...errorResponses },
        },
      },
      async (req) => proposals.list(req.ctx, { ...req.query, status: req.query.status as ProposalStatus | undefined }),
    );

    app.get(
      '/label-proposals/counts',
      {
        config: { permission: ['registry:read', 'registry:supplement'] },
        schema: { tags, summary: 'How many proposals the caller sees, per status (no personal data)', response: { 200: Type.Record(Type.String(), Type.Integer()), ...errorResponses } },
      },
      async (req) => proposals.counts(req.ctx),
    );

    app.post(
      '/label-proposals',
      {
        config: { permission: 'registry:write' },
        schema: {
          tags,
          summary: 'Propose a label a department keeps (低保, 退役军人, 残疾人 …) for a resident, with what the community knows; the department decides',
          body: StrictObject({ residentId: Type.Integer({ minimum: 1 }), code: Type.String({ maxLength: 32 }), note: Type.String({ minLength: 2, maxLength: 500, description: 'What the community knows and how' }), since: Type.Optional(DateString) }),
          response: { 201: Ref, ...errorResponses },
        },
      },
      async (req, reply) => reply.code(201).send(await proposals.propose(req.ctx, req.body)),
    );

    app.post(
      '/label-proposals/:id/confirm',
      {
        config: { permission: 'registry:supplement' },
        schema: {
          tags,
          summary: 'Confirm a proposal (the label’s owning department): the label is written through the normal label write, with a version, history and audit',
          params: IdParam,
          body: StrictObject({ reason: Type.Optional(Type.String({ maxLength: 500 })), since: Type.Optional(DateString), attributes: Type.Optional(Type.Record(Type.String(), Type.Union([Type.Number(), Type.String()]), { description: "Label attributes (numbers stay numbers)" })) }),
          response: { 200: Type.Object({ proposal: Ref, warnings: Type.Array(Type.String()) }), ...errorResponses },
        },
      },
      async (req) => {
        const r = await proposals.confirm(req.ctx, req.params.id, req.body);
        const { ruleWarnings, ...proposal } = r;
        return { proposal, warnings: ruleWarnings.map((w) => w[req.ctx.lang]) };
      },
    );

    app.post(
      '/label-proposals/:id/reject',
      {
        config: { permission: 'registry:supplement' },
        schema: { tags, summary: 'Reject a proposal with a reason the community sees; nothing is written to the person', params: IdParam, body: StrictObject({ reason: Type.String({ minLength: 2, maxLength: 500 }) }), response: { 200: Ref, ...errorResponses } },
      },
      async (req) => proposals.reject(req.ctx, req.params.id, req.body),
    );

    app.post(
      '/label-proposals/:id/withdraw',
      {
        config: { permission: 'registry:write' },
        schema: { tags, summary: 'Withdraw a proposal still waiting (the community’s mistake)', params: IdParam, body: StrictObject({ reason: Type.Optional(Type.String({ maxLength: 500 })) }), response: { 200: Ref, ...errorResponses } },
      },
      async (req) => proposals.withdraw(req.ctx, req.params.id, req.body),
    );
  };
}

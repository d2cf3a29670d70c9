// The approver's and the requester's window on approval requests: list them, see one, approve or
// reject with a reason, withdraw one's own, collect an approved machine token's secret once.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { approvalKinds, approvalStatuses, type ApprovalStatus } from './approvals.tables.js';
import type { ApprovalService, ApprovalView } from './approvals.js';
import { errorResponses, IdParam, Page, StrictObject } from './http.js';

export const ApprovalOut = Type.Object(
  {
    id: Type.Integer(),
    kind: Type.String({ enum: [...approvalKinds] }),
    summary: Type.String(),
    reason: Type.String({ description: 'Why the administrator asks' }),
    treePath: Type.String(),
    payload: Type.Record(Type.String(), Type.Unknown(), { description: 'What will be done on approval (no secrets)' }),
    decidedWith: Type.String({ description: 'Permission an approver needs: approvals:accounts (an auditor) or approvals:data (a security officer)' }),
    requestedBy: Type.Integer(),
    requestedAt: Type.String({ format: 'date-time' }),
    expiresAt: Type.String({ format: 'date-time' }),
    status: Type.String({ enum: [...approvalStatuses] }),
    decidedBy: Type.Union([Type.Integer(), Type.Null()]),
    decidedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    decisionReason: Type.Union([Type.String(), Type.Null()]),
    resultId: Type.Union([Type.Integer(), Type.Null()]),
    collectable: Type.Boolean({ description: 'An approved machine token waits for the requester to collect it' }),
  },
  { $id: 'ApprovalRequest' },
);

export function approvalOut(v: ApprovalView) {
  const payload = Object.fromEntries(Object.entries(v.payload).filter(([k]) => !k.startsWith('__')));
  return {
    id: v.id, kind: v.kind, summary: v.summary, reason: v.reason, treePath: v.treePath, payload, decidedWith: v.decidedWith, requestedBy: v.requestedBy,
    requestedAt: v.requestedAt.toISOString(), expiresAt: v.expiresAt.toISOString(), status: v.status, decidedBy: v.decidedBy, decidedAt: v.decidedAt?.toISOString() ?? null,
    decisionReason: v.decisionReason, resultId: v.resultId, collectable: v.collectable,
  };
}

/** The answer of an administrator's write that went pending. */
export const PendingOut = Type.Object({ approval: Type.Ref(ApprovalOut) }, { description: 'Accepted for approval: nothing changes until another person approves' });

export function approvalRoutes(approvals: ApprovalService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['approvals'];
    const viewers = ['approvals:read', 'approvals:accounts', 'approvals:data', 'users:manage', 'grants:manage', 'tokens:manage'] as const;
    const Decision = StrictObject({ reason: Type.String({ minLength: 2, maxLength: 500, description: 'Why: recorded in the audit log and shown to the requester' }) });

    app.get(
      '/approvals',
      {
        config: { permission: viewers },
        schema: {
          tags, summary: 'Approval requests: an approver sees those in the own subtree, the auditor all, an administrator the own',
          querystring: StrictObject({ status: Type.Optional(Type.String({ enum: [...approvalStatuses] })), mine: Type.Optional(Type.Boolean()), decidable: Type.Optional(Type.Boolean({ description: 'Only those the caller may decide' })), limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }), offset: Type.Integer({ minimum: 0, default: 0 }) }),
          response: { 200: Page(Type.Ref(ApprovalOut)), ...errorResponses },
        },
      },
      async (req) => {
        const r = await approvals.list(req.ctx, { ...req.query, status: req.query.status as ApprovalStatus | undefined });
        return { items: r.items.map(approvalOut), total: r.total, limit: req.query.limit, offset: req.query.offset };
      },
    );

    app.get(
      '/approvals/:id',
      { config: { permission: viewers }, schema: { tags, summary: 'One approval request', params: IdParam, response: { 200: Type.Ref(ApprovalOut), ...errorResponses } } },
      async (req) => approvalOut(await approvals.get(req.ctx, req.params.id)),
    );

    app.post(
      '/approvals/:id/approve',
      {
        config: { permission: ['approvals:accounts', 'approvals:data'] },
        schema: {
          tags, summary: 'Approve a request (never one’s own, nor one about one’s own account); it is carried out at once',
          description: 'For an auditor or security-officer account (and a department account that would see personal data in clear) the initial password is made now and returned here, once, to the approver, who hands it to the person: the administrator who asked never learns it.',
          params: IdParam, body: Decision,
          response: { 200: Type.Object({ approval: Type.Ref(ApprovalOut), initialPassword: Type.Optional(Type.String()) }), ...errorResponses },
        },
      },
      async (req) => {
        const r = await approvals.approve(req.ctx, req.params.id, req.body.reason);
        return { approval: approvalOut(r.request), ...(r.initialPassword ? { initialPassword: r.initialPassword } : {}) };
      },
    );

    app.post(
      '/approvals/:id/reject',
      { config: { permission: ['approvals:accounts', 'approvals:data'] }, schema: { tags, summary: 'Reject a request with a reason', params: IdParam, body: Decision, response: { 200: Type.Ref(ApprovalOut), ...errorResponses } } },
      async (req) => approvalOut(await approvals.reject(req.ctx, req.params.id, req.body.reason)),
    );

    app.post(
      '/approvals/:id/cancel',
      { config: { permission: viewers }, schema: { tags, summary: 'Withdraw one’s own pending request', params: IdParam, response: { 200: Type.Ref(ApprovalOut), ...errorResponses } } },
      async (req) => approvalOut(await approvals.cancel(req.ctx, req.params.id)),
    );

    app.post(
      '/approvals/:id/collect',
      { config: { permission: viewers }, schema: { tags, summary: 'Collect the secret of an approved machine token (the requester, once)', params: IdParam, response: { 200: Type.Object({ id: Type.Integer(), token: Type.String() }), ...errorResponses } } },
      async (req) => {
        const r = await approvals.collect(req.ctx, req.params.id);
        return { id: r.resultId, token: r.token };
      },
    );
  };
}

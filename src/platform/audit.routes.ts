// The auditor's window on the audit log: search it and verify its chain. There is no route that
// edits or deletes audit rows.
import { StringEnum } from './schemas.js';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Db } from '../db/client.js';
import type { AuditService } from './audit.js';
import { newestAnchor, type AuditAnchors } from './audit-anchor.js';
import { errorResponses, Page, PersonOut, StrictObject, type Person } from './http.js';

const AuditRowOut = Type.Object({
  id: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  actorId: Type.Union([Type.Integer(), Type.Null()]),
  actorName: Type.String({ description: 'The log-in name (or token name) at the time' }),
  actor: Type.Union([PersonOut, Type.Null()], { description: 'The account as it is now: name, role and unit (null for anonymous callers and machine tokens)' }),
  actorRole: Type.String(),
  departmentId: Type.Union([Type.Integer(), Type.Null()]),
  category: Type.String(),
  action: Type.String(),
  entityType: Type.Union([Type.String(), Type.Null()]),
  entityId: Type.Union([Type.String(), Type.Null()]),
  subjectId: Type.Union([Type.Integer(), Type.Null()]),
  treePath: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  requestId: Type.Union([Type.String(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  result: Type.String(),
  detail: Type.Unknown(),
  hash: Type.String(),
});

/** `people` names accounts (display name, role, unit); it lives with the tree, which the platform does not know. */
export function auditRoutes(deps: { db: Db; audit: AuditService; anchors: AuditAnchors; people?: (ids: number[]) => Promise<Map<number, Person>> }): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/audit',
      {
        config: { permission: 'audit:read' },
        schema: {
          tags: ['audit'],
          summary: 'Search the audit log (who, role, what, whose, when, from where, why, result)',
          querystring: StrictObject({
            actorId: Type.Optional(Type.Integer()), subjectId: Type.Optional(Type.Integer()), action: Type.Optional(Type.String({ maxLength: 64 })),
            category: Type.Optional(StringEnum(['read', 'write', 'auth', 'admin', 'export'] as const)), entityType: Type.Optional(Type.String({ maxLength: 32 })), entityId: Type.Optional(Type.String({ maxLength: 64 })),
            from: Type.Optional(Type.String({ format: 'date-time' })), to: Type.Optional(Type.String({ format: 'date-time' })),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }), offset: Type.Integer({ minimum: 0, default: 0 }),
          }),
          response: { 200: Page(AuditRowOut), ...errorResponses },
        },
      },
      async (req) => {
        const q = req.query;
        const res = await deps.audit.search(deps.db, {
          actorId: q.actorId, subjectId: q.subjectId, action: q.action, category: q.category, entityType: q.entityType, entityId: q.entityId,
          from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined, limit: q.limit, offset: q.offset,
        });
        // The auditors are audited too.
        await deps.audit.recordNow(deps.db, req.ctx, { category: 'read', action: 'audit.search', detail: { filter: q, returned: res.items.length } });
        const people = deps.people ? await deps.people(res.items.map((r) => r.actorId).filter((i): i is number => i !== null)) : new Map<number, Person>();
        return { items: res.items.map((r) => ({ ...r, at: r.at.toISOString(), actor: (r.actorId ? people.get(r.actorId) : undefined) ?? null })), total: res.total, limit: q.limit, offset: q.offset };
      },
    );

    app.post(
      '/audit/verify',
      {
        config: { permission: 'audit:read' },
        schema: {
          tags: ['audit'],
          summary: 'Walk the SM3 hash chain and report the first row that was altered or removed behind the application’s back',
          description: 'Also checks the signature of the newest retention checkpoint and the database against the newest signed anchor in this server’s anchor log (`anchor`; null when there is none yet).',
          response: {
            200: Type.Object({
              ok: Type.Boolean(), checked: Type.Integer(), firstBrokenId: Type.Optional(Type.Integer()), problem: Type.Optional(Type.String()),
              anchor: Type.Optional(Type.Union([Type.Object({ at: Type.String({ format: 'date-time' }), rows: Type.Integer(), lastId: Type.Integer() }), Type.Null()])),
            }),
            ...errorResponses,
          },
        },
      },
      async (req) => {
        const result = await deps.audit.verify(deps.db, { anchor: newestAnchor(deps.anchors.file) });
        await deps.audit.recordNow(deps.db, req.ctx, { category: 'admin', action: 'audit.verify', result: result.ok ? 'ok' : 'failed', detail: result });
        return result;
      },
    );
  };
}

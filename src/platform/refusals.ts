// Refused attempts on personal data are audited like the reads they tried to be. A route that
// reads personal data declares `config.personalData` (the action it would be audited as); when
// such a request ends in 403 (not permitted, field not granted) or 404 (outside the caller's
// area, which answers "not found" so that ids cannot be probed), one audit row with result
// "denied" records who tried, what and on whom, before the answer leaves. The row goes through
// the audit service as any read row does, so the chain stays whole.
import type { FastifyBaseLogger, FastifyInstance, FastifyTypeProvider, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { Db } from '../db/client.js';
import type { AuditService } from './audit.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route reads personal data: refusals (403, 404) are audited as `action` with result
     * "denied". `{kind}` in the action and entity type is the route's `kind` parameter; `subject`
     * says the `id` parameter is a resident (the audit row's subject).
     */
    personalData?: { action: string; entityType: string; subject?: boolean; kinds?: readonly string[] };
  }
}

/** Installs the hook on a plugin's instance, whatever type provider the plugin uses. */
export function auditRefusals<P extends FastifyTypeProvider>(
  app: FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, P>,
  deps: { audit: AuditService; db: Db },
): void {
  app.addHook('onSend', async (req, reply, payload) => {
    const pd = req.routeOptions.config?.personalData;
    if (!pd || (reply.statusCode !== 403 && reply.statusCode !== 404) || !req.ctx?.principal) return payload;
    const params = (req.params ?? {}) as { id?: unknown; kind?: unknown };
    const kind = typeof params.kind === 'string' ? params.kind : '';
    if (pd.kinds && !pd.kinds.includes(kind)) return payload;
    const fill = (s: string) => s.replace('{kind}', kind);
    const id = Number(params.id);
    let code: string | null = null;
    try {
      code = (JSON.parse(typeof payload === 'string' ? payload : String(payload)) as { error?: { code?: string } }).error?.code ?? null;
    } catch {
      /* not an error body */
    }
    const entityType = fill(pd.entityType);
    const subject = pd.subject || entityType === 'resident';
    try {
      await deps.audit.recordNow(deps.db, req.ctx, {
        category: 'read', action: fill(pd.action), entityType, entityId: Number.isInteger(id) && id > 0 ? id : undefined,
        subjectId: subject && Number.isInteger(id) && id > 0 ? id : null, treePath: req.ctx.principal.treePath, result: 'denied',
        detail: { status: reply.statusCode, code, route: `${req.method} ${req.routeOptions.url ?? ''}` },
      });
    } catch (err) {
      // The answer is a refusal either way; a failed audit write is logged, not turned into a 500.
      req.log.error({ err }, 'could not audit a refused personal-data request');
    }
    return payload;
  });
}

// Operations the command line asks of the running server, because only the server may touch a
// data folder it holds: `qingche backup` against a running embedded database. The caller proves it
// may by the operations token in the folder's lock file (mode 0600, readable only by the account
// that runs the server, which can read the database files anyway), and must connect from this
// machine. No session or role gives access: it is not a feature of the web application.
import { timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { backupEmbedded } from '../db/backup.js';
import type { AuditService } from './audit.js';
import { systemContext } from './context.js';
import { AppError, defineErrors } from './errors.js';
import { StrictObject } from './http.js';

export const OpsErrors = defineErrors({
  OPS_TOKEN_INVALID: { status: 403, zh: '运维口令无效（请在服务器本机用 qingche backup 调用）', en: 'Invalid operations token (call this with `qingche backup` on the server machine)' },
  OPS_LOCAL_ONLY: { status: 403, zh: '运维接口只接受本机连接', en: 'Operations are accepted only from this machine' },
  BACKUP_NOT_EMBEDDED: { status: 409, zh: '本服务器使用 PostgreSQL，请用 pg_dump 备份', en: 'This server runs on PostgreSQL: back it up with pg_dump' },
});

export const OPS_TOKEN_HEADER = 'x-qingche-ops-token';

const loopback = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function opsRoutes(deps: { config: Config; database: Database; audit: AuditService }): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/ops/backup',
      {
        config: { public: true, rateLimits: [] },
        schema: {
          tags: ['operations'],
          summary: 'A consistent copy of the running embedded database as .tar.gz (for `qingche backup`; needs the operations token from the lock file and a connection from this machine)',
          headers: Type.Object({ [OPS_TOKEN_HEADER]: Type.String({ minLength: 1, maxLength: 200 }) }),
          querystring: StrictObject({ withKeys: Type.Boolean({ default: false, description: 'Include keys.json (generated development keys) in the archive' }) }),
          response: { 200: Type.Unknown({ description: 'application/gzip: a tar archive with qingche-backup.json, pglite/… and optionally keys.json' }), 403: Type.Ref('ErrorBody'), 409: Type.Ref('ErrorBody') },
        },
      },
      async (req, reply) => {
        // The socket's own address: a forwarded header must not make a remote caller look local.
        if (!loopback.has(req.raw.socket.remoteAddress ?? '')) throw new AppError(OpsErrors.OPS_LOCAL_ONLY);
        const expected = deps.database.lock?.info.opsToken;
        const given = req.headers[OPS_TOKEN_HEADER];
        if (!expected || typeof given !== 'string' || !same(given, expected)) throw new AppError(OpsErrors.OPS_TOKEN_INVALID);
        if (deps.database.engine !== 'pglite') throw new AppError(OpsErrors.BACKUP_NOT_EMBEDDED);
        const keysFile = join(deps.config.dataDir, 'keys.json');
        const withKeys = req.query.withKeys && existsSync(keysFile);
        const backup = await backupEmbedded(deps.database, { keysFile: withKeys ? keysFile : null });
        await deps.audit.recordNow(deps.database.db, { ...systemContext('ops'), ip: req.ip, requestId: req.id }, {
          category: 'admin', action: 'database.backup',
          detail: { withKeys: backup.manifest.withKeys, pauseMs: backup.manifest.pauseMs, residents: backup.manifest.counts.resident ?? 0 },
        });
        return reply
          .header('content-type', 'application/gzip')
          .header('x-qingche-backup-manifest', Buffer.from(JSON.stringify({ ...backup.manifest, counts: { resident: backup.manifest.counts.resident ?? 0, audit_log: backup.manifest.counts.audit_log ?? 0 } })).toString('base64'))
          .send(backup.stream);
      },
    );
  };
}

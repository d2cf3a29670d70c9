// buildApp: the platform first (errors, auth, audit, jobs, broker), then each module in dependency
// order. Tests build the same app on a throw-away database; main.ts builds it and listens.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import AjvModule from 'ajv';
import addFormatsModule from 'ajv-formats';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { ping, type Database } from './db/client.js';
import { ApprovalService } from './platform/approvals.js';
import { ApprovalOut, approvalRoutes } from './platform/approvals.routes.js';
import { AuditService } from './platform/audit.js';
import { anchorFileOf, AuditAnchors } from './platform/audit-anchor.js';
import { auditRoutes } from './platform/audit.routes.js';
import { clientErrorRoutes } from './platform/client-errors.routes.js';
import authPlugin from './platform/auth/plugin.js';
import { authRoutes } from './platform/auth/routes.js';
import { AuthService } from './platform/auth/service.js';
import { Broker } from './platform/broker.js';
import { FieldCipher, isInside, type DataKeys } from './platform/crypto.js';
import { ErrorBody } from './platform/errors.js';
import { EventBus } from './platform/events.js';
import { installErrorHandling, newRequestId } from './platform/http.js';
import { JobQueue } from './platform/jobs.js';
import { loggerOptions } from './platform/logging.js';
import { opsRoutes } from './platform/ops.routes.js';
import { WorkCalendar } from './platform/calendar.js';
import { calendarRoutes } from './platform/calendar.routes.js';
import { installRateLimits } from './platform/ratelimit.js';
import { installCrossSiteGuard, installFormBodies, registerSecurityHeaders } from './platform/security.js';
import { GrantService } from './platform/scope.js';
import { createModules, type Modules } from './modules/index.js';
import type { Platform } from './platform/platform.js';

export type { Platform } from './platform/platform.js';

export interface BuiltApp {
  app: FastifyInstance;
  platform: Platform;
  modules: Modules;
  /** Starts background work: the job worker and the MQTT connection. */
  startBackground(): Promise<void>;
  close(): Promise<void>;
}

export interface AppOptions {
  config: Config;
  database: Database;
  keys: DataKeys;
  /** Pino logger options; tests pass { level: 'silent' }. */
  logger?: boolean | Record<string, unknown>;
  /** Where the server's own log options write (tests capture the log with it). */
  logStream?: import('node:stream').Writable;
}

const webDist = join(dirname(fileURLToPath(import.meta.url)), '..', 'web', 'dist');
const version = (JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'package.json'), 'utf8')) as { version: string }).version;

export async function buildApp(opts: AppOptions): Promise<BuiltApp> {
  const { config, database } = opts;
  const app = Fastify({
    // Secrets never reach the log, nor query-string values (see platform/logging.ts).
    logger: opts.logger ?? loggerOptions(config.logLevel, opts.logStream),
    genReqId: newRequestId,
    requestIdHeader: false,
    bodyLimit: config.bodyLimitBytes,
    // X-Forwarded-For and X-Forwarded-Proto count only when the connection comes from a proxy
    // named in QC_TRUSTED_PROXIES; from anyone else they are ignored (audit rows record req.ip).
    trustProxy: config.trustedProxies.length ? [...config.trustedProxies] : false,
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Query strings and path parameters arrive as text and are coerced to their schema's types;
  // JSON bodies are taken as sent (a number sent as "820" is an error, not a guess). Unknown
  // fields are refused everywhere, never silently dropped.
  const Ajv = AjvModule.default;
  const addFormats = addFormatsModule.default;
  const strictAjv = addFormats(new Ajv({ removeAdditional: false, coerceTypes: false, useDefaults: true, allErrors: true, strict: false }));
  const coercingAjv = addFormats(new Ajv({ removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: true, strict: false }));
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strictAjv : coercingAjv).compile(schema));

  const log = app.log as unknown as Logger;
  const cipher = new FieldCipher(opts.keys);
  const audit = new AuditService(opts.keys.mac, opts.keys.auditSigning);
  const auditAnchors = new AuditAnchors(audit, database.db, anchorFileOf(config), log, config.auditAnchorSeconds * 1000);
  const auth = new AuthService(database.db, config, audit, cipher);
  const platform: Platform = {
    config, database, db: database.db, log, cipher, audit, auditAnchors, auth, approvals: new ApprovalService(database.db, audit, cipher), grants: new GrantService(),
    jobs: new JobQueue(database.db, log, { pollMs: config.jobsPollMs, heartbeatMs: config.jobsHeartbeatMs, staleMs: config.jobsStaleMs }), events: new EventBus(), broker: new Broker(log),
    calendar: new WorkCalendar(database.db, audit),
  };

  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  app.addSchema(ErrorBody);
  app.addSchema(ApprovalOut);
  await registerSecurityHeaders(app, config);
  await app.register(cookie);
  installFormBodies(app, config.bodyLimitBytes);
  installCrossSiteGuard(app, config);
  await installRateLimits(app, { config, database });
  await app.register(multipart, { limits: { fileSize: config.uploadLimitBytes, files: 1, fields: 20 }, throwFileSizeLimit: true });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Qingche (轻车) API', version, description: 'Grassroots-governance platform: base data entered once, one-click reports and certificates. Every route states the permission it needs; errors share one shape (ErrorBody).' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, session: { type: 'apiKey', in: 'cookie', name: 'qc_session' } } },
      security: [{ bearer: [] }, { session: [] }],
    },
    refResolver: { buildLocalReference: (json, _base, _frag, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'list', deepLinking: true, validatorUrl: null } });
  await app.register(authPlugin, { auth });

  const indexFile = join(webDist, 'index.html');
  installErrorHandling(app, {
    bodyLimit: config.bodyLimitBytes,
    spaIndex: () => (existsSync(indexFile) ? readFileSync(indexFile, 'utf8') : '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>轻车 Qingche</title><body><p>The web app is not built yet: run <code>npm run build:web</code>. The API is at <a href="/api/docs">/api/docs</a>.</p></body></html>'),
  });
  if (existsSync(webDist)) await app.register(fastifyStatic, { root: webDist, prefix: '/', wildcard: false, index: ['index.html'] });

  await platform.calendar.ensureShipped();
  const modules = createModules(platform);
  for (const m of modules.list) await m.init?.();

  await app.register(
    async (api) => {
      api.get(
        '/health',
        {
          config: { public: true, rateLimits: [] },
          schema: {
            tags: ['platform'],
            summary: 'Liveness and the state of the database and the MQTT broker',
            response: {
              200: Type.Object({ status: Type.String({ enum: ['ok', 'degraded'] }), version: Type.String(), uptimeSeconds: Type.Number(), database: Type.Object({ engine: Type.String(), ok: Type.Boolean(), latencyMs: Type.Number() }), broker: Type.Object({ mode: Type.String(), connected: Type.Boolean(), url: Type.String() }) }),
              503: Type.Unknown(),
            },
          },
        },
        async (_req, reply) => {
          let dbOk = true;
          let latencyMs = -1;
          try {
            latencyMs = Math.round((await ping(database.db)) * 100) / 100;
          } catch {
            dbOk = false;
          }
          const broker = platform.broker.status();
          const body = { status: dbOk && broker.connected ? 'ok' : 'degraded', version, uptimeSeconds: Math.round(process.uptime()), database: { engine: database.engine, ok: dbOk, latencyMs }, broker };
          return reply.code(dbOk ? 200 : 503).send(body);
        },
      );
      api.get('/openapi.json', { config: { public: true, rateLimits: [] }, schema: { hide: true } }, async () => app.swagger());
      await api.register(authRoutes({ auth, describeNode: (id) => modules.tree.service.describe(id), secureCookies: config.publicBaseUrl.startsWith('https:') }));
      await api.register(auditRoutes({ db: database.db, audit, anchors: auditAnchors, people: (ids) => modules.tree.service.people(ids) }));
      await api.register(approvalRoutes(platform.approvals));
      await api.register(clientErrorRoutes(log));
      await api.register(opsRoutes({ config, database, audit }));
      await api.register(calendarRoutes(platform.calendar));
      for (const m of modules.list) if (m.routes) await api.register(m.routes);
    },
    { prefix: '/api' },
  );

  let backgroundStarted = false;
  return {
    app,
    platform,
    modules,
    async startBackground() {
      if (backgroundStarted) return;
      backgroundStarted = true;
      await platform.broker.start({ url: config.mqttUrl, port: config.mqttPort, host: config.host, authenticate: async (_u, pw) => (await auth.authenticateDevice(pw)) !== null });
      for (const m of modules.list) await m.start?.();
      // On the embedded database this process alone holds the folder (its lock): jobs left running are orphans.
      if (config.jobsEnabled) await platform.jobs.start({ exclusive: database.engine === 'pglite' });
      if (opts.keys.auditSigningFile && isInside(config.dataDir, opts.keys.auditSigningFile)) {
        log.warn({ keyFile: opts.keys.auditSigningFile }, 'the audit signing key is kept in the data folder (a development default): anchors and checkpoints do not protect the audit log from someone holding the folder; set QC_AUDIT_SIGNING_KEY_FILE to a file elsewhere');
      }
      await auditAnchors.start();
    },
    async close() {
      await platform.jobs.stop();
      for (const m of modules.list) await m.stop?.();
      await platform.broker.stop();
      await app.close();
      // Every request has been answered; its audit rows are committed. The last anchor records them.
      await audit.settled();
      if (backgroundStarted) await auditAnchors.stop().catch((err: unknown) => log.error({ err }, 'the last audit anchor failed'));
    },
  };
}

// HTTP for the report registry and one-click reports. Thin: each route names its permission and
// schemas (schemas.ts) and hands the typed context to one service call. The routes are split by
// resource: the source catalogue and templates (templates.routes.ts), official forms
// (forms.routes.ts), due reports (due.routes.ts), submissions and the consolidated view
// (submissions.routes.ts), and the reviewer's burden page (burden.routes.ts).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { auditRefusals } from '../../platform/refusals.js';
import { burdenRoutes } from './burden.routes.js';
import { dueRoutes } from './due.routes.js';
import { formRoutes } from './forms.routes.js';
import type { ReportService } from './service.js';
import { submissionRoutes } from './submissions.routes.js';
import { templateRoutes } from './templates.routes.js';

export function reportRoutes(svc: ReportService): FastifyPluginAsyncTypebox {
  return async (app) => {
    // Schemas are used inline, not added with addSchema: a schema added inside a plugin gives that
    // plugin Fastify's default validator (which coerces and drops unknown fields) instead of the app's strict one.
    // A refused drill-down (a protected figure, a department without a purpose …) is audited.
    auditRefusals(app, { audit: svc.platform.audit, db: svc.platform.db });
    templateRoutes(app, svc);
    formRoutes(app, svc);
    dueRoutes(app, svc);
    submissionRoutes(app, svc);
    burdenRoutes(app, svc);
  };
}

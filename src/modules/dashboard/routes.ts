// HTTP for the home dashboard, and the small public UI configuration the web app reads before
// anyone logs in (map tiles, password policy, idle timeout).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Config } from '../../config.js';
import { errorResponses } from '../../platform/http.js';
import * as S from './schemas.js';
import type { DashboardService } from './service.js';

export function dashboardRoutes(service: DashboardService, config: Config): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['dashboard'];

    app.get('/dashboard', {
      config: { permission: 'dashboard:read' },
      schema: {
        tags,
        summary: 'The home dashboard of a node in the caller’s subtree (the caller’s own node by default): tiles from every module the caller may use',
        description: 'A node above the caller’s own (an ancestor) falls back to the caller’s node; a node outside the caller’s area answers 404.',
        querystring: S.DashboardQuery,
        response: { 200: S.DashboardOut, ...errorResponses },
      },
    }, async (req) => service.build(req.authed, req.query.nodeId));

    app.get('/ui/config', {
      config: { public: true },
      schema: {
        tags,
        summary: 'Settings the web app needs before log-in: map tile URL (empty: vector layers only), password policy, session idle timeout',
        response: { 200: S.UiConfigOut },
      },
    }, async (): Promise<S.UiConfigOut> => ({ tileUrl: config.tileUrl, passwordMinLength: config.passwordMinLength, passwordMinClasses: config.passwordMinClasses, sessionIdleMinutes: config.sessionIdleMinutes }));
  };
}

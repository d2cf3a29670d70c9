// HTTP for the home dashboard, and the small public UI configuration the web app reads before
// anyone logs in (map tiles, password policy, idle timeout).
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Config } from '../../config.js';
import { errorResponses, StrictObject } from '../../platform/http.js';
import type { DashboardService } from './service.js';
import { TileSchema } from './tiles.js';

const NodeBrief = Type.Object({
  id: Type.Integer(), code: Type.String(), name: Type.String(), level: Type.String(), kind: Type.String(), path: Type.String(), parentId: Type.Union([Type.Integer(), Type.Null()]),
  centerLat: Type.Union([Type.Number(), Type.Null()]), centerLng: Type.Union([Type.Number(), Type.Null()]),
});

export function dashboardRoutes(service: DashboardService, config: Config): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/dashboard',
      {
        config: { permission: 'dashboard:read' },
        schema: {
          tags: ['dashboard'],
          summary: 'The home dashboard of a node in the caller’s subtree (the caller’s own node by default): tiles from every module the caller may use',
          description: 'A node above the caller’s own (an ancestor) falls back to the caller’s node; a node outside the caller’s area answers 404.',
          querystring: StrictObject({ nodeId: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })) }),
          response: {
            200: Type.Object({
              node: NodeBrief,
              trail: Type.Array(Type.String()),
              generatedAt: Type.String({ format: 'date-time' }),
              tiles: Type.Array(TileSchema),
              unavailable: Type.Array(Type.Object({ key: Type.String(), message: Type.String() })),
            }),
            ...errorResponses,
          },
        },
      },
      async (req) => {
        const d = await service.build(req.ctx, req.query.nodeId);
        const n = d.node;
        return { ...d, node: { id: n.id, code: n.code, name: n.name, level: n.level, kind: n.kind, path: n.path, parentId: n.parentId, centerLat: n.centerLat, centerLng: n.centerLng } };
      },
    );

    app.get(
      '/ui/config',
      {
        config: { public: true },
        schema: {
          tags: ['dashboard'],
          summary: 'Settings the web app needs before log-in: map tile URL (empty: vector layers only), password policy, session idle timeout',
          response: {
            200: Type.Object({
              tileUrl: Type.String({ description: 'QC_TILE_URL; empty when no tile server is configured' }),
              passwordMinLength: Type.Integer(),
              passwordMinClasses: Type.Integer(),
              sessionIdleMinutes: Type.Integer(),
            }),
          },
        },
      },
      async () => ({ tileUrl: config.tileUrl, passwordMinLength: config.passwordMinLength, passwordMinClasses: config.passwordMinClasses, sessionIdleMinutes: config.sessionIdleMinutes }),
    );
  };
}

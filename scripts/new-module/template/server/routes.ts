// HTTP for the __title__ module. Thin: each route names its permission and schemas and hands the
// typed context to the service. Split per resource when this file grows past about 150 lines.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../../platform/http.js';
import { IdParam } from '../../platform/schemas.js';
import * as S from './schemas.js';
import type { __Name__Service } from './service.js';

export function __name__Routes(service: __Name__Service): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['__name__'];
    // Replace with the module's own permission (src/platform/auth/roles.ts).
    const read = { permission: 'tree:read' } as const;

    app.get('/__kebab__', {
      config: read,
      schema: { tags, summary: 'Items in the caller’s area, newest first', querystring: S.__Name__Query, response: { 200: S.__Name__Page, ...errorResponses } },
    }, async (req) => service.list(req.authed, req.query));

    app.get('/__kebab__/:id', {
      config: read,
      schema: { tags, summary: 'One item', params: IdParam, response: { 200: S.__Name__Out, ...errorResponses } },
    }, async (req) => service.get(req.authed, req.params.id));
  };
}

// The web app's own failures (a page that broke in the browser): it shows the user a plain message
// and an id, and sends the browser's message and stack here under that id, so that a support call
// naming the id finds the log line. Open without log-in (the log-in page can break too), counted
// against the public rate limit, bounded in size; nothing is stored but the log line.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Logger } from 'pino';
import { errorResponses, StrictObject } from './http.js';

export function clientErrorRoutes(log: Logger): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/client-errors',
      {
        config: { public: true },
        schema: {
          tags: ['platform'],
          summary: 'The web app reports a page that broke in the browser, under the id it showed the user',
          body: StrictObject({
            id: Type.String({ pattern: '^C-[0-9A-Z]{6,20}$', description: 'The id the user was shown' }),
            message: Type.String({ maxLength: 500 }),
            stack: Type.Optional(Type.String({ maxLength: 4000 })),
            path: Type.String({ maxLength: 300, pattern: '^/[^?#]*$', description: 'The page’s path, without its query string' }),
          }),
          response: { 204: Type.Null(), ...errorResponses },
        },
      },
      async (req, reply) => {
        const b = req.body;
        log.warn({ clientErrorId: b.id, message: b.message, stack: b.stack, path: b.path, userId: req.ctx?.principal?.userId ?? null, requestId: req.id }, 'a page broke in the browser');
        return reply.code(204).send(null);
      },
    );
  };
}

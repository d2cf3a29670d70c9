// HTTP for certificates: the public face (catalogue, handbook, published keys, verification) and
// the staff face (checking and issuing, the issued list, revocation, printing, editing the
// catalogue and handbook, key rotation, assisted service), one file per part.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { assistedRoutes } from './assisted.routes.js';
import { catalogueRoutes } from './catalogue.routes.js';
import { issueRoutes } from './issue.routes.js';
import { publicRoutes } from './public.routes.js';
import type { CertificatesService } from './services.js';

export function certificateRoutes(s: CertificatesService): FastifyPluginAsyncTypebox {
  return async (app, opts) => {
    // Without a configured public address, QR codes point at the address the server listens on.
    s.certificates.listening = () => {
      const a = app.server.address();
      if (!a || typeof a === 'string') return null;
      const host = a.address === '0.0.0.0' || a.address === '::' ? '127.0.0.1' : a.family === 'IPv6' ? `[${a.address}]` : a.address;
      return `http://${host}:${a.port}`;
    };
    // The parts add their routes to this same context, in this order.
    for (const part of [publicRoutes, catalogueRoutes, issueRoutes, assistedRoutes]) await part(s)(app, opts);
  };
}

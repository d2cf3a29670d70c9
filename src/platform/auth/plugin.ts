// The one place every request is authenticated and authorised. Routes declare what they need in
// their config: `public: true`, or `permission: 'registry:read'`; nothing else checks roles.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { requireAuthed, type AuthedContext, type RequestContext } from '../context.js';
import { AppError, PlatformErrors } from '../errors.js';
import { detectLang } from '../http.js';
import type { Permission } from './roles.js';
import { AuthErrors, type AuthService } from './service.js';

declare module 'fastify' {
  interface FastifyRequest {
    ctx: RequestContext;
    /** The context with a non-null principal, for routes that declare a permission (throws on an anonymous caller). */
    readonly authed: AuthedContext;
  }
  interface FastifyContextConfig {
    /** Reachable without logging in (public pages, health, log-in itself). */
    public?: boolean;
    /**
     * The permission the route needs (a list: any one of them); a route that is not public must
     * name one or set `authenticated`. Finer rules (grants, scope) are the service's to check.
     */
    permission?: Permission | readonly Permission[];
    /** Any logged-in caller may use it (their own profile, password change). */
    authenticated?: boolean;
    /** Usable while the second factor is still owed (enrolment, log-out, me). */
    allowPendingMfa?: boolean;
    /** Usable while an initial password must still be changed. */
    allowPasswordChange?: boolean;
  }
}

export const SESSION_COOKIE = 'qc_session';

export function bearerToken(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (typeof h === 'string' && /^Bearer\s+/i.test(h)) return h.replace(/^Bearer\s+/i, '').trim();
  const c = req.cookies?.[SESSION_COOKIE];
  return c ? c : null;
}

async function authPlugin(app: FastifyInstance, opts: { auth: AuthService }) {
  app.decorateRequest('ctx', null as unknown as RequestContext);
  app.decorateRequest('authed', {
    getter(this: FastifyRequest) {
      return requireAuthed(this.ctx);
    },
  });

  app.addHook('onRequest', async (req) => {
    req.ctx = { principal: null, lang: detectLang(req), ip: req.ip, requestId: String(req.id) };
    const config = req.routeOptions.config ?? {};
    const token = bearerToken(req);
    // The web app's files and the API documentation are public; the API itself is not, unless a route says so.
    const routeUrl = req.routeOptions.url ?? '';
    const publicAsset = routeUrl !== '' && (!routeUrl.startsWith('/api/') || routeUrl.startsWith('/api/docs'));
    if (config.public || publicAsset) {
      // Public routes still learn who is calling when a valid token comes along; a bad one is ignored.
      if (token) {
        try {
          const caller = await opts.auth.authenticate(token);
          if (!caller.mfaPending) req.ctx = { ...req.ctx, principal: caller.principal };
        } catch {
          /* anonymous */
        }
      }
      return;
    }
    if (!req.routeOptions.url) return; // unknown route: the not-found handler answers
    if (!token) throw new AppError(PlatformErrors.UNAUTHENTICATED);
    const caller = await opts.auth.authenticate(token);
    req.ctx = { ...req.ctx, principal: caller.principal, mfaPending: caller.mfaPending };
    if (caller.mfaPending && !config.allowPendingMfa) throw new AppError(AuthErrors.MFA_ENROLLMENT_REQUIRED);
    if (caller.mustChangePassword && !config.allowPasswordChange && !config.allowPendingMfa) throw new AppError(AuthErrors.PASSWORD_CHANGE_REQUIRED);
    if (config.permission) {
      const needed = typeof config.permission === 'string' ? [config.permission] : config.permission;
      if (!needed.some((p) => caller.principal.permissions.has(p))) throw new AppError(PlatformErrors.FORBIDDEN, { permission: needed.join(' | ') });
    } else if (!config.authenticated && !config.allowPendingMfa && !config.allowPasswordChange) {
      // A route that forgot to declare its permission is closed, not open.
      throw new AppError(PlatformErrors.FORBIDDEN, { permission: '(undeclared)' });
    }
  });
}

export default fp(authPlugin, { name: 'qingche-auth', dependencies: ['@fastify/cookie'] });

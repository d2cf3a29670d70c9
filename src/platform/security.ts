// Browser-facing defences shared by every route: security headers (a strict Content-Security-Policy
// among them), a cross-site request check on writes that ride on the session cookie, and request
// bodies in form encoding only where a route asks for them. See docs/decisions/0013.
import { parse as parseQuery } from 'node:querystring';
import helmet from '@fastify/helmet';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { AppError, defineErrors } from './errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route accepts application/x-www-form-urlencoded bodies (HTML forms of other systems,
     * e.g. Open311). Every other route answers 415 to them.
     */
    formBody?: boolean;
    /**
     * The route may be written to from other sites' pages (it authenticates nothing from cookies).
     * Without it, a cookie-authenticated write from another origin is refused.
     */
    crossSite?: boolean;
  }
}

export const SecurityErrors = defineErrors({
  CROSS_SITE_REQUEST: { status: 403, zh: '拒绝来自其他网站的请求，请在本平台页面内操作', en: 'Refused a request sent from another site; use the platform’s own pages' },
});

/** "https://{s}.tile.example.org/{z}/{x}/{y}.png" -> "https://*.tile.example.org"; a path or nothing -> null. */
export function tileSource(tileUrl: string): string | null {
  if (!tileUrl || tileUrl.startsWith('/')) return null;
  const m = /^(https?):\/\/([^/?#]+)/i.exec(tileUrl);
  if (!m) return null;
  const [, scheme, hostPort] = m as unknown as [string, string, string];
  // A placeholder in the host ({s} subdomains) becomes the one wildcard CSP allows: the leftmost label.
  const labels = hostPort.split('.');
  const host = labels.map((l, i) => (l.includes('{') ? (i === 0 ? '*' : null) : l));
  if (host.includes(null)) return `${scheme.toLowerCase()}:`;
  return `${scheme.toLowerCase()}://${host.join('.').toLowerCase()}`;
}

/** The Content-Security-Policy directives of every answer (web app, API, PDFs, API docs). */
export function cspDirectives(config: Pick<Config, 'tileUrl' | 'publicBaseUrl'>): Record<string, string[]> {
  const tiles = tileSource(config.tileUrl);
  const directives: Record<string, string[]> = {
    'default-src': ["'self'"],
    // No inline script, no eval, nothing from elsewhere: an injected tag cannot run.
    'script-src': ["'self'"],
    'script-src-attr': ["'none'"],
    // Ant Design writes its styles at run time and Leaflet, ECharts and React set style attributes;
    // styles cannot run script (decision 0013).
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:', ...(tiles ? [tiles] : [])],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'"],
    'media-src': ["'self'", 'blob:'],
    'worker-src': ["'self'", 'blob:'],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    // The app shows its own PDFs in frames; nobody else may frame it (clickjacking).
    'frame-src': ["'self'"],
    'frame-ancestors': ["'self'"],
    'manifest-src': ["'self'"],
  };
  if (config.publicBaseUrl.startsWith('https:')) directives['upgrade-insecure-requests'] = [];
  return directives;
}

export function cspHeader(config: Pick<Config, 'tileUrl' | 'publicBaseUrl'>): string {
  return Object.entries(cspDirectives(config))
    .map(([k, v]) => (v.length ? `${k} ${v.join(' ')}` : k))
    .join('; ');
}

/** Helmet with the platform's policy: CSP, nosniff, framing, referrer, HSTS behind TLS. */
export async function registerSecurityHeaders(app: FastifyInstance, config: Config): Promise<void> {
  const tls = config.publicBaseUrl.startsWith('https:');
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: cspDirectives(config) },
    // Map tiles come from another origin without CORP headers; requiring them would blank the map.
    crossOriginEmbedderPolicy: false,
    crossOriginResourcePolicy: { policy: 'same-origin' },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    xFrameOptions: { action: 'sameorigin' },
    // Other sites (a tile server) learn at most our origin, never a page's path or query (a QR
    // payload sits in the verification page's address).
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    strictTransportSecurity: tls ? { maxAge: 31_536_000, includeSubDomains: false, preload: false } : false,
    xContentTypeOptions: true,
    xDnsPrefetchControl: { allow: false },
    xPermittedCrossDomainPolicies: { permittedPolicies: 'none' },
    xXssProtection: true,
  });
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function hasBearer(req: FastifyRequest): boolean {
  const h = req.headers.authorization;
  return typeof h === 'string' && /^Bearer\s+\S/i.test(h);
}

/** True when the Origin header names this server (by its Host, or the configured public address). */
function sameOrigin(origin: string, req: FastifyRequest, config: Config): boolean {
  if (origin === 'null') return false;
  let o: URL;
  try {
    o = new URL(origin);
  } catch {
    return false;
  }
  if (config.publicBaseUrl) {
    try {
      if (new URL(config.publicBaseUrl).origin === o.origin) return true;
    } catch {
      /* validated at start */
    }
  }
  // The host the browser addressed: Host, or X-Forwarded-Host from a trusted proxy.
  // (URL drops a scheme's default port, and so does a browser's Host header.)
  return o.host.toLowerCase() === String(req.host ?? '').toLowerCase().replace(/:(80|443)$/, '');
}

/**
 * Writes that a browser could be tricked into sending with the session cookie must come from our
 * own pages. Browsers say where a request comes from (Sec-Fetch-Site, Origin); a bearer-token call
 * carries no ambient credential and is exempt, and so is a route marked `crossSite`.
 */
export function installCrossSiteGuard(app: FastifyInstance, config: Config): void {
  app.addHook('onRequest', async (req) => {
    if (!UNSAFE.has(req.method) || hasBearer(req) || req.routeOptions.config?.crossSite) return;
    const site = req.headers['sec-fetch-site'];
    if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') throw new AppError(SecurityErrors.CROSS_SITE_REQUEST, {}, undefined, { secFetchSite: site });
    const origin = req.headers.origin;
    if (typeof origin === 'string' && !sameOrigin(origin, req, config)) throw new AppError(SecurityErrors.CROSS_SITE_REQUEST, {}, undefined, { origin });
  });
}

/**
 * HTML form bodies (application/x-www-form-urlencoded) are parsed only for routes that opt in with
 * `config.formBody`; elsewhere they are refused with 415 before anything reads them, so that a form
 * on another site cannot drive a JSON route.
 */
export function installFormBodies(app: FastifyInstance, bodyLimit: number): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit }, (req, body, done) => {
    if (!req.routeOptions.config?.formBody) {
      const err = Object.assign(new Error('form bodies are not accepted here'), { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' });
      done(err, undefined);
      return;
    }
    const parsed = parseQuery(String(body));
    done(null, Object.assign(Object.create(null) as Record<string, unknown>, parsed));
  });
}

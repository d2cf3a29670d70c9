// Rate limits (@fastify/rate-limit): log-in per address and per account, the public API per
// address, certificate checks per address, and typed verification codes per address and per code
// prefix. Counts live in PostgreSQL when the platform runs on it (every instance shares them) and
// in memory on the embedded database, which one process owns. A refused request gets 429 with
// Retry-After. Limits are set in config.ts (QC_RATE_*); docs/operations.md lists them.
import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import { sql } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config, RateSpec } from '../config.js';
import { queryRows, type Database, type Db } from '../db/client.js';
import { AppError, PlatformErrors } from './errors.js';

export const rateLimitNames = ['loginAddress', 'loginAccount', 'public', 'verify', 'verifyCode', 'verifyCodePrefix'] as const;
export type RateLimitName = (typeof rateLimitNames)[number];

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Limits this route counts against. Public API routes that name none count against `public`;
     * an empty list means none (health checks).
     */
    rateLimits?: readonly RateLimitName[];
  }
}

/** The address a limit counts by: IPv4 as is, IPv6 by its /64 (one subscriber's network). */
export function addressKey(ip: string): string {
  try {
    return normalizeIP(ip, 64);
  } catch {
    return ip;
  }
}

// ---- stores ---------------------------------------------------------------------------------

export interface Hit {
  /** Hits in the current window, this one included. */
  count: number;
  /** Milliseconds until the window ends. */
  ttl: number;
}

export interface CounterStore {
  hit(key: string, weight: number, windowMs: number): Promise<Hit>;
  close(): void;
}

/** Fixed windows in this process's memory. */
export class MemoryCounterStore implements CounterStore {
  private readonly map = new Map<string, { count: number; resetAt: number }>();
  async hit(key: string, weight: number, windowMs: number): Promise<Hit> {
    const now = Date.now();
    let e = this.map.get(key);
    if (!e || e.resetAt <= now) {
      if (this.map.size > 200_000) for (const [k, v] of this.map) if (v.resetAt <= now) this.map.delete(k);
      e = { count: 0, resetAt: now + windowMs };
      this.map.set(key, e);
    }
    e.count += weight;
    return { count: e.count, ttl: e.resetAt - now };
  }
  close(): void {
    this.map.clear();
  }
}

/** Fixed windows in the rate_limit_counter table: one atomic upsert per hit, shared by all instances. */
export class DatabaseCounterStore implements CounterStore {
  private hits = 0;
  constructor(private readonly db: Db) {}
  async hit(key: string, weight: number, windowMs: number): Promise<Hit> {
    const rows = await queryRows<{ hits: number; ttl: number }>(this.db, sql`
      INSERT INTO rate_limit_counter AS c (key, hits, reset_at) VALUES (${key}, ${weight}, now() + ${windowMs} * interval '1 millisecond')
      ON CONFLICT (key) DO UPDATE SET
        hits = CASE WHEN c.reset_at <= now() THEN EXCLUDED.hits ELSE c.hits + EXCLUDED.hits END,
        reset_at = CASE WHEN c.reset_at <= now() THEN EXCLUDED.reset_at ELSE c.reset_at END
      RETURNING hits, greatest(0, ceil(extract(epoch FROM reset_at - now()) * 1000))::int AS ttl`);
    // Windows that ended are swept now and then, not on every hit.
    if (++this.hits % 1000 === 0) void this.db.execute(sql`DELETE FROM rate_limit_counter WHERE reset_at < now() - interval '1 minute'`).catch(() => undefined);
    const r = rows[0]!;
    return { count: Number(r.hits), ttl: Number(r.ttl) };
  }
  close(): void {}
}

/** @fastify/rate-limit's store interface over a CounterStore. */
function pluginStore(store: CounterStore) {
  return class {
    incr(key: string, cb: (err: Error | null, res?: { current: number; ttl: number }) => void, timeWindow: number) {
      store.hit(key, 1, timeWindow).then((h) => cb(null, { current: h.count, ttl: h.ttl }), (err: Error) => cb(err));
    }
    child() {
      return this;
    }
  };
}

// ---- policies -------------------------------------------------------------------------------

function tooMany(reply: FastifyReply, spec: RateSpec, ttlMs: number): never {
  const seconds = Math.max(1, Math.ceil(ttlMs / 1000));
  reply.header('retry-after', seconds);
  reply.header('x-ratelimit-limit', spec.max);
  reply.header('x-ratelimit-remaining', 0);
  reply.header('x-ratelimit-reset', seconds);
  throw new AppError(PlatformErrors.RATE_LIMITED, {}, undefined, { retryAfterSeconds: seconds });
}

type Body = Record<string, unknown> | undefined;

/** The typed codes of a verification request (query, body or batch). */
function typedCodes(req: FastifyRequest): string[] {
  const one = (x: unknown) => (x && typeof x === 'object' && typeof (x as { code?: unknown }).code === 'string' ? [(x as { code: string }).code] : []);
  const body = req.body as Body;
  if (body && Array.isArray(body.items)) return body.items.flatMap(one);
  return [...one(req.query), ...one(body)];
}

/** Checks in a verification request: 1, or the batch's items. */
function checkCount(req: FastifyRequest): number {
  const body = req.body as Body;
  return body && Array.isArray(body.items) ? body.items.length : 1;
}

/** The first five characters of a code as people type it (case, dashes, O for 0 and I/L for 1 folded). */
export function codePrefix(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1').slice(0, 5);
}

export async function installRateLimits(app: FastifyInstance, deps: { config: Config; database: Database }): Promise<CounterStore> {
  const { config } = deps;
  const useDb = config.rateLimitStore === 'database' || (config.rateLimitStore === 'auto' && deps.database.engine === 'postgres');
  const store: CounterStore = useDb ? new DatabaseCounterStore(deps.database.db) : new MemoryCounterStore();
  app.addHook('onClose', async () => store.close());

  // @fastify/rate-limit types its store as a class with a constructor; ours is a factory of the same shape.
  // eslint-disable-next-line no-restricted-syntax -- library seam, see above
  await app.register(rateLimit, { global: false, store: pluginStore(store) as never, skipOnError: false });

  const specs: Record<RateLimitName, RateSpec | null> = {
    loginAddress: config.rateLoginAddress,
    loginAccount: config.rateLoginAccount,
    public: config.ratePublic,
    verify: config.rateVerify,
    verifyCode: config.rateVerifyCode,
    verifyCodePrefix: config.rateVerifyCodePrefix,
  };

  // One request, one hit, one key: through @fastify/rate-limit's limiter.
  const single = (name: RateLimitName, key: (req: FastifyRequest) => string | null) => {
    const spec = specs[name];
    if (!spec) return null;
    const limiter = app.createRateLimit({
      max: spec.max,
      timeWindow: spec.windowMs,
      keyGenerator: (req) => `${name}:${key(req) ?? ''}`,
      allowList: (req) => key(req) === null,
    });
    return async (req: FastifyRequest, reply: FastifyReply) => {
      const r = await limiter(req);
      if (!r.isAllowed && r.isExceeded) tooMany(reply, spec, r.ttl);
    };
  };

  // Weighted hits on several keys (a batch of typed codes): on the same store.
  const weighted = (name: RateLimitName, keys: (req: FastifyRequest) => Map<string, number>) => {
    const spec = specs[name];
    if (!spec) return null;
    return async (req: FastifyRequest, reply: FastifyReply) => {
      for (const [k, w] of keys(req)) {
        if (w <= 0) continue;
        const h = await store.hit(`${name}:${k}`, w, spec.windowMs);
        if (h.count > spec.max) tooMany(reply, spec, h.ttl);
      }
    };
  };

  const address = (req: FastifyRequest) => addressKey(req.ip);
  const handlers: Record<RateLimitName, { hook: 'onRequest' | 'preHandler'; run: ((req: FastifyRequest, reply: FastifyReply) => Promise<void>) | null }> = {
    loginAddress: { hook: 'onRequest', run: single('loginAddress', address) },
    loginAccount: {
      hook: 'preHandler',
      run: single('loginAccount', (req) => {
        const u = (req.body as Body)?.username;
        return typeof u === 'string' ? u.trim().toLowerCase().slice(0, 64) : null;
      }),
    },
    public: { hook: 'onRequest', run: single('public', address) },
    verify: { hook: 'preHandler', run: weighted('verify', (req) => new Map([[address(req), checkCount(req)]])) },
    verifyCode: { hook: 'preHandler', run: weighted('verifyCode', (req) => new Map([[address(req), typedCodes(req).length]])) },
    verifyCodePrefix: {
      hook: 'preHandler',
      run: weighted('verifyCodePrefix', (req) => {
        const m = new Map<string, number>();
        for (const c of typedCodes(req)) m.set(codePrefix(c), (m.get(codePrefix(c)) ?? 0) + 1);
        return m;
      }),
    },
  };

  app.addHook('onRoute', (route) => {
    const cfg = (route.config ?? {}) as { public?: boolean; rateLimits?: readonly RateLimitName[] };
    const names = cfg.rateLimits ?? (cfg.public && route.url.startsWith('/api/') ? (['public'] as const) : []);
    for (const name of names) {
      const h = handlers[name];
      if (!h.run) continue;
      const existing = route[h.hook];
      const list = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
      // Fastify types each hook slot by its own signature; the list mixes them by name here.
      // eslint-disable-next-line no-restricted-syntax -- library seam, see above
      route[h.hook] = [...list, h.run] as never;
    }
  });
  return store;
}

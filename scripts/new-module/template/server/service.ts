// The __title__ module's rules and queries. Every write runs in one transaction with its audit
// row and its events; every read is scoped to the caller's subtree.
import { and, desc, eq, ilike, sql } from 'drizzle-orm';
import type { AuthedContext } from '../../platform/context.js';
import { AppError, outOfScope } from '../../platform/errors.js';
import type { Platform } from '../../platform/platform.js';
import { __Name__Errors } from './errors.js';
import type { __Name__Out, __Name__Page, __Name__Query, New__Name__In } from './schemas.js';
import { __name__Items } from './tables.js';

type Row = typeof __name__Items.$inferSelect;

export class __Name__Service {
  constructor(private readonly platform: Platform) {}

  private out(r: Row): __Name__Out {
    return { id: r.id, nodeId: r.nodeId, title: r.title, note: r.note, createdAt: r.createdAt.toISOString() };
  }

  async list(ctx: AuthedContext, q: __Name__Query): Promise<__Name__Page> {
    const where = and(sql`${__name__Items.treePath} LIKE ${`${ctx.principal.treePath}%`}`, q.q ? ilike(__name__Items.title, `%${q.q}%`) : undefined);
    const [rows, [count]] = await Promise.all([
      this.platform.db.select().from(__name__Items).where(where).orderBy(desc(__name__Items.id)).limit(q.limit).offset(q.offset),
      this.platform.db.select({ n: sql<number>`count(*)::int` }).from(__name__Items).where(where),
    ]);
    return { items: rows.map((r) => this.out(r)), total: count?.n ?? 0, limit: q.limit, offset: q.offset };
  }

  async get(ctx: AuthedContext, id: number): Promise<__Name__Out> {
    const [r] = await this.platform.db.select().from(__name__Items).where(eq(__name__Items.id, id));
    if (!r || !r.treePath.startsWith(ctx.principal.treePath)) throw new AppError(__Name__Errors.__NAME___NOT_FOUND);
    return this.out(r);
  }

  /** The node must be in the caller's subtree; the tree path is looked up through the tree module's face when you wire it. */
  async create(ctx: AuthedContext, input: New__Name__In, treePath: string): Promise<__Name__Out> {
    if (!treePath.startsWith(ctx.principal.treePath)) throw outOfScope();
    return this.platform.db.transaction(async (tx) => {
      const [r] = await tx.insert(__name__Items).values({ nodeId: input.nodeId, treePath, title: input.title, note: input.note ?? null, createdBy: ctx.principal.userId }).returning();
      await this.platform.events.emit('__name__.created', { id: r!.id, treePath }, tx, ctx);
      await this.platform.audit.record(tx, ctx, { category: 'write', action: '__name__.create', entityType: '__snake___item', entityId: r!.id, treePath, detail: { title: input.title } });
      return this.out(r!);
    });
  }
}

// Records as the routes ask for them (居民, 户, 楼栋, 房屋, 单位, 设施): create and read back,
// change with the version read, list with filters, confirm unchanged. The rules live in the
// store; this is where a request's shape becomes the store's calls, so that routes stay one call.
import { sql, type SQL } from 'drizzle-orm';
import type { AuthedContext } from '../../platform/context.js';
import type { FreshnessService } from './freshness.js';
import type { HistoryOut, OtherKind, RecordCreateIn, RecordListQuery, RecordPatchIn, StaleCounts, StaleOut, StaleQuery, StatusIn, Written } from './schemas.js';
import type { RecordOut, RegistryStore, Source } from './store.js';
import type { RecordKind } from './tables.js';

/** Who writes: the community (registry:write) or a department supplementing the fields it owns. */
export function writerOf(ctx: AuthedContext): Source {
  return ctx.principal.permissions.has('registry:write') ? 'community' : 'department';
}

/** A LIKE prefix of what someone typed, with the wildcards in it escaped. */
export function likePrefix(q: string): string {
  return `${q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
}

export class RecordService {
  constructor(
    private readonly store: RegistryStore,
    private readonly freshness: FreshnessService,
  ) {}

  /** Creates a record from a route body (placement, fields, reason) and reads it back as the caller may see it. */
  async create(ctx: AuthedContext, kind: RecordKind, body: RecordCreateIn): Promise<RecordOut> {
    const { reason, ...input } = body;
    const id = await this.store.create(ctx, kind, input, { source: 'community', reason });
    return this.store.get(ctx, kind, id);
  }

  /** Changes fields, refusing a stale version; a department changes only the fields it owns. */
  async update(ctx: AuthedContext, kind: RecordKind, id: number, body: RecordPatchIn): Promise<Written> {
    const { version, reason, ...patch } = body;
    return this.store.update(ctx, kind, id, patch, { expectedVersion: version, source: writerOf(ctx), reason });
  }

  async setStatus(ctx: AuthedContext, kind: RecordKind, id: number, body: StatusIn): Promise<{ version: number }> {
    return { version: await this.store.setStatus(ctx, kind, id, body.status, { expectedVersion: body.version, reason: body.reason }) };
  }

  async move(ctx: AuthedContext, kind: RecordKind, id: number, body: { gridId: number; version: number; reason: string }): Promise<{ version: number }> {
    return { version: await this.store.moveToGrid(ctx, kind, id, body.gridId, { expectedVersion: body.version, reason: body.reason }) };
  }

  get(ctx: AuthedContext, kind: RecordKind, id: number, reason?: string | null): Promise<RecordOut> {
    return this.store.get(ctx, kind, id, { reason });
  }

  history(ctx: AuthedContext, kind: RecordKind, id: number): Promise<HistoryOut> {
    return this.store.history(ctx, kind, id);
  }

  /** The subtree path of a node the caller may see, for a list filtered by place. */
  async nodePath(ctx: AuthedContext, nodeId: number | undefined): Promise<string | undefined> {
    return nodeId ? (await this.store.tree.getVisibleNode(ctx.principal, nodeId)).path : undefined;
  }

  /**
   * One page of households, buildings, houses, organisations or facilities in the caller's scope:
   * by place and status, a name (户号, room number) prefix, and the building a house or
   * organisation is in. The page is logged when it holds personal data (organisations).
   */
  async list(ctx: AuthedContext, kind: OtherKind, q: RecordListQuery) {
    const access = await this.store.access(ctx, kind);
    const conds: SQL[] = this.store.listConditions(ctx, kind, access, { nodePath: await this.nodePath(ctx, q.nodeId), status: q.status, gridId: q.gridId });
    if (q.q) {
      const col = kind === 'household' ? sql`household_no` : kind === 'house' ? sql`room_no` : sql`name`;
      conds.push(sql`${col} LIKE ${likePrefix(q.q)}`);
    }
    if (q.buildingId && (kind === 'house' || kind === 'organisation')) conds.push(sql`building_id = ${q.buildingId}`);
    const { rows, total, totalCapped } = await this.store.listRows(kind, conds, q.limit, q.offset);
    const items = await this.store.decodeMany(ctx, kind, rows, access);
    await this.store.logListRead(ctx, kind, items.map((i) => i.id), q);
    return { items, total, totalCapped, limit: q.limit, offset: q.offset };
  }

  /**
   * Confirms a record is still right without changing it: its review clocks restart. The
   * confirmation and its audit row are one transaction.
   */
  async confirm(ctx: AuthedContext, kind: OtherKind | 'resident', id: number): Promise<{ confirmedPolicies: number[] }> {
    const access = await this.store.access(ctx, kind);
    await this.store.getRow(ctx, kind, id, access);
    const ids = await this.store.db.transaction(async (tx) => {
      const confirmed = await this.freshness.confirm(tx, ctx, kind, id);
      await this.store.platform.audit.record(tx, ctx, { category: 'write', action: `${kind}.confirm`, entityType: kind, entityId: id });
      return confirmed;
    });
    return { confirmedPolicies: ids };
  }

  /** The to-do list of records due for review, under a node of the caller's scope. */
  async stale(ctx: AuthedContext, q: StaleQuery): Promise<StaleOut> {
    return this.freshness.staleList(ctx, { ...q, nodePath: await this.nodePath(ctx, q.nodeId) });
  }

  /** Overdue and due-soon counts under a node (the caller's own when it names none or one outside its scope). */
  async staleSummary(ctx: AuthedContext, nodeId: number | undefined): Promise<StaleCounts> {
    const p = ctx.principal;
    const node = await this.store.tree.getVisibleNode(p, nodeId ?? p.nodeId);
    return this.freshness.staleCounts(this.store.db, node.path.startsWith(p.treePath) ? node.path : p.treePath);
  }
}

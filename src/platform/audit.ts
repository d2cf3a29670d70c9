// Audit (审计): every write and every read of personal data leaves a row, written in the same
// transaction as what it records. Rows are chained: each row's hash is HMAC-SM3 over the previous
// row's hash and the row's own content, keyed so that someone with only database access cannot
// recompute the chain after an edit. `verify` walks the chain and names the first broken row.
import { and, asc, desc, eq, gt, gte, lte, sql, type SQL } from 'drizzle-orm';
import { createHmac } from 'node:crypto';
import type { Db, DbOrTx, Tx } from '../db/client.js';
import { queryOne, queryRows } from '../db/client.js';
import { auditCheckpoints, auditLog } from './audit.tables.js';
import type { RequestContext } from './context.js';

export type AuditCategory = 'read' | 'write' | 'auth' | 'admin' | 'export';

export interface AuditEntry {
  category: AuditCategory;
  /** What was done, e.g. resident.update, resident.unmask, auth.login. */
  action: string;
  entityType?: string;
  entityId?: string | number;
  /** Whose personal data (a resident id). */
  subjectId?: number | null;
  treePath?: string | null;
  districtCode?: string | null;
  /** The stated purpose of a sensitive look-up. */
  reason?: string | null;
  result?: 'ok' | 'denied' | 'failed';
  detail?: unknown;
}

const GENESIS = '0'.repeat(64);
// Any constant: serialises audit writers so that the chain has one order.
const AUDIT_LOCK_KEY = 7_204_118_001;

type AuditRow = typeof auditLog.$inferInsert;

/** Key-sorted JSON, so that the hash does not depend on jsonb's key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (typeof value === 'object') {
    const keys = Object.keys(value as object).filter((k) => (value as Record<string, unknown>)[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function rowContent(r: Omit<AuditRow, 'id' | 'hash' | 'prevHash'>): string {
  return canonicalJson([
    r.at instanceof Date ? r.at.toISOString() : r.at, r.actorId ?? null, r.actorName, r.actorRole, r.departmentId ?? null, r.category, r.action,
    r.entityType ?? null, r.entityId ?? null, r.subjectId ?? null, r.treePath ?? null, r.districtCode ?? null, r.ip ?? null, r.requestId ?? null,
    r.reason ?? null, r.result, r.detail ?? null,
  ]);
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  firstBrokenId?: number;
  problem?: string;
}

export class AuditService {
  private readonly chainKey: Buffer;
  constructor(macKey: Buffer) {
    this.chainKey = createHmac('sm3', macKey).update('qingche-audit-chain-v1').digest();
  }

  private link(prevHash: string, content: string): string {
    return createHmac('sm3', this.chainKey).update(prevHash).update('|').update(content).digest('hex');
  }

  // The hash this instance last wrote or read at the head of the chain: a guess that saves a
  // read of the log on the next read-audit row; a wrong guess costs one retry, never a fork.
  private head: string | null = null;

  /** Appends entries inside the caller's transaction; they commit or roll back with the change. */
  async record(tx: Tx, ctx: RequestContext, entries: AuditEntry | AuditEntry[]): Promise<void> {
    const list = Array.isArray(entries) ? entries : [entries];
    if (list.length === 0) return;
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`);
    const rows = this.chain(await this.lastHash(tx), ctx, list);
    for (let i = 0; i < rows.length; i += 1000) await tx.insert(auditLog).values(rows.slice(i, i + 1000));
    this.head = rows[rows.length - 1]!.hash;
  }

  /** Rows for the entries, each linked to the one before, the first to `prev`. */
  private chain(prevHash: string, ctx: RequestContext, list: AuditEntry[]): (AuditRow & { hash: string; prevHash: string })[] {
    const p = ctx.principal;
    const at = new Date();
    let prev = prevHash;
    return list.map((e) => {
      const row = {
        at,
        actorId: p?.userId ?? null,
        actorName: p ? p.username : 'anonymous',
        actorRole: p ? p.role : 'anonymous',
        departmentId: p?.departmentId ?? null,
        category: e.category,
        action: e.action,
        entityType: e.entityType ?? null,
        entityId: e.entityId === undefined ? null : String(e.entityId),
        subjectId: e.subjectId ?? null,
        treePath: e.treePath ?? null,
        districtCode: e.districtCode ?? null,
        ip: ctx.ip,
        requestId: ctx.requestId,
        reason: e.reason ?? null,
        result: e.result ?? 'ok',
        detail: e.detail === undefined ? null : (JSON.parse(JSON.stringify(e.detail)) as unknown),
      };
      const hash = this.link(prev, rowContent(row));
      const full = { ...row, prevHash: prev, hash };
      prev = hash;
      return full;
    });
  }

  /** For callers outside a transaction (log-in failures, reads): opens one just for the audit rows. */
  async recordNow(db: Db, ctx: RequestContext, entries: AuditEntry | AuditEntry[]): Promise<void> {
    const list = Array.isArray(entries) ? entries : [entries];
    if (list.length === 0) return;
    if (list.every((e) => e.category === 'read') && list.length <= 100) return this.appendReads(db, ctx, list);
    await db.transaction((tx) => this.record(tx, ctx, list));
  }

  /**
   * Rows recording reads, in one statement: it takes the writers' lock, checks that the hash it
   * links to is still the head of the chain, and inserts; the unique previous hash turns a race
   * into a retry. It commits without waiting for the disk flush (synchronous_commit off for this
   * statement only): the chain stays whole, and a server crash could lose at most the last
   * fraction of a second of read rows. Writes keep their rows in their own, fully synchronous
   * transaction (record()). See docs/decisions/0009.
   */
  private async appendReads(db: Db, ctx: RequestContext, list: AuditEntry[]): Promise<void> {
    if (this.head) {
      const prev = this.head;
      const rows = this.chain(prev, ctx, list);
      const records = sql.join(
        rows.map((r) => sql`(${r.at!.toISOString()}::timestamptz, ${r.actorId}::int, ${r.actorName}, ${r.actorRole}, ${r.departmentId}::int, ${r.category}, ${r.action}, ${r.entityType}, ${r.entityId}, ${r.subjectId}::bigint, ${r.treePath}, ${r.districtCode}, ${r.ip}, ${r.requestId}, ${r.reason}, ${r.result}, ${r.detail === null || r.detail === undefined ? null : JSON.stringify(r.detail)}::jsonb, ${r.prevHash}, ${r.hash})`),
        sql`, `,
      );
      try {
        const inserted = await queryRows<{ id: number }>(db, sql`
          WITH guard AS (SELECT pg_advisory_xact_lock(${AUDIT_LOCK_KEY}), set_config('synchronous_commit', 'off', true)),
               head AS (SELECT coalesce((SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1), (SELECT last_hash FROM audit_checkpoint ORDER BY id DESC LIMIT 1), ${GENESIS}) AS hash)
          INSERT INTO audit_log (at, actor_id, actor_name, actor_role, department_id, category, action, entity_type, entity_id, subject_id, tree_path, district_code, ip, request_id, reason, result, detail, prev_hash, hash)
          SELECT v.* FROM guard, head, (VALUES ${records}) AS v(at, actor_id, actor_name, actor_role, department_id, category, action, entity_type, entity_id, subject_id, tree_path, district_code, ip, request_id, reason, result, detail, prev_hash, hash)
          WHERE head.hash = ${prev}
          RETURNING id`);
        if (inserted.length === rows.length) {
          this.head = rows[rows.length - 1]!.hash;
          return;
        }
      } catch (e) {
        if ((e as { code?: string }).code !== '23505' && (e as { cause?: { code?: string } }).cause?.code !== '23505') throw e;
      }
    }
    // No guess, or someone else wrote since: the locked transaction reads the head and links to it.
    await db.transaction(async (tx) => {
      await tx.execute(sql`SELECT set_config('synchronous_commit', 'off', true)`);
      await this.record(tx, ctx, list);
    });
  }


  private async lastHash(tx: DbOrTx): Promise<string> {
    // Exact under the writers' lock (record()); anywhere else only a guess.
    const last = await queryOne<{ hash: string }>(tx, sql`SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1`);
    if (last) return last.hash;
    const cp = await queryOne<{ last_hash: string }>(tx, sql`SELECT last_hash FROM audit_checkpoint ORDER BY id DESC LIMIT 1`);
    return cp?.last_hash ?? GENESIS;
  }

  /** Walks the whole chain in id order and reports the first row whose link or content was altered. */
  async verify(db: Db, onProgress?: (checked: number) => void): Promise<VerifyResult> {
    const cp = await db.select().from(auditCheckpoints).orderBy(desc(auditCheckpoints.id)).limit(1);
    let prev = cp[0]?.lastHash ?? GENESIS;
    let afterId = (cp[0]?.firstKeptId ?? 1) - 1;
    let checked = 0;
    for (;;) {
      const batch = await db.select().from(auditLog).where(gt(auditLog.id, afterId)).orderBy(asc(auditLog.id)).limit(5000);
      if (batch.length === 0) return { ok: true, checked };
      for (const r of batch) {
        if (r.prevHash !== prev) return { ok: false, checked, firstBrokenId: r.id, problem: 'chain link broken (a row before it was removed or altered)' };
        const expect = this.link(prev, rowContent(r));
        if (expect !== r.hash) return { ok: false, checked, firstBrokenId: r.id, problem: 'row content does not match its hash (edited)' };
        prev = r.hash;
        checked += 1;
      }
      afterId = batch[batch.length - 1]!.id;
      onProgress?.(checked);
    }
  }

  /** Retention: removes rows older than `keepDays` (never under 180) and leaves a checkpoint. */
  async purge(db: Db, keepDays: number): Promise<number> {
    const days = Math.max(180, keepDays);
    return db.transaction(async (tx) => {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`);
      const cutoff = new Date(Date.now() - days * 86_400_000);
      const lastOld = await tx.select().from(auditLog).where(lte(auditLog.at, cutoff)).orderBy(desc(auditLog.id)).limit(1);
      if (!lastOld[0]) return 0;
      await tx.execute(sql`SELECT set_config('qingche.audit_purge', 'on', true)`);
      const deleted = await tx.delete(auditLog).where(lte(auditLog.id, lastOld[0].id)).returning({ id: auditLog.id });
      await tx.insert(auditCheckpoints).values({ firstKeptId: lastOld[0].id + 1, lastHash: lastOld[0].hash, purgedBefore: cutoff });
      return deleted.length;
    });
  }

  async search(db: Db, f: AuditQuery): Promise<{ items: (typeof auditLog.$inferSelect)[]; total: number }> {
    const conds: SQL[] = [];
    if (f.actorId !== undefined) conds.push(eq(auditLog.actorId, f.actorId));
    if (f.subjectId !== undefined) conds.push(eq(auditLog.subjectId, f.subjectId));
    if (f.action) conds.push(sql`${auditLog.action} LIKE ${`${f.action}%`}`);
    if (f.category) conds.push(eq(auditLog.category, f.category));
    if (f.from) conds.push(gte(auditLog.at, f.from));
    if (f.to) conds.push(lte(auditLog.at, f.to));
    if (f.entityType) conds.push(eq(auditLog.entityType, f.entityType));
    if (f.entityId) conds.push(eq(auditLog.entityId, f.entityId));
    const where = conds.length ? and(...conds) : undefined;
    const [items, count] = await Promise.all([
      db.select().from(auditLog).where(where).orderBy(desc(auditLog.id)).limit(f.limit).offset(f.offset),
      db.select({ n: sql<number>`count(*)::int` }).from(auditLog).where(where),
    ]);
    return { items, total: count[0]?.n ?? 0 };
  }
}

export interface AuditQuery {
  actorId?: number;
  subjectId?: number;
  action?: string;
  category?: AuditCategory;
  entityType?: string;
  entityId?: string;
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

// Audit (审计): every write and every read of personal data leaves a row, written in the same
// transaction as what it records. Rows are chained: each row's hash is HMAC-SM3 over the previous
// row's hash and the row's own content, keyed so that someone with only database access cannot
// recompute the chain after an edit. `verify` walks the chain and names the first broken row; the
// chain's head is also anchored outside the database and retention checkpoints are signed
// (audit-anchor.ts, decision 0024), so that removing rows from either end is found too, and so is
// a re-chaining by someone who has the MAC key.
import { and, asc, desc, eq, gt, gte, lte, sql, type SQL } from 'drizzle-orm';
import { createHmac, type KeyObject } from 'node:crypto';
import type { Db, DbOrTx, Tx } from '../db/client.js';
import { queryOne, queryRows } from '../db/client.js';
import { AuditSigner, checkpointPayload, type AuditAnchor } from './audit-anchor.js';
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
  /** The signed anchor the database was checked against (none: the chain's end was not checked). */
  anchor?: { at: string; rows: number; lastId: number } | null;
}

export interface VerifyOptions {
  /** The newest anchor (from the anchor log or a copy of the log output). */
  anchor?: AuditAnchor | null;
  /** Checks signatures with this public key instead of the one of the configured signing key. */
  publicKey?: KeyObject;
  onProgress?: (checked: number) => void;
}

type BuiltRow = Omit<AuditRow, 'prevHash' | 'hash'> & { at: Date };
type ChainedRow = BuiltRow & { prevHash: string; hash: string };

interface PendingGroup {
  rows: BuiltRow[];
  resolve(): void;
  reject(err: unknown): void;
}

/** Rows one group commit writes at most (one INSERT of up to 19,000 parameters). */
const GROUP_MAX_ROWS = 1000;

function isUniqueViolation(e: unknown): boolean {
  return (e as { code?: string }).code === '23505' || (e as { cause?: { code?: string } }).cause?.code === '23505';
}

export class AuditService {
  private readonly chainKey: Buffer;
  /** Signs retention checkpoints and anchors (Ed25519); null when built with the MAC key alone. */
  readonly signer: AuditSigner | null;

  constructor(macKey: Buffer, signingKey?: KeyObject | null) {
    this.chainKey = createHmac('sm3', macKey).update('qingche-audit-chain-v1').digest();
    this.signer = signingKey ? new AuditSigner(signingKey) : null;
  }

  private link(prevHash: string, content: string): string {
    return createHmac('sm3', this.chainKey).update(prevHash).update('|').update(content).digest('hex');
  }

  // The hash this instance last wrote or read at the head of the chain: a guess that saves a
  // read of the log on the next group of rows; a wrong guess costs one retry, never a fork.
  private head: string | null = null;

  /** Appends entries inside the caller's transaction; they commit or roll back with the change. */
  async record(tx: Tx, ctx: RequestContext, entries: AuditEntry | AuditEntry[]): Promise<void> {
    const list = Array.isArray(entries) ? entries : [entries];
    if (list.length === 0) return;
    const at = new Date();
    await this.insertLocked(tx, list.map((e) => this.build(ctx, e, at)));
  }

  /** Under the writers' lock: reads the head, links the rows to it and inserts them. */
  private async insertLocked(tx: Tx, built: BuiltRow[]): Promise<void> {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`);
    const rows = this.link_(await this.lastHash(tx), built);
    for (let i = 0; i < rows.length; i += 1000) await tx.insert(auditLog).values(rows.slice(i, i + 1000));
    this.head = rows[rows.length - 1]!.hash;
  }

  /** One row for an entry (everything but its place in the chain). Throws on a detail that is not JSON. */
  private build(ctx: RequestContext, e: AuditEntry, at: Date): BuiltRow {
    const p = ctx.principal;
    return {
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
  }

  /** The rows, each linked to the one before, the first to `prevHash`. */
  private link_(prevHash: string, built: BuiltRow[]): ChainedRow[] {
    let prev = prevHash;
    return built.map((row) => {
      const hash = this.link(prev, rowContent(row));
      const full = { ...row, prevHash: prev, hash };
      prev = hash;
      return full;
    });
  }

  /**
   * For callers outside a transaction (reads of personal data, log-in failures, exports): the
   * promise resolves once the rows are committed and flushed to the disk, so a read is never
   * answered before its audit row is durable. Rows arriving together share one commit (group
   * commit): while one commit is under way, the rows that arrive wait and go together in the next.
   * See docs/decisions/0024.
   */
  async recordNow(db: Db, ctx: RequestContext, entries: AuditEntry | AuditEntry[]): Promise<void> {
    const list = Array.isArray(entries) ? entries : [entries];
    if (list.length === 0) return;
    const at = new Date();
    const rows = list.map((e) => this.build(ctx, e, at));
    if (rows.length > 100) {
      await db.transaction((tx) => this.insertLocked(tx, rows));
      return;
    }
    return new Promise<void>((resolve, reject) => {
      let queue = this.pending.get(db);
      if (!queue) this.pending.set(db, (queue = []));
      queue.push({ rows, resolve, reject });
      if (!this.flushing.has(db)) {
        // The first commit starts on the next turn of the event loop, so that the reads answered
        // in this turn join it; later ones wait for the commit under way.
        const run = new Promise<void>((r) => setImmediate(r)).then(() => this.drain(db));
        this.flushing.set(db, run);
      }
    });
  }

  private readonly pending = new Map<Db, PendingGroup[]>();
  private readonly flushing = new Map<Db, Promise<void>>();

  /** Commits the waiting groups, a batch at a time, until none is left. */
  private async drain(db: Db): Promise<void> {
    const queue = this.pending.get(db)!;
    try {
      while (queue.length) {
        const batch: PendingGroup[] = [];
        let n = 0;
        while (queue.length && (batch.length === 0 || n + queue[0]!.rows.length <= GROUP_MAX_ROWS)) {
          const g = queue.shift()!;
          batch.push(g);
          n += g.rows.length;
        }
        try {
          await this.commitRows(db, batch.flatMap((g) => g.rows));
          for (const g of batch) g.resolve();
        } catch (err) {
          if (batch.length === 1) {
            batch[0]!.reject(err);
            continue;
          }
          // One caller's bad row must not cost the others theirs: each group on its own.
          for (const g of batch) {
            try {
              await this.commitRows(db, g.rows);
              g.resolve();
            } catch (e) {
              g.reject(e);
            }
          }
        }
      }
    } finally {
      this.flushing.delete(db);
      if (queue.length) this.flushing.set(db, this.drain(db));
    }
  }

  /** Resolves when every row handed to recordNow so far is committed (at shutdown). */
  async settled(): Promise<void> {
    while (this.flushing.size) await Promise.allSettled([...this.flushing.values()]);
  }

  /**
   * Rows in one statement with a synchronous commit: it takes the writers' lock, checks that the
   * hash it links to is still the head of the chain, and inserts; the unique previous hash turns
   * a race into a retry through the locked transaction that reads the head.
   */
  private async commitRows(db: Db, built: BuiltRow[]): Promise<void> {
    if (this.head) {
      const prev = this.head;
      const rows = this.link_(prev, built);
      const records = sql.join(
        rows.map((r) => sql`(${r.at.toISOString()}::timestamptz, ${r.actorId}::int, ${r.actorName}, ${r.actorRole}, ${r.departmentId}::int, ${r.category}, ${r.action}, ${r.entityType}, ${r.entityId}, ${r.subjectId}::bigint, ${r.treePath}, ${r.districtCode}, ${r.ip}, ${r.requestId}, ${r.reason}, ${r.result}, ${r.detail === null || r.detail === undefined ? null : JSON.stringify(r.detail)}::jsonb, ${r.prevHash}, ${r.hash})`),
        sql`, `,
      );
      try {
        const inserted = await queryRows<{ id: number }>(db, sql`
          WITH guard AS (SELECT pg_advisory_xact_lock(${AUDIT_LOCK_KEY})),
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
        if (!isUniqueViolation(e)) throw e;
      }
    }
    // No guess, or someone else wrote since: the locked transaction reads the head and links to it.
    await db.transaction((tx) => this.insertLocked(tx, built));
  }

  private async lastHash(tx: DbOrTx): Promise<string> {
    // Exact under the writers' lock (record()); anywhere else only a guess.
    const last = await queryOne<{ hash: string }>(tx, sql`SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1`);
    if (last) return last.hash;
    const cp = await queryOne<{ last_hash: string }>(tx, sql`SELECT last_hash FROM audit_checkpoint ORDER BY id DESC LIMIT 1`);
    return cp?.last_hash ?? GENESIS;
  }

  /**
   * The chain's head for an anchor: the last row's id and hash, and the rows from the chain's
   * start, counted from `after` (the previous anchor, already checked against the database) or
   * from the newest retention checkpoint. Null when the chain is empty.
   */
  async chainHead(db: DbOrTx, after?: { rows: number; lastId: number } | null): Promise<{ rows: number; lastId: number; lastHash: string } | null> {
    const cp = await queryOne<{ first_kept_id: number; purged_rows: number | null }>(db, sql`SELECT first_kept_id, purged_rows FROM audit_checkpoint ORDER BY id DESC LIMIT 1`);
    let base = { rows: cp ? Number(cp.purged_rows ?? 0) : 0, lastId: cp ? Number(cp.first_kept_id) - 1 : 0 };
    if (after && after.lastId > base.lastId) base = { rows: after.rows, lastId: after.lastId };
    const r = await queryOne<{ id: number; hash: string; n: number }>(db, sql`
      WITH head AS (SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1)
      SELECT head.id, head.hash, (SELECT count(*)::bigint FROM audit_log WHERE id > ${base.lastId} AND id <= head.id) AS n FROM head`);
    if (!r) return null;
    return { rows: base.rows + Number(r.n), lastId: Number(r.id), lastHash: r.hash };
  }

  /**
   * A quick check of an anchor against the database, before a new anchor extends it: its last row
   * is still there with the same hash (or was purged by a signed retention checkpoint past it).
   * Null when they agree, else the problem. The full check is verify().
   */
  async anchorMismatch(db: DbOrTx, a: AuditAnchor): Promise<string | null> {
    const row = await queryOne<{ hash: string }>(db, sql`SELECT hash FROM audit_log WHERE id = ${a.lastId}`);
    if (row) return row.hash === a.lastHash ? null : `row ${a.lastId} no longer has the hash the anchor of ${a.at} recorded (edited and re-chained)`;
    const cp = await queryOne<{ first_kept_id: number; purged_rows: number | null; last_hash: string }>(db, sql`SELECT first_kept_id, purged_rows, last_hash FROM audit_checkpoint ORDER BY id DESC LIMIT 1`);
    if (cp && a.lastId < Number(cp.first_kept_id) && a.rows <= Number(cp.purged_rows ?? 0)) return null;
    return `row ${a.lastId}, the last one the anchor of ${a.at} recorded, is missing (rows were removed)`;
  }

  /**
   * Walks the whole chain in id order and reports the first row whose link or content was
   * altered; checks the newest retention checkpoint's signature (rows removed from the start) and
   * the database against the newest signed anchor (rows removed from the end, or re-chained).
   */
  async verify(db: Db, opts: VerifyOptions = {}): Promise<VerifyResult> {
    const signer = opts.publicKey ? new AuditSigner(null, opts.publicKey) : this.signer;
    const anchor = opts.anchor ?? null;
    const anchorOut = anchor ? { at: anchor.at, rows: anchor.rows, lastId: anchor.lastId } : null;
    const fail = (checked: number, problem: string, firstBrokenId?: number): VerifyResult => ({ ok: false, checked, problem, anchor: anchorOut, ...(firstBrokenId === undefined ? {} : { firstBrokenId }) });

    const cp = (await db.select().from(auditCheckpoints).orderBy(desc(auditCheckpoints.id)).limit(1))[0];
    if (cp) {
      if (!cp.signature || cp.purgedRows === null) return fail(0, `retention checkpoint ${cp.id} is not signed: rows before ${cp.firstKeptId} may have been removed and the checkpoint inserted by hand`, cp.firstKeptId);
      if (!signer) return fail(0, 'no audit signing key or public key to check the retention checkpoint with');
      if (!signer.verify(checkpointPayload({ firstKeptId: cp.firstKeptId, lastHash: cp.lastHash, purgedRows: cp.purgedRows, purgedBefore: cp.purgedBefore }), cp.signature)) {
        return fail(0, `retention checkpoint ${cp.id} does not carry a valid signature: rows before ${cp.firstKeptId} may have been removed and the checkpoint forged`, cp.firstKeptId);
      }
    }
    if (anchor) {
      if (!signer) return fail(0, 'no audit signing key or public key to check the anchor with');
      const problem = signer.anchorProblem(anchor);
      if (problem) return fail(0, problem);
    }

    let prev = cp?.lastHash ?? GENESIS;
    let afterId = (cp?.firstKeptId ?? 1) - 1;
    let position = cp?.purgedRows ?? 0;
    let checked = 0;
    const differs = (id?: number) => fail(checked, `the chain differs from the signed anchor of ${anchor!.at} at its row ${anchor!.rows} (id ${anchor!.lastId}): rows were edited and re-chained, or removed and replaced`, id);
    if (anchor && anchor.rows === position && anchor.lastHash !== prev) return differs();
    for (;;) {
      const batch = await db.select().from(auditLog).where(gt(auditLog.id, afterId)).orderBy(asc(auditLog.id)).limit(5000);
      if (batch.length === 0) break;
      for (const r of batch) {
        if (r.prevHash !== prev) return fail(checked, 'chain link broken (a row before it was removed or altered)', r.id);
        const expect = this.link(prev, rowContent(r));
        if (expect !== r.hash) return fail(checked, 'row content does not match its hash (edited)', r.id);
        prev = r.hash;
        checked += 1;
        position += 1;
        if (anchor && position === anchor.rows && (r.id !== anchor.lastId || r.hash !== anchor.lastHash)) return differs(r.id);
      }
      afterId = batch[batch.length - 1]!.id;
      opts.onProgress?.(checked);
    }
    if (anchor && position < anchor.rows) {
      return fail(checked, `the chain ends after ${position} rows (last id ${afterId}) but the signed anchor of ${anchor.at} recorded ${anchor.rows} rows up to id ${anchor.lastId}: rows were removed from its end`, afterId + 1);
    }
    return { ok: true, checked, anchor: anchorOut };
  }

  /** Retention: removes rows older than `keepDays` (never under 180) and leaves a signed checkpoint. */
  async purge(db: Db, keepDays: number): Promise<number> {
    const days = Math.max(180, keepDays);
    const signer = this.signer;
    if (!signer?.canSign) throw new Error('a retention purge needs the audit signing key (QC_AUDIT_SIGNING_KEY or QC_AUDIT_SIGNING_KEY_FILE)');
    return db.transaction(async (tx) => {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`);
      const cutoff = new Date(Date.now() - days * 86_400_000);
      const lastOld = await tx.select().from(auditLog).where(lte(auditLog.at, cutoff)).orderBy(desc(auditLog.id)).limit(1);
      if (!lastOld[0]) return 0;
      const before = (await tx.select().from(auditCheckpoints).orderBy(desc(auditCheckpoints.id)).limit(1))[0];
      await tx.execute(sql`SELECT set_config('qingche.audit_purge', 'on', true)`);
      const deleted = await tx.delete(auditLog).where(lte(auditLog.id, lastOld[0].id)).returning({ id: auditLog.id });
      const cp = { firstKeptId: lastOld[0].id + 1, lastHash: lastOld[0].hash, purgedRows: (before?.purgedRows ?? 0) + deleted.length, purgedBefore: cutoff };
      await tx.insert(auditCheckpoints).values({ ...cp, signature: signer.sign(checkpointPayload(cp)) });
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

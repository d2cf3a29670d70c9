// Bulk writes for imports and the demo generator: many records per statement, with the same
// validation, encryption, versions, review clocks and audit as single writes, done set-wise in
// SQL instead of row by row.
import { sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { queryRows } from '../../db/client.js';
import type { RequestContext } from '../../platform/context.js';
import type { FieldProblem, RegistryStore, Source } from './store.js';
import { tableOf } from './store.js';
import type { RecordKind } from './tables.js';

export interface BulkRecord {
  /** Field values as the API takes them (plain ID numbers and phones). */
  fields: Record<string, unknown>;
  /** The grid (facilities: community or grid) the record hangs on; already checked by the caller. */
  node: { id: number; path: string; districtCode: string };
}

export interface BulkResult {
  ids: number[];
  /** Records refused, by index in the input, with their problems. */
  rejected: { index: number; problems: FieldProblem[] }[];
}

const CHUNK = 1000;

export class BulkWriter {
  constructor(private readonly store: RegistryStore) {}

  /** Validates and encodes records; returns the column values or the problems of each. */
  encodeAll(kind: RecordKind, records: BulkRecord[]): { values: Record<string, unknown>[]; rejected: BulkResult['rejected'] } {
    const values: Record<string, unknown>[] = [];
    const rejected: BulkResult['rejected'] = [];
    records.forEach((r, index) => {
      const enc = this.store.encode(kind, r.fields, { partial: false });
      if (enc.problems.length) rejected.push({ index, problems: enc.problems });
      else values.push({ ...enc.values, ...(kind === 'facility' ? { nodeId: r.node.id } : { gridId: r.node.id }), treePath: r.node.path, districtCode: r.node.districtCode, __index: index });
    });
    return { values, rejected };
  }

  /**
   * Inserts already-encoded rows in chunks inside the caller's transaction, writes their first
   * versions and review clocks set-wise, and one audit row per chunk. Returns ids in input order.
   */
  async insertEncoded(tx: Tx, ctx: RequestContext, kind: RecordKind, rows: Record<string, unknown>[], opts: { source: Source; reason?: string | null; reviewedSpreadDays?: number }): Promise<number[]> {
    const t = tableOf(kind);
    const ids: number[] = [];
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK).map(({ __index, ...v }) => v);
      const inserted = await tx.insert(t).values(chunk as never).returning({ id: t.id });
      const chunkIds = inserted.map((r) => r.id);
      ids.push(...chunkIds);
      await this.store.writeVersions(tx, ctx, kind, chunkIds, 'create', [], opts.source, opts.reason);
      await this.startReviews(tx, kind, chunkIds, opts.reviewedSpreadDays ?? 0);
      const first = chunk[0] as { treePath: string; districtCode: string };
      await this.store.platform.audit.record(tx, ctx, {
        category: 'write', action: `${kind}.bulk_create`, entityType: kind, treePath: first.treePath, districtCode: first.districtCode, reason: opts.reason ?? null,
        detail: { source: opts.source, count: chunkIds.length, ids: chunkIds },
      });
    }
    return ids;
  }

  /** Starts the review clocks of new records for the kind's general policies (spread back in time for demo data). */
  async startReviews(tx: Tx, kind: RecordKind, ids: number[], spreadDays: number, labelPolicies = false): Promise<void> {
    if (!ids.length) return;
    const t = tableOf(kind);
    const gridCol = kind === 'facility' ? sql`t.node_id` : sql`t.grid_id`;
    const reviewed = spreadDays > 0 ? sql`now() - (random() * ${spreadDays}::int * interval '1 day')` : sql`now()`;
    const labelCond = labelPolicies
      ? sql`p.label_code IS NOT NULL AND EXISTS (SELECT 1 FROM resident_label l WHERE l.resident_id = t.id AND l.label_code = p.label_code AND (l.until IS NULL OR l.until >= CURRENT_DATE))`
      : sql`p.label_code IS NULL`;
    await tx.execute(sql`
      INSERT INTO record_review (record_kind, record_id, policy_id, grid_id, tree_path, district_code, owner, reviewed_at, due_at)
      SELECT ${kind}, t.id, p.id, ${gridCol}, t.tree_path, t.district_code, p.owner, r.at, r.at + (p.review_days * interval '1 day')
      FROM ${t} t CROSS JOIN LATERAL (SELECT ${reviewed} AS at) r
      JOIN field_policy p ON p.record_kind = ${kind} AND ${labelCond}
      WHERE t.id IN (${sql.join(ids.map((i) => sql`${i}`), sql`, `)})
      ON CONFLICT (record_kind, record_id, policy_id) DO NOTHING`);
  }

  /** Labels for many residents at once; the placement is copied from the resident. */
  async insertLabels(tx: Tx, ctx: RequestContext, rows: { residentId: number; code: string; since: string; until?: string | null; attributes?: Record<string, unknown> }[], source: Source, spreadDays = 0): Promise<void> {
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK);
      await tx.execute(sql`
        INSERT INTO resident_label (resident_id, label_code, since, until, attributes, source, tree_path, district_code, updated_by)
        SELECT v.resident_id, v.code, v.since, v.until, v.attributes, ${source}, r.tree_path, r.district_code, ${ctx.principal?.userId ?? null}
        FROM jsonb_to_recordset(${JSON.stringify(chunk.map((c) => ({ resident_id: c.residentId, code: c.code, since: c.since, until: c.until ?? null, attributes: c.attributes ?? {} })))}::jsonb)
             AS v(resident_id bigint, code text, since date, until date, attributes jsonb)
        JOIN resident r ON r.id = v.resident_id`);
      const ids = [...new Set(chunk.map((c) => c.residentId))];
      await this.startReviews(tx, 'resident', ids, spreadDays, true);
    }
  }

  /** Visits for many residents (demo history, imports of visit logs). */
  async insertVisits(tx: Tx, rows: { residentId: number; visitorId: number; visitedAt: Date; kind: string; notes?: string | null }[]): Promise<void> {
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK);
      await tx.execute(sql`
        INSERT INTO visit (resident_id, household_id, grid_id, tree_path, district_code, visited_at, visitor_id, kind, notes)
        SELECT v.resident_id, r.household_id, r.grid_id, r.tree_path, r.district_code, v.visited_at, v.visitor_id, v.kind, v.notes
        FROM jsonb_to_recordset(${JSON.stringify(chunk.map((c) => ({ resident_id: c.residentId, visitor_id: c.visitorId, visited_at: c.visitedAt.toISOString(), kind: c.kind, notes: c.notes ?? null })))}::jsonb)
             AS v(resident_id bigint, visitor_id int, visited_at timestamptz, kind text, notes text)
        JOIN resident r ON r.id = v.resident_id`);
    }
  }

  /** Sets household heads in bulk. */
  async setHouseholdHeads(tx: Tx, heads: { householdId: number; residentId: number }[]): Promise<void> {
    for (let i = 0; i < heads.length; i += CHUNK) {
      const chunk = heads.slice(i, i + CHUNK);
      await tx.execute(sql`
        UPDATE household h SET head_resident_id = v.resident_id
        FROM jsonb_to_recordset(${JSON.stringify(chunk.map((c) => ({ id: c.householdId, resident_id: c.residentId })))}::jsonb) AS v(id bigint, resident_id bigint)
        WHERE h.id = v.id`);
    }
  }

  async count(kind: RecordKind): Promise<number> {
    const t = tableOf(kind);
    const r = await queryRows<{ n: number }>(this.store.db, sql`SELECT count(*)::int AS n FROM ${t}`);
    return r[0]?.n ?? 0;
  }
}

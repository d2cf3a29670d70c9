// Bulk writes for imports and the demo generator: many records per statement, with the same
// validation, encryption, versions, review clocks and audit as single writes, done set-wise in
// SQL instead of row by row.
//
// Why it is shaped this way (a city of a million residents is seeded through here):
// - Rows travel as ONE jsonb parameter per statement (jsonb_to_recordset), not as one bind
//   parameter per cell: building and serialising tens of thousands of parameters cost more than
//   the insert itself, on both engines.
// - Ids are taken from the table's sequence first (nextval over generate_series), so callers can
//   link records to each other (household -> head, resident -> household) before anything is
//   written, and the id of every input row is known without trusting RETURNING order.
// - The rows, their first versions and their review clocks go in one statement (data-modifying
//   CTEs): one round trip and one scan instead of three.
import { getTableColumns, getTableName, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/client.js';
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

/** Rows per statement: large enough to amortise a round trip, small enough to keep one jsonb value a few MB. */
const CHUNK = 2000;

interface ColumnInfo {
  /** SQL column name. */
  name: string;
  /** Type for the jsonb_to_recordset column list. */
  type: string;
}

const columnCache = new Map<RecordKind, Map<string, ColumnInfo>>();

/** Drizzle property -> SQL column and a plain type usable in a record definition. */
function columnsOf(kind: RecordKind): Map<string, ColumnInfo> {
  let m = columnCache.get(kind);
  if (!m) {
    m = new Map();
    for (const [prop, col] of Object.entries(getTableColumns(tableOf(kind)))) {
      const type = col
        .getSQLType()
        .replace(/\s+COLLATE\s+.*$/i, '')
        .replace(/^bigserial$/i, 'bigint')
        .replace(/^serial$/i, 'integer');
      m.set(prop, { name: col.name, type });
    }
    columnCache.set(kind, m);
  }
  return m;
}

/** A Postgres array literal of ids, passed as one text parameter (`= ANY(${idArray(ids)}::bigint[])`). */
function idArray(ids: number[]): string {
  return `{${ids.join(',')}}`;
}

function jsonValue(v: unknown): unknown {
  if (v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  return v;
}

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
   * Takes `n` fresh ids of a record kind from its sequence, so that records can refer to each
   * other before they are written. Pass them back through `insertEncoded(…, { ids })`.
   */
  async allocateIds(db: DbOrTx, kind: RecordKind, n: number): Promise<number[]> {
    if (n <= 0) return [];
    const rows = await queryRows<{ id: number }>(db, sql`SELECT nextval(pg_get_serial_sequence(${tableName(kind)}, 'id'))::bigint AS id FROM generate_series(1, ${n})`);
    return rows.map((r) => Number(r.id));
  }

  /** Fresh ids for several kinds in one round trip (see allocateIds). */
  async allocateIdsFor(db: DbOrTx, counts: Partial<Record<RecordKind, number>>): Promise<Partial<Record<RecordKind, number[]>>> {
    const wanted = (Object.entries(counts) as [RecordKind, number][]).filter(([, n]) => n > 0);
    const out: Partial<Record<RecordKind, number[]>> = {};
    for (const [k] of Object.entries(counts) as [RecordKind, number][]) out[k] = [];
    if (!wanted.length) return out;
    const spec = JSON.stringify(wanted.map(([k, n]) => ({ t: tableName(k), k, n })));
    const rows = await queryRows<{ k: RecordKind; id: number }>(
      db,
      sql`SELECT v.k, nextval(pg_get_serial_sequence(v.t, 'id'))::bigint AS id FROM jsonb_to_recordset(${spec}::jsonb) AS v(t text, k text, n int) CROSS JOIN LATERAL generate_series(1, v.n) g`,
    );
    for (const r of rows) out[r.k]!.push(Number(r.id));
    return out;
  }

  /**
   * Inserts already-encoded rows in chunks inside the caller's transaction, with their first
   * versions and review clocks, and one audit row per chunk (naming the ids). Returns ids in input
   * order. `ids`, when given, are ids from `allocateIds` for these rows, in the same order.
   */
  async insertEncoded(
    tx: Tx,
    ctx: RequestContext,
    kind: RecordKind,
    rows: Record<string, unknown>[],
    opts: { source: Source; reason?: string | null; reviewedSpreadDays?: number; ids?: number[] },
  ): Promise<number[]> {
    if (!rows.length) return [];
    if (opts.ids && opts.ids.length !== rows.length) throw new Error(`insertEncoded: ${opts.ids.length} ids for ${rows.length} rows`);
    const ids: number[] = [];
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK);
      const chunkIds = opts.ids ? opts.ids.slice(i, i + CHUNK) : await this.allocateIds(tx, kind, chunk.length);
      // Rows that set different columns go in separate statements: a column a row leaves out
      // takes the table's default, as a single insert would, instead of NULL.
      const groups = new Map<string, { keys: string[]; rows: Record<string, unknown>[] }>();
      chunk.forEach((row, j) => {
        const keys = Object.keys(row).filter((k) => k !== '__index' && k !== 'id' && row[k] !== undefined);
        const sig = keys.join(',');
        let g = groups.get(sig);
        if (!g) groups.set(sig, (g = { keys, rows: [] }));
        g.rows.push({ ...row, id: chunkIds[j] });
      });
      for (const g of groups.values()) await this.insertGroup(tx, ctx, kind, g.keys, g.rows, opts);
      ids.push(...chunkIds);
      const first = chunk[0] as { treePath: string; districtCode: string };
      await this.store.platform.audit.record(tx, ctx, {
        category: 'write', action: `${kind}.bulk_create`, entityType: kind, treePath: first.treePath, districtCode: first.districtCode, reason: opts.reason ?? null,
        detail: { source: opts.source, count: chunkIds.length, ids: chunkIds },
      });
    }
    return ids;
  }

  /** One statement: the rows, their first versions (as single writes take them) and their review clocks. */
  private async insertGroup(tx: Tx, ctx: RequestContext, kind: RecordKind, keys: string[], rows: Record<string, unknown>[], opts: { source: Source; reason?: string | null; reviewedSpreadDays?: number }) {
    const cols = columnsOf(kind);
    const props = ['id', ...keys];
    const info = props.map((p) => {
      const c = cols.get(p);
      if (!c) throw new Error(`insertEncoded: ${kind} has no column for "${p}"`);
      return c;
    });
    const payload = JSON.stringify(rows.map((r) => Object.fromEntries(props.map((p, k) => [info[k]!.name, jsonValue(r[p])]))));
    const colList = sql.raw(info.map((c) => `"${c.name}"`).join(', '));
    const recordDef = sql.raw(info.map((c) => `"${c.name}" ${c.type}`).join(', '));
    const table = sql.raw(`"${tableName(kind)}"`);
    const p = ctx.principal;
    const gridCol = kind === 'facility' ? sql.raw('node_id') : sql.raw('grid_id');
    const spread = opts.reviewedSpreadDays ?? 0;
    // Demo data spreads its last confirmation back in time, per record, so that the stale list fills gradually.
    const reviewedAt = spread > 0 ? sql`now() - (random() * ${spread}::int * interval '1 day')` : sql`now()`;
    await tx.execute(sql`
      WITH ins AS (
        INSERT INTO ${table} (${colList})
        SELECT ${colList} FROM jsonb_to_recordset(${payload}::jsonb) AS x(${recordDef})
        RETURNING *
      ), versions AS (
        INSERT INTO record_version (record_kind, record_id, version, tree_path, district_code, operation, data, changed_fields, source, reason, changed_by, changed_by_name, department_id)
        SELECT ${kind}, ins.id, ins.version, ins.tree_path, ins.district_code, 'create', ${this.store.snapshotSql(kind, sql`ins`)}, '[]'::jsonb, ${opts.source}, ${opts.reason ?? null},
               ${p?.userId ?? null}, ${p?.displayName ?? 'system'}, ${p?.departmentId ?? null}
        FROM ins
      )
      INSERT INTO record_review (record_kind, record_id, policy_id, grid_id, tree_path, district_code, owner, reviewed_at, due_at)
      SELECT ${kind}, r.id, pol.id, r.grid_id, r.tree_path, r.district_code, pol.owner, r.at, r.at + (pol.review_days * interval '1 day')
      FROM (SELECT ins.id, ins.${gridCol} AS grid_id, ins.tree_path, ins.district_code, ${reviewedAt} AS at FROM ins) r
      JOIN field_policy pol ON pol.record_kind = ${kind} AND pol.label_code IS NULL
      ON CONFLICT (record_kind, record_id, policy_id) DO NOTHING`);
  }

  /** Starts the review clocks of existing records for the kind's general policies (or, with `labelPolicies`, for the labels they carry). */
  async startReviews(tx: Tx, kind: RecordKind, ids: number[], spreadDays: number, labelPolicies = false): Promise<void> {
    if (!ids.length) return;
    const t = tableOf(kind);
    const gridCol = kind === 'facility' ? sql`t.node_id` : sql`t.grid_id`;
    const reviewed = spreadDays > 0 ? sql`now() - (random() * ${spreadDays}::int * interval '1 day')` : sql`now()`;
    const labelCond = labelPolicies
      ? sql`p.label_code IS NOT NULL AND EXISTS (SELECT 1 FROM resident_label l WHERE l.resident_id = r.id AND l.label_code = p.label_code AND (l.until IS NULL OR l.until >= CURRENT_DATE))`
      : sql`p.label_code IS NULL`;
    await tx.execute(sql`
      INSERT INTO record_review (record_kind, record_id, policy_id, grid_id, tree_path, district_code, owner, reviewed_at, due_at)
      SELECT ${kind}, r.id, p.id, r.grid_id, r.tree_path, r.district_code, p.owner, r.at, r.at + (p.review_days * interval '1 day')
      FROM (SELECT t.id, ${gridCol} AS grid_id, t.tree_path, t.district_code, ${reviewed} AS at FROM ${t} t WHERE t.id = ANY(${idArray(ids)}::bigint[])) r
      JOIN field_policy p ON p.record_kind = ${kind} AND ${labelCond}
      ON CONFLICT (record_kind, record_id, policy_id) DO NOTHING`);
  }

  /**
   * Labels for many residents at once; the placement is copied from the resident, the review
   * clocks of label-specific policies start, and one audit row per chunk names the residents.
   */
  async insertLabels(tx: Tx, ctx: RequestContext, rows: { residentId: number; code: string; since: string; until?: string | null; attributes?: Record<string, unknown> }[], source: Source, spreadDays = 0): Promise<void> {
    const reviewed = spreadDays > 0 ? sql`now() - (random() * ${spreadDays}::int * interval '1 day')` : sql`now()`;
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK);
      // The review clocks come from the labels this statement inserts (a CTE sees its own rows, the table does not yet).
      await tx.execute(sql`
        WITH ins AS (
          INSERT INTO resident_label (resident_id, label_code, since, until, attributes, source, tree_path, district_code, updated_by)
          SELECT v.resident_id, v.code, v.since, v.until, v.attributes, ${source}, r.tree_path, r.district_code, ${ctx.principal?.userId ?? null}
          FROM jsonb_to_recordset(${JSON.stringify(chunk.map((c) => ({ resident_id: c.residentId, code: c.code, since: c.since, until: c.until ?? null, attributes: c.attributes ?? {} })))}::jsonb)
               AS v(resident_id bigint, code text, since date, until date, attributes jsonb)
          JOIN resident r ON r.id = v.resident_id
          RETURNING resident_id, label_code, until, tree_path, district_code
        )
        INSERT INTO record_review (record_kind, record_id, policy_id, grid_id, tree_path, district_code, owner, reviewed_at, due_at)
        SELECT 'resident', x.resident_id, p.id, x.grid_id, x.tree_path, x.district_code, p.owner, x.at, x.at + (p.review_days * interval '1 day')
        FROM (SELECT ins.resident_id, ins.label_code, r.grid_id, ins.tree_path, ins.district_code, ${reviewed} AS at
              FROM ins JOIN resident r ON r.id = ins.resident_id WHERE ins.until IS NULL OR ins.until >= CURRENT_DATE) x
        JOIN field_policy p ON p.record_kind = 'resident' AND p.label_code = x.label_code
        ON CONFLICT (record_kind, record_id, policy_id) DO NOTHING`);
      await this.store.platform.audit.record(tx, ctx, {
        category: 'write', action: 'resident.bulk_label', entityType: 'resident',
        detail: { source, count: chunk.length, labels: [...new Set(chunk.map((c) => c.code))], residentIds: [...new Set(chunk.map((c) => c.residentId))] },
      });
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

  /** Sets household heads in bulk (when the heads were not known as the households were written). */
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

function tableName(kind: RecordKind): string {
  return getTableName(tableOf(kind));
}

// Finding records by what a spreadsheet knows of them, and reading long lists page by page, for
// the import and export of sheets: a batch of ID-number blind indexes, natural keys (户号, building
// name and address …) under a community, stored rows to tell whether an import changes anything,
// and keyset-paged scans with the same filters, visibility and masking as the list endpoints.
import { and, asc, getTableColumns, notInArray, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../../db/client.js';
import { queryRows } from '../../db/client.js';
import type { RequestContext } from '../../platform/context.js';
import { fieldDef } from './fields.js';
import type { LabelService } from './labels.js';
import type { ResidentFilter, ResidentService } from './residents.js';
import { tableOf, type RecordAccess, type RecordOut, type RegistryStore } from './store.js';
import { residents, type RecordKind } from './tables.js';

const HIDDEN = ['deleted', 'merged'];

export interface RecordListFilter {
  nodeId?: number;
  gridId?: number;
  status?: string[];
  /** Name (household number, room number) prefix, as GET /records/:kind takes it. */
  q?: string;
  buildingId?: number;
}

export class RecordMatcher {
  constructor(
    private readonly store: RegistryStore,
    private readonly residentService: ResidentService,
    private readonly labels: LabelService,
  ) {}

  /** Live residents (any status but deleted or merged) holding one of these ID-number blind indexes (hex), city-wide. */
  async residentsByIdHash(db: DbOrTx, hashes: string[]): Promise<{ id: number; idNumberHash: string; treePath: string; districtCode: string; gridId: number; version: number; status: string }[]> {
    if (!hashes.length) return [];
    const rows = await db
      .select({ id: residents.id, idNumberHash: residents.idNumberHash, treePath: residents.treePath, districtCode: residents.districtCode, gridId: residents.gridId, version: residents.version, status: residents.status })
      .from(residents)
      .where(and(sql`${residents.idNumberHash} = ANY(${`{${[...new Set(hashes)].filter((h) => /^[0-9a-f]{64}$/.test(h)).join(',')}}`}::char(64)[])`, notInArray(residents.status, HIDDEN)));
    return rows.map((r) => ({ ...r, idNumberHash: r.idNumberHash! }));
  }

  /**
   * Live records under `rootPath` whose key fields (catalogue keys) equal one of `keys`. Keys with
   * every part given are joined on the columns themselves (typed), so an index on them serves the
   * look-up; keys with an empty part compare as trimmed text with NULL as ''. Returns each hit with
   * its key values (as text) in the same order.
   */
  async byKeys(db: DbOrTx, kind: RecordKind, rootPath: string, keyFields: string[], keys: (string | number | null)[][]): Promise<{ id: number; treePath: string; version: number; key: string[] }[]> {
    if (!keys.length) return [];
    const t = tableOf(kind);
    const cols = getTableColumns(t) as Record<string, { name: string; getSQLType(): string }>;
    const defs = keyFields.map((k) => {
      const def = fieldDef(kind, k);
      const col = cols[k];
      if (!def?.column || def.secret || !col) throw new Error(`byKeys: ${kind}.${k} is not a plain column`);
      return { name: col.name, type: col.getSQLType().replace(/\s+COLLATE\s+.*$/i, '') };
    });
    const norm = (v: string | number | null | undefined) => (v === null || v === undefined ? '' : String(v).trim());
    const complete = keys.filter((k) => k.every((v) => norm(v) !== ''));
    const partial = keys.filter((k) => k.some((v) => norm(v) === ''));
    const keyText = sql.raw(`jsonb_build_array(${defs.map((d) => `coalesce(btrim(t."${d.name}"::text), '')`).join(', ')})`);
    const out: { id: number; tree_path: string; version: number; key: string[] }[] = [];
    if (complete.length) {
      const payload = JSON.stringify(complete.map((k) => Object.fromEntries(defs.map((d, i) => [`k${i}`, norm(k[i])]))));
      const recordDef = sql.raw(defs.map((d, i) => `k${i} ${d.type}`).join(', '));
      const on = sql.raw(defs.map((d, i) => `t."${d.name}" = x.k${i}`).join(' AND '));
      out.push(
        ...(await queryRows<{ id: number; tree_path: string; version: number; key: string[] }>(
          db,
          sql`SELECT DISTINCT t.id, t.tree_path, t.version, ${keyText} AS key
              FROM jsonb_to_recordset(${payload}::jsonb) AS x(${recordDef})
              JOIN ${t} t ON ${on}
              WHERE t.tree_path LIKE ${`${rootPath}%`} AND t.status NOT IN ('deleted', 'merged')`,
        )),
      );
    }
    if (partial.length) {
      const payload = JSON.stringify(partial.map((k) => k.map(norm)));
      const jsonRow = sql.join(keyFields.map((_, i) => sql.raw(`k.v->>${i}`)), sql`, `);
      const keyRow = sql.raw(defs.map((d) => `coalesce(btrim(t."${d.name}"::text), '')`).join(', '));
      out.push(
        ...(await queryRows<{ id: number; tree_path: string; version: number; key: string[] }>(
          db,
          sql`SELECT t.id, t.tree_path, t.version, ${keyText} AS key
              FROM ${t} t
              WHERE t.tree_path LIKE ${`${rootPath}%`} AND t.status NOT IN ('deleted', 'merged')
                AND (${keyRow}) IN (SELECT ${jsonRow} FROM jsonb_array_elements(${payload}::jsonb) AS k(v))`,
        )),
      );
    }
    return out.sort((a, b) => Number(a.id) - Number(b.id)).map((r) => ({ id: Number(r.id), treePath: r.tree_path, version: r.version, key: r.key }));
  }

  /**
   * Stored rows by id (Drizzle property names), for comparing with what a sheet says; with
   * `props`, only those columns (and id, version, tree path, status, updated at) are read.
   */
  async rows(db: DbOrTx, kind: RecordKind, ids: number[], props?: string[]): Promise<(Record<string, unknown> & { id: number; version: number; treePath: string; status: string })[]> {
    if (!ids.length) return [];
    const t = tableOf(kind);
    const all = getTableColumns(t) as Record<string, AnyPgColumn>;
    const pick = props ? Object.fromEntries([...new Set(['id', 'version', 'treePath', 'status', 'updatedAt', ...props])].filter((p) => all[p]).map((p) => [p, all[p]!])) : undefined;
    // One array parameter, not one per id: a batch asks for thousands.
    const where = sql`${t.id} = ANY(${`{${[...new Set(ids)].map((i) => Math.trunc(Number(i))).join(',')}}`}::bigint[])`;
    const rows: Record<string, unknown>[] = pick ? await db.select(pick).from(t).where(where) : await db.select().from(t).where(where);
    // Every row carries the columns asked for above: id, version, tree path and status always.
    return rows as (Record<string, unknown> & { id: number; version: number; treePath: string; status: string })[];
  }

  /**
   * The keys of encoded values (from `store.encode`) that differ from a stored row; encrypted
   * fields are compared by their blind index, since each encryption differs.
   */
  changedKeys(values: Record<string, unknown>, row: Record<string, unknown>): string[] {
    return Object.keys(values).filter((k) => {
      if (k.endsWith('Hash') || k.startsWith('__')) return false;
      if (k.endsWith('Enc')) return (values[k.replace(/Enc$/, 'Hash')] ?? null) !== (row[k.replace(/Enc$/, 'Hash')] ?? null);
      return JSON.stringify(values[k] ?? null) !== JSON.stringify(row[k] ?? null);
    });
  }

  /**
   * Residents the caller may see, filtered as GET /residents filters them, decoded (masked) with
   * their visible labels and grid names, `pageSize` at a time in path order. Nothing is logged
   * here: the caller logs what it does with the pages (an export logs each page).
   */
  async *scanResidents(ctx: RequestContext, f: Omit<ResidentFilter, 'limit' | 'offset'>, pageSize = 1000): AsyncGenerator<{ items: (RecordOut & { labels: { code: string; since: string; until: string | null }[]; gridName?: string })[]; access: RecordAccess }> {
    const access = await this.store.access(ctx, 'resident');
    const conds = await this.residentService.conditions(ctx, { ...f, limit: pageSize, offset: 0 }, access);
    for await (const rows of this.pages('resident', conds, pageSize)) {
      const items = await this.store.decodeMany(ctx, 'resident', rows, access);
      const canSeeLabel = await this.store.labelVisibility(access, rows as { id: number; treePath: string }[]);
      const labelMap = await this.labels.forResidents(items.map((i) => i.id));
      const grids = await this.store.tree.names(rows.map((r) => r.gridId as number));
      yield {
        access,
        items: items.map((i) => ({ ...i, gridName: grids.get(i.gridId as number), labels: (labelMap.get(i.id) ?? []).filter((l) => canSeeLabel(i.id, l.labelCode)).map((l) => ({ code: l.labelCode, since: l.since, until: l.until })) })),
      };
    }
  }

  /** Other record kinds, filtered as GET /records/:kind filters them, decoded for the caller, page by page. */
  async *scanRecords(ctx: RequestContext, kind: RecordKind, f: RecordListFilter, pageSize = 1000): AsyncGenerator<{ items: (RecordOut & { gridName?: string })[]; access: RecordAccess }> {
    const access = await this.store.access(ctx, kind);
    const nodePath = f.nodeId ? (await this.store.tree.getVisibleNode(ctx.principal!, f.nodeId)).path : undefined;
    const conds = this.store.listConditions(ctx, kind, access, { nodePath, status: f.status, gridId: f.gridId });
    if (f.q) {
      const col = kind === 'household' ? sql`household_no` : kind === 'house' ? sql`room_no` : sql`name`;
      conds.push(sql`${col} LIKE ${`${f.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`}`);
    }
    if (f.buildingId && (kind === 'house' || kind === 'organisation')) conds.push(sql`building_id = ${f.buildingId}`);
    for await (const rows of this.pages(kind, conds, pageSize)) {
      const items = await this.store.decodeMany(ctx, kind, rows, access);
      const nodeIds = rows.map((r) => (kind === 'facility' ? r.nodeId : r.gridId) as number);
      const grids = new Map((await this.store.tree.getNodes([...new Set(nodeIds)])).map((g) => [g.id, g.name]));
      yield { access, items: items.map((i, k) => ({ ...i, gridName: grids.get(nodeIds[k]!) })) };
    }
  }

  /** Keyset pages in (tree_path, id) order: each page is one index range scan, however deep. */
  private async *pages(kind: RecordKind, conds: SQL[], pageSize: number): AsyncGenerator<Record<string, unknown>[]> {
    const t = tableOf(kind);
    let after: { path: string; id: number } | null = null;
    for (;;) {
      const where: SQL[] = [...conds];
      if (after) where.push(sql`(${t.treePath}, ${t.id}) > (${after.path}, ${after.id})`);
      const rows: Record<string, unknown>[] = await this.store.db.select().from(t).where(and(...where)).orderBy(asc(t.treePath), asc(t.id)).limit(pageSize);
      if (!rows.length) return;
      yield rows;
      if (rows.length < pageSize) return;
      const last = rows[rows.length - 1]!;
      after = { path: last.treePath as string, id: last.id as number };
    }
  }

  /** Residents' open labels (for an import deciding which labels are new). */
  async openLabels(db: DbOrTx, residentIds: number[]): Promise<Map<number, Set<string>>> {
    const out = new Map<number, Set<string>>();
    if (!residentIds.length) return out;
    const rows = await queryRows<{ resident_id: number; label_code: string }>(
      db,
      sql`SELECT resident_id, label_code FROM resident_label WHERE resident_id = ANY(${`{${[...new Set(residentIds)].join(',')}}`}::bigint[]) AND (until IS NULL OR until >= CURRENT_DATE)`,
    );
    for (const r of rows) {
      const id = Number(r.resident_id);
      const set = out.get(id) ?? new Set<string>();
      set.add(r.label_code);
      out.set(id, set);
    }
    return out;
  }
}


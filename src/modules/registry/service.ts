// The registry's services together (基础数据): what index.ts hands to the routes and to other
// modules. Each part has its own file; this class wires them and holds the cross-cutting queries.
import { sql, type SQL } from 'drizzle-orm';
import type { Platform } from '../../platform/platform.js';
import { queryRows, type Tx } from '../../db/client.js';
import type { RequestContext } from '../../platform/context.js';
import type { TreeService } from '../tree/index.js';
import { BulkWriter } from './bulk.js';
import { defaultLabels, defaultPolicies } from './codes.js';
import { FreshnessService } from './freshness.js';
import { GrantAdmin, type GrantInput } from './grants.js';
import { ImportPort } from './imports.js';
import { LookupPort } from './lookups.js';
import { RecordService } from './records.js';
import { LabelService } from './labels.js';
import { ProposalService } from './proposals.js';
import { RecordMatcher } from './matching.js';
import { ResidentService } from './residents.js';
import { RegistryStore, tableOf } from './store.js';
import { fieldPolicies, labelKinds, recordKinds, type RecordKind } from './tables.js';

/** Aggregate counts under a subtree (dashboards). */
export interface RegistryCounts {
  records: Record<RecordKind, number>;
  residentsByCategory: Record<string, number>;
  residentsByLabel: Record<string, number>;
  /** Per child node id of the root, when asked for. */
  children: Record<number, { residents: number; overdue: number }>;
}

/**
 * The registry's parts, wired once. The module's routes use them; other modules use the ports on
 * RegistryService (imports, lookups, proposals), never the parts.
 */
export interface RegistryParts {
  store: RegistryStore;
  labels: LabelService;
  freshness: FreshnessService;
  residents: ResidentService;
  records: RecordService;
  bulk: BulkWriter;
  grants: GrantAdmin;
  matching: RecordMatcher;
  proposals: ProposalService;
}

export function registryParts(platform: Platform, tree: TreeService): RegistryParts {
  const store = new RegistryStore(platform, tree);
  const labels = new LabelService(store);
  const freshness = new FreshnessService(store);
  const residents = new ResidentService(store, labels, freshness);
  return {
    store, labels, freshness, residents,
    records: new RecordService(store, freshness),
    bulk: new BulkWriter(store),
    grants: new GrantAdmin(store, labels),
    matching: new RecordMatcher(store, residents, labels),
    proposals: new ProposalService(store, labels),
  };
}

/** What an approved unmasking grant request carries. */
type GrantRequestPayload = { grant: GrantInput };

export class RegistryService {
  /** Spreadsheet imports: matching, encoding and the batch write with the household rules. */
  readonly imports: ImportPort;
  /** Reads other modules make: label kinds, records, labels, resident lists, addresses, counts, scans. */
  readonly lookups: LookupPort;
  /** Department-owned labels a community proposes to their owner (标签提议). */
  readonly proposals: ProposalService;

  // The parts below are the module's own. They stay reachable while the certificates module and
  // the test factories move to the ports above; new code uses the ports.
  readonly store: RegistryStore;
  readonly labels: LabelService;
  readonly freshness: FreshnessService;
  readonly residents: ResidentService;
  readonly bulk: BulkWriter;
  readonly grants: GrantAdmin;

  constructor(platform: Platform, readonly parts: RegistryParts) {
    const { store, labels, freshness, residents, bulk, grants, matching, proposals } = parts;
    this.store = store;
    this.labels = labels;
    this.freshness = freshness;
    this.residents = residents;
    this.bulk = bulk;
    this.grants = grants;
    this.proposals = proposals;
    this.imports = new ImportPort(store, bulk, matching, labels, proposals);
    this.lookups = new LookupPort(store, labels, residents, freshness, matching);
    // An approved unmasking grant is made by the approver, checked again as it is made.
    platform.approvals.register({
      kind: 'grant.unmask',
      execute: async (request, ctx) => ({ resultId: (await grants.create(ctx, (request.payload as GrantRequestPayload).grant)).id }),
    });
  }

  /** Loads the default label kinds and field policies a city starts with (idempotent). */
  async ensureDefaults(): Promise<void> {
    const db = this.store.db;
    await db
      .insert(labelKinds)
      .values(defaultLabels.map((l, i) => ({ code: l.code, nameZh: l.nameZh, nameEn: l.nameEn, owner: l.owner, reviewDays: l.reviewDays, appliesTo: l.appliesTo ?? 'resident', attributeSchema: l.attributeSchema ?? {}, rules: l.rules ?? {}, sortOrder: i })))
      .onConflictDoNothing();
    const existing = await db.select({ kind: fieldPolicies.recordKind, group: fieldPolicies.fieldGroup, label: fieldPolicies.labelCode }).from(fieldPolicies);
    const have = new Set(existing.map((e) => `${e.kind}/${e.group}/${e.label ?? ''}`));
    const missing = defaultPolicies.filter((p) => !have.has(`${p.recordKind}/${p.fieldGroup}/${p.labelCode ?? ''}`));
    if (missing.length) await db.insert(fieldPolicies).values(missing.map((p) => ({ ...p, labelCode: p.labelCode ?? null })));
  }

  /**
   * Fills the tail indexes (last four of the ID number and of the phone) of residents stored
   * before they existed, or written by a path that left them out: each value is decrypted here,
   * in this process, once, and only its keyed tail hash is written. Batches of `batch` rows in id
   * order; the record's version is not touched (an index is not a change). Returns rows filled.
   */
  async backfillTailIndexes(batch = 1000): Promise<number> {
    const db = this.store.db;
    const cipher = this.store.platform.cipher;
    let filled = 0;
    let after = 0;
    for (;;) {
      const rows = await queryRows<{ id: number; id_number_enc: string | null; phone_enc: string | null; id_number_tail_hash: string | null; phone_tail_hash: string | null }>(
        db,
        sql`SELECT id, id_number_enc, phone_enc, id_number_tail_hash, phone_tail_hash FROM resident
            WHERE ((id_number_enc IS NOT NULL AND id_number_tail_hash IS NULL) OR (phone_enc IS NOT NULL AND phone_tail_hash IS NULL)) AND id > ${after}
            ORDER BY id LIMIT ${batch}`,
      );
      if (!rows.length) return filled;
      const values = rows.map((r) => ({
        id: Number(r.id),
        i: r.id_number_tail_hash ?? (r.id_number_enc ? cipher.tailIndex('id4', cipher.decrypt(r.id_number_enc)) : null),
        p: r.phone_tail_hash ?? (r.phone_enc ? cipher.tailIndex('phone4', cipher.decrypt(r.phone_enc)) : null),
      }));
      await db.execute(sql`UPDATE resident r SET id_number_tail_hash = v.i, phone_tail_hash = v.p
        FROM jsonb_to_recordset(${JSON.stringify(values)}::jsonb) AS v(id bigint, i text, p text) WHERE r.id = v.id`);
      filled += rows.length;
      after = values[values.length - 1]!.id;
    }
  }

  /**
   * Aggregate counts under a subtree for dashboards: active records by kind, residents by
   * population category and by active label, and (with `byChild`) residents and overdue reviews
   * per child node of the root. Counts only, no personal data, so nothing is audited here.
   */
  async countsUnder(rootPath: string, opts: { byChild?: boolean } = {}): Promise<RegistryCounts> {
    const db = this.store.db;
    const under = `${rootPath}%`;
    const records = {} as Record<RecordKind, number>;
    const kindCounts = await queryRows<{ kind: RecordKind; n: number }>(
      db,
      sql.join(recordKinds.map((k) => sql`SELECT ${k}::text AS kind, count(*)::int AS n FROM ${tableOf(k)} WHERE tree_path LIKE ${under} AND status = 'active'`), sql` UNION ALL `),
    );
    for (const r of kindCounts) records[r.kind] = r.n;
    const byCategory = await queryRows<{ k: string; n: number }>(db, sql`SELECT residence_status AS k, count(*)::int AS n FROM resident WHERE tree_path LIKE ${under} AND status = 'active' GROUP BY residence_status`);
    const byLabel = await queryRows<{ k: string; n: number }>(
      db,
      sql`SELECT l.label_code AS k, count(DISTINCT l.resident_id)::int AS n FROM resident_label l JOIN resident r ON r.id = l.resident_id AND r.status = 'active'
          WHERE l.tree_path LIKE ${under} AND (l.until IS NULL OR l.until >= CURRENT_DATE) GROUP BY l.label_code`,
    );
    const children: RegistryCounts['children'] = {};
    if (opts.byChild) {
      // The child of the root a row sits under is the next id in its path.
      const child = sql`split_part(substr(tree_path, ${rootPath.length + 1}), '/', 1)`;
      const perChild = await queryRows<{ child: string; residents: number; overdue: number }>(
        db,
        sql`SELECT child, sum(residents)::int AS residents, sum(overdue)::int AS overdue FROM (
              SELECT ${child} AS child, count(*) AS residents, 0 AS overdue FROM resident WHERE tree_path LIKE ${under} AND status = 'active' GROUP BY 1
              UNION ALL
              SELECT ${child} AS child, 0, count(*) FROM record_review WHERE tree_path LIKE ${under} AND owner = 'community' AND due_at < now() GROUP BY 1
            ) c WHERE child <> '' GROUP BY child`,
      );
      for (const r of perChild) children[Number(r.child)] = { residents: r.residents, overdue: r.overdue };
    }
    return {
      records,
      residentsByCategory: Object.fromEntries(byCategory.map((r) => [r.k, r.n])),
      residentsByLabel: Object.fromEntries(byLabel.map((r) => [r.k, r.n])),
      children,
    };
  }

  /**
   * The label kinds whose figures a caller may see under a node: all for callers who read the
   * register, and for a department only the labels its resident grants over that node name
   * (their labels, or "label:<code>" read fields). Reports and dashboards leave out the rest.
   */
  async labelsShownTo(ctx: RequestContext, nodePath: string, db?: Tx): Promise<'all' | Set<string>> {
    const p = ctx.principal;
    if (!p || p.permissions.has('registry:read') || !p.departmentId) return 'all';
    const fa = await this.store.platform.grants.fieldAccess(db ?? this.store.db, p, 'resident');
    const codes = new Set<string>();
    for (const g of fa.grants) {
      if (!g.treePath.startsWith(nodePath) && !nodePath.startsWith(g.treePath)) continue;
      for (const l of g.labels) codes.add(l);
      for (const f of g.readFields) if (f.startsWith('label:')) codes.add(f.slice(6));
    }
    return codes;
  }

  /**
   * The person behind a certificate or a report drill-down, with the secrets in clear. Only for
   * callers with full access to the record; the read is logged with its purpose.
   */
  async residentInClear(ctx: RequestContext, id: number, purpose: string) {
    const access = await this.store.access(ctx, 'resident');
    const row = await this.store.getRow(ctx, 'resident', id, access);
    const cipher = this.store.platform.cipher;
    const labels = (await this.labels.forResidents([id])).get(id) ?? [];
    await this.store.platform.audit.recordNow(this.store.db, ctx, { category: 'read', action: 'resident.read_clear', entityType: 'resident', entityId: id, subjectId: id, treePath: row.treePath, districtCode: row.districtCode, reason: purpose });
    return {
      ...(this.store.decode('resident', row, { ...access, unmasked: new Set(['idNumber', 'phone']) }) as Record<string, unknown>),
      idNumber: row.idNumberEnc ? cipher.decrypt(row.idNumberEnc as string) : null,
      phone: row.phoneEnc ? cipher.decrypt(row.phoneEnc as string) : null,
      labels: labels.map((l) => ({ code: l.labelCode, since: l.since, until: l.until, attributes: l.attributes })),
      gridId: row.gridId as number,
      treePath: row.treePath,
    };
  }

  /** Records follow their grid when it moves: placement columns are rewritten in one statement per table. */
  private async onGridMoved(tx: Tx, gridId: number, newPath: string, districtCode: string): Promise<void> {
    for (const kind of recordKinds) {
      const t = tableOf(kind);
      const col = kind === 'facility' ? sql`node_id` : sql`grid_id`;
      await tx.execute(sql`UPDATE ${t} SET tree_path = ${newPath}, district_code = ${districtCode} WHERE ${col} = ${gridId}`);
    }
    await tx.execute(sql`UPDATE resident_label l SET tree_path = r.tree_path, district_code = r.district_code FROM resident r WHERE l.resident_id = r.id AND r.grid_id = ${gridId}`);
    await tx.execute(sql`UPDATE record_review SET tree_path = ${newPath}, district_code = ${districtCode} WHERE grid_id = ${gridId}`);
    await tx.execute(sql`UPDATE visit SET tree_path = ${newPath}, district_code = ${districtCode} WHERE grid_id = ${gridId}`);
  }

  /**
   * A split grid hands its records to its successors: buildings as assigned, houses, households,
   * residents and organisations following their building, the rest to the first successor. Each
   * moved record gets a version saying why.
   */
  private async onGridSplit(tx: Tx, ctx: RequestContext, fromGridId: number, successors: number[], assignments: number[][]): Promise<void> {
    const nodes = await this.store.tree.getNodes(successors, tx);
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const target = (i: number) => byId.get(successors[i]!)!;
    const moved = new Map<RecordKind, Set<number>>();
    const note = (kind: RecordKind, ids: { id: number }[]) => {
      const set = moved.get(kind) ?? new Set<number>();
      for (const r of ids) set.add(r.id);
      moved.set(kind, set);
    };
    for (let i = 0; i < successors.length; i++) {
      const b = assignments[i] ?? [];
      if (!b.length) continue;
      const n = target(i);
      const list = sql.join(b.map((x) => sql`${x}`), sql`, `);
      note('building', await returningIds(tx, sql`UPDATE building SET grid_id = ${n.id}, tree_path = ${n.path}, version = version + 1 WHERE grid_id = ${fromGridId} AND id IN (${list}) RETURNING id`));
      note('house', await returningIds(tx, sql`UPDATE house SET grid_id = ${n.id}, tree_path = ${n.path}, version = version + 1 WHERE grid_id = ${fromGridId} AND building_id IN (${list}) RETURNING id`));
      note('organisation', await returningIds(tx, sql`UPDATE organisation SET grid_id = ${n.id}, tree_path = ${n.path}, version = version + 1 WHERE grid_id = ${fromGridId} AND building_id IN (${list}) RETURNING id`));
      note('household', await returningIds(tx, sql`UPDATE household SET grid_id = ${n.id}, tree_path = ${n.path}, version = version + 1 WHERE grid_id = ${fromGridId} AND house_id IN (SELECT id FROM house WHERE building_id IN (${list})) RETURNING id`));
      note('resident', await returningIds(tx, sql`UPDATE resident SET grid_id = ${n.id}, tree_path = ${n.path}, version = version + 1 WHERE grid_id = ${fromGridId} AND house_id IN (SELECT id FROM house WHERE building_id IN (${list})) RETURNING id`));
    }
    const first = target(0);
    for (const kind of recordKinds) {
      const t = tableOf(kind);
      const col = kind === 'facility' ? sql`node_id` : sql`grid_id`;
      note(kind, await returningIds(tx, sql`UPDATE ${t} SET ${col} = ${first.id}, tree_path = ${first.path}, version = version + 1 WHERE ${col} = ${fromGridId} RETURNING id`));
    }
    await tx.execute(sql`UPDATE resident_label l SET tree_path = r.tree_path FROM resident r WHERE l.resident_id = r.id AND l.tree_path <> r.tree_path`);
    await tx.execute(sql`UPDATE record_review rr SET grid_id = r.grid_id, tree_path = r.tree_path FROM resident r WHERE rr.record_kind = 'resident' AND rr.record_id = r.id AND rr.grid_id = ${fromGridId}`);
    await tx.execute(sql`UPDATE record_review SET grid_id = ${first.id}, tree_path = ${first.path} WHERE grid_id = ${fromGridId}`);
    for (const [kind, ids] of moved) if (ids.size) await this.store.writeVersions(tx, ctx, kind, [...ids], 'move', [kind === 'facility' ? 'nodeId' : 'gridId'], 'system', `grid ${fromGridId} split`);
  }

  wire(platform: Platform): void {
    platform.events.on('tree.gridMoved', (e, tx) => this.onGridMoved(tx, e.gridId, e.newPath, e.newDistrictCode));
    platform.events.on('tree.gridSplit', (e, tx, ctx) => this.onGridSplit(tx, ctx, e.fromGridId, e.successorGridIds, e.buildingAssignments));
    platform.events.on('registry.recordChanged', async (e, tx, ctx) => {
      const kind = e.recordKind as RecordKind;
      if (e.operation === 'create') await this.freshness.confirm(tx, ctx, kind, e.recordId);
      else if (e.operation === 'update' || e.operation === 'label') {
        await this.freshness.resync(tx, kind, e.recordId);
        await this.freshness.confirm(tx, ctx, kind, e.recordId, { fields: e.changedFields });
      } else await this.freshness.resync(tx, kind, e.recordId);
    });
  }
}

/** Ids an UPDATE … RETURNING id touched. */
function returningIds(tx: Tx, q: SQL): Promise<{ id: number }[]> {
  return queryRows<{ id: number }>(tx, q);
}

export const TAIL_INDEX_JOB = 'registry.tail_index';

// The registry's port for spreadsheet imports (导入): what an import may ask of the register, and
// no more. It finds stored records by natural keys, encodes sheet values as the store would, and
// writes one batch of matched rows in the caller's transaction: new records set-wise, changed
// ones one by one through the store (versions, audit, events, conflict checks), community labels,
// and the household rules (户号 and 户主) that tie residents to their households. Department
// labels go to their owners as proposals. The exchange module drives imports through this port
// only; it never reaches the store, the bulk writer or the tables.
import type { DbOrTx, Tx } from '../../db/client.js';
import type { RequestContext } from '../../platform/context.js';
import type { BulkRecord, BulkWriter } from './bulk.js';
import type { LabelKind, LabelService } from './labels.js';
import type { RecordMatcher } from './matching.js';
import type { ProposalService, ProposeOutcome } from './proposals.js';
import type { FieldProblem, RecordAccess, RegistryStore, Source } from './store.js';
import type { ProposalEvidence, RecordKind } from './tables.js';

/** 与户主关系 code of the head of household (户主). */
export const HEAD_OF_HOUSEHOLD = '02';

/** One sheet row, matched and checked, as the batch writes it. */
export interface ImportRowWrite {
  /** A new record: its encoded values with placement and references. */
  create?: Record<string, unknown>;
  /** The stored record the row matched (its id and the columns read), for an update. */
  existing?: { id: number } & Record<string, unknown>;
  /** API-shaped patch for the matched record (the store validates it again); absent when nothing changes. */
  patch?: Record<string, unknown>;
  /** What the row says, encoded (its relation to the head of household is read from here). */
  values?: Record<string, unknown>;
  /** Community-kept labels to give the person (only those not already open). */
  labels: string[];
  /** The household the row names by 户号 (resident imports with a 户号 column). */
  householdNo?: string | null;
  /** The grid the row goes to: a household first named by this row is placed there. */
  grid?: { id: number; path: string; districtCode: string | null } | null;
}

export interface ImportBatch {
  kind: RecordKind;
  rows: ImportRowWrite[];
  access: RecordAccess;
  /** Recorded in every version and audit row (the file and the import's number). */
  reason: string;
  /** The date labels start on. */
  since: string;
  /** The community the import writes into (households are matched by 户号 within it). */
  communityPath: string;
  /** The sheet names households by 户号: missing ones are created, residents linked, heads set. */
  households: boolean;
}

export interface ImportBatchResult {
  /** The record id of each row (new rows: the id given). */
  ids: number[];
  /** Whether each matched row changed (new rows: true). */
  changed: boolean[];
}

export type ImportProposal = { residentId: number; code: string; treePath: string; districtCode: string; evidence: ProposalEvidence; since: string };

export class ImportPort {
  constructor(
    private readonly store: RegistryStore,
    private readonly bulk: BulkWriter,
    private readonly matching: RecordMatcher,
    private readonly labels: LabelService,
    private readonly proposals: ProposalService,
  ) {}

  // ---- what the caller may do, and the sheet's values as the store keeps them ------------------

  access(ctx: RequestContext, kind: RecordKind, db?: DbOrTx): Promise<RecordAccess> {
    return this.store.access(ctx, kind, db);
  }

  labelKinds(): Promise<LabelKind[]> {
    return this.labels.kinds(true);
  }

  /** Validates and encodes one row's fields (partial: only what the sheet names). */
  encode(kind: RecordKind, fields: Record<string, unknown>, opts: { partial: boolean }): { values: Record<string, unknown>; problems: FieldProblem[] } {
    return this.store.encode(kind, fields, opts);
  }

  /** Validates and encodes records placed on known nodes (buildings and houses the sheet names). */
  encodeAll(kind: RecordKind, records: BulkRecord[]) {
    return this.bulk.encodeAll(kind, records);
  }

  /** Writes encoded records set-wise (with versions, review clocks and audit); ids in input order. */
  insertEncoded(tx: Tx, ctx: RequestContext, kind: RecordKind, rows: Record<string, unknown>[], opts: { source: Source; reason?: string | null }): Promise<number[]> {
    return this.bulk.insertEncoded(tx, ctx, kind, rows, opts);
  }

  /** A refused registration of someone registered elsewhere is a denied read of that person (audited). */
  auditResidencyProbe(ctx: RequestContext, err: unknown, via: Record<string, unknown>): Promise<void> {
    return this.store.auditResidencyProbe(ctx, err, via);
  }

  // ---- finding stored records ------------------------------------------------------------------

  residentsByIdHash(db: DbOrTx, hashes: string[]) {
    return this.matching.residentsByIdHash(db, hashes);
  }

  /** Records under `rootPath` whose key fields equal one of `keys` (trimmed text; blanks as ''). */
  byKeys(db: DbOrTx, kind: RecordKind, rootPath: string, keyFields: string[], keys: (string | number | null)[][]) {
    return this.matching.byKeys(db, kind, rootPath, keyFields, keys);
  }

  /** Stored rows by id (only `props` when given). */
  rows(db: DbOrTx, kind: RecordKind, ids: number[], props?: string[]) {
    return this.matching.rows(db, kind, ids, props);
  }

  openLabels(db: DbOrTx, residentIds: number[]) {
    return this.matching.openLabels(db, residentIds);
  }

  /** The fields whose encoded values differ from the stored row. */
  changedKeys(values: Record<string, unknown>, row: Record<string, unknown>): string[] {
    return this.matching.changedKeys(values, row);
  }

  // ---- writing a batch ----------------------------------------------------------------------------

  /**
   * Writes one batch in `tx`. New records get their ids first, so that a new household can name
   * its head (户主) as it is written and residents can point at households created in the same
   * batch; then the new records go in set-wise with their labels, and the matched ones are
   * updated one by one. The household rules, for sheets that name households by 户号:
   * - a 户号 not registered in the community becomes a household, placed in the grid of the
   *   first row naming it, headed by the first row that says 户主;
   * - each row's resident is linked to the household its 户号 names;
   * - a household already registered without a head takes the first row that says 户主.
   */
  async writeBatch(tx: Tx, ctx: RequestContext, b: ImportBatch): Promise<ImportBatchResult> {
    const opts = { source: 'import' as const, reason: b.reason };
    const ids: number[] = b.rows.map((r) => r.existing?.id ?? 0);
    const changed: boolean[] = b.rows.map((r) => !!r.create);
    const creates = b.rows.map((r, i) => ({ r, i })).filter((x) => x.r.create);
    const newIds = creates.length ? await this.bulk.allocateIds(tx, b.kind, creates.length) : [];
    creates.forEach((c, k) => (ids[c.i] = newIds[k]!));
    const relation = (r: ImportRowWrite) => r.values?.relationToHead ?? (r.create ? undefined : r.existing?.relationToHead);

    // Households named by 户号 that do not exist yet are created before the residents.
    const householdIds = new Map<string, number>();
    const existingHouseholds = new Set<number>();
    if (b.households) {
      const numbers = [...new Set(b.rows.map((r) => r.householdNo).filter((x): x is string => !!x))];
      for (const h of await this.matching.byKeys(tx, 'household', b.communityPath, ['householdNo'], numbers.map((n) => [n]))) {
        if (householdIds.has(h.key[0]!)) continue;
        householdIds.set(h.key[0]!, h.id);
        existingHouseholds.add(h.id);
      }
      const missing = numbers.filter((n) => !householdIds.has(n));
      if (missing.length) {
        const firstRow = new Map<string, ImportRowWrite>();
        const head = new Map<string, number>();
        b.rows.forEach((r, i) => {
          const n = r.householdNo;
          if (!n) return;
          if (!firstRow.has(n)) firstRow.set(n, r);
          if (relation(r) === HEAD_OF_HOUSEHOLD && !head.has(n)) head.set(n, ids[i]!);
        });
        const enc = this.bulk.encodeAll('household', missing.map((n) => ({ fields: { householdNo: n }, node: placement(firstRow.get(n)!.grid!) })));
        const values: Record<string, unknown>[] = enc.values.map((v) => ({ ...v, headResidentId: head.get(v.householdNo as string) ?? null }));
        const hids = await this.bulk.insertEncoded(tx, ctx, 'household', values, opts);
        values.forEach((v, i) => householdIds.set(v.householdNo as string, hids[i]!));
      }
    }
    const householdOf = (r: ImportRowWrite) => (b.households && r.householdNo ? householdIds.get(r.householdNo) : undefined);

    // Creates, set-wise.
    if (creates.length) {
      const rowsToInsert = creates.map(({ r }) => {
        const v = { ...r.create! };
        if (b.households && r.householdNo) v.householdId = householdOf(r) ?? null;
        return v;
      });
      await this.bulk.insertEncoded(tx, ctx, b.kind, rowsToInsert, { ...opts, ids: newIds });
      const labelRows = creates.flatMap(({ r, i }) => r.labels.map((code) => ({ residentId: ids[i]!, code, since: b.since })));
      if (labelRows.length) await this.bulk.insertLabels(tx, ctx, labelRows, 'import');
    }

    // Updates, one by one through the store (versions, audit, events, conflict checks).
    for (const [i, r] of b.rows.entries()) {
      if (r.create || !r.existing) continue;
      const patch = { ...(r.patch ?? {}) };
      const hid = householdOf(r);
      if (hid && r.existing.householdId !== hid) patch.householdId = hid;
      let did = false;
      if (Object.keys(patch).length) did = (await this.store.update(ctx, b.kind, r.existing.id, patch, { ...opts, tx, access: b.access })).changed.length > 0;
      for (const code of r.labels) {
        await this.labels.set(ctx, r.existing.id, { code, since: b.since }, { reason: b.reason, tx });
        did = true;
      }
      changed[i] = did;
    }

    // A household already stored without a head takes the row that says 户主.
    if (existingHouseholds.size) {
      const heads = new Map<number, number>();
      b.rows.forEach((r, i) => {
        const hid = householdOf(r);
        if (hid && existingHouseholds.has(hid) && relation(r) === HEAD_OF_HOUSEHOLD && !heads.has(hid)) heads.set(hid, ids[i]!);
      });
      if (heads.size) {
        const current = await this.matching.rows(tx, 'household', [...heads.keys()]);
        const todo = current.filter((h) => !h.headResidentId).map((h) => ({ householdId: h.id, residentId: heads.get(h.id)! }));
        if (todo.length) await this.bulk.setHouseholdHeads(tx, todo);
      }
    }
    return { ids, changed };
  }

  /** Department-kept labels a sheet names go to their owners as proposals (never written here). */
  propose(tx: Tx, ctx: RequestContext, items: ImportProposal[]): Promise<ProposeOutcome[]> {
    return this.proposals.proposeFromImport(tx, ctx, items);
  }
}

function placement(g: { id: number; path: string; districtCode: string | null }) {
  return { id: g.id, path: g.path, districtCode: g.districtCode! };
}

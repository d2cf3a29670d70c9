// The registry's look-up port: what other modules read of base data, each read scoped and masked
// for the caller and audited as the store audits it. Exports page through the same lists the
// screens show; dashboards take counts; certificates and reports take a record, its labels and
// its address. None of them reach the store or the tables.
import type { DbOrTx } from '../../db/client.js';
import type { RequestContext } from '../../platform/context.js';
import type { FreshnessService } from './freshness.js';
import type { LabelKind, LabelService, ResidentLabel } from './labels.js';
import type { RecordListFilter, RecordMatcher } from './matching.js';
import type { ResidentService } from './residents.js';
import type { ResidentAddress, ResidentFilter, StaleCounts } from './schemas.js';
import type { RecordAccess, RecordOut, RegistryStore } from './store.js';
import type { RecordKind } from './tables.js';

export class LookupPort {
  constructor(
    private readonly store: RegistryStore,
    private readonly labels: LabelService,
    private readonly residentService: ResidentService,
    private readonly freshness: FreshnessService,
    private readonly matching: RecordMatcher,
  ) {}

  /** Label kinds (retired ones too when asked), with names, owners and rules. */
  labelKinds(includeInactive = false): Promise<LabelKind[]> {
    return this.labels.kinds(includeInactive);
  }

  /** What the caller may read and write of a kind. */
  access(ctx: RequestContext, kind: RecordKind): Promise<RecordAccess> {
    return this.store.access(ctx, kind);
  }

  /** One record as the caller may see it (the read is audited, with the reason). */
  get(ctx: RequestContext, kind: RecordKind, id: number, opts: { reason?: string | null } = {}): Promise<RecordOut> {
    return this.store.get(ctx, kind, id, opts);
  }

  /** Labels of residents (open ones unless asked otherwise), by resident. */
  residentLabels(ids: number[], activeOnly = true): Promise<Map<number, ResidentLabel[]>> {
    return this.labels.forResidents(ids, activeOnly);
  }

  /** A page of the resident list as the caller may see it (audited as a list read). */
  residents(ctx: RequestContext, f: ResidentFilter) {
    return this.residentService.list(ctx, f);
  }

  /** Where a resident (already read in scope) lives, and whether the address was reviewed in time. */
  addressOf(r: { id: number; houseId?: unknown; address?: unknown }): Promise<ResidentAddress> {
    return this.residentService.addressCheck(r);
  }

  /** Overdue and due-soon reviews under a subtree (counts only). */
  staleCounts(rootPath: string, db: DbOrTx = this.store.db): Promise<StaleCounts> {
    return this.freshness.staleCounts(db, rootPath);
  }

  /** 户号 of households, or names of buildings, by id (for labelling rows the caller already reads). */
  async namesOf(db: DbOrTx, kind: 'household' | 'building', ids: number[]): Promise<Map<number, string>> {
    const rows = await this.matching.rows(db, kind, ids);
    return new Map(rows.map((r) => [r.id, String(kind === 'household' ? r.householdNo : r.name)]));
  }

  /** The resident list, page after page, as the caller sees it (exports). */
  scanResidents(ctx: RequestContext, f: Omit<ResidentFilter, 'limit' | 'offset'>, pageSize?: number) {
    return this.matching.scanResidents(ctx, f, pageSize);
  }

  /** Another kind's list, page after page, as the caller sees it (exports). */
  scanRecords(ctx: RequestContext, kind: RecordKind, f: RecordListFilter, pageSize?: number) {
    return this.matching.scanRecords(ctx, kind, f, pageSize);
  }
}

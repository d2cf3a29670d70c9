// Residents: the filtered list a community works from, the resident card, a department's live
// look-up within its grant (实时调阅), the access trail, and finding and merging duplicates.
import { and, asc, desc, eq, exists, inArray, isNull, notInArray, or, sql, type SQL } from 'drizzle-orm';
import { queryRows } from '../../db/client.js';
import type { AuditEntry } from '../../platform/audit.js';
import type { RequestContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { scopeCondition } from '../../platform/scope.js';
import { RegistryErrors } from './errors.js';
import type { FreshnessService } from './freshness.js';
import type { LabelService } from './labels.js';
import { checkedValues, type RecordOut, type RegistryStore } from './store.js';
import { households, houses, buildings, recordReviews, recordVersions, residentLabels, residents, visits } from './tables.js';
import { checkIdNumber, checkPhone, normaliseInput } from './validation.js';
import { checkAddress, houseAddress } from './address.js';
import type { DuplicatesOut, HouseholdRef, HouseRef, LookupIn, MergeOut, ResidentAddress, ResidentFilter, ResidentListQuery, ResidentSearchIn, TrailOut } from './schemas.js';

export type { HouseholdRef, HouseRef, ResidentAddress, ResidentFilter };

/** What a search term asks for, and how its audit row records it (never the number itself). */
export interface SearchTerm {
  cond: SQL;
  /** For the audit row: a name prefix as typed; a number only as its keyed blind index. */
  audit: { by: 'name'; q: string } | { by: 'idNumber' | 'phone' | 'document' | 'last4'; index: string };
}

/**
 * Refuses a search term that holds digits in a URL: ID numbers and phones travel in a POST body
 * only, so that no request log, proxy log or browser history keeps them. Names hold no digits.
 */
export function assertNoNumberInUrl(q: string | undefined): void {
  if (q && /[0-9０-９]/.test(q)) throw new AppError(RegistryErrors.RESIDENT_SEARCH_USE_POST, {}, 'q');
}

export class ResidentService {
  constructor(
    private readonly store: RegistryStore,
    private readonly labels: LabelService,
    private readonly freshness: FreshnessService,
  ) {}

  /** The WHERE conditions of a resident list (also used by exports, which page through the same list). */
  async conditions(ctx: RequestContext, f: ResidentFilter, access: Awaited<ReturnType<RegistryStore['access']>>): Promise<SQL[]> {
    let nodePath: string | undefined;
    if (f.nodeId) nodePath = (await this.store.tree.getVisibleNode(ctx.principal!, f.nodeId)).path;
    const conds = this.store.listConditions(ctx, 'resident', access, { nodePath, status: f.status, gridId: f.gridId });
    // Labels and review clocks carry their resident's placement: naming the subtree in their
    // sub-queries too lets the planner start from the few labelled (or overdue) people in it
    // instead of probing every resident of a street.
    const under = `${nodePath ?? ctx.principal!.treePath}%`;
    if (f.q) conds.push(this.searchTerm(f.q).cond);
    if (f.labels?.length) {
      const active = sql`(${residentLabels.until} IS NULL OR ${residentLabels.until} >= CURRENT_DATE)`;
      if (f.labelMatch === 'all') {
        for (const l of f.labels) conds.push(exists(this.store.db.select({ x: sql`1` }).from(residentLabels).where(and(eq(residentLabels.residentId, residents.id), eq(residentLabels.labelCode, l), sql`${residentLabels.treePath} LIKE ${under}`, active))));
      } else {
        conds.push(exists(this.store.db.select({ x: sql`1` }).from(residentLabels).where(and(eq(residentLabels.residentId, residents.id), inArray(residentLabels.labelCode, f.labels), sql`${residentLabels.treePath} LIKE ${under}`, active))));
      }
    }
    if (f.sex) conds.push(eq(residents.sex, f.sex));
    // Ages become birth-date bounds, so the filter can use an index and never computes per row.
    if (f.ageMin !== undefined) conds.push(sql`${residents.birthDate} <= (CURRENT_DATE - (${f.ageMin}::int * interval '1 year'))::date`);
    if (f.ageMax !== undefined) conds.push(sql`${residents.birthDate} > (CURRENT_DATE - ((${f.ageMax}::int + 1) * interval '1 year'))::date`);
    if (f.residenceStatus) conds.push(eq(residents.residenceStatus, f.residenceStatus));
    if (f.householdId) conds.push(eq(residents.householdId, f.householdId));
    if (f.stale) {
      conds.push(exists(this.store.db.select({ x: sql`1` }).from(recordReviews).where(and(eq(recordReviews.recordKind, 'resident'), eq(recordReviews.recordId, residents.id), sql`${recordReviews.treePath} LIKE ${under}`, sql`${recordReviews.dueAt} < now()`))));
    }
    return conds;
  }

  /**
   * A search term: a whole ID number, document number or phone (its blind index), the last four
   * characters of an ID number or a phone (their tail indexes, as counters ask: "后四位"), or a
   * name prefix. Nothing is ever decrypted to search.
   */
  searchTerm(raw: string): SearchTerm {
    const q = normaliseInput(raw);
    const cipher = this.store.platform.cipher;
    const id = checkIdNumber(q);
    if (id.ok) {
      const index = cipher.blindIndex('id', id.value.number);
      return { cond: eq(residents.idNumberHash, index), audit: { by: 'idNumber', index } };
    }
    const phone = checkPhone(q);
    if (phone.ok) {
      const index = cipher.blindIndex('phone', phone.value.number);
      return { cond: eq(residents.phoneHash, index), audit: { by: 'phone', index } };
    }
    if (/^[0-9]{3}[0-9Xx]$/.test(q)) {
      const idTail = cipher.tailIndex('id4', q);
      const phoneTail = /^[0-9]{4}$/.test(q) ? cipher.tailIndex('phone4', q) : null;
      return { cond: phoneTail ? or(eq(residents.idNumberTailHash, idTail), eq(residents.phoneTailHash, phoneTail))! : eq(residents.idNumberTailHash, idTail), audit: { by: 'last4', index: idTail } };
    }
    if (/[0-9]/.test(q)) {
      // Another document type (passport, permit …): matched whole, as stored.
      // A short run of digits is part of a number, not a document number: say what works.
      const doc = q.toUpperCase();
      if (!/^[A-Z0-9]{5,20}$/.test(doc) || /^[0-9]{1,7}$/.test(doc)) throw new AppError(RegistryErrors.RESIDENT_SEARCH_NUMBER_INVALID, {}, 'q');
      const index = cipher.blindIndex('id', doc);
      return { cond: eq(residents.idNumberHash, index), audit: { by: 'document', index } };
    }
    return { cond: sql`${residents.name} LIKE ${`${q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`}`, audit: { by: 'name', q } };
  }

  /** A page of the list, by name prefix and filters (a number in the URL is refused: it belongs in a body). */
  async listPage(ctx: RequestContext, q: ResidentListQuery) {
    assertNoNumberInUrl(q.q);
    return { ...(await this.list(ctx, q)), limit: q.limit, offset: q.offset };
  }

  /** A page found by a number (or a name) sent in a body, with the list filters. */
  async search(ctx: RequestContext, b: ResidentSearchIn) {
    const page = { limit: b.limit ?? 50, offset: b.offset ?? 0 };
    return { ...(await this.list(ctx, { ...b, ...page })), ...page };
  }

  async list(ctx: RequestContext, f: ResidentFilter): Promise<{ items: (RecordOut & { labels: { code: string; since: string; until: string | null }[]; gridName?: string })[]; total: number; totalCapped: boolean }> {
    const access = await this.store.access(ctx, 'resident');
    const conds = await this.conditions(ctx, f, access);
    const { rows, total, totalCapped } = await this.store.listRows('resident', conds, f.limit, f.offset);
    const ids = rows.map((r) => r.id as number);
    // Independent reads side by side (on a server they use separate connections).
    // The read is logged beside them: nothing is returned unless its audit row was written.
    const [items, labelMap, grids] = await Promise.all([
      this.store.decodeMany(ctx, 'resident', rows, access),
      this.labels.forResidents(ids),
      this.store.tree.names(rows.map((r) => r.gridId as number)),
      this.store.logListRead(ctx, 'resident', ids, { ...f, q: f.q ? this.searchTerm(f.q).audit : undefined, limit: undefined, offset: f.offset }),
    ]);
    const canSeeLabel = await this.store.labelVisibility(access, rows as { id: number; treePath: string }[]);
    return {
      items: items.map((i) => ({ ...i, gridName: grids.get(i.gridId as number), labels: (labelMap.get(i.id) ?? []).filter((l) => canSeeLabel(i.id, l.labelCode)).map((l) => ({ code: l.labelCode, since: l.since, until: l.until })) })),
      total,
      totalCapped,
    };
  }

  /**
   * Where the resident lives (docs/decisions/0021): the linked house's address, the free text, and
   * whether they agree; with the review of the group that holds the address, so that a caller can
   * tell whether it was checked within its period. Callers have already read the record in scope.
   */
  async addressCheck(r: { id: number; houseId?: unknown; address?: unknown }): Promise<ResidentAddress> {
    const houseId = (r.houseId as number | null | undefined) ?? null;
    let parts: Parameters<typeof checkAddress>[1] = null;
    if (houseId) {
      const [h] = await this.store.db
        .select({ unitNo: houses.unitNo, roomNo: houses.roomNo, buildingName: buildings.name, buildingAddress: buildings.address, buildingKind: buildings.kind })
        .from(houses)
        .innerJoin(buildings, eq(buildings.id, houses.buildingId))
        .where(eq(houses.id, houseId));
      if (h) parts = h;
    }
    const check = checkAddress((r.address as string | null | undefined) ?? null, parts);
    const policyIds = (await this.freshness.policies()).filter((p) => p.recordKind === 'resident' && !p.labelCode && p.fields.includes('address')).map((p) => p.id);
    const reviews = policyIds.length ? (await this.freshness.reviewsOf('resident', r.id)).filter((x) => policyIds.includes(x.policyId)) : [];
    const due = reviews.length ? reviews.reduce((a, b) => (a.dueAt < b.dueAt ? a : b)) : null;
    return { ...check, reviewedAt: due?.reviewedAt.toISOString() ?? null, dueAt: due?.dueAt.toISOString() ?? null, overdue: !!due && due.dueAt.getTime() < Date.now() };
  }

  /**
   * The household and house people are linked to, named as people know them, for records whose
   * household or house link the caller may read (a department's grant naming 所属户 or 房屋) but
   * whose household and house records it does not read. A head's name is another person's data:
   * each one shown is logged as a read of that person, with the purpose, beside the caller's own.
   */
  async links(ctx: RequestContext, items: RecordOut[], reason: string | null): Promise<Map<number, { householdRef?: HouseholdRef; houseRef?: HouseRef }>> {
    const out = new Map<number, { householdRef?: HouseholdRef; houseRef?: HouseRef }>();
    const hids = [...new Set(items.map((i) => i.householdId).filter((v): v is number => typeof v === 'number'))];
    const houseIds = [...new Set(items.map((i) => i.houseId).filter((v): v is number => typeof v === 'number'))];
    if (!hids.length && !houseIds.length) return out;
    const hh = hids.length
      ? await this.store.db
          .select({ id: households.id, householdNo: households.householdNo, headId: residents.id, headName: residents.name, headPath: residents.treePath, headDistrict: residents.districtCode })
          .from(households)
          .leftJoin(residents, and(eq(residents.id, households.headResidentId), notInArray(residents.status, ['deleted', 'merged'])))
          .where(and(inArray(households.id, hids), scopeCondition(ctx.principal!, households.treePath)))
      : [];
    const hs = houseIds.length
      ? await this.store.db
          .select({ id: houses.id, unitNo: houses.unitNo, roomNo: houses.roomNo, buildingName: buildings.name, buildingAddress: buildings.address, buildingKind: buildings.kind })
          .from(houses)
          .innerJoin(buildings, eq(buildings.id, houses.buildingId))
          .where(and(inArray(houses.id, houseIds), scopeCondition(ctx.principal!, houses.treePath)))
      : [];
    const byHousehold = new Map(hh.map((h) => [h.id, h]));
    const byHouse = new Map(hs.map((h) => [h.id, { id: h.id, address: houseAddress(h) }]));
    const heads: AuditEntry[] = [];
    for (const i of items) {
      const h = typeof i.householdId === 'number' ? byHousehold.get(i.householdId) : undefined;
      const house = typeof i.houseId === 'number' ? byHouse.get(i.houseId) : undefined;
      if (!h && !house) continue;
      out.set(i.id, { ...(h ? { householdRef: { id: h.id, householdNo: h.householdNo, headName: h.headName ?? null } } : {}), ...(house ? { houseRef: house } : {}) });
      if (h?.headId && h.headId !== i.id) {
        heads.push({ category: 'read', action: 'resident.read_as_head', entityType: 'resident', entityId: h.headId, subjectId: h.headId, treePath: h.headPath, districtCode: h.headDistrict, reason, detail: { fields: ['name'], headOf: h.householdNo, via: i.id } });
      }
    }
    if (heads.length) await this.store.platform.audit.recordNow(this.store.db, ctx, heads);
    return out;
  }

  /** The resident card: the record, its labels, household and house, recent visits and review state. */
  async card(ctx: RequestContext, id: number, reason?: string | null) {
    const resident = await this.store.get(ctx, 'resident', id, { reason });
    const access = await this.store.access(ctx, 'resident');
    const labelRows = (await this.labels.forResidents([id], false)).get(id) ?? [];
    const kinds = new Map((await this.labels.kinds(true)).map((k) => [k.code, k]));
    const canSeeLabel = await this.store.labelVisibility(access, [{ id, treePath: resident.treePath as string }]);
    const labels = labelRows
      .filter((l) => canSeeLabel(id, l.labelCode))
      .map((l) => ({ code: l.labelCode, name: ctx.lang === 'zh' ? kinds.get(l.labelCode)?.nameZh : kinds.get(l.labelCode)?.nameEn, since: l.since, until: l.until, attributes: l.attributes, active: !l.until || l.until >= new Date().toISOString().slice(0, 10) }));
    let household: { id: number; householdNo: string; members: { id: number; name: string; relationToHead: string | null; age: number | null }[] } | null = null;
    let house: { id: number; building: string; unitNo: string | null; roomNo: string; address: string } | null = null;
    if (access.mode === 'full') {
      const hid = resident.householdId as number | null;
      if (hid) {
        const [h] = await this.store.db.select().from(households).where(eq(households.id, hid));
        const members = await this.store.db
          .select({ id: residents.id, name: residents.name, relationToHead: residents.relationToHead, birthDate: residents.birthDate })
          .from(residents)
          .where(and(eq(residents.householdId, hid), notInArray(residents.status, ['deleted', 'merged']), scopeCondition(ctx.principal!, residents.treePath)))
          .orderBy(asc(residents.relationToHead), asc(residents.id));
        if (h) household = { id: h.id, householdNo: h.householdNo, members: members.map((m) => ({ id: m.id, name: m.name, relationToHead: m.relationToHead, age: m.birthDate ? new Date().getUTCFullYear() - Number(m.birthDate.slice(0, 4)) : null })) };
      }
      const houseId = resident.houseId as number | null;
      if (houseId) {
        const [hs] = await this.store.db.select({ id: houses.id, unitNo: houses.unitNo, roomNo: houses.roomNo, building: buildings.name, address: buildings.address }).from(houses).innerJoin(buildings, eq(buildings.id, houses.buildingId)).where(eq(houses.id, houseId));
        if (hs) house = hs;
      }
    }
    // Visits are the community's work record: departments do not see them (no grant names them).
    const visitRows = access.mode === 'full' ? await this.freshness.visitsOf(ctx, id, 10) : [];
    const visitors = await this.store.tree.people(visitRows.map((v) => v.visitorId));
    const recentVisits = visitRows.map((v) => ({ id: v.id, kind: v.kind, visitedAt: v.visitedAt.toISOString(), notes: v.notes, confirmedPolicies: v.confirmedPolicies ?? [], visitorId: v.visitorId, visitor: visitors.get(v.visitorId) ?? null }));
    const policies = new Map((await this.freshness.policies()).map((p) => [p.id, p]));
    const reviews = access.mode === 'full'
      ? (await this.freshness.reviewsOf('resident', id)).map((r) => ({ policyId: r.policyId, name: ctx.lang === 'zh' ? policies.get(r.policyId)?.nameZh : policies.get(r.policyId)?.nameEn, owner: policies.get(r.policyId)?.owner ?? 'community', reviewedAt: r.reviewedAt.toISOString(), dueAt: r.dueAt.toISOString(), overdue: r.dueAt.getTime() < Date.now() }))
      : [];
    const grid = await this.store.tree.describe(resident.gridId as number);
    const address = access.mode === 'full' ? await this.addressCheck(resident as { id: number; houseId?: unknown; address?: unknown }) : null;
    // A department whose grant covers the household or house link sees them named, not numbered.
    const links = access.mode === 'full' ? undefined : (await this.links(ctx, [resident], reason ?? null)).get(id);
    return { resident: { ...resident, ...links }, labels, household, house: house ? { ...house, fullAddress: address?.house ?? house.address } : null, address, visits: recentVisits, reviews, place: grid?.trail ?? [] };
  }

  /**
   * 实时调阅: a department finds a person by ID number (exact) or full name within its grants and
   * reads live data; every hit is logged with the stated purpose.
   */
  async lookup(ctx: RequestContext, q: LookupIn) {
    if (!q.reason?.trim()) throw new AppError(RegistryErrors.REASON_REQUIRED, {}, 'reason');
    const access = await this.store.access(ctx, 'resident');
    const conds: SQL[] = [this.store.visibility(ctx, 'resident', access), notInArray(residents.status, ['deleted', 'merged'])];
    if (q.idNumber) {
      const id = checkIdNumber(q.idNumber);
      const hash = this.store.platform.cipher.blindIndex('id', id.ok ? id.value.number : normaliseInput(q.idNumber).toUpperCase());
      conds.push(eq(residents.idNumberHash, hash));
    } else if (q.name) {
      conds.push(eq(residents.name, normaliseInput(q.name)));
    } else {
      throw new AppError(RegistryErrors.RECORD_INVALID, { field_zh: '查询条件', field_en: 'query', reason_zh: '请输入身份证号或姓名', reason_en: 'give an ID number or a name' }, 'idNumber');
    }
    const rows: Record<string, unknown>[] = await this.store.db.select().from(residents).where(and(...conds)).orderBy(asc(residents.id)).limit(20);
    const items = await this.store.decodeMany(ctx, 'resident', rows, access);
    const labelMap = await this.labels.forResidents(items.map((i) => i.id));
    if (rows.length) {
      await this.store.platform.audit.recordNow(
        this.store.db,
        ctx,
        rows.map((r) => ({ category: 'read' as const, action: 'resident.lookup', entityType: 'resident', entityId: r.id as number, subjectId: r.id as number, treePath: r.treePath as string, districtCode: r.districtCode as string, reason: q.reason, detail: { by: q.idNumber ? 'idNumber' : 'name' } })),
      );
    } else {
      await this.store.platform.audit.recordNow(this.store.db, ctx, { category: 'read', action: 'resident.lookup', reason: q.reason, result: 'ok', detail: { by: q.idNumber ? 'idNumber' : 'name', hits: 0 } });
    }
    const canSeeLabel = await this.store.labelVisibility(access, rows as { id: number; treePath: string }[]);
    const links = await this.links(ctx, items, q.reason);
    return items.map((i) => ({ ...i, ...links.get(i.id), labels: (labelMap.get(i.id) ?? []).filter((l) => canSeeLabel(i.id, l.labelCode)).map((l) => ({ code: l.labelCode, since: l.since, until: l.until, attributes: l.attributes })) }));
  }

  /** Who read this person's record, and when (visible to the community and the auditor). */
  async trail(ctx: RequestContext, residentId: number, limit = 100): Promise<TrailOut> {
    const rows = await this.store.db.select({ treePath: residents.treePath }).from(residents).where(and(eq(residents.id, residentId), scopeCondition(ctx.principal!, residents.treePath))).limit(1);
    if (!rows[0]) throw new AppError(RegistryErrors.RECORD_NOT_FOUND);
    const found = await this.store.platform.audit.search(this.store.db, { subjectId: residentId, category: 'read', limit, offset: 0 });
    const deptIds = [...new Set(found.items.map((r) => r.departmentId).filter((d): d is number => d !== null))];
    const depts = new Map<number, string>();
    for (const d of deptIds) {
      const dep = await this.store.tree.getDepartment(d);
      if (dep) depts.set(d, dep.name);
    }
    // People by their names and units, never by log-in names.
    const people = await this.store.tree.people(found.items.map((r) => r.actorId));
    await this.store.platform.audit.recordNow(this.store.db, ctx, { category: 'read', action: 'resident.trail', entityType: 'resident', entityId: residentId, treePath: rows[0].treePath });
    return {
      items: found.items.map((r) => {
        const person = r.actorId ? people.get(r.actorId) : undefined;
        const department = r.departmentId ? (depts.get(r.departmentId) ?? null) : null;
        return { at: r.at.toISOString(), actor: person?.name ?? r.actorName, role: r.actorRole, unit: department ?? person?.unit ?? null, department, action: r.action, reason: r.reason, result: r.result };
      }),
      total: found.total,
    };
  }

  /** Pairs that look like one person entered twice: same name and birth date, and same address or household (or one without an ID number). */
  async nearDuplicates(ctx: RequestContext, nodeId?: number, limit = 100): Promise<DuplicatesOut> {
    const root = nodeId ? (await this.store.tree.getVisibleNode(ctx.principal!, nodeId)).path : ctx.principal!.treePath;
    const rows = await queryRows<{ a: number; b: number; name: string; birth_date: string; reason: string }>(
      this.store.db,
      sql`SELECT a.id AS a, b.id AS b, a.name, a.birth_date,
                 CASE WHEN a.id_number_hash IS NULL OR b.id_number_hash IS NULL THEN 'missing_id'
                      WHEN a.household_id = b.household_id THEN 'same_household' ELSE 'same_address' END AS reason
          FROM resident a JOIN resident b ON a.name = b.name AND a.birth_date = b.birth_date AND a.id < b.id
          WHERE a.tree_path LIKE ${`${root}%`} AND b.tree_path LIKE ${`${root}%`}
            AND a.status = 'active' AND b.status = 'active'
            AND (a.id_number_hash IS NULL OR b.id_number_hash IS NULL
                 OR coalesce(a.address, '') = coalesce(b.address, '') OR a.household_id = b.household_id)
            AND NOT (a.id_number_hash IS NOT NULL AND b.id_number_hash IS NOT NULL AND a.id_number_hash <> b.id_number_hash AND a.household_id IS DISTINCT FROM b.household_id AND coalesce(a.address, '') <> coalesce(b.address, ''))
          ORDER BY a.id LIMIT ${limit}`,
    );
    // Names and birth dates of people: logged like any list page.
    await this.store.logListRead(ctx, 'resident', [...new Set(rows.flatMap((r) => [Number(r.a), Number(r.b)]))], { via: 'duplicates', nodeId: nodeId ?? null });
    return rows.map((r) => ({ keepId: r.a, dropId: r.b, name: r.name, birthDate: r.birth_date, reason: r.reason }));
  }

  /**
   * Merges `dropId` into `keepId`: empty fields of the kept record are filled from the other,
   * labels and visits move over, the dropped record becomes status "merged" pointing at the kept
   * one. Both histories stay. Two different ID numbers are two people and are never merged.
   */
  async merge(ctx: RequestContext, keepId: number, dropId: number, reason: string): Promise<MergeOut> {
    if (keepId === dropId) throw new AppError(RegistryErrors.MERGE_INVALID, { reason_zh: '不能与自身合并', reason_en: 'a record cannot merge with itself' });
    const access = await this.store.access(ctx, 'resident');
    if (access.mode !== 'full' || !ctx.principal!.permissions.has('registry:merge')) throw new AppError(RegistryErrors.FIELD_NOT_WRITABLE, { fields: 'merge' });
    return this.store.db.transaction(async (tx) => {
      const keep = await this.store.getRow(ctx, 'resident', keepId, access, tx);
      const drop = await this.store.getRow(ctx, 'resident', dropId, access, tx);
      if (keep.status !== 'active' || drop.status !== 'active') throw new AppError(RegistryErrors.MERGE_INVALID, { reason_zh: '只能合并在册记录', reason_en: 'only active records merge' });
      if (keep.idNumberHash && drop.idNumberHash && keep.idNumberHash !== drop.idNumberHash) {
        throw new AppError(RegistryErrors.MERGE_INVALID, { reason_zh: '两条记录的证件号码不同，是两个人', reason_en: 'the two records carry different ID numbers: two people' });
      }
      const fill: Record<string, unknown> = {};
      for (const k of ['idNumberEnc', 'idNumberHash', 'idNumberTailHash', 'birthDate', 'idAddressCode', 'phoneEnc', 'phoneHash', 'phoneTailHash', 'ethnicity', 'maritalStatus', 'politicalStatus', 'education', 'hukouAddress', 'address', 'occupation', 'employer', 'residentSince', 'householdId', 'houseId', 'relationToHead', 'notes']) {
        if ((keep[k] === null || keep[k] === undefined) && drop[k] !== null && drop[k] !== undefined) fill[k] = drop[k];
      }
      if (keep.sex === '0' && drop.sex !== '0') fill.sex = drop.sex;
      // Free the unique ID-number slot before the kept record takes it.
      await tx.update(residents).set({ status: 'merged', mergedInto: keepId, version: drop.version + 1, updatedAt: new Date() }).where(eq(residents.id, dropId));
      await tx.update(residents).set(checkedValues({ ...fill, version: keep.version + 1, updatedAt: new Date(), updatedBy: ctx.principal?.userId ?? null })).where(eq(residents.id, keepId));
      const existing = new Set((await tx.select({ code: residentLabels.labelCode }).from(residentLabels).where(and(eq(residentLabels.residentId, keepId), or(isNull(residentLabels.until), sql`${residentLabels.until} >= CURRENT_DATE`)))).map((l) => l.code));
      const dropLabels = await tx.select().from(residentLabels).where(eq(residentLabels.residentId, dropId));
      for (const l of dropLabels) {
        if (!existing.has(l.labelCode)) await tx.update(residentLabels).set({ residentId: keepId, treePath: keep.treePath, districtCode: keep.districtCode }).where(eq(residentLabels.id, l.id));
      }
      await tx.update(visits).set({ residentId: keepId }).where(eq(visits.residentId, dropId));
      await tx.delete(recordReviews).where(and(eq(recordReviews.recordKind, 'resident'), eq(recordReviews.recordId, dropId)));
      await this.store.writeVersion(tx, ctx, 'resident', keepId, 'merge', [...new Set(Object.keys(fill).map((k) => k.replace(/(Enc|TailHash|Hash)$/, '')))], 'community', reason);
      await this.store.writeVersion(tx, ctx, 'resident', dropId, 'merge', ['status'], 'community', reason);
      await this.store.platform.audit.record(tx, ctx, [
        { category: 'write', action: 'resident.merge', entityType: 'resident', entityId: keepId, subjectId: keepId, treePath: keep.treePath, districtCode: keep.districtCode, reason, detail: { merged: dropId, filled: Object.keys(fill) } },
        { category: 'write', action: 'resident.merged_into', entityType: 'resident', entityId: dropId, subjectId: dropId, treePath: drop.treePath, districtCode: drop.districtCode, reason, detail: { into: keepId } },
      ]);
      return { keepId, dropId, filled: [...new Set(Object.keys(fill).map((k) => k.replace(/(Enc|TailHash|Hash)$/, '')))] };
    });
  }

  /** Versions of one resident between two dates, for the card's "history" tab. */
  async versions(residentId: number) {
    return this.store.db.select().from(recordVersions).where(and(eq(recordVersions.recordKind, 'resident'), eq(recordVersions.recordId, residentId))).orderBy(desc(recordVersions.version));
  }
}

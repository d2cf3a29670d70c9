// Keeping base data fresh (定期维护): each field group of a record kind has an owner and a review
// period. Every record carries, per group, when it was last confirmed and when it falls due; what
// is overdue is the grid worker's to-do list. Editing the fields of a group, or recording a visit
// that confirms the record, clears it.
import { and, asc, eq, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/client.js';
import { queryRows } from '../../db/client.js';
import type { RequestContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { scopeCondition, subtreeCondition } from '../../platform/scope.js';
import { addressMismatchSql } from './address.js';
import { RegistryErrors } from './errors.js';
import { labelField } from './labels.js';
import { tableOf, type RegistryStore } from './store.js';
import { fieldPolicies, recordReviews, residentLabels, visits, type RecordKind } from './tables.js';

export type FieldPolicy = typeof fieldPolicies.$inferSelect;

const DAY = 86_400_000;

export class FreshnessService {
  private cache: { at: number; policies: FieldPolicy[] } | null = null;

  constructor(private readonly store: RegistryStore) {}

  /** Pass the open transaction when inside one: on the embedded engine a query beside it would wait for it forever. */
  async policies(db: DbOrTx = this.store.db): Promise<FieldPolicy[]> {
    if (!this.cache || Date.now() - this.cache.at > 10_000) this.cache = { at: Date.now(), policies: await db.select().from(fieldPolicies).orderBy(asc(fieldPolicies.id)) };
    return this.cache.policies;
  }

  invalidate() {
    this.cache = null;
  }

  /** Policies that apply to a record: the kind's general ones, and label-specific ones for the labels it carries. */
  private applicable(all: FieldPolicy[], kind: RecordKind, labels: string[]): FieldPolicy[] {
    return all.filter((p) => p.recordKind === kind && (!p.labelCode || labels.includes(p.labelCode)));
  }

  /**
   * (Re)starts the review clock of a record's groups: all applicable groups, or only those whose
   * fields are in `fields`. Used on create, on edits, and by visits that confirm a record.
   */
  async confirm(tx: Tx, ctx: RequestContext | null, kind: RecordKind, recordId: number, opts: { fields?: string[]; policyIds?: number[]; at?: Date } = {}): Promise<number[]> {
    const all = await this.policies(tx);
    const t = tableOf(kind);
    const rows: { treePath: string; districtCode: string; gridId?: number; nodeId?: number }[] = await tx.select().from(t).where(eq(t.id, recordId)).limit(1);
    const rec = rows[0];
    if (!rec) return [];
    let labels: string[] = [];
    if (kind === 'resident') {
      const ls = await tx.select({ code: residentLabels.labelCode }).from(residentLabels).where(and(eq(residentLabels.residentId, recordId), sql`(${residentLabels.until} IS NULL OR ${residentLabels.until} >= CURRENT_DATE)`));
      labels = ls.map((l) => l.code);
    }
    let chosen = this.applicable(all, kind, labels);
    if (opts.fields) chosen = chosen.filter((p) => p.fields.some((f) => opts.fields!.includes(f)) || (p.labelCode && opts.fields!.includes(labelField(p.labelCode))));
    if (opts.policyIds) chosen = chosen.filter((p) => opts.policyIds!.includes(p.id));
    if (!chosen.length) return [];
    const at = opts.at ?? new Date();
    const gridId = Number(rec.gridId ?? rec.nodeId);
    await tx
      .insert(recordReviews)
      .values(chosen.map((p) => ({ recordKind: kind, recordId, policyId: p.id, gridId, treePath: rec.treePath, districtCode: rec.districtCode, owner: p.owner, reviewedAt: at, reviewedBy: ctx?.principal?.userId ?? null, dueAt: new Date(at.getTime() + p.reviewDays * DAY) })))
      .onConflictDoUpdate({
        target: [recordReviews.recordKind, recordReviews.recordId, recordReviews.policyId],
        set: { reviewedAt: sql`excluded.reviewed_at`, reviewedBy: sql`excluded.reviewed_by`, dueAt: sql`excluded.due_at`, treePath: sql`excluded.tree_path`, gridId: sql`excluded.grid_id`, districtCode: sql`excluded.district_code` },
      });
    return chosen.map((p) => p.id);
  }

  /** Drops reviews of a record that no longer apply (a label ended) and keeps placement in step. */
  async resync(tx: Tx, kind: RecordKind, recordId: number): Promise<void> {
    const t = tableOf(kind);
    const rows = await tx.select({ treePath: t.treePath, status: t.status }).from(t).where(eq(t.id, recordId)).limit(1);
    const rec = rows[0];
    if (!rec || rec.status !== 'active') {
      await tx.delete(recordReviews).where(and(eq(recordReviews.recordKind, kind), eq(recordReviews.recordId, recordId)));
      return;
    }
    if (kind === 'resident') {
      const ls = await tx.select({ code: residentLabels.labelCode }).from(residentLabels).where(and(eq(residentLabels.residentId, recordId), sql`(${residentLabels.until} IS NULL OR ${residentLabels.until} >= CURRENT_DATE)`));
      const keep = this.applicable(await this.policies(tx), kind, ls.map((l) => l.code)).map((p) => p.id);
      await tx.delete(recordReviews).where(and(eq(recordReviews.recordKind, kind), eq(recordReviews.recordId, recordId), keep.length ? sql`${recordReviews.policyId} NOT IN (${sql.join(keep.map((k) => sql`${k}`), sql`, `)})` : undefined));
    }
    await tx.update(recordReviews).set({ treePath: rec.treePath }).where(and(eq(recordReviews.recordKind, kind), eq(recordReviews.recordId, recordId)));
  }

  /**
   * The stale to-do list: residents whose free-text address contradicts their linked house first
   * (they block certificates that print an address; docs/decisions/0021), then overdue field
   * groups in the caller's scope (or a node under it), most overdue first, with the record's name
   * so a grid worker knows whom to visit.
   */
  async staleList(ctx: RequestContext, f: { nodePath?: string; gridId?: number; kind?: RecordKind; limit: number; offset: number }) {
    const p = ctx.principal!;
    const conds = [scopeCondition(p, recordReviews.treePath), sql`${recordReviews.dueAt} < now()`, eq(recordReviews.owner, 'community')];
    if (f.nodePath) conds.push(subtreeCondition(f.nodePath, recordReviews.treePath));
    if (f.gridId) conds.push(eq(recordReviews.gridId, f.gridId));
    if (f.kind) conds.push(eq(recordReviews.recordKind, f.kind));
    const where = and(...conds);

    // Address mismatches, paged ahead of the reviews.
    const withMismatches = !f.kind || f.kind === 'resident';
    const mWhere = sql.join(
      [
        subtreeCondition(p.treePath, sql`r.tree_path`), ...(f.nodePath ? [subtreeCondition(f.nodePath, sql`r.tree_path`)] : []), ...(f.gridId ? [sql`r.grid_id = ${f.gridId}`] : []),
        sql`r.status = 'active'`, addressMismatchSql(),
      ],
      sql` AND `,
    );
    const mFrom = sql`FROM resident r JOIN house h ON h.id = r.house_id JOIN building b ON b.id = h.building_id WHERE ${mWhere}`;
    const mTotal = withMismatches ? ((await queryRows<{ n: number }>(this.store.db, sql`SELECT count(*)::int AS n ${mFrom}`))[0]?.n ?? 0) : 0;
    const mRows = withMismatches && f.offset < mTotal
      ? await queryRows<{ id: number; name: string; grid_id: number; updated_at: string }>(this.store.db, sql`SELECT r.id, r.name, r.grid_id, r.updated_at ${mFrom} ORDER BY r.id LIMIT ${f.limit} OFFSET ${f.offset}`)
      : [];
    const rLimit = f.limit - mRows.length;
    const rOffset = Math.max(0, f.offset - mTotal);

    const rows = rLimit <= 0 ? [] : await queryRows<{ record_kind: RecordKind; record_id: number; policy_id: number; grid_id: number; reviewed_at: string; due_at: string; label: string | null; tree_path: string }>(
      this.store.db,
      sql`SELECT record_review.record_kind, record_review.record_id, record_review.policy_id, record_review.grid_id, record_review.reviewed_at, record_review.due_at, record_review.tree_path,
                 COALESCE(r.name, h.household_no, b.name, hs.room_no, o.name, f.name) AS label
          FROM record_review
          LEFT JOIN resident r ON record_review.record_kind = 'resident' AND r.id = record_review.record_id
          LEFT JOIN household h ON record_review.record_kind = 'household' AND h.id = record_review.record_id
          LEFT JOIN building b ON record_review.record_kind = 'building' AND b.id = record_review.record_id
          LEFT JOIN house hs ON record_review.record_kind = 'house' AND hs.id = record_review.record_id
          LEFT JOIN organisation o ON record_review.record_kind = 'organisation' AND o.id = record_review.record_id
          LEFT JOIN facility f ON record_review.record_kind = 'facility' AND f.id = record_review.record_id
          WHERE ${where}
          ORDER BY record_review.due_at ASC, record_review.record_id
          LIMIT ${rLimit} OFFSET ${rOffset}`,
    );
    const total = await queryRows<{ n: number }>(this.store.db, sql`SELECT count(*)::int AS n FROM record_review WHERE ${where}`);
    // The list names people (and organisations): a read of personal data, logged like any list page.
    const filter = { via: 'stale', gridId: f.gridId, kind: f.kind, nodePath: f.nodePath, offset: f.offset };
    for (const kind of ['resident', 'organisation'] as const) {
      const ids = [...new Set(rows.filter((r) => r.record_kind === kind).map((r) => Number(r.record_id)))];
      await this.store.logListRead(ctx, kind, ids, filter);
    }
    const policies = new Map((await this.policies()).map((x) => [x.id, x]));
    const grids = await this.store.tree.names([...rows.map((r) => r.grid_id), ...mRows.map((r) => r.grid_id)]);
    const now = Date.now();
    const mismatchName = ctx.lang === 'zh' ? '现住址与所住房屋不一致' : 'address differs from the linked house';
    return {
      items: [
        ...mRows.map((r) => {
          const at = new Date(r.updated_at).toISOString();
          return { recordKind: 'resident' as RecordKind, recordId: r.id, label: r.name, policyId: 0, policyName: mismatchName, fields: ['address', 'houseId'], gridId: r.grid_id, gridName: grids.get(r.grid_id) ?? '', reviewedAt: at, dueAt: at, daysOverdue: 0, problem: 'address_mismatch' as const };
        }),
        ...rows.map((r) => {
          const pol = policies.get(r.policy_id);
          const due = new Date(r.due_at);
          return {
            recordKind: r.record_kind, recordId: r.record_id, label: r.label ?? '', policyId: r.policy_id, policyName: pol ? (ctx.lang === 'zh' ? pol.nameZh : pol.nameEn) : '', fields: pol?.fields ?? [],
            gridId: r.grid_id, gridName: grids.get(r.grid_id) ?? '', reviewedAt: new Date(r.reviewed_at).toISOString(), dueAt: due.toISOString(), daysOverdue: Math.floor((now - due.getTime()) / DAY),
          };
        }),
      ],
      total: (total[0]?.n ?? 0) + mTotal,
      addressMismatches: mTotal,
    };
  }

  /** Counts of overdue and due-soon groups per child of a node (the dashboard tile). */
  async staleCounts(db: DbOrTx, rootPath: string): Promise<{ overdue: number; dueIn7Days: number; records: number }> {
    const rows = await queryRows<{ overdue: number; soon: number; records: number }>(
      db,
      sql`SELECT count(*) FILTER (WHERE due_at < now())::int AS overdue,
                 count(*) FILTER (WHERE due_at >= now() AND due_at < now() + interval '7 days')::int AS soon,
                 count(DISTINCT (record_kind, record_id)) FILTER (WHERE due_at < now())::int AS records
          FROM record_review WHERE tree_path LIKE ${`${rootPath}%`} AND owner = 'community'`,
    );
    return { overdue: rows[0]?.overdue ?? 0, dueIn7Days: rows[0]?.soon ?? 0, records: rows[0]?.records ?? 0 };
  }

  /** Records a visit; with `confirm`, the visited person's (and household's) community-owned groups are confirmed. */
  async recordVisit(ctx: RequestContext, input: { residentId?: number; householdId?: number; kind: string; notes?: string | null; visitedAt?: string; confirm: boolean }) {
    const p = ctx.principal!;
    return this.store.db.transaction(async (tx) => {
      const target = input.residentId ? ('resident' as const) : ('household' as const);
      const id = input.residentId ?? input.householdId;
      if (!id) throw new AppError(RegistryErrors.RECORD_INVALID, { field_zh: '走访对象', field_en: 'visited person', reason_zh: '请选择居民或户', reason_en: 'choose a resident or a household' }, 'residentId');
      const access = await this.store.access(ctx, target, tx);
      const row = await this.store.getRow(ctx, target, id, access, tx);
      const visitedAt = input.visitedAt ? new Date(input.visitedAt) : new Date();
      if (visitedAt.getTime() > Date.now() + 60_000) throw new AppError(RegistryErrors.RECORD_INVALID, { field_zh: '走访时间', field_en: 'visit time', reason_zh: '不能晚于现在', reason_en: 'cannot be in the future' }, 'visitedAt');
      const householdId = target === 'household' ? id : ((row.householdId as number | null) ?? null);
      let confirmed: number[] = [];
      if (input.confirm) {
        const community = (await this.policies(tx)).filter((x) => x.owner === 'community').map((x) => x.id);
        confirmed = await this.confirm(tx, ctx, target, id, { policyIds: community, at: visitedAt });
        if (target === 'resident' && householdId) confirmed.push(...(await this.confirm(tx, ctx, 'household', householdId, { policyIds: community, at: visitedAt })));
      }
      const [visit] = await tx
        .insert(visits)
        .values({ residentId: input.residentId ?? null, householdId, gridId: Number(row.gridId), treePath: row.treePath, districtCode: row.districtCode, visitedAt, visitorId: p.userId ?? 0, kind: input.kind, notes: input.notes ?? null, confirmedPolicies: confirmed })
        .returning();
      await this.store.platform.audit.record(tx, ctx, { category: 'write', action: 'visit.record', entityType: 'visit', entityId: visit!.id, subjectId: input.residentId ?? null, treePath: row.treePath, districtCode: row.districtCode, detail: { kind: input.kind, confirmed } });
      await this.store.platform.events.emit('registry.visitRecorded', { visitId: visit!.id, residentId: input.residentId ?? null, gridId: Number(row.gridId), visitorId: p.userId ?? 0, visitedAt: visitedAt.toISOString() }, tx, ctx);
      return { id: visit!.id, visitedAt: visitedAt.toISOString(), confirmedPolicies: confirmed };
    });
  }

  async visitsOf(ctx: RequestContext, residentId: number, limit = 20) {
    const rows = await this.store.db.select().from(visits).where(and(eq(visits.residentId, residentId), scopeCondition(ctx.principal!, visits.treePath))).orderBy(sql`${visits.visitedAt} DESC`).limit(limit);
    return rows;
  }

  async reviewsOf(kind: RecordKind, recordId: number) {
    return this.store.db.select().from(recordReviews).where(and(eq(recordReviews.recordKind, kind), eq(recordReviews.recordId, recordId))).orderBy(asc(recordReviews.dueAt));
  }

  async setPolicy(ctx: RequestContext, id: number, patch: { reviewDays?: number; owner?: string }) {
    return this.store.db.transaction(async (tx) => {
      const [row] = await tx.update(fieldPolicies).set({ ...patch, updatedAt: new Date() }).where(eq(fieldPolicies.id, id)).returning();
      if (!row) throw new AppError(RegistryErrors.RECORD_NOT_FOUND);
      if (patch.reviewDays) await tx.execute(sql`UPDATE record_review SET due_at = reviewed_at + (${patch.reviewDays}::int * interval '1 day') WHERE policy_id = ${id}`);
      await this.store.platform.audit.record(tx, ctx, { category: 'admin', action: 'field_policy.update', entityType: 'field_policy', entityId: id, detail: patch });
      this.invalidate();
      return row;
    });
  }

}

// A township's three lists and their versions (动态调整机制): every change runs under the
// township's row lock, writes the items, then a version holding the whole snapshot with its
// reason, date and author, and the audit row, in one transaction. Reading: the current lists,
// any past version, a comparison of two states, counts per township; the catalogue of common
// items a township adopts and adjusts.
import { and, asc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db, DbOrTx, Tx } from '../../db/client.js';
import type { AuthedContext, Principal } from '../../platform/context.js';
import { todayCn } from '../../platform/dates.js';
import { AppError } from '../../platform/errors.js';
import type { Platform } from '../../platform/platform.js';
import type { Person } from '../../platform/schemas.js';
import type { Department, TreeNode, TreeService } from '../tree/index.js';
import { compareSnapshots, countByList, nameKey } from './compare.js';
import { DutyErrors } from './errors.js';
import type * as S from './schemas.js';
import { dutyCatalogueItems, dutyItems, dutyListVersions, dutyTownships, listKinds, type ItemFields, type ListKind, type SnapshotItem } from './tables.js';

type ItemRow = typeof dutyItems.$inferSelect;
type CatalogueRow = typeof dutyCatalogueItems.$inferSelect;
type VersionRow = typeof dutyListVersions.$inferSelect;

export const listNames: Record<ListKind, { zh: string; en: string }> = {
  basic: { zh: '基本履职事项清单', en: 'basic duties list' },
  cooperative: { zh: '配合履职事项清单', en: 'cooperative duties list' },
  taken_back: { zh: '上级部门收回事项清单', en: 'list of items taken back by upper departments' },
};

export function listParams(kind: ListKind): { list_zh: string; list_en: string } {
  return { list_zh: listNames[kind].zh, list_en: listNames[kind].en };
}

/** What one change does inside the township's lock; returns the item it is about, if one. */
export type Mutation = (tx: Tx, version: number, township: TreeNode) => Promise<number | null>;

export interface ChangeMeta {
  kind: 'adopt' | 'add' | 'update' | 'remove' | 'move' | 'import' | 'admission' | 'handback';
  reason: string;
  expectedVersion?: number;
  detail?: Record<string, unknown>;
}

export function snapshotOf(r: ItemRow): SnapshotItem {
  return {
    id: r.id, listKind: r.listKind, seq: r.seq, name: r.name, category: r.category, basis: r.basis, carrier: r.carrier, departmentId: r.departmentId, departmentName: r.departmentName,
    cooperation: r.cooperation, communityInvolved: r.communityInvolved, catalogueItemId: r.catalogueItemId,
  };
}

const fieldKeys = ['name', 'category', 'basis', 'carrier', 'departmentId', 'departmentName', 'cooperation', 'communityInvolved'] as const satisfies readonly (keyof ItemFields)[];

function clean(s: string | null | undefined): string | null {
  const t = s?.trim();
  return t ? t : null;
}

export class ListService {
  readonly db: Db;

  constructor(
    private readonly platform: Platform,
    private readonly tree: TreeService,
  ) {
    this.db = platform.db;
  }

  // ---- townships and scope ----------------------------------------------------------------

  /** Lists are shown to anyone in the township's subtree or above it (a community sees its street's lists). */
  canRead(p: Principal, path: string): boolean {
    return path.startsWith(p.treePath) || p.treePath.startsWith(path);
  }

  /** The street/township node, visible to the caller (manage: inside its subtree), or 404/400. */
  async township(p: Principal, id: number, mode: 'read' | 'manage', db: DbOrTx = this.db): Promise<TreeNode> {
    const node = await this.tree.getNode(id, db);
    if (!node || node.validTo || !(mode === 'manage' ? node.path.startsWith(p.treePath) : this.canRead(p, node.path))) throw new AppError(DutyErrors.DUTY_TOWNSHIP_NOT_FOUND);
    if (node.level !== 'street') throw new AppError(DutyErrors.DUTY_NOT_TOWNSHIP, { name: node.name }, 'townshipId');
    return node;
  }

  /** The street/township a node is, or lies in (null for a city or district). */
  async townshipOf(node: TreeNode, db: DbOrTx = this.db): Promise<TreeNode | null> {
    if (node.level === 'street') return node;
    if (node.level !== 'community' && node.level !== 'grid') return null;
    const trail = await this.tree.trailOf(node.path, db);
    return trail.find((n) => n.level === 'street') ?? null;
  }

  private async ref(node: TreeNode): Promise<S.TownshipLists['township']> {
    const d = await this.tree.describe(node.id);
    return { id: node.id, name: node.name, code: node.code, trail: d?.trail ?? [node.name] };
  }

  // ---- departments ------------------------------------------------------------------------

  /** Departments whose jurisdiction covers the township (the ones a list item may name). */
  async departmentsOver(path: string): Promise<Department[]> {
    return (await this.tree.listDepartments()).filter((d) => path.startsWith(d.treePath));
  }

  /** Fills departmentId/departmentName: an id must name a department over the township; a bare name is matched when it can be. */
  async resolveDepartment(path: string, departmentId: number | null | undefined, departmentName: string | null | undefined, field = 'departmentId'): Promise<{ departmentId: number | null; departmentName: string | null }> {
    const depts = await this.departmentsOver(path);
    if (departmentId) {
      const d = depts.find((x) => x.id === departmentId);
      if (!d) throw new AppError(DutyErrors.DUTY_DEPARTMENT_NOT_FOUND, {}, field);
      return { departmentId: d.id, departmentName: clean(departmentName) ?? d.name };
    }
    const name = clean(departmentName);
    if (!name) return { departmentId: null, departmentName: null };
    return { departmentId: matchDepartment(depts, name)?.id ?? null, departmentName: name };
  }

  // ---- reading ------------------------------------------------------------------------------

  async currentRows(db: DbOrTx, townshipId: number): Promise<ItemRow[]> {
    return db.select().from(dutyItems).where(and(eq(dutyItems.townshipNodeId, townshipId), isNull(dutyItems.removedAt))).orderBy(asc(dutyItems.listKind), asc(dutyItems.seq), asc(dutyItems.id));
  }

  private async outItems(rows: ItemRow[], db: DbOrTx = this.db): Promise<S.DutyItemOut[]> {
    const catIds = [...new Set(rows.map((r) => r.catalogueItemId).filter((x): x is number => x !== null))];
    const cats = new Map((catIds.length ? await db.select().from(dutyCatalogueItems).where(inArray(dutyCatalogueItems.id, catIds)) : []).map((c) => [c.id, c]));
    return rows.map((r) => {
      const c = r.catalogueItemId ? cats.get(r.catalogueItemId) : undefined;
      const adjusted = !!c && fieldKeys.some((k) => (c[k] ?? null) !== (r[k] ?? null));
      return {
        id: r.id, townshipId: r.townshipNodeId, listKind: r.listKind, seq: r.seq, name: r.name, category: r.category, basis: r.basis, carrier: r.carrier, departmentId: r.departmentId,
        departmentName: r.departmentName, cooperation: r.cooperation, communityInvolved: r.communityInvolved, catalogueItemId: r.catalogueItemId, adjusted, source: r.source, admissionId: r.admissionId, addedInVersion: r.addedInVersion,
      };
    });
  }

  async lists(ctx: AuthedContext, townshipId: number, q: S.ListQuery): Promise<S.TownshipLists> {
    const node = await this.township(ctx.principal, townshipId, 'read');
    const rows = await this.currentRows(this.db, node.id);
    const [t] = await this.db.select().from(dutyTownships).where(eq(dutyTownships.nodeId, node.id));
    const key = q.q ? nameKey(q.q) : '';
    const shown = rows.filter((r) => (!q.listKind || r.listKind === q.listKind) && (!key || r.nameKey.includes(key) || (r.category ?? '').includes(q.q!.trim()) || (r.departmentName ?? '').includes(q.q!.trim())));
    return {
      township: await this.ref(node),
      version: t?.currentVersion ?? 0,
      versionDate: t?.currentVersion ? t.updatedAt.toISOString() : null,
      counts: countByList(rows),
      items: await this.outItems(shown),
      canManage: ctx.principal.permissions.has('duty:manage') && node.path.startsWith(ctx.principal.treePath),
    };
  }

  async item(p: Principal, id: number, mode: 'read' | 'manage', db: DbOrTx = this.db): Promise<ItemRow> {
    const [r] = await db.select().from(dutyItems).where(eq(dutyItems.id, id));
    if (!r || r.removedAt || !(mode === 'manage' ? r.treePath.startsWith(p.treePath) : this.canRead(p, r.treePath))) throw new AppError(DutyErrors.DUTY_ITEM_NOT_FOUND);
    return r;
  }

  // ---- versions -----------------------------------------------------------------------------

  private async versionOut(rows: VersionRow[]): Promise<S.VersionOut[]> {
    const people = await this.tree.people(rows.map((r) => r.createdBy));
    return rows.map((r) => ({
      versionNo: r.versionNo, kind: r.kind, reason: r.reason, effectiveDate: r.effectiveDate, createdAt: r.createdAt.toISOString(), createdBy: (r.createdBy && people.get(r.createdBy)) || null,
      createdByName: (r.createdBy && people.get(r.createdBy)?.name) || r.createdByName, summary: r.summary,
    }));
  }

  async versions(ctx: AuthedContext, townshipId: number): Promise<S.VersionOut[]> {
    const node = await this.township(ctx.principal, townshipId, 'read');
    const rows = await this.db
      .select({ id: dutyListVersions.id, townshipNodeId: dutyListVersions.townshipNodeId, treePath: dutyListVersions.treePath, versionNo: dutyListVersions.versionNo, kind: dutyListVersions.kind, reason: dutyListVersions.reason, effectiveDate: dutyListVersions.effectiveDate, createdBy: dutyListVersions.createdBy, createdByName: dutyListVersions.createdByName, createdAt: dutyListVersions.createdAt, summary: dutyListVersions.summary, snapshot: sql<SnapshotItem[]>`'[]'::jsonb` })
      .from(dutyListVersions)
      .where(eq(dutyListVersions.townshipNodeId, node.id))
      .orderBy(sql`${dutyListVersions.versionNo} DESC`);
    return this.versionOut(rows);
  }

  private async versionRow(townshipId: number, no: number): Promise<VersionRow> {
    const [v] = await this.db.select().from(dutyListVersions).where(and(eq(dutyListVersions.townshipNodeId, townshipId), eq(dutyListVersions.versionNo, no)));
    if (!v) throw new AppError(DutyErrors.DUTY_VERSION_NOT_FOUND, { no });
    return v;
  }

  async version(ctx: AuthedContext, townshipId: number, no: number): Promise<S.VersionView> {
    const node = await this.township(ctx.principal, townshipId, 'read');
    const v = await this.versionRow(node.id, no);
    const [out] = await this.versionOut([v]);
    return { township: await this.ref(node), version: out!, items: v.snapshot };
  }

  /** A past version against a later one, or against today's lists. */
  async compare(ctx: AuthedContext, townshipId: number, q: S.CompareQuery): Promise<S.ComparisonOut> {
    const node = await this.township(ctx.principal, townshipId, 'read');
    const from = await this.versionRow(node.id, q.from);
    const to = q.to ? await this.versionRow(node.id, q.to) : null;
    const after = to ? to.snapshot : (await this.currentRows(this.db, node.id)).map(snapshotOf);
    const c = compareSnapshots(from.snapshot, after);
    const [fromOut, toOut] = await this.versionOut(to ? [from, to] : [from]);
    return { township: await this.ref(node), from: fromOut!, to: toOut ?? null, ...c };
  }

  /** The items of a version (or today's), for exports. */
  async snapshot(ctx: AuthedContext, townshipId: number, no?: number): Promise<{ township: TreeNode; items: SnapshotItem[]; version: number; date: string }> {
    const node = await this.township(ctx.principal, townshipId, 'read');
    if (no) {
      const v = await this.versionRow(node.id, no);
      return { township: node, items: v.snapshot, version: v.versionNo, date: v.effectiveDate };
    }
    const [t] = await this.db.select().from(dutyTownships).where(eq(dutyTownships.nodeId, node.id));
    return { township: node, items: (await this.currentRows(this.db, node.id)).map(snapshotOf), version: t?.currentVersion ?? 0, date: todayCn() };
  }

  // ---- changing -----------------------------------------------------------------------------

  /**
   * Runs one change of a township's lists as a new version: lock the township, mutate, snapshot,
   * compare with the version before (nothing changed: refused), write the version and the audit
   * row. Inside `outer` when given (an admission adds to several townships in one transaction).
   */
  async change(ctx: AuthedContext, township: TreeNode, meta: ChangeMeta, mutate: Mutation, outer?: Tx): Promise<S.ChangeOut> {
    const reason = meta.reason.trim();
    if (reason.length < 2) throw new AppError(DutyErrors.DUTY_REASON_REQUIRED, {}, 'reason');
    const run = async (tx: Tx): Promise<S.ChangeOut> => {
      await tx.insert(dutyTownships).values({ nodeId: township.id, treePath: township.path }).onConflictDoNothing();
      const [t] = await tx.select().from(dutyTownships).where(eq(dutyTownships.nodeId, township.id)).for('update');
      const current = t!.currentVersion;
      if (meta.expectedVersion !== undefined && meta.expectedVersion !== current) throw new AppError(DutyErrors.DUTY_STALE_VERSION, { current, seen: meta.expectedVersion }, 'expectedVersion');
      const next = current + 1;
      const itemId = await mutate(tx, next, township);
      const rows = await this.currentRows(tx, township.id);
      const snapshot = rows.map(snapshotOf);
      const [prev] = current ? await tx.select({ snapshot: dutyListVersions.snapshot }).from(dutyListVersions).where(and(eq(dutyListVersions.townshipNodeId, township.id), eq(dutyListVersions.versionNo, current))) : [];
      const c = compareSnapshots(prev?.snapshot ?? [], snapshot);
      if (!c.added.length && !c.removed.length && !c.changed.length) throw new AppError(DutyErrors.DUTY_ITEM_UNCHANGED);
      const counts = countByList(snapshot);
      const summary = { added: c.added.length, removed: c.removed.length, changed: c.changed.length, ...counts };
      const p = ctx.principal;
      await tx.insert(dutyListVersions).values({
        townshipNodeId: township.id, treePath: township.path, versionNo: next, kind: meta.kind, reason, effectiveDate: todayCn(), createdBy: p.userId, createdByName: p.displayName, snapshot, summary,
      });
      await tx.update(dutyTownships).set({ currentVersion: next, updatedAt: new Date() }).where(eq(dutyTownships.nodeId, township.id));
      await this.platform.events.emit('duty.listChanged', { townshipId: township.id, treePath: township.path, version: next, kind: meta.kind, removedItemIds: c.removed.map((i) => i.id) }, tx, ctx);
      await this.platform.audit.record(tx, ctx, {
        category: 'write', action: `duty.${meta.kind}`, entityType: 'duty_list', entityId: township.id, treePath: township.path, districtCode: township.districtCode,
        detail: { version: next, reason, added: c.added.map((i) => i.name), removed: c.removed.map((i) => i.name), changed: c.changed.map((i) => ({ name: i.name, fields: i.changes.map((f) => f.field) })), ...meta.detail },
      });
      const item = itemId ? rows.find((r) => r.id === itemId) : undefined;
      return { version: next, item: item ? (await this.outItems([item], tx))[0]! : null, added: summary.added, removed: summary.removed, changed: summary.changed };
    };
    return outer ? run(outer) : this.db.transaction(run);
  }

  /** Refuses a name already on the township's current lists (any of the three). */
  async assertNewName(tx: DbOrTx, township: TreeNode, name: string, exceptId?: number): Promise<void> {
    const [dup] = await tx.select().from(dutyItems).where(and(eq(dutyItems.townshipNodeId, township.id), eq(dutyItems.nameKey, nameKey(name)), isNull(dutyItems.removedAt)));
    if (dup && dup.id !== exceptId) throw new AppError(DutyErrors.DUTY_ITEM_DUPLICATE, { name: dup.name, township: township.name, seq: dup.seq, ...listParams(dup.listKind) }, 'name');
  }

  async nextSeq(tx: DbOrTx, townshipId: number, kind: ListKind): Promise<number> {
    const [r] = await tx.select({ n: sql<number>`coalesce(max(${dutyItems.seq}), 0)::int` }).from(dutyItems).where(and(eq(dutyItems.townshipNodeId, townshipId), eq(dutyItems.listKind, kind), isNull(dutyItems.removedAt)));
    return (r?.n ?? 0) + 1;
  }

  /** Inserts one item (the caller holds the township's lock and has checked the name). */
  async insertItem(tx: Tx, township: TreeNode, version: number, kind: ListKind, f: ItemFields, extra: { source: string; catalogueItemId?: number | null; admissionId?: number | null; seq?: number }): Promise<number> {
    const seq = extra.seq ?? (await this.nextSeq(tx, township.id, kind));
    const [r] = await tx
      .insert(dutyItems)
      .values({ townshipNodeId: township.id, treePath: township.path, listKind: kind, seq, ...f, nameKey: nameKey(f.name), catalogueItemId: extra.catalogueItemId ?? null, source: extra.source, admissionId: extra.admissionId ?? null, addedInVersion: version })
      .returning({ id: dutyItems.id });
    return r!.id;
  }

  private async fields(township: TreeNode, input: Partial<ItemFields> & { name: string }): Promise<ItemFields> {
    const dept = await this.resolveDepartment(township.path, input.departmentId, input.departmentName);
    return {
      name: input.name.trim(), category: clean(input.category), basis: clean(input.basis), carrier: clean(input.carrier), ...dept, cooperation: clean(input.cooperation), communityInvolved: input.communityInvolved ?? false,
    };
  }

  async addItem(ctx: AuthedContext, townshipId: number, input: S.NewItemIn): Promise<S.ChangeOut> {
    const township = await this.township(ctx.principal, townshipId, 'manage');
    const f = await this.fields(township, input);
    return this.change(ctx, township, { kind: 'add', reason: input.reason, expectedVersion: input.expectedVersion }, async (tx, version) => {
      await this.assertNewName(tx, township, f.name);
      return this.insertItem(tx, township, version, input.listKind, f, { source: 'manual' });
    });
  }

  async updateItem(ctx: AuthedContext, id: number, input: S.ItemPatchIn): Promise<S.ChangeOut> {
    const row = await this.item(ctx.principal, id, 'manage');
    const township = await this.township(ctx.principal, row.townshipNodeId, 'manage');
    const merged: Partial<ItemFields> & { name: string } = { ...row, name: row.name };
    for (const k of fieldKeys) if (input[k] !== undefined) (merged as Record<string, unknown>)[k] = input[k];
    if (input.departmentId !== undefined && input.departmentName === undefined) merged.departmentName = null;
    const f = await this.fields(township, merged);
    return this.change(ctx, township, { kind: 'update', reason: input.reason, expectedVersion: input.expectedVersion }, async (tx) => {
      if (f.name !== row.name) await this.assertNewName(tx, township, f.name, row.id);
      await tx.update(dutyItems).set({ ...f, nameKey: nameKey(f.name), updatedAt: new Date() }).where(eq(dutyItems.id, row.id));
      return row.id;
    });
  }

  async moveItem(ctx: AuthedContext, id: number, input: S.MoveIn): Promise<S.ChangeOut> {
    const row = await this.item(ctx.principal, id, 'manage');
    if (row.listKind === input.listKind) throw new AppError(DutyErrors.DUTY_ITEM_SAME_LIST, listParams(row.listKind), 'listKind');
    const township = await this.township(ctx.principal, row.townshipNodeId, 'manage');
    return this.change(ctx, township, { kind: 'move', reason: input.reason, expectedVersion: input.expectedVersion, detail: { from: row.listKind, to: input.listKind } }, async (tx) => {
      await this.moveRow(tx, row, input.listKind);
      return row.id;
    });
  }

  async moveRow(tx: Tx, row: ItemRow, to: ListKind, set: Partial<ItemFields> = {}): Promise<void> {
    const seq = await this.nextSeq(tx, row.townshipNodeId, to);
    await tx.update(dutyItems).set({ listKind: to, seq, ...set, updatedAt: new Date() }).where(eq(dutyItems.id, row.id));
  }

  async removeItem(ctx: AuthedContext, id: number, input: S.RemoveIn): Promise<S.ChangeOut> {
    const row = await this.item(ctx.principal, id, 'manage');
    const township = await this.township(ctx.principal, row.townshipNodeId, 'manage');
    return this.change(ctx, township, { kind: 'remove', reason: input.reason, expectedVersion: input.expectedVersion, detail: { item: row.name } }, async (tx, version) => {
      await tx.update(dutyItems).set({ removedAt: new Date(), removedInVersion: version }).where(eq(dutyItems.id, row.id));
      return null;
    });
  }

  /** 采用目录: copies catalogue items into the township's lists, each keeping its link. */
  async adopt(ctx: AuthedContext, townshipId: number, input: S.AdoptIn): Promise<S.ChangeOut> {
    const township = await this.township(ctx.principal, townshipId, 'manage');
    const conds: SQL[] = [eq(dutyCatalogueItems.active, true)];
    if (input.catalogueItemIds) conds.push(inArray(dutyCatalogueItems.id, input.catalogueItemIds.length ? input.catalogueItemIds : [0]));
    const cat = await this.db.select().from(dutyCatalogueItems).where(and(...conds)).orderBy(asc(dutyCatalogueItems.listKind), asc(dutyCatalogueItems.seq), asc(dutyCatalogueItems.id));
    if (input.catalogueItemIds && cat.length < input.catalogueItemIds.length) throw new AppError(DutyErrors.DUTY_CATALOGUE_NOT_FOUND, {}, 'catalogueItemIds');
    const depts = await this.departmentsOver(township.path);
    return this.change(ctx, township, { kind: 'adopt', reason: input.reason, detail: { catalogueItems: cat.length } }, async (tx, version) => {
      const rows = await this.currentRows(tx, township.id);
      const linked = new Set(rows.map((r) => r.catalogueItemId).filter((x) => x !== null));
      const names = new Set(rows.map((r) => r.nameKey));
      const fresh = cat.filter((c) => !linked.has(c.id) && !names.has(nameKey(c.name)));
      if (!fresh.length) throw new AppError(DutyErrors.DUTY_NOTHING_TO_ADOPT);
      const seqs = new Map<ListKind, number>();
      for (const k of listKinds) seqs.set(k, await this.nextSeq(tx, township.id, k));
      const values = fresh.map((c) => {
        const seq = seqs.get(c.listKind)!;
        seqs.set(c.listKind, seq + 1);
        // A catalogue item names a city department; the township's own department of that kind is not guessed.
        const departmentId = c.departmentId && depts.some((d) => d.id === c.departmentId) ? c.departmentId : null;
        return {
          townshipNodeId: township.id, treePath: township.path, listKind: c.listKind, seq, name: c.name, nameKey: nameKey(c.name), category: c.category, basis: c.basis, carrier: c.carrier, departmentId,
          departmentName: c.departmentName, cooperation: c.cooperation, communityInvolved: c.communityInvolved, catalogueItemId: c.id, source: 'catalogue', addedInVersion: version,
        };
      });
      for (let i = 0; i < values.length; i += 500) await tx.insert(dutyItems).values(values.slice(i, i + 500));
      return null;
    });
  }

  // ---- counts -------------------------------------------------------------------------------

  /** Items per list for every township under a node, and the averages over those keeping lists (the article: 121 / 117 / 27). */
  async countsUnder(rootPath: string): Promise<S.Overview> {
    const townships = await this.tree.subtree(rootPath, ['street']);
    const current = townships.filter((t) => !t.validTo);
    const rows = await this.db
      .select({ id: dutyItems.townshipNodeId, kind: dutyItems.listKind, n: sql<number>`count(*)::int` })
      .from(dutyItems)
      .where(and(sql`${dutyItems.treePath} LIKE ${`${rootPath}%`}`, isNull(dutyItems.removedAt)))
      .groupBy(dutyItems.townshipNodeId, dutyItems.listKind);
    const state = await this.db.select().from(dutyTownships).where(sql`${dutyTownships.treePath} LIKE ${`${rootPath}%`}`);
    const stateOf = new Map(state.map((s) => [s.nodeId, s]));
    const counts = new Map<number, { basic: number; cooperative: number; takenBack: number }>();
    for (const r of rows) {
      const c = counts.get(r.id) ?? { basic: 0, cooperative: 0, takenBack: 0 };
      if (r.kind === 'basic') c.basic = r.n;
      else if (r.kind === 'cooperative') c.cooperative = r.n;
      else c.takenBack = r.n;
      counts.set(r.id, c);
    }
    const districtNames = await this.tree.names(current.map((t) => t.parentId!).filter(Boolean));
    const withLists = current.filter((t) => (stateOf.get(t.id)?.currentVersion ?? 0) > 0);
    const avg = (f: (c: { basic: number; cooperative: number; takenBack: number }) => number) =>
      withLists.length ? Math.round((withLists.reduce((s, t) => s + f(counts.get(t.id) ?? { basic: 0, cooperative: 0, takenBack: 0 }), 0) / withLists.length) * 10) / 10 : 0;
    return {
      townships: withLists.map((t) => {
        const c = counts.get(t.id) ?? { basic: 0, cooperative: 0, takenBack: 0 };
        const s = stateOf.get(t.id);
        return { id: t.id, name: t.name, districtName: t.parentId ? (districtNames.get(t.parentId) ?? null) : null, version: s?.currentVersion ?? 0, updatedAt: s?.updatedAt.toISOString() ?? null, ...c };
      }),
      average: { basic: avg((c) => c.basic), cooperative: avg((c) => c.cooperative), takenBack: avg((c) => c.takenBack), townships: withLists.length },
      withoutLists: current.length - withLists.length,
    };
  }

  /** The overview for the caller: its subtree, or its own street's lists when it sits below a street. */
  async overview(ctx: AuthedContext, nodeId?: number): Promise<S.Overview> {
    const p = ctx.principal;
    const own = async () => {
      const n = await this.tree.getNode(p.nodeId);
      return n && (n.level === 'community' || n.level === 'grid') ? await this.townshipOf(n) : n;
    };
    let root = nodeId ? await this.tree.getNode(nodeId) : await own();
    if (nodeId && (!root || !this.canRead(p, root.path))) throw new AppError(DutyErrors.DUTY_TOWNSHIP_NOT_FOUND);
    if (root && (root.level === 'community' || root.level === 'grid')) root = await this.townshipOf(root);
    // Above the caller's own node, a street is shown (a community sees its street), a wider node is not.
    if (root && !root.path.startsWith(p.treePath) && root.level !== 'street') root = await own();
    return this.countsUnder(root?.path ?? p.treePath);
  }

  // ---- catalogue ----------------------------------------------------------------------------

  private async catalogueOut(rows: CatalogueRow[]): Promise<S.CatalogueItemOut[]> {
    const ids = rows.map((r) => r.id);
    const adopted = ids.length
      ? await this.db.select({ id: dutyItems.catalogueItemId, n: sql<number>`count(DISTINCT ${dutyItems.townshipNodeId})::int` }).from(dutyItems).where(and(inArray(dutyItems.catalogueItemId, ids), isNull(dutyItems.removedAt))).groupBy(dutyItems.catalogueItemId)
      : [];
    const by = new Map(adopted.map((a) => [a.id, a.n]));
    return rows.map((r) => ({
      id: r.id, listKind: r.listKind, seq: r.seq, name: r.name, category: r.category, basis: r.basis, carrier: r.carrier, departmentId: r.departmentId, departmentName: r.departmentName,
      cooperation: r.cooperation, communityInvolved: r.communityInvolved, active: r.active, adoptedBy: by.get(r.id) ?? 0,
    }));
  }

  async catalogue(q: S.CatalogueQuery): Promise<S.CatalogueItemOut[]> {
    const conds: SQL[] = [];
    if (!q.includeRetired) conds.push(eq(dutyCatalogueItems.active, true));
    if (q.listKind) conds.push(eq(dutyCatalogueItems.listKind, q.listKind));
    if (q.q) conds.push(sql`${dutyCatalogueItems.name} ILIKE ${`%${q.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`}`);
    const rows = await this.db.select().from(dutyCatalogueItems).where(conds.length ? and(...conds) : undefined).orderBy(asc(dutyCatalogueItems.listKind), asc(dutyCatalogueItems.seq), asc(dutyCatalogueItems.id));
    return this.catalogueOut(rows);
  }

  private async assertNewCatalogueName(db: DbOrTx, kind: ListKind, name: string, exceptId?: number): Promise<void> {
    const rows = await db.select({ id: dutyCatalogueItems.id, name: dutyCatalogueItems.name }).from(dutyCatalogueItems).where(and(eq(dutyCatalogueItems.listKind, kind), eq(dutyCatalogueItems.active, true)));
    const dup = rows.find((r) => r.id !== exceptId && nameKey(r.name) === nameKey(name));
    if (dup) throw new AppError(DutyErrors.DUTY_CATALOGUE_DUPLICATE, { name: dup.name, ...listParams(kind) }, 'name');
  }

  async addCatalogueItem(ctx: AuthedContext, input: S.CatalogueIn, db?: Tx): Promise<S.CatalogueItemOut> {
    const dept = await this.resolveDepartment('/', input.departmentId, input.departmentName);
    const run = async (tx: Tx) => {
      await this.assertNewCatalogueName(tx, input.listKind, input.name);
      const [mx] = await tx.select({ n: sql<number>`coalesce(max(${dutyCatalogueItems.seq}), 0)::int` }).from(dutyCatalogueItems).where(eq(dutyCatalogueItems.listKind, input.listKind));
      const [r] = await tx
        .insert(dutyCatalogueItems)
        .values({
          listKind: input.listKind, seq: input.seq ?? (mx?.n ?? 0) + 1, name: input.name.trim(), category: clean(input.category), basis: clean(input.basis), carrier: clean(input.carrier), ...dept,
          cooperation: clean(input.cooperation), communityInvolved: input.communityInvolved ?? false, createdBy: ctx.principal.userId,
        })
        .returning();
      await this.platform.audit.record(tx, ctx, { category: 'write', action: 'duty.catalogue_add', entityType: 'duty_catalogue_item', entityId: r!.id, detail: { name: r!.name, listKind: r!.listKind } });
      return r!;
    };
    const row = db ? await run(db) : await this.db.transaction(run);
    return db ? { ...(await this.catalogueOutBare(row)) } : (await this.catalogueOut([row]))[0]!;
  }

  /** Many catalogue items in one transaction with one audit row (seeding, a city loading its first catalogue). */
  async addCatalogueItems(ctx: AuthedContext, inputs: S.CatalogueIn[]): Promise<number> {
    const depts = await this.tree.listDepartments();
    const rows = inputs.map((input, i) => {
      const d = input.departmentId ? depts.find((x) => x.id === input.departmentId) : input.departmentName ? matchDepartment(depts, input.departmentName) : undefined;
      if (input.departmentId && !d) throw new AppError(DutyErrors.DUTY_DEPARTMENT_NOT_FOUND, {}, `${i}/departmentId`);
      return {
        listKind: input.listKind, seq: input.seq ?? i + 1, name: input.name.trim(), category: clean(input.category), basis: clean(input.basis), carrier: clean(input.carrier), departmentId: d?.id ?? null,
        departmentName: clean(input.departmentName) ?? d?.name ?? null, cooperation: clean(input.cooperation), communityInvolved: input.communityInvolved ?? false, createdBy: ctx.principal.userId,
      };
    });
    const keys = new Set<string>();
    for (const [i, r] of rows.entries()) {
      const k = `${r.listKind}:${nameKey(r.name)}`;
      if (keys.has(k)) throw new AppError(DutyErrors.DUTY_CATALOGUE_DUPLICATE, { name: r.name, ...listParams(r.listKind) }, `${i}/name`);
      keys.add(k);
    }
    return this.db.transaction(async (tx) => {
      const existing = await tx.select({ listKind: dutyCatalogueItems.listKind, name: dutyCatalogueItems.name }).from(dutyCatalogueItems).where(eq(dutyCatalogueItems.active, true));
      const have = new Set(existing.map((e) => `${e.listKind}:${nameKey(e.name)}`));
      const dup = rows.find((r) => have.has(`${r.listKind}:${nameKey(r.name)}`));
      if (dup) throw new AppError(DutyErrors.DUTY_CATALOGUE_DUPLICATE, { name: dup.name, ...listParams(dup.listKind) }, 'name');
      for (let i = 0; i < rows.length; i += 500) await tx.insert(dutyCatalogueItems).values(rows.slice(i, i + 500));
      await this.platform.audit.record(tx, ctx, { category: 'write', action: 'duty.catalogue_add', entityType: 'duty_catalogue_item', detail: { items: rows.length } });
      return rows.length;
    });
  }

  private async catalogueOutBare(r: CatalogueRow): Promise<S.CatalogueItemOut> {
    return { id: r.id, listKind: r.listKind, seq: r.seq, name: r.name, category: r.category, basis: r.basis, carrier: r.carrier, departmentId: r.departmentId, departmentName: r.departmentName, cooperation: r.cooperation, communityInvolved: r.communityInvolved, active: r.active, adoptedBy: 0 };
  }

  async updateCatalogueItem(ctx: AuthedContext, id: number, input: S.CataloguePatchIn): Promise<S.CatalogueItemOut> {
    const [row] = await this.db.select().from(dutyCatalogueItems).where(eq(dutyCatalogueItems.id, id));
    if (!row) throw new AppError(DutyErrors.DUTY_CATALOGUE_NOT_FOUND);
    const dept = input.departmentId !== undefined || input.departmentName !== undefined ? await this.resolveDepartment('/', input.departmentId ?? null, input.departmentName ?? null) : {};
    const set: Partial<CatalogueRow> = { ...dept, updatedAt: new Date() };
    if (input.name !== undefined) set.name = input.name.trim();
    for (const k of ['category', 'basis', 'carrier', 'cooperation'] as const) if (input[k] !== undefined) set[k] = clean(input[k]);
    if (input.communityInvolved !== undefined) set.communityInvolved = input.communityInvolved;
    if (input.listKind !== undefined) set.listKind = input.listKind;
    if (input.seq !== undefined) set.seq = input.seq;
    if (input.active !== undefined) set.active = input.active;
    const updated = await this.db.transaction(async (tx) => {
      if ((set.active ?? row.active) && (input.name !== undefined || input.listKind !== undefined || input.active)) await this.assertNewCatalogueName(tx, set.listKind ?? row.listKind, set.name ?? row.name, row.id);
      const [r] = await tx.update(dutyCatalogueItems).set(set).where(eq(dutyCatalogueItems.id, id)).returning();
      await this.platform.audit.record(tx, ctx, { category: 'write', action: 'duty.catalogue_update', entityType: 'duty_catalogue_item', entityId: id, detail: { name: r!.name, fields: Object.keys(input) } });
      return r!;
    });
    return (await this.catalogueOut([updated]))[0]!;
  }

  // ---- the port and pickers -----------------------------------------------------------------

  async admittedItem(itemId: number, nodeId: number, db: DbOrTx = this.db) {
    const [row] = await db.select().from(dutyItems).where(and(eq(dutyItems.id, itemId), isNull(dutyItems.removedAt)));
    if (!row) return null;
    const node = await this.tree.getNode(nodeId, db);
    if (!node || !node.path.startsWith(row.treePath)) return null;
    return { id: row.id, name: row.name, listKind: row.listKind, townshipNodeId: row.townshipNodeId, departmentId: row.departmentId };
  }

  async searchItems(ctx: AuthedContext, q: S.SearchQuery): Promise<S.SearchHit[]> {
    const p = ctx.principal;
    const conds: SQL[] = [isNull(dutyItems.removedAt), sql`(${dutyItems.treePath} LIKE ${`${p.treePath}%`} OR ${p.treePath} LIKE ${dutyItems.treePath} || '%')`];
    if (q.nodeId) {
      const node = await this.tree.getNode(q.nodeId);
      if (!node || !this.canRead(p, node.path)) throw new AppError(DutyErrors.DUTY_TOWNSHIP_NOT_FOUND, {}, 'nodeId');
      // The township that is or contains the node, or every township under it.
      conds.push(sql`(${node.path} LIKE ${dutyItems.treePath} || '%' OR ${dutyItems.treePath} LIKE ${`${node.path}%`})`);
    }
    if (q.listKind) conds.push(eq(dutyItems.listKind, q.listKind));
    const key = q.q ? nameKey(q.q) : '';
    if (key) conds.push(sql`${dutyItems.nameKey} LIKE ${`%${key.replace(/[%_\\]/g, (c) => `\\${c}`)}%`}`);
    const rows = await this.db.select().from(dutyItems).where(and(...conds)).orderBy(asc(dutyItems.treePath), asc(dutyItems.listKind), asc(dutyItems.seq)).limit(q.limit ?? 30);
    const names = await this.tree.names(rows.map((r) => r.townshipNodeId));
    return rows.map((r) => ({ id: r.id, name: r.name, listKind: r.listKind, category: r.category, townshipNodeId: r.townshipNodeId, townshipName: names.get(r.townshipNodeId) ?? '', departmentId: r.departmentId, departmentName: r.departmentName }));
  }

  async people(ids: (number | null)[]): Promise<Map<number, Person>> {
    return this.tree.people(ids);
  }
}

/** The department a list's wording names: exact name, else the one whose short name (住建, 民政 …) the text holds, longest first. */
export function matchDepartment(depts: Department[], name: string): Department | undefined {
  const exact = depts.find((d) => d.name === name || d.shortName === name);
  if (exact) return exact;
  return [...depts].sort((a, b) => b.shortName.length - a.shortName.length || b.treePath.length - a.treePath.length).find((d) => d.shortName.length >= 2 && name.includes(d.shortName));
}

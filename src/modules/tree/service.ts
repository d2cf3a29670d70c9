// The administrative tree: reading it within a caller's scope, keeping division and grid codes
// consistent, and moving or splitting grids with effective dates so that history still adds up.
import { and, asc, eq, inArray, isNull, like, or, sql } from 'drizzle-orm';
import type { Db, DbOrTx, Tx } from '../../db/client.js';
import { queryRows } from '../../db/client.js';
import type { AuditService } from '../../platform/audit.js';
import type { AuthService } from '../../platform/auth/service.js';
import type { Person } from '../../platform/schemas.js';
import type { AuthedContext, Principal, RequestContext } from '../../platform/context.js';
import { AppError, outOfScope } from '../../platform/errors.js';
import { TreeErrors } from './errors.js';
import type { DepartmentOut, GridMap, LeaderIn, MapQuery, NewNodeIn, NodeHistoryEntry, NodeOut, NodeView, PartyOrgIn, SearchHit, SplitPartIn } from './schemas.js';
import type { EventBus } from '../../platform/events.js';
import { subtreeCondition } from '../../platform/scope.js';
import { codeProblem, communityKind, districtCodeOf, districtKind, gridCode, pathIds, streetKind } from './codes.js';
import { departments, gridLeaders, gridLeaderTiers, gridPartyOrgs, treeLevels, treeNodeHistory, treeNodes, type NodeKind, type TreeLevel } from './tables.js';


export type TreeNode = typeof treeNodes.$inferSelect;
export type Department = typeof departments.$inferSelect;

export interface NodeSummary {
  id: number;
  name: string;
  level: string;
  code: string;
  path: string;
  trail: string[];
}

export interface NewNode {
  parentId: number | null;
  level: TreeLevel;
  code: string;
  name: string;
  kind?: NodeKind;
  specialKind?: string | null;
  boundary?: unknown;
  centerLat?: number | null;
  centerLng?: number | null;
  areaKm2?: number | null;
  sortOrder?: number;
  validFrom?: string;
}

const childLevel: Record<TreeLevel, TreeLevel | null> = { city: 'district', district: 'street', street: 'community', community: 'grid', grid: null };

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export class TreeService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly events: EventBus,
    private readonly auth: AuthService,
  ) {}

  // ---- reading ---------------------------------------------------------------------------

  async getNode(id: number, db: DbOrTx = this.db): Promise<TreeNode | undefined> {
    const rows = await db.select().from(treeNodes).where(eq(treeNodes.id, id)).limit(1);
    return rows[0];
  }

  async getNodes(ids: number[], db: DbOrTx = this.db): Promise<TreeNode[]> {
    if (!ids.length) return [];
    return db.select().from(treeNodes).where(inArray(treeNodes.id, [...new Set(ids)]));
  }

  // A node's name never changes (a moved or split grid is closed and a new node opened), so the
  // names lists show beside each row are kept in memory once read.
  private readonly nameCache = new Map<number, string>();

  /** Names of nodes by id, for labelling rows in lists (read once, then from memory). */
  async names(ids: number[]): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    const missing: number[] = [];
    for (const id of new Set(ids)) {
      const name = this.nameCache.get(id);
      if (name === undefined) missing.push(id);
      else out.set(id, name);
    }
    if (missing.length) {
      if (this.nameCache.size > 200_000) this.nameCache.clear();
      for (const n of await this.db.select({ id: treeNodes.id, name: treeNodes.name }).from(treeNodes).where(inArray(treeNodes.id, missing))) {
        this.nameCache.set(n.id, n.name);
        out.set(n.id, n.name);
      }
    }
    return out;
  }

  async findByCode(code: string, db: DbOrTx = this.db): Promise<TreeNode | undefined> {
    const rows = await db.select().from(treeNodes).where(and(eq(treeNodes.code, code), isNull(treeNodes.validTo))).limit(1);
    return rows[0];
  }

  /** A node the caller may see: inside its subtree, or one of its ancestors (names only matter there). */
  visible(principal: Principal, node: TreeNode | undefined): node is TreeNode {
    return !!node && (node.path.startsWith(principal.treePath) || principal.treePath.startsWith(node.path));
  }

  async getVisibleNode(principal: Principal, id: number): Promise<TreeNode> {
    const node = await this.getNode(id);
    if (!this.visible(principal, node)) throw new AppError(TreeErrors.TREE_NODE_NOT_FOUND);
    return node;
  }

  /** The node with the names of all its ancestors, for headings and breadcrumbs. */
  async describe(id: number): Promise<NodeSummary | null> {
    const node = await this.getNode(id);
    if (!node) return null;
    const ancestors = await this.getNodes(pathIds(node.path));
    const byId = new Map(ancestors.map((a) => [a.id, a]));
    const trail = pathIds(node.path).map((i) => byId.get(i)?.name ?? '?');
    return { id: node.id, name: node.name, level: node.level, code: node.code, path: node.path, trail };
  }

  async trailOf(path: string, db: DbOrTx = this.db): Promise<TreeNode[]> {
    const ids = pathIds(path);
    const nodes = await this.getNodes(ids, db);
    const byId = new Map(nodes.map((n) => [n.id, n]));
    return ids.map((i) => byId.get(i)).filter((n): n is TreeNode => !!n);
  }

  /** Current children of a node, in code order. Retired nodes are left out unless asked for. */
  async children(parentId: number, includeRetired = false): Promise<TreeNode[]> {
    return this.db
      .select()
      .from(treeNodes)
      .where(and(eq(treeNodes.parentId, parentId), includeRetired ? undefined : isNull(treeNodes.validTo)))
      .orderBy(asc(treeNodes.sortOrder), asc(treeNodes.code));
  }

  /** Current nodes of given levels under a path (one range scan on the path index). */
  async subtree(rootPath: string, levels?: TreeLevel[], db: DbOrTx = this.db): Promise<TreeNode[]> {
    return db
      .select()
      .from(treeNodes)
      .where(and(subtreeCondition(rootPath, treeNodes.path), isNull(treeNodes.validTo), levels?.length ? inArray(treeNodes.level, levels) : undefined))
      .orderBy(asc(treeNodes.path));
  }

  async search(principal: Principal, q: string, limit = 20): Promise<(TreeNode & { trail: string[] })[]> {
    const pattern = `%${q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
    const rows = await this.db
      .select()
      .from(treeNodes)
      .where(and(subtreeCondition(principal.treePath, treeNodes.path), isNull(treeNodes.validTo), /^\d{2,15}$/.test(q.trim()) ? like(treeNodes.code, `${q.trim()}%`) : like(treeNodes.name, pattern)))
      .orderBy(asc(treeNodes.depth), asc(treeNodes.code))
      .limit(limit);
    const ancestorIds = [...new Set(rows.flatMap((r) => pathIds(r.path)))];
    const names = new Map((await this.getNodes(ancestorIds)).map((n) => [n.id, n.name]));
    return rows.map((r) => ({ ...r, trail: pathIds(r.path).map((i) => names.get(i) ?? '?') }));
  }

  /** Counts of current nodes under a path by level and kind (dashboard tiles). */
  async countsUnder(rootPath: string): Promise<{ level: string; kind: string; n: number }[]> {
    return queryRows(
      this.db,
      sql`SELECT level, kind, count(*)::int AS n FROM tree_node WHERE path LIKE ${`${rootPath}%`} AND valid_to IS NULL GROUP BY level, kind ORDER BY level, kind`,
    );
  }

  /** The node's path on a given date, from its history (for reports about the past). */
  async pathAsOf(nodeId: number, date: string): Promise<string | null> {
    const rows = await this.db
      .select({ path: treeNodeHistory.path })
      .from(treeNodeHistory)
      .where(and(eq(treeNodeHistory.nodeId, nodeId), sql`${treeNodeHistory.validFrom} <= ${date}`, or(isNull(treeNodeHistory.validTo), sql`${treeNodeHistory.validTo} > ${date}`)))
      .orderBy(sql`${treeNodeHistory.validFrom} DESC`)
      .limit(1);
    return rows[0]?.path ?? null;
  }

  async history(nodeId: number) {
    return this.db.select().from(treeNodeHistory).where(eq(treeNodeHistory.nodeId, nodeId)).orderBy(asc(treeNodeHistory.validFrom), asc(treeNodeHistory.id));
  }

  /** GeoJSON of the current grids (and optionally communities) under a node, for the map. */
  async geojson(rootPath: string, levels: TreeLevel[] = ['grid']): Promise<GridMap> {
    const nodes = await this.subtree(rootPath, levels);
    return {
      type: 'FeatureCollection' as const,
      features: nodes
        .filter((n) => n.boundary)
        .map((n) => ({
          type: 'Feature' as const,
          id: n.id,
          geometry: n.boundary as object,
          properties: { id: n.id, name: n.name, code: n.code, level: n.level, kind: n.kind, specialKind: n.specialKind, parentId: n.parentId },
        })),
    };
  }

  // ---- what the routes answer (the caller's view) ------------------------------------------

  /** A node as the API shows it. */
  out(n: TreeNode): NodeOut {
    return {
      id: n.id, code: n.code, name: n.name, level: n.level, kind: n.kind, specialKind: n.specialKind, parentId: n.parentId, path: n.path, districtCode: n.districtCode,
      centerLat: n.centerLat, centerLng: n.centerLng, validFrom: n.validFrom, validTo: n.validTo, hasChildren: n.level !== 'grid',
    };
  }

  /**
   * A node (the caller's own when no id is given) with its breadcrumb and children. An ancestor of
   * the caller's node shows only the branch leading to the caller, not its siblings.
   */
  async view(ctx: AuthedContext, id?: number, opts: { includeRetired?: boolean } = {}): Promise<NodeView> {
    const p = ctx.principal;
    const node = await this.getVisibleNode(p, id ?? p.nodeId);
    const ancestors = (await this.trailOf(node.path)).filter((a) => a.id !== node.id);
    const children = node.path.startsWith(p.treePath) ? await this.children(node.id, opts.includeRetired) : (await this.children(node.id)).filter((c) => p.treePath.startsWith(c.path));
    return { node: this.out(node), ancestors: ancestors.map((a) => this.out(a)), children: children.map((c) => this.out(c)) };
  }

  /** Every state a node the caller may see has had. */
  async nodeHistory(ctx: AuthedContext, id: number): Promise<NodeHistoryEntry[]> {
    await this.getVisibleNode(ctx.principal, id);
    return (await this.history(id)).map((h) => ({ code: h.code, name: h.name, parentId: h.parentId, path: h.path, validFrom: h.validFrom, validTo: h.validTo, change: h.change, reason: h.reason, relatedNodeIds: h.relatedNodeIds }));
  }

  async find(ctx: AuthedContext, q: string, limit?: number): Promise<SearchHit[]> {
    return (await this.search(ctx.principal, q, limit)).map((n) => ({ ...this.out(n), trail: n.trail }));
  }

  /** The map under a node the caller may see, clipped to the caller's own subtree. */
  async mapFor(ctx: AuthedContext, q: MapQuery): Promise<GridMap> {
    const p = ctx.principal;
    const node = await this.getVisibleNode(p, q.nodeId ?? p.nodeId);
    const root = node.path.startsWith(p.treePath) ? node.path : p.treePath;
    return this.geojson(root, q.levels ?? ['grid']);
  }

  async gridView(ctx: AuthedContext, gridId: number) {
    const d = await this.gridDetail(ctx.principal, gridId);
    return { grid: this.out(d.grid), partyOrg: d.partyOrg, leaders: d.leaders };
  }

  /** Departments whose jurisdiction overlaps the caller's subtree. */
  async departmentsFor(ctx: AuthedContext): Promise<DepartmentOut[]> {
    return (await this.listDepartments(ctx.principal)).map((d) => ({ id: d.id, code: d.code, name: d.name, shortName: d.shortName, nodeId: d.nodeId }));
  }

  // ---- writing ---------------------------------------------------------------------------

  /** A street, community or grid added by its manager (the API's form of createNode). */
  async addNode(ctx: AuthedContext, b: NewNodeIn): Promise<NodeOut> {
    const node = await this.createNode({ parentId: b.parentId, level: b.level, code: b.code, name: b.name, kind: b.kind, specialKind: b.specialKind ?? null, boundary: b.boundary, validFrom: b.validFrom }, ctx);
    return this.out(node);
  }

  /** Creates a node under its parent, checking level order and the code's shape and uniqueness. */
  async createNode(input: NewNode, ctx: RequestContext, tx?: Tx): Promise<TreeNode> {
    const run = async (t: Tx) => {
      const parent = input.parentId ? await this.getNode(input.parentId, t) : undefined;
      if (input.parentId && !parent) throw new AppError(TreeErrors.TREE_NODE_NOT_FOUND);
      if (parent && ctx.principal && !parent.path.startsWith(ctx.principal.treePath)) throw outOfScope();
      const expectedLevel = parent ? childLevel[parent.level] : 'city';
      if (input.level !== expectedLevel) throw new AppError(TreeErrors.TREE_BAD_PARENT, { level: input.level, parentLevel: parent?.level ?? '(root)' }, 'parentId');
      const problem = codeProblem(input.level, input.code, parent?.code ?? null);
      if (problem) throw new AppError(TreeErrors.TREE_BAD_CODE, { reason: problem }, 'code');
      const taken = await this.findByCode(input.code, t);
      if (taken) throw new AppError(TreeErrors.TREE_CODE_TAKEN, { code: input.code, name: taken.name }, 'code');
      const node = await this.insertNode(t, input, parent ?? null);
      await this.audit.record(t, ctx, { category: 'write', action: 'tree.create', entityType: 'tree_node', entityId: node.id, treePath: node.path, districtCode: node.districtCode, detail: { code: node.code, name: node.name, level: node.level } });
      return node;
    };
    return tx ? run(tx) : this.db.transaction(run);
  }

  private kindFor(level: TreeLevel, code: string, given?: NodeKind): NodeKind {
    if (given) return given;
    if (level === 'city') return 'city';
    if (level === 'street') return streetKind(code);
    if (level === 'community') return communityKind(code);
    if (level === 'grid') return 'urban';
    return districtKind(code);
  }

  private async insertNode(t: Tx, input: NewNode, parent: TreeNode | null): Promise<TreeNode> {
    const [{ id }] = (await queryRows<{ id: number }>(t, sql`SELECT nextval(pg_get_serial_sequence('tree_node', 'id'))::int AS id`)) as [{ id: number }];
    const path = `${parent?.path ?? '/'}${id}/`;
    const validFrom = input.validFrom ?? today();
    const [node] = await t
      .insert(treeNodes)
      .values({
        id, code: input.code, name: input.name, level: input.level, kind: this.kindFor(input.level, input.code, input.kind), specialKind: input.specialKind ?? null,
        parentId: parent?.id ?? null, path, depth: pathIds(path).length - 1, districtCode: input.level === 'city' ? null : districtCodeOf(input.code),
        boundary: input.boundary ?? null, centerLat: input.centerLat ?? null, centerLng: input.centerLng ?? null, areaKm2: input.areaKm2 ?? null,
        sortOrder: input.sortOrder ?? 0, validFrom,
      })
      .returning();
    await t.insert(treeNodeHistory).values({ nodeId: id, code: input.code, name: input.name, parentId: parent?.id ?? null, path, validFrom, change: 'created' });
    return node!;
  }

  /**
   * Bulk creation for seeding and imports: nodes of one level under known parents, ids and paths
   * assigned in two statements. No per-node audit (the caller records one row for the batch).
   */
  async bulkInsert(t: Tx, rows: (NewNode & { parentId: number })[], parents: Map<number, TreeNode>): Promise<TreeNode[]> {
    if (!rows.length) return [];
    const out: TreeNode[] = [];
    for (let i = 0; i < rows.length; i += 2000) {
      const chunk = rows.slice(i, i + 2000);
      const ids = await queryRows<{ id: number }>(t, sql`SELECT nextval(pg_get_serial_sequence('tree_node', 'id'))::int AS id FROM generate_series(1, ${chunk.length})`);
      const values = chunk.map((r, j) => {
        const parent = parents.get(r.parentId)!;
        const id = ids[j]!.id;
        const path = `${parent.path}${id}/`;
        return {
          id, code: r.code, name: r.name, level: r.level, kind: this.kindFor(r.level, r.code, r.kind), specialKind: r.specialKind ?? null, parentId: parent.id, path,
          depth: pathIds(path).length - 1, districtCode: districtCodeOf(r.code), boundary: r.boundary ?? null, centerLat: r.centerLat ?? null, centerLng: r.centerLng ?? null,
          areaKm2: r.areaKm2 ?? null, sortOrder: r.sortOrder ?? 0, validFrom: r.validFrom ?? '2000-01-01',
        };
      });
      const inserted = await t.insert(treeNodes).values(values).returning();
      await t.insert(treeNodeHistory).values(inserted.map((n) => ({ nodeId: n.id, code: n.code, name: n.name, parentId: n.parentId, path: n.path, validFrom: n.validFrom, change: 'created' })));
      out.push(...inserted);
    }
    return out;
  }

  private async assertGrid(t: Tx, principal: Principal | null, gridId: number): Promise<TreeNode> {
    const grid = await this.getNode(gridId, t);
    if (!grid || (principal && !grid.path.startsWith(principal.treePath))) throw new AppError(TreeErrors.TREE_NODE_NOT_FOUND);
    if (grid.level !== 'grid') throw new AppError(TreeErrors.TREE_NOT_A_GRID);
    if (grid.validTo) throw new AppError(TreeErrors.TREE_NODE_RETIRED, { date: grid.validTo });
    return grid;
  }

  private async nextGridSeq(t: Tx, community: TreeNode): Promise<number> {
    const rows = await queryRows<{ max: number | null }>(t, sql`SELECT max(substring(code from 13 for 3)::int) AS max FROM tree_node WHERE parent_id = ${community.id} AND level = 'grid'`);
    const max = rows[0]?.max ?? 0;
    return max + 1;
  }

  private async closeHistory(t: Tx, nodeId: number, date: string): Promise<void> {
    const open = await t.select().from(treeNodeHistory).where(and(eq(treeNodeHistory.nodeId, nodeId), isNull(treeNodeHistory.validTo))).limit(1);
    if (open[0] && open[0].validFrom > date) throw new AppError(TreeErrors.TREE_BAD_DATE, { date: open[0].validFrom }, 'effectiveDate');
    await t.update(treeNodeHistory).set({ validTo: date }).where(and(eq(treeNodeHistory.nodeId, nodeId), isNull(treeNodeHistory.validTo)));
  }

  /**
   * Moves a grid under another community from `effectiveDate`. The grid keeps its identity; its
   * code takes the new community's prefix; the old placement stays in history, and the
   * `tree.gridMoved` event lets the base data follow.
   */
  async moveGrid(gridId: number, communityId: number, effectiveDate: string, reason: string, ctx: RequestContext): Promise<TreeNode> {
    return this.db.transaction(async (t) => {
      const grid = await this.assertGrid(t, ctx.principal, gridId);
      const community = await this.getNode(communityId, t);
      if (!community || community.level !== 'community' || community.validTo || (ctx.principal && !community.path.startsWith(ctx.principal.treePath))) {
        throw new AppError(TreeErrors.TREE_NODE_NOT_FOUND, {}, 'communityId');
      }
      await this.closeHistory(t, gridId, effectiveDate);
      const code = gridCode(community.code, await this.nextGridSeq(t, community));
      const newPath = `${community.path}${grid.id}/`;
      const [moved] = await t
        .update(treeNodes)
        .set({ parentId: community.id, path: newPath, code, districtCode: districtCodeOf(code), updatedAt: new Date() })
        .where(eq(treeNodes.id, gridId))
        .returning();
      await t.insert(treeNodeHistory).values({ nodeId: gridId, code, name: grid.name, parentId: community.id, path: newPath, validFrom: effectiveDate, change: 'moved', reason, changedBy: ctx.principal?.userId ?? null, relatedNodeIds: [grid.parentId!, community.id] });
      await this.events.emit('tree.gridMoved', { gridId, oldPath: grid.path, newPath, newDistrictCode: districtCodeOf(code), effectiveDate }, t, ctx);
      await this.audit.record(t, ctx, { category: 'write', action: 'tree.move_grid', entityType: 'tree_node', entityId: gridId, treePath: newPath, reason, detail: { from: grid.path, to: newPath, oldCode: grid.code, newCode: code, effectiveDate } });
      return moved!;
    });
  }

  /**
   * Splits a grid into successors from `effectiveDate`: the grid is retired (valid_to) and the
   * successors start that day under the same community; `tree.gridSplit` lets base data move
   * records, following the buildings each part takes.
   */
  async splitGrid(
    gridId: number,
    parts: SplitPartIn[],
    effectiveDate: string,
    reason: string,
    ctx: RequestContext,
  ): Promise<TreeNode[]> {
    return this.db.transaction(async (t) => {
      const grid = await this.assertGrid(t, ctx.principal, gridId);
      const community = (await this.getNode(grid.parentId!, t))!;
      await this.closeHistory(t, gridId, effectiveDate);
      await t.update(treeNodes).set({ validTo: effectiveDate, updatedAt: new Date() }).where(eq(treeNodes.id, gridId));
      let seq = await this.nextGridSeq(t, community);
      const successors: TreeNode[] = [];
      for (const part of parts) {
        const node = await this.insertNode(t, { parentId: community.id, level: 'grid', code: gridCode(community.code, seq++), name: part.name, kind: part.kind ?? grid.kind, specialKind: part.specialKind ?? grid.specialKind, boundary: part.boundary ?? null, validFrom: effectiveDate }, community);
        await t.update(treeNodeHistory).set({ change: 'split_from', relatedNodeIds: [gridId], reason }).where(and(eq(treeNodeHistory.nodeId, node.id), isNull(treeNodeHistory.validTo)));
        successors.push(node);
      }
      await t.insert(treeNodeHistory).values({ nodeId: gridId, code: grid.code, name: grid.name, parentId: grid.parentId, path: grid.path, validFrom: effectiveDate, validTo: effectiveDate, change: 'split_into', relatedNodeIds: successors.map((s) => s.id), reason, changedBy: ctx.principal?.userId ?? null });
      await this.events.emit('tree.gridSplit', { fromGridId: gridId, successorGridIds: successors.map((s) => s.id), effectiveDate, buildingAssignments: parts.map((p) => p.buildingIds ?? []) }, t, ctx);
      await this.audit.record(t, ctx, { category: 'write', action: 'tree.split_grid', entityType: 'tree_node', entityId: gridId, treePath: grid.path, reason, detail: { successors: successors.map((s) => ({ id: s.id, code: s.code, name: s.name })), effectiveDate } });
      return successors;
    });
  }

  // ---- people -------------------------------------------------------------------------

  /**
   * Staff accounts by id as pages show them: display name, role and unit (the department for
   * department staff, else the node the account hangs on); unknown ids are left out. Accounts
   * come from the platform's auth service, units from this module's tables.
   */
  async people(ids: readonly (number | null | undefined)[], db: DbOrTx = this.db): Promise<Map<number, Person>> {
    const want = [...new Set(ids.filter((i): i is number => typeof i === 'number' && i > 0))];
    if (!want.length) return new Map();
    const accounts = await this.auth.accountsByIds(want, db);
    const nodeIds = [...new Set(accounts.map((a) => a.nodeId))];
    const deptIds = [...new Set(accounts.map((a) => a.departmentId).filter((d): d is number => d !== null))];
    const nodeNames = new Map((nodeIds.length ? await db.select({ id: treeNodes.id, name: treeNodes.name }).from(treeNodes).where(inArray(treeNodes.id, nodeIds)) : []).map((n) => [n.id, n.name]));
    const deptNames = new Map((deptIds.length ? await db.select({ id: departments.id, name: departments.name }).from(departments).where(inArray(departments.id, deptIds)) : []).map((d) => [d.id, d.name]));
    return new Map(accounts.map((a) => [a.id, { id: a.id, name: a.displayName, role: a.role, unit: (a.departmentId !== null ? deptNames.get(a.departmentId) : undefined) ?? nodeNames.get(a.nodeId) ?? null }]));
  }

  // ---- grid party organisations and 三级四长 ---------------------------------------------

  /**
   * A grid's party organisation and 三级四长. A leader who has an account is named as the account
   * is now (display name and unit), not as typed when the chain was recorded.
   */
  async gridDetail(principal: Principal, gridId: number) {
    const grid = await this.getVisibleNode(principal, gridId);
    const [party] = await this.db.select().from(gridPartyOrgs).where(eq(gridPartyOrgs.gridId, gridId));
    const leaders = await this.db.select().from(gridLeaders).where(eq(gridLeaders.gridId, gridId)).orderBy(asc(gridLeaders.id));
    const people = await this.people(leaders.map((l) => l.userId));
    const named = leaders.map((l) => {
      const person = l.userId ? people.get(l.userId) : undefined;
      return { ...l, personName: person?.name ?? l.personName, person: person ?? null };
    });
    return { grid, partyOrg: party ?? null, leaders: gridLeaderTiers.flatMap((tier) => named.filter((l) => l.tier === tier)) };
  }

  async setPartyOrg(gridId: number, input: PartyOrgIn, ctx: RequestContext): Promise<void> {
    await this.db.transaction(async (t) => {
      const grid = await this.assertGrid(t, ctx.principal, gridId);
      const values = { gridId, name: input.name, orgType: input.orgType ?? 'branch', secretaryName: input.secretaryName ?? null, memberCount: input.memberCount ?? 0, establishedOn: input.establishedOn ?? null };
      await t.insert(gridPartyOrgs).values(values).onConflictDoUpdate({ target: gridPartyOrgs.gridId, set: { ...values, updatedAt: new Date() } });
      await this.audit.record(t, ctx, { category: 'write', action: 'tree.party_org', entityType: 'tree_node', entityId: gridId, treePath: grid.path, detail: values });
    });
  }

  async setLeaders(gridId: number, leaders: LeaderIn[], ctx: RequestContext): Promise<void> {
    await this.db.transaction(async (t) => {
      const grid = await this.assertGrid(t, ctx.principal, gridId);
      await t.delete(gridLeaders).where(eq(gridLeaders.gridId, gridId));
      if (leaders.length) await t.insert(gridLeaders).values(leaders.map((l) => ({ gridId, tier: l.tier, personName: l.personName, title: l.title ?? null, userId: l.userId ?? null, since: l.since ?? null })));
      await this.audit.record(t, ctx, { category: 'write', action: 'tree.leaders', entityType: 'tree_node', entityId: gridId, treePath: grid.path, detail: { leaders } });
    });
  }

  /** Bulk party organisations and leaders for many grids (seeding, imports); the caller audits the batch. */
  async bulkPartyOrgsAndLeaders(t: Tx, orgs: (typeof gridPartyOrgs.$inferInsert)[], leaders: (typeof gridLeaders.$inferInsert)[]): Promise<void> {
    for (let i = 0; i < orgs.length; i += 1000) await t.insert(gridPartyOrgs).values(orgs.slice(i, i + 1000));
    for (let i = 0; i < leaders.length; i += 1000) await t.insert(gridLeaders).values(leaders.slice(i, i + 1000));
  }

  // ---- departments -----------------------------------------------------------------------

  async listDepartments(principal?: Principal): Promise<Department[]> {
    const rows = await this.db.select().from(departments).orderBy(asc(departments.treePath), asc(departments.code));
    if (!principal) return rows;
    // Departments whose jurisdiction overlaps the caller's subtree.
    return rows.filter((d) => d.treePath.startsWith(principal.treePath) || principal.treePath.startsWith(d.treePath));
  }

  async getDepartment(id: number): Promise<Department | undefined> {
    const rows = await this.db.select().from(departments).where(eq(departments.id, id)).limit(1);
    return rows[0];
  }

  async createDepartment(input: { code: string; name: string; shortName: string; nodeId: number }, ctx: RequestContext, tx?: Tx): Promise<Department> {
    const run = async (t: Tx) => {
      const node = await this.getNode(input.nodeId, t);
      if (!node) throw new AppError(TreeErrors.TREE_NODE_NOT_FOUND, {}, 'nodeId');
      const [d] = await t.insert(departments).values({ ...input, treePath: node.path }).returning();
      await this.audit.record(t, ctx, { category: 'admin', action: 'department.create', entityType: 'department', entityId: d!.id, treePath: node.path, detail: input });
      return d!;
    };
    return tx ? run(tx) : this.db.transaction(run);
  }

  static readonly levels = treeLevels;
}

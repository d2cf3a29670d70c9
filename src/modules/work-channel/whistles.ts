// 街乡吹哨、部门报到: a street summons departments to a problem it cannot solve alone (cannot
// enforce, needs joint action, an emergency). Each summoned department reports in order:
// acknowledges (接单), sends staff who report on site (到场报到) by the deadline, and acts (处置).
// Response times and each street's whistle rate are measured from these rows.
import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { queryRows } from '../../db/client.js';
import { addWorkingDays } from '../../platform/calendar.js';
import type { AuthedContext, Principal } from '../../platform/context.js';
import { addDays, todayCn } from '../../platform/dates.js';
import { AppError } from '../../platform/errors.js';
import type { Platform } from '../../platform/platform.js';
import { scopeCondition } from '../../platform/scope.js';
import type { TreeService } from '../tree/index.js';
import { WorkChannelErrors as E } from './errors.js';
import type { NewWhistleIn, ReportStepIn, StatsQuery, WhistleOut, WhistlePage, WhistleQuery, WhistleStats } from './schemas.js';
import { channelWhistleCalls, channelWhistles, type CallStatus } from './tables.js';

type WhistleRow = typeof channelWhistles.$inferSelect;
type CallRow = typeof channelWhistleCalls.$inferSelect;

const statusNames: Record<CallStatus, { zh: string; en: string }> = {
  summoned: { zh: '待接单', en: 'summoned' }, acknowledged: { zh: '已接单', en: 'acknowledged' }, on_site: { zh: '已到场', en: 'on site' }, acted: { zh: '已处置', en: 'acted' },
};
const minutes = (from: Date, to: Date | null) => (to ? Math.round((to.getTime() - from.getTime()) / 60_000) : null);

export class WhistleService {
  constructor(
    private readonly platform: Platform,
    private readonly tree: TreeService,
  ) {}

  private get db(): Db {
    return this.platform.db;
  }

  /** Whistles the caller may see: its subtree; a department only those summoning it, within its jurisdiction. */
  private scope(p: Principal): SQL {
    const inArea = scopeCondition(p, channelWhistles.treePath);
    if (!p.departmentId) return inArea;
    return and(inArea, sql`EXISTS (SELECT 1 FROM channel_whistle_call c WHERE c.whistle_id = ${channelWhistles.id} AND c.department_id = ${p.departmentId})`)!;
  }

  private async out(rows: WhistleRow[]): Promise<WhistleOut[]> {
    if (!rows.length) return [];
    const calls = await this.db.select().from(channelWhistleCalls).where(inArray(channelWhistleCalls.whistleId, rows.map((r) => r.id))).orderBy(asc(channelWhistleCalls.id));
    const names = await this.tree.names(rows.map((r) => r.streetNodeId));
    const now = Date.now();
    return rows.map((w) => ({
      id: w.id, street: { id: w.streetNodeId, name: names.get(w.streetNodeId) ?? '' }, reason: w.reason, problem: w.problem, placeText: w.placeText, lat: w.lat, lng: w.lng,
      deadlineHours: w.deadlineHours, deadlineWorkingDays: w.deadlineWorkingDays, deadlineAt: w.deadlineAt.toISOString(), raisedByName: w.raisedByName, raisedAt: w.raisedAt.toISOString(),
      status: w.status, closedAt: w.closedAt?.toISOString() ?? null, closingNote: w.closingNote,
      calls: calls.filter((c) => c.whistleId === w.id).map((c: CallRow) => ({
        id: c.id, departmentId: c.departmentId, departmentName: c.departmentName, status: c.status, deadlineAt: c.deadlineAt.toISOString(),
        acknowledgedAt: c.acknowledgedAt?.toISOString() ?? null, onSiteAt: c.onSiteAt?.toISOString() ?? null, staffNote: c.staffNote, actedAt: c.actedAt?.toISOString() ?? null, actionNote: c.actionNote,
        overdue: c.onSiteAt ? c.onSiteAt > c.deadlineAt : c.deadlineAt.getTime() < now,
        minutesToAcknowledge: minutes(w.raisedAt, c.acknowledgedAt), minutesToSite: minutes(w.raisedAt, c.onSiteAt),
      })),
    }));
  }

  async raise(ctx: AuthedContext, input: NewWhistleIn): Promise<WhistleOut> {
    const p = ctx.principal;
    const street = await this.tree.getNode(input.streetNodeId ?? p.nodeId);
    if (!street || street.level !== 'street' || street.validTo || !street.path.startsWith(p.treePath)) throw new AppError(E.WHISTLE_STREET_ONLY, {}, 'streetNodeId');
    const depts: { id: number; name: string }[] = [];
    for (const id of input.departmentIds) {
      const d = await this.tree.getDepartment(id);
      if (!d || !street.path.startsWith(d.treePath)) throw new AppError(E.WHISTLE_DEPARTMENT_INVALID, { departmentId: id }, 'departmentIds');
      depts.push(d);
    }
    const bad = (zh: string, en: string, field: string): never => {
      throw new AppError(E.WHISTLE_DEADLINE_INVALID, { reason_zh: zh, reason_en: en }, field);
    };
    let hours: number | null = null;
    let workingDays: number | null = null;
    let deadlineAt: Date;
    if (input.reason === 'emergency') {
      if (input.deadlineWorkingDays) bad('紧急事项的报到时限以小时计', 'an emergency’s deadline is in hours', 'deadlineWorkingDays');
      hours = input.deadlineHours ?? 2;
      deadlineAt = new Date(Date.now() + hours * 3_600_000);
    } else {
      if (input.deadlineHours) bad('非紧急事项的报到时限以工作日计', 'a deadline that is not an emergency’s is in working days', 'deadlineHours');
      workingDays = input.deadlineWorkingDays ?? 2;
      const day = addWorkingDays(await this.platform.calendar.data(), todayCn(), workingDays);
      deadlineAt = new Date(Date.parse(`${day}T18:00:00+08:00`)); // the end of that working day
    }
    const id = await this.db.transaction(async (tx) => {
      const [w] = await tx
        .insert(channelWhistles)
        .values({
          streetNodeId: street.id, treePath: street.path, districtCode: street.districtCode ?? '000000', reason: input.reason, problem: input.problem.trim(), placeText: input.placeText.trim(), lat: input.lat ?? null, lng: input.lng ?? null,
          deadlineHours: hours, deadlineWorkingDays: workingDays, deadlineAt, raisedBy: p.userId, raisedByName: p.displayName,
        })
        .returning();
      await tx.insert(channelWhistleCalls).values(depts.map((d) => ({ whistleId: w!.id, departmentId: d.id, departmentName: d.name, treePath: street.path, deadlineAt })));
      await this.platform.events.emit('workChannel.whistleRaised', { whistleId: w!.id, streetNodeId: street.id, departmentIds: depts.map((d) => d.id), reason: input.reason }, tx, ctx);
      await this.platform.audit.record(tx, ctx, { category: 'write', action: 'whistle.raise', entityType: 'channel_whistle', entityId: w!.id, treePath: street.path, districtCode: street.districtCode, detail: { reason: input.reason, departments: depts.map((d) => d.id), deadlineAt: deadlineAt.toISOString() } });
      return w!.id;
    });
    return this.get(ctx, id);
  }

  async list(ctx: AuthedContext, q: WhistleQuery): Promise<WhistlePage> {
    const where = and(this.scope(ctx.principal), q.status ? eq(channelWhistles.status, q.status) : undefined);
    const [rows, [count]] = await Promise.all([
      this.db.select().from(channelWhistles).where(where).orderBy(desc(channelWhistles.raisedAt), desc(channelWhistles.id)).limit(q.limit).offset(q.offset),
      this.db.select({ n: sql<number>`count(*)::int` }).from(channelWhistles).where(where),
    ]);
    return { items: await this.out(rows), total: count?.n ?? 0, limit: q.limit, offset: q.offset };
  }

  async get(ctx: AuthedContext, id: number): Promise<WhistleOut> {
    const [w] = await this.db.select().from(channelWhistles).where(and(eq(channelWhistles.id, id), this.scope(ctx.principal)));
    if (!w) throw new AppError(E.WHISTLE_NOT_FOUND);
    return (await this.out([w]))[0]!;
  }

  /** A summoned department reports one step, in order: acknowledge, on site, act. */
  async report(ctx: AuthedContext, whistleId: number, input: ReportStepIn): Promise<WhistleOut> {
    const p = ctx.principal;
    if (!p.departmentId) throw new AppError(E.WHISTLE_NOT_FOUND);
    await this.db.transaction(async (tx) => {
      const [w] = await tx.select().from(channelWhistles).where(and(eq(channelWhistles.id, whistleId), scopeCondition(p, channelWhistles.treePath)));
      const [c] = w ? await tx.select().from(channelWhistleCalls).where(and(eq(channelWhistleCalls.whistleId, whistleId), eq(channelWhistleCalls.departmentId, p.departmentId!))).for('update') : [];
      if (!w || !c) throw new AppError(E.WHISTLE_NOT_FOUND);
      if (w.status !== 'open') throw new AppError(E.WHISTLE_CLOSED);
      const need: Record<ReportStepIn['step'], CallStatus> = { acknowledge: 'summoned', on_site: 'acknowledged', act: 'on_site' };
      if (c.status !== need[input.step]) throw new AppError(E.WHISTLE_STEP_OUT_OF_ORDER, { status_zh: statusNames[c.status].zh, status_en: statusNames[c.status].en }, 'step');
      const now = new Date();
      const note = input.note?.trim() || null;
      const set =
        input.step === 'acknowledge' ? { status: 'acknowledged' as const, acknowledgedAt: now }
        : input.step === 'on_site' ? { status: 'on_site' as const, onSiteAt: now, staffNote: note }
        : { status: 'acted' as const, actedAt: now, actionNote: note };
      await tx.update(channelWhistleCalls).set({ ...set, lastBy: p.userId, lastByName: p.displayName }).where(eq(channelWhistleCalls.id, c.id));
      await this.platform.audit.record(tx, ctx, { category: 'write', action: `whistle.${input.step}`, entityType: 'channel_whistle', entityId: whistleId, treePath: w.treePath, districtCode: w.districtCode, detail: { departmentId: p.departmentId } });
    });
    return this.get(ctx, whistleId);
  }

  /** The street closes its whistle with the outcome. */
  async close(ctx: AuthedContext, id: number, note: string): Promise<WhistleOut> {
    await this.db.transaction(async (tx) => {
      const [w] = await tx.select().from(channelWhistles).where(and(eq(channelWhistles.id, id), scopeCondition(ctx.principal, channelWhistles.treePath))).for('update');
      if (!w) throw new AppError(E.WHISTLE_NOT_FOUND);
      if (w.status !== 'open') throw new AppError(E.WHISTLE_CLOSED);
      await tx.update(channelWhistles).set({ status: 'closed', closedAt: new Date(), closingNote: note.trim() }).where(eq(channelWhistles.id, id));
      await this.platform.audit.record(tx, ctx, { category: 'write', action: 'whistle.close', entityType: 'channel_whistle', entityId: id, treePath: w.treePath, districtCode: w.districtCode });
    });
    return this.get(ctx, id);
  }

  /** Whistle rate per street and the departments' response times over a window (default the last 90 days). */
  async stats(ctx: AuthedContext, q: StatsQuery): Promise<WhistleStats> {
    const p = ctx.principal;
    const to = q.to ?? todayCn();
    const from = q.from ?? addDays(to, -89);
    if (from > to) throw new AppError(E.WHISTLE_DEADLINE_INVALID, { reason_zh: '开始日期不能晚于结束日期', reason_en: 'the window starts after it ends' }, 'from');
    const days = Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000) + 1;
    const start = `${from}T00:00:00+08:00`;
    const end = `${addDays(to, 1)}T00:00:00+08:00`;
    const streets = await this.tree.subtree(p.treePath, ['street', 'community']);
    const perStreet = await queryRows<{ street_node_id: number; n: number; emergencies: number }>(
      this.db,
      sql`SELECT street_node_id, count(*)::int AS n, count(*) FILTER (WHERE reason = 'emergency')::int AS emergencies
          FROM channel_whistle WHERE ${scopeCondition(p, sql`tree_path`)} AND raised_at >= ${start}::timestamptz AND raised_at < ${end}::timestamptz GROUP BY street_node_id`,
    );
    const counts = new Map(perStreet.map((r) => [Number(r.street_node_id), r]));
    const deptFilter = p.departmentId ? sql`AND c.department_id = ${p.departmentId}` : sql``;
    const perDept = await queryRows<{ department_id: number; department_name: string; calls: number; acknowledged: number; on_site: number; acted: number; on_time: number; ack_median: number | null; site_median: number | null }>(
      this.db,
      sql`SELECT c.department_id, min(c.department_name) AS department_name, count(*)::int AS calls,
                 count(c.acknowledged_at)::int AS acknowledged, count(c.on_site_at)::int AS on_site, count(c.acted_at)::int AS acted,
                 count(*) FILTER (WHERE c.on_site_at IS NOT NULL AND c.on_site_at <= c.deadline_at)::int AS on_time,
                 percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM c.acknowledged_at - w.raised_at) / 60) AS ack_median,
                 percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM c.on_site_at - w.raised_at) / 60) AS site_median
          FROM channel_whistle_call c JOIN channel_whistle w ON w.id = c.whistle_id
          WHERE ${scopeCondition(p, sql`w.tree_path`)} AND w.raised_at >= ${start}::timestamptz AND w.raised_at < ${end}::timestamptz ${deptFilter}
          GROUP BY c.department_id ORDER BY c.department_id`,
    );
    const round1 = (v: number | null) => (v === null || v === undefined ? null : Math.round(Number(v) * 10) / 10);
    return {
      from, to,
      streets: streets
        .filter((s) => s.level === 'street')
        .map((s) => {
          const c = counts.get(s.id);
          const n = c?.n ?? 0;
          return { id: s.id, name: s.name, whistles: n, emergencies: c?.emergencies ?? 0, per30Days: Math.round((n / days) * 30 * 100) / 100, communities: streets.filter((x) => x.parentId === s.id).length };
        }),
      departments: perDept.map((d) => ({
        id: Number(d.department_id), name: d.department_name, calls: d.calls, acknowledged: d.acknowledged, onSite: d.on_site, acted: d.acted, onTime: d.on_time,
        onTimeRate: d.calls ? Math.round((d.on_time / d.calls) * 1000) / 1000 : null, medianMinutesToAcknowledge: round1(d.ack_median), medianMinutesToSite: round1(d.site_median),
      })),
    };
  }
}

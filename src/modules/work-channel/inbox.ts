// The unit's one inbox (一个收件箱): everything asked of a street, community or grid, whichever
// sender asked: tasks and notices, reports due (催报, from the reports module's reminders) and base
// data due for review (定期维护, from the registry), each with who asks and on which item.
import { and, asc, eq, ilike, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import type { AuthedContext, RequestContext } from '../../platform/context.js';
import { todayCn } from '../../platform/dates.js';
import { AppError } from '../../platform/errors.js';
import type { Platform } from '../../platform/platform.js';
import { scopeCondition, subtreeCondition } from '../../platform/scope.js';
import type { ReportReminderEvent } from '../reports/index.js';
import type { TreeService } from '../tree/index.js';
import { WorkChannelErrors as E } from './errors.js';
import type { StaleDataPort } from './ports.js';
import type { DoneIn, InboxDetail, InboxItem, InboxPage, InboxQuery } from './schemas.js';
import { channelAttachments, channelInbox, channelReminders, channelTasks } from './tables.js';
import { inboxOut, type TaskService } from './tasks.js';

type InboxRow = typeof channelInbox.$inferSelect;

/** Who asks for stale base data: the registry's maintenance rules (field owner and review period). */
export const STALE_FROM = '基础数据定期维护';
export const STALE_ITEM = '字段维护周期（社区负责）';

export class InboxService {
  constructor(
    private readonly platform: Platform,
    private readonly tree: TreeService,
    private readonly tasks: TaskService,
    private readonly stale: StaleDataPort | null,
  ) {}

  private get db(): Db {
    return this.platform.db;
  }

  private async out(rows: InboxRow[]): Promise<InboxItem[]> {
    const [names, cal] = await Promise.all([this.tree.names(rows.map((r) => r.unitNodeId)), this.platform.calendar.data()]);
    const today = todayCn();
    return rows.map((r) => inboxOut(r, names.get(r.unitNodeId) ?? '', cal, today));
  }

  async list(ctx: AuthedContext, q: InboxQuery): Promise<InboxPage> {
    const p = ctx.principal;
    const base: (SQL | undefined)[] = [scopeCondition(p, channelInbox.treePath), q.mine ? eq(channelInbox.unitNodeId, p.nodeId) : undefined];
    if (q.source) base.push(eq(channelInbox.source, q.source));
    if (q.q) base.push(ilike(channelInbox.title, `%${q.q}%`));
    const state = q.state === 'open' ? isNull(channelInbox.doneAt) : q.state === 'done' ? isNotNull(channelInbox.doneAt) : undefined;
    const where = and(...base, state);
    const today = todayCn();
    const [rows, [counts]] = await Promise.all([
      this.db
        .select()
        .from(channelInbox)
        .where(where)
        .orderBy(sql`${channelInbox.doneAt} IS NOT NULL`, sql`${channelInbox.deadline} ASC NULLS LAST`, sql`${channelInbox.id} DESC`)
        .limit(q.limit)
        .offset(q.offset),
      this.db
        .select({
          open: sql<number>`count(*) FILTER (WHERE ${channelInbox.doneAt} IS NULL)::int`,
          overdue: sql<number>`count(*) FILTER (WHERE ${channelInbox.doneAt} IS NULL AND ${channelInbox.deadline} < ${today}::date)::int`,
          done: sql<number>`count(*) FILTER (WHERE ${channelInbox.doneAt} IS NOT NULL)::int`,
        })
        .from(channelInbox)
        .where(and(...base)),
    ]);
    const c = counts ?? { open: 0, overdue: 0, done: 0 };
    const total = q.state === 'open' ? c.open : q.state === 'done' ? c.done : c.open + c.done;
    return { items: await this.out(rows), total, limit: q.limit, offset: q.offset, counts: c };
  }

  /** Counts for a node's subtree inside the caller's scope (the dashboard tile). */
  async summary(ctx: AuthedContext, rootPath: string): Promise<{ open: number; overdue: number; unread: number; done7Days: number }> {
    const today = todayCn();
    const [r] = await this.db
      .select({
        open: sql<number>`count(*) FILTER (WHERE ${channelInbox.doneAt} IS NULL)::int`,
        overdue: sql<number>`count(*) FILTER (WHERE ${channelInbox.doneAt} IS NULL AND ${channelInbox.deadline} < ${today}::date)::int`,
        unread: sql<number>`count(*) FILTER (WHERE ${channelInbox.doneAt} IS NULL AND ${channelInbox.readAt} IS NULL)::int`,
        done7Days: sql<number>`count(*) FILTER (WHERE ${channelInbox.doneAt} >= now() - interval '7 days')::int`,
      })
      .from(channelInbox)
      .where(and(scopeCondition(ctx.principal, channelInbox.treePath), subtreeCondition(rootPath, channelInbox.treePath)));
    return r ?? { open: 0, overdue: 0, unread: 0, done7Days: 0 };
  }

  private async row(ctx: AuthedContext, id: number, db: Db | Tx = this.db, lock = false): Promise<InboxRow> {
    const query = db.select().from(channelInbox).where(and(eq(channelInbox.id, id), scopeCondition(ctx.principal, channelInbox.treePath)));
    const [r] = lock ? await query.for('update') : await query;
    if (!r) throw new AppError(E.CHANNEL_ITEM_NOT_FOUND);
    return r;
  }

  async detail(ctx: AuthedContext, id: number): Promise<InboxDetail> {
    const r = await this.row(ctx, id);
    let task: InboxDetail['task'] = null;
    if (r.taskId) {
      const [t] = await this.db.select().from(channelTasks).where(eq(channelTasks.id, r.taskId));
      const files = await this.db.select().from(channelAttachments).where(eq(channelAttachments.taskId, r.taskId)).orderBy(asc(channelAttachments.id));
      if (t) task = { kind: t.kind, status: t.status, body: t.body, senderName: t.senderName, sentOn: t.sentOn, attachments: files.map((a) => ({ id: a.id, fileName: a.fileName, size: a.size })) };
    }
    const reminders = await this.db.select().from(channelReminders).where(eq(channelReminders.inboxId, id)).orderBy(asc(channelReminders.createdAt));
    return { item: (await this.out([r]))[0]!, task, reminders: reminders.map((x) => ({ kind: x.kind, at: x.createdAt.toISOString() })) };
  }

  /** The read receipt (已读). A notice needs nothing more: reading it is its completion. */
  async markRead(ctx: AuthedContext, id: number): Promise<InboxDetail> {
    await this.db.transaction(async (tx) => {
      const r = await this.row(ctx, id, tx, true);
      if (r.readAt) return;
      const now = new Date();
      const notice = r.source === 'notice';
      await tx.update(channelInbox).set({ readAt: now, readBy: ctx.principal.userId, updatedAt: now, ...(notice && !r.doneAt ? { doneAt: now, doneBy: ctx.principal.userId, doneByName: ctx.principal.displayName } : {}) }).where(eq(channelInbox.id, id));
      await this.platform.audit.record(tx, ctx, { category: 'write', action: 'channel.read', entityType: 'channel_inbox', entityId: id, treePath: r.treePath, districtCode: r.districtCode });
    });
    return this.detail(ctx, id);
  }

  /** Done (办结), with what was done. A task's result is required. */
  async markDone(ctx: AuthedContext, id: number, input: DoneIn): Promise<InboxDetail> {
    await this.db.transaction(async (tx) => {
      const r = await this.row(ctx, id, tx, true);
      if (r.doneAt) throw new AppError(E.CHANNEL_ALREADY_DONE);
      const result = input.result.trim();
      if (r.source === 'task' && !result) throw new AppError(E.CHANNEL_RESULT_REQUIRED, {}, 'result');
      if (r.taskId) {
        const [t] = await tx.select({ status: channelTasks.status }).from(channelTasks).where(eq(channelTasks.id, r.taskId));
        if (t?.status === 'cancelled') throw new AppError(E.CHANNEL_TASK_CANCELLED);
      }
      const now = new Date();
      await tx.update(channelInbox).set({ doneAt: now, doneBy: ctx.principal.userId, doneByName: ctx.principal.displayName, result: result || null, readAt: r.readAt ?? now, readBy: r.readBy ?? ctx.principal.userId, updatedAt: now }).where(eq(channelInbox.id, id));
      await this.platform.audit.record(tx, ctx, { category: 'write', action: 'channel.done', entityType: 'channel_inbox', entityId: id, treePath: r.treePath, districtCode: r.districtCode, detail: { source: r.source, taskId: r.taskId } });
    });
    return this.detail(ctx, id);
  }

  // ---- what other modules ask of a unit ---------------------------------------------------

  /** Report reminders (reports.remindersRecorded): one inbox row per due report, reminded again. */
  async onReportReminders(tx: Tx, reminders: ReportReminderEvent[]): Promise<void> {
    for (const r of reminders) {
      const [row] = await tx
        .insert(channelInbox)
        .values({
          source: 'report', sourceKey: `report:${r.dueId}`, unitNodeId: r.unitNodeId, treePath: r.treePath, districtCode: r.districtCode, title: `${r.templateTitle}（${r.period}）`, fromName: r.departmentName,
          itemName: r.templateTitle, link: { kind: 'report_due', dueId: r.dueId, title: r.templateTitle }, deadline: r.deadline,
        })
        .onConflictDoUpdate({ target: channelInbox.sourceKey, set: { deadline: sql`excluded.deadline`, treePath: sql`excluded.tree_path`, updatedAt: new Date() } })
        .returning({ id: channelInbox.id });
      await this.tasks.recordReminders(tx, [row!.id], `report_${r.kind}`);
    }
  }

  /** A due report was submitted: its inbox row is done. */
  async onReportSubmitted(tx: Tx, ctx: RequestContext, dueId: number): Promise<void> {
    const p = ctx.principal;
    await tx.update(channelInbox).set({ doneAt: new Date(), doneBy: p?.userId ?? null, doneByName: p?.displayName ?? null, updatedAt: new Date() }).where(and(eq(channelInbox.sourceKey, `report:${dueId}`), isNull(channelInbox.doneAt)));
  }

  /**
   * Stale base data per grid (the registry's read side): a grid with overdue records has one
   * open row saying how many; when none is left the row closes by itself, and it opens again
   * the next time records fall due.
   */
  async sweepStale(db: Db = this.db): Promise<{ open: number; closed: number }> {
    if (!this.stale) return { open: 0, closed: 0 };
    const grids = await this.tree.subtree('/', ['grid'], db);
    let open = 0;
    let closed = 0;
    for (const g of grids) {
      const c = await this.stale.staleCounts(db, g.path);
      const key = `registry:stale:${g.id}`;
      if (c.records > 0) {
        await db
          .insert(channelInbox)
          .values({ source: 'registry', sourceKey: key, unitNodeId: g.id, treePath: g.path, districtCode: g.districtCode ?? '000000', title: `${g.name}：${c.records} 条基础数据逾期未核`, amount: c.records, fromName: STALE_FROM, itemName: STALE_ITEM, link: { kind: 'stale', gridId: g.id, title: g.name } })
          .onConflictDoUpdate({ target: channelInbox.sourceKey, set: { title: `${g.name}：${c.records} 条基础数据逾期未核`, amount: c.records, doneAt: null, doneBy: null, doneByName: null, result: null, treePath: g.path, updatedAt: new Date() } });
        open += 1;
      } else {
        const r = await db.update(channelInbox).set({ doneAt: new Date(), result: null, doneByName: null, updatedAt: new Date() }).where(and(eq(channelInbox.sourceKey, key), isNull(channelInbox.doneAt))).returning({ id: channelInbox.id });
        closed += r.length;
      }
    }
    return { open, closed };
  }
}

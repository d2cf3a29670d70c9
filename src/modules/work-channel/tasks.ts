// Tasks and notices sent down the work channel (工作通道): each cites a duty item admitted for the
// receiving unit's township (checked through the duty lists' port, never skipped), has a deadline
// in working days, attachments and a link to where base data already answers it, and gives one
// receipt per unit (delivered, read, done with the result) that the sender follows.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { and, asc, desc, eq, ilike, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.js';
import { queryRows } from '../../db/client.js';
import { addWorkingDays, isWorkingDay, workingDaysBetween, type CalendarData } from '../../platform/calendar.js';
import type { AuthedContext, Principal } from '../../platform/context.js';
import { addDays, todayCn } from '../../platform/dates.js';
import { AppError } from '../../platform/errors.js';
import type { Platform } from '../../platform/platform.js';
import { scopeCondition } from '../../platform/scope.js';
import type { TreeNode, TreeService } from '../tree/index.js';
import { WorkChannelErrors as E } from './errors.js';
import type { AdmittedDutyItem, DutyItemPort, ReportTemplatePort } from './ports.js';
import type { AttachmentOut, InboxItem, LinkIn, NewTaskIn, TaskDetail, TaskOut, TaskPage, TaskQuery } from './schemas.js';
import { channelAttachments, channelInbox, channelReminders, channelTasks, type TaskLink } from './tables.js';

type TaskRow = typeof channelTasks.$inferSelect;
type InboxRow = typeof channelInbox.$inferSelect;

export const MAX_UNITS = 2000;
const RECEIVING_LEVELS = ['street', 'community', 'grid'] as const;
const recordKindNames: Record<string, string> = { resident: '居民', household: '户', house: '房屋', building: '楼栋', organisation: '单位组织', facility: '设施' };

/** The moment a China date begins, plus hours. */
function cnMoment(day: string, hours = 0): Date {
  return new Date(Date.parse(`${day}T00:00:00+08:00`) + hours * 3_600_000);
}

export function inboxOut(r: InboxRow, unitName: string, cal: CalendarData, today: string): InboxItem {
  const overdue = !r.doneAt && !!r.deadline && r.deadline < today;
  return {
    id: r.id, source: r.source, taskId: r.taskId, unit: { id: r.unitNodeId, name: unitName }, title: r.title, fromName: r.fromName, itemName: r.itemName, link: r.link ?? null,
    deadline: r.deadline, amount: r.amount, daysLeft: r.deadline && !r.doneAt ? workingDaysBetween(cal, today, r.deadline) : null, overdue,
    deliveredAt: r.deliveredAt.toISOString(), readAt: r.readAt?.toISOString() ?? null, doneAt: r.doneAt?.toISOString() ?? null, result: r.result, reminders: r.reminders,
  };
}

export class TaskService {
  private dutyItems: DutyItemPort | null;

  constructor(
    private readonly platform: Platform,
    private readonly tree: TreeService,
    deps: { dutyItems?: DutyItemPort | null; reportTemplates?: ReportTemplatePort | null },
  ) {
    this.dutyItems = deps.dutyItems ?? null;
    this.reportTemplates = deps.reportTemplates ?? null;
  }

  private readonly reportTemplates: ReportTemplatePort | null;

  /** Connects the duty lists (权责清单). Until then every task is refused with DUTY_LISTS_UNAVAILABLE. */
  connectDutyItems(port: DutyItemPort | null): void {
    this.dutyItems = port;
  }

  private get db(): Db {
    return this.platform.db;
  }

  get attachmentDir(): string {
    return join(this.platform.config.dataDir, 'channel');
  }

  // ---- sending ----------------------------------------------------------------------------

  /** The receiving units: listed ones or every unit of a level under a node, all below the sender. */
  private async units(p: Principal, input: NewTaskIn): Promise<TreeNode[]> {
    const found = new Map<number, TreeNode>();
    if (input.unitIds?.length) {
      const nodes = new Map((await this.tree.getNodes(input.unitIds)).map((n) => [n.id, n]));
      for (const id of input.unitIds) {
        const n = nodes.get(id);
        if (!n || n.validTo || !(RECEIVING_LEVELS as readonly string[]).includes(n.level) || !n.path.startsWith(p.treePath) || n.path === p.treePath) throw new AppError(E.CHANNEL_UNIT_INVALID, { unitId: id }, 'unitIds');
        found.set(n.id, n);
      }
    }
    if (input.allUnder) {
      const root = await this.tree.getNode(input.allUnder.nodeId);
      if (!root || !root.path.startsWith(p.treePath)) throw new AppError(E.CHANNEL_UNIT_INVALID, { unitId: input.allUnder.nodeId }, 'allUnder');
      for (const n of await this.tree.subtree(root.path, [input.allUnder.level])) if (n.path !== p.treePath) found.set(n.id, n);
    }
    if (!found.size) throw new AppError(E.CHANNEL_NO_UNITS, {}, 'unitIds');
    if (found.size > MAX_UNITS) throw new AppError(E.CHANNEL_TOO_MANY_UNITS, { max: MAX_UNITS }, 'unitIds');
    return [...found.values()];
  }

  /**
   * Admission (准入) for every receiving unit: the item must be on the lists of the unit's
   * township, not taken back by an upper department, and (for a department) its own item.
   */
  private async admit(p: Principal, itemId: number | undefined, units: TreeNode[]): Promise<{ first: AdmittedDutyItem; byTownship: Map<number, AdmittedDutyItem>; townshipOf: Map<number, TreeNode> }> {
    if (!itemId) throw new AppError(E.DUTY_ITEM_REQUIRED, {}, 'dutyItemId');
    const port = this.dutyItems;
    if (!port) throw new AppError(E.DUTY_LISTS_UNAVAILABLE, {}, 'dutyItemId');
    const ancestorIds = new Set<number>();
    for (const u of units) for (const id of u.path.split('/').filter(Boolean).map(Number)) ancestorIds.add(id);
    const ancestors = new Map((await this.tree.getNodes([...ancestorIds])).map((n) => [n.id, n]));
    const townshipOf = new Map<number, TreeNode>();
    for (const u of units) {
      const street = u.path.split('/').filter(Boolean).map((id) => ancestors.get(Number(id))).find((n) => n?.level === 'street');
      if (!street) throw new AppError(E.CHANNEL_UNIT_INVALID, { unitId: u.id }, 'unitIds');
      townshipOf.set(u.id, street);
    }
    const byTownship = new Map<number, AdmittedDutyItem>();
    for (const u of units) {
      const town = townshipOf.get(u.id)!;
      if (byTownship.has(town.id)) continue;
      const item = await port.admittedItem(itemId, town.id);
      if (!item || item.id !== itemId || item.townshipNodeId !== town.id) throw new AppError(E.DUTY_ITEM_NOT_ADMITTED, { itemId, township: town.name, unit: u.name }, 'dutyItemId');
      if (item.listKind === 'taken_back') throw new AppError(E.DUTY_ITEM_TAKEN_BACK, { item: item.name, township: town.name }, 'dutyItemId');
      if (p.departmentId && item.departmentId !== null && item.departmentId !== p.departmentId) throw new AppError(E.DUTY_ITEM_OUTSIDE_REMIT, { item: item.name }, 'dutyItemId');
      byTownship.set(town.id, item);
    }
    return { first: byTownship.values().next().value!, byTownship, townshipOf };
  }

  private async deadline(input: NewTaskIn, today: string, cal: CalendarData): Promise<{ deadline: string; workingDays: number }> {
    const bad = (zh: string, en: string): never => {
      throw new AppError(E.CHANNEL_DEADLINE_INVALID, { reason_zh: zh, reason_en: en }, 'deadline');
    };
    if (input.deadline && input.workingDays) bad('与工作日数只能给一个', 'and the working days cannot both be given');
    if (input.deadline) {
      if (input.deadline <= today) bad('须晚于今天', 'must be after today');
      if (!isWorkingDay(cal, input.deadline)) bad(`${input.deadline} 不是工作日（节假日或周末）`, `${input.deadline} is not a working day (a holiday or a weekend)`);
      const n = workingDaysBetween(cal, today, input.deadline);
      if (n > 60) bad('不能超过 60 个工作日', 'cannot be more than 60 working days away');
      return { deadline: input.deadline, workingDays: n };
    }
    const n = input.workingDays ?? bad('请给出截止日期或工作日数', 'is missing: give a date or a number of working days');
    return { deadline: addWorkingDays(cal, today, n), workingDays: n };
  }

  private async link(input: LinkIn | undefined): Promise<TaskLink | null> {
    if (!input) return null;
    if (input.kind === 'report') {
      const t = this.reportTemplates ? await this.reportTemplates.approvedByCode(input.code) : undefined;
      if (!t) throw new AppError(E.CHANNEL_LINK_UNKNOWN, { code: input.code }, 'link');
      return { kind: 'report', code: t.code, title: t.title };
    }
    return { kind: 'records', recordKind: input.recordKind, label: input.label ?? null, title: `${recordKindNames[input.recordKind] ?? input.recordKind}${input.label ? ` · ${input.label}` : ''}` };
  }

  async send(ctx: AuthedContext, input: NewTaskIn): Promise<TaskOut> {
    const p = ctx.principal;
    const units = await this.units(p, input);
    const { first, byTownship, townshipOf } = await this.admit(p, input.dutyItemId, units);
    const today = todayCn();
    const cal = await this.platform.calendar.data();
    const { deadline, workingDays } = await this.deadline(input, today, cal);
    const link = await this.link(input.link);
    const senderUnit = p.departmentId ? ((await this.tree.getDepartment(p.departmentId))?.name ?? '') : ((await this.tree.getNode(p.nodeId))?.name ?? '');
    const attachmentIds = [...new Set(input.attachmentIds ?? [])];
    const taskId = await this.db.transaction(async (tx) => {
      if (attachmentIds.length) {
        const rows = await tx.select().from(channelAttachments).where(and(inArray(channelAttachments.id, attachmentIds), isNull(channelAttachments.taskId), eq(channelAttachments.uploadedBy, p.userId ?? -1))).for('update');
        const bad = attachmentIds.find((id) => !rows.some((r) => r.id === id));
        if (bad) throw new AppError(E.CHANNEL_ATTACHMENT_INVALID, { id: bad }, 'attachmentIds');
      }
      const [task] = await tx
        .insert(channelTasks)
        .values({
          kind: input.kind, title: input.title.trim(), body: input.body, senderUserId: p.userId, senderName: p.displayName, senderUnit, senderNodeId: p.nodeId, senderPath: p.treePath, senderDepartmentId: p.departmentId,
          dutyItemId: first.id, dutyItemName: first.name, dutyListKind: first.listKind, link, sentOn: today, workingDays, deadline, units: units.length,
        })
        .returning();
      const t = task!;
      if (attachmentIds.length) await tx.update(channelAttachments).set({ taskId: t.id }).where(inArray(channelAttachments.id, attachmentIds));
      for (let i = 0; i < units.length; i += 500) {
        await tx.insert(channelInbox).values(
          units.slice(i, i + 500).map((u) => ({
            source: input.kind, sourceKey: `task:${t.id}:${u.id}`, taskId: t.id, unitNodeId: u.id, treePath: u.path, districtCode: u.districtCode ?? '000000', title: t.title, fromName: senderUnit || p.displayName,
            itemName: byTownship.get(townshipOf.get(u.id)!.id)!.name, link, deadline,
          })),
        );
      }
      // Reminders: the working day before the deadline (09:00), and once it has passed.
      let before = addDays(deadline, -1);
      while (!isWorkingDay(cal, before)) before = addDays(before, -1);
      const soonAt = cnMoment(before, 9);
      if (soonAt.getTime() > Date.now()) await this.platform.jobs.enqueue(tx, 'workChannel.remind', { taskId: t.id, kind: 'soon' }, { runAt: soonAt, dedupeKey: `workChannel.remind:${t.id}:soon` });
      await this.platform.jobs.enqueue(tx, 'workChannel.remind', { taskId: t.id, kind: 'overdue' }, { runAt: cnMoment(addDays(deadline, 1)), dedupeKey: `workChannel.remind:${t.id}:overdue` });
      await this.platform.events.emit('workChannel.taskSent', { taskId: t.id, dutyItemId: first.id, units: units.length, senderPath: p.treePath }, tx, ctx);
      await this.platform.audit.record(tx, ctx, { category: 'write', action: 'channel.send', entityType: 'channel_task', entityId: t.id, treePath: p.treePath, detail: { kind: input.kind, dutyItemId: first.id, units: units.length, deadline, attachments: attachmentIds.length } });
      return t.id;
    });
    return (await this.sentDetail(ctx, taskId)).task;
  }

  // ---- the sender's view ------------------------------------------------------------------

  private senderScope(p: Principal): SQL {
    return and(scopeCondition(p, channelTasks.senderPath), p.departmentId ? eq(channelTasks.senderDepartmentId, p.departmentId) : undefined)!;
  }

  private async progress(ids: number[], today: string): Promise<Map<number, { units: number; read: number; done: number; overdue: number }>> {
    if (!ids.length) return new Map();
    const rows = await queryRows<{ task_id: number; units: number; read: number; done: number; overdue: number }>(
      this.db,
      sql`SELECT task_id, count(*)::int AS units, count(read_at)::int AS read, count(done_at)::int AS done,
                 count(*) FILTER (WHERE done_at IS NULL AND deadline < ${today}::date)::int AS overdue
          FROM channel_inbox WHERE task_id IN (${sql.join(ids.map((i) => sql`${i}`), sql`, `)}) GROUP BY task_id`,
    );
    return new Map(rows.map((r) => [Number(r.task_id), { units: r.units, read: r.read, done: r.done, overdue: r.overdue }]));
  }

  private async attachments(taskIds: number[]): Promise<Map<number, AttachmentOut[]>> {
    const out = new Map<number, AttachmentOut[]>();
    if (!taskIds.length) return out;
    for (const a of await this.db.select().from(channelAttachments).where(inArray(channelAttachments.taskId, taskIds)).orderBy(asc(channelAttachments.id))) {
      const list = out.get(a.taskId!) ?? [];
      list.push({ id: a.id, fileName: a.fileName, size: a.size });
      out.set(a.taskId!, list);
    }
    return out;
  }

  private taskOut(t: TaskRow, progress: TaskOut['progress'] | undefined, attachments: AttachmentOut[]): TaskOut {
    return {
      id: t.id, kind: t.kind, title: t.title, body: t.body, senderName: t.senderName, senderUnit: t.senderUnit, dutyItem: { id: t.dutyItemId, name: t.dutyItemName, listKind: t.dutyListKind }, link: t.link ?? null,
      sentOn: t.sentOn, workingDays: t.workingDays, deadline: t.deadline, status: t.status, createdAt: t.createdAt.toISOString(), progress: progress ?? { units: t.units, read: 0, done: 0, overdue: 0 }, attachments,
    };
  }

  async listSent(ctx: AuthedContext, q: TaskQuery): Promise<TaskPage> {
    const where = and(this.senderScope(ctx.principal), q.q ? ilike(channelTasks.title, `%${q.q}%`) : undefined);
    const [rows, [count]] = await Promise.all([
      this.db.select().from(channelTasks).where(where).orderBy(desc(channelTasks.createdAt), desc(channelTasks.id)).limit(q.limit).offset(q.offset),
      this.db.select({ n: sql<number>`count(*)::int` }).from(channelTasks).where(where),
    ]);
    const ids = rows.map((r) => r.id);
    const [progress, files] = await Promise.all([this.progress(ids, todayCn()), this.attachments(ids)]);
    return { items: rows.map((r) => this.taskOut(r, progress.get(r.id), files.get(r.id) ?? [])), total: count?.n ?? 0, limit: q.limit, offset: q.offset };
  }

  async sentDetail(ctx: AuthedContext, id: number): Promise<TaskDetail> {
    const [t] = await this.db.select().from(channelTasks).where(and(eq(channelTasks.id, id), this.senderScope(ctx.principal)));
    if (!t) throw new AppError(E.CHANNEL_TASK_NOT_FOUND);
    const today = todayCn();
    const rows = await this.db.select().from(channelInbox).where(eq(channelInbox.taskId, id)).orderBy(asc(channelInbox.treePath));
    const nodes = new Map((await this.tree.getNodes(rows.map((r) => r.unitNodeId))).map((n) => [n.id, n]));
    const [progress, files] = await Promise.all([this.progress([id], today), this.attachments([id])]);
    return {
      task: this.taskOut(t, progress.get(id), files.get(id) ?? []),
      receipts: rows.map((r) => ({
        inboxId: r.id, unit: { id: r.unitNodeId, name: nodes.get(r.unitNodeId)?.name ?? '', level: nodes.get(r.unitNodeId)?.level ?? '' }, deliveredAt: r.deliveredAt.toISOString(), readAt: r.readAt?.toISOString() ?? null,
        doneAt: r.doneAt?.toISOString() ?? null, doneBy: r.doneByName, result: r.result, reminders: r.reminders, overdue: !r.doneAt && !!r.deadline && r.deadline < today,
      })),
    };
  }

  /**
   * Withdraws a task sent by mistake (撤回): the receipts not yet done close with the reason, its
   * reminders are cancelled; what units already did stays as they recorded it.
   */
  async withdraw(ctx: AuthedContext, id: number, reason: string): Promise<TaskDetail> {
    await this.db.transaction(async (tx) => {
      const [t] = await tx.select().from(channelTasks).where(and(eq(channelTasks.id, id), this.senderScope(ctx.principal))).for('update');
      if (!t) throw new AppError(E.CHANNEL_TASK_NOT_FOUND);
      if (t.status !== 'open') throw new AppError(E.CHANNEL_TASK_CANCELLED);
      const now = new Date();
      await tx.update(channelTasks).set({ status: 'cancelled' }).where(eq(channelTasks.id, id));
      await tx.update(channelInbox).set({ doneAt: now, doneBy: ctx.principal.userId, doneByName: ctx.principal.displayName, result: reason.trim(), updatedAt: now }).where(and(eq(channelInbox.taskId, id), isNull(channelInbox.doneAt)));
      for (const kind of ['soon', 'overdue']) await this.platform.jobs.cancel(tx, `workChannel.remind:${id}:${kind}`);
      await this.platform.audit.record(tx, ctx, { category: 'write', action: 'channel.withdraw', entityType: 'channel_task', entityId: id, treePath: t.senderPath, detail: { reason: reason.trim() } });
    });
    return this.sentDetail(ctx, id);
  }

  // ---- attachments ------------------------------------------------------------------------

  /** Stores an uploaded file (streamed to disk with its SM3), to be attached when a task is sent. */
  async upload(ctx: AuthedContext, file: { filename: string; stream: Readable }): Promise<AttachmentOut> {
    mkdirSync(this.attachmentDir, { recursive: true, mode: 0o700 });
    const tmp = join(this.attachmentDir, `${randomUUID()}.part`);
    const hash = createHash('sm3');
    let size = 0;
    try {
      await pipeline(
        file.stream,
        new Transform({
          transform(chunk: Buffer, _enc, cb) {
            size += chunk.length;
            hash.update(chunk);
            cb(null, chunk);
          },
        }),
        createWriteStream(tmp, { mode: 0o600 }),
      );
      if ((file.stream as Readable & { truncated?: boolean }).truncated) throw Object.assign(new Error('truncated'), { code: 'FST_REQ_FILE_TOO_LARGE' });
    } catch (err) {
      await rm(tmp, { force: true });
      if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new AppError(E.CHANNEL_ATTACHMENT_TOO_LARGE, { limitMb: Math.round(this.platform.config.uploadLimitBytes / 1024 / 1024) }, 'file');
      throw err;
    }
    if (size === 0) {
      await rm(tmp, { force: true });
      throw new AppError(E.CHANNEL_ATTACHMENT_MISSING, {}, 'file');
    }
    // eslint-disable-next-line no-control-regex
    const fileName = (file.filename || 'attachment').replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_').slice(0, 200);
    const row = await this.db.transaction(async (tx) => {
      const [a] = await tx.insert(channelAttachments).values({ fileName, size, digest: hash.digest('hex'), uploadedBy: ctx.principal.userId ?? 0 }).returning();
      await this.platform.audit.record(tx, ctx, { category: 'write', action: 'channel.attachment.upload', entityType: 'channel_attachment', entityId: a!.id, detail: { fileName, size } });
      return a!;
    });
    await rename(tmp, join(this.attachmentDir, String(row.id)));
    return { id: row.id, fileName: row.fileName, size: row.size };
  }

  /** An attachment the caller may read: its uploader, the task's senders, or a receiving unit in the caller's area. */
  async attachment(ctx: AuthedContext, id: number): Promise<{ fileName: string; size: number; stream: Readable }> {
    const p = ctx.principal;
    const [a] = await this.db.select().from(channelAttachments).where(eq(channelAttachments.id, id));
    let allowed = !!a && a.uploadedBy === p.userId;
    if (a?.taskId && !allowed) {
      const [sent] = await this.db.select({ id: channelTasks.id }).from(channelTasks).where(and(eq(channelTasks.id, a.taskId), this.senderScope(p)));
      const [received] = sent ? [sent] : await this.db.select({ id: channelInbox.id }).from(channelInbox).where(and(eq(channelInbox.taskId, a.taskId), scopeCondition(p, channelInbox.treePath))).limit(1);
      allowed = !!received;
    }
    if (!a || !allowed) throw new AppError(E.CHANNEL_ITEM_NOT_FOUND);
    return { fileName: a.fileName, size: a.size, stream: createReadStream(join(this.attachmentDir, String(a.id))) };
  }

  // ---- reminders (background) -------------------------------------------------------------

  /**
   * Records a reminder on every receipt of the task not yet done. The rows are claimed FOR
   * UPDATE SKIP LOCKED, so two workers never remind the same unit twice, and the reminder's
   * unique key makes a retried job harmless.
   */
  async remind(db: Db, taskId: number, kind: 'soon' | 'overdue'): Promise<number> {
    return db.transaction(async (tx) => {
      const [t] = await tx.select({ status: channelTasks.status }).from(channelTasks).where(eq(channelTasks.id, taskId));
      if (!t || t.status !== 'open') return 0;
      const open = await queryRows<{ id: number }>(tx, sql`SELECT id FROM channel_inbox WHERE task_id = ${taskId} AND done_at IS NULL ORDER BY id FOR UPDATE SKIP LOCKED`);
      return this.recordReminders(tx, open.map((r) => Number(r.id)), kind);
    });
  }

  /** Inserts reminders of a kind on inbox rows (once each) and counts them on the rows. */
  async recordReminders(tx: DbOrTx, inboxIds: number[], kind: string): Promise<number> {
    if (!inboxIds.length) return 0;
    let n = 0;
    for (let i = 0; i < inboxIds.length; i += 1000) {
      const chunk = inboxIds.slice(i, i + 1000);
      const added = await tx.insert(channelReminders).values(chunk.map((id) => ({ inboxId: id, kind }))).onConflictDoNothing().returning({ id: channelReminders.inboxId });
      if (added.length) await tx.update(channelInbox).set({ reminders: sql`${channelInbox.reminders} + 1`, lastRemindedAt: new Date(), updatedAt: new Date() }).where(inArray(channelInbox.id, added.map((a) => a.id)));
      n += added.length;
    }
    return n;
  }

  /** The hourly safety net: overdue reminders for every task past its deadline that a timer missed. */
  async sweepOverdue(db: Db, today = todayCn()): Promise<number> {
    return db.transaction(async (tx) => {
      const rows = await queryRows<{ id: number }>(
        tx,
        sql`SELECT i.id FROM channel_inbox i JOIN channel_task t ON t.id = i.task_id
            WHERE i.done_at IS NULL AND i.deadline < ${today}::date AND t.status = 'open'
              AND NOT EXISTS (SELECT 1 FROM channel_reminder r WHERE r.inbox_id = i.id AND r.kind = 'overdue')
            ORDER BY i.id LIMIT 5000 FOR UPDATE OF i SKIP LOCKED`,
      );
      return this.recordReminders(tx, rows.map((r) => Number(r.id)), 'overdue');
    });
  }
}

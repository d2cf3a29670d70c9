// The work channel's tables (工作通道): tasks and notices sent down, one inbox row per receiving
// unit and ask (tasks, report reminders, stale base data), reminders, attachments, and the
// whistles that summon departments (街乡吹哨、部门报到) with each department's report.
import { sql } from 'drizzle-orm';
import { bigint, bigserial, char, date, doublePrecision, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, varchar } from 'drizzle-orm/pg-core';
import { pathIndex, pathText } from '../../db/columns.js';

export const taskKinds = ['task', 'notice'] as const;
export type TaskKind = (typeof taskKinds)[number];
export const inboxSources = ['task', 'notice', 'report', 'registry'] as const;
export type InboxSource = (typeof inboxSources)[number];

/** Where a task sends the receiver instead of asking for numbers again: a report, or a base-data list. */
export type TaskLink = { kind: 'report'; code: string; title: string } | { kind: 'records'; recordKind: string; label: string | null; title: string } | { kind: 'report_due'; dueId: number; title: string } | { kind: 'stale'; gridId: number; title: string };

/** A task (任务) or notice (通知) sent down, citing an admitted duty item. */
export const channelTasks = pgTable(
  'channel_task',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    kind: varchar('kind', { length: 8 }).notNull().$type<TaskKind>(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    senderUserId: integer('sender_user_id'),
    senderName: text('sender_name').notNull(),
    /** The unit that sends: the department's name, or the street's. */
    senderUnit: text('sender_unit').notNull(),
    senderNodeId: integer('sender_node_id').notNull(),
    /** The sender's scope when it sent: its senders' view is this subtree. */
    senderPath: pathText('sender_path').notNull(),
    senderDepartmentId: integer('sender_department_id'),
    dutyItemId: integer('duty_item_id').notNull(),
    dutyItemName: text('duty_item_name').notNull(),
    dutyListKind: varchar('duty_list_kind', { length: 12 }).notNull(),
    link: jsonb('link').$type<TaskLink | null>(),
    sentOn: date('sent_on', { mode: 'string' }).notNull(),
    workingDays: integer('working_days').notNull(),
    deadline: date('deadline', { mode: 'string' }).notNull(),
    units: integer('units').notNull(),
    status: varchar('status', { length: 12 }).notNull().default('open'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
  },
  (t) => [pathIndex('channel_task_sender_idx', t.senderPath, t.createdAt)],
);

/**
 * One ask of one unit, whatever its source: a task's receipt (delivered, read, done with the
 * result), a report due (催报), stale base data (定期维护). The unit's inbox is these rows.
 */
export const channelInbox = pgTable(
  'channel_inbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    source: varchar('source', { length: 12 }).notNull().$type<InboxSource>(),
    /** task:<id>:<unit>, report:<dueId>, registry:stale:<gridId>: one row per ask. */
    sourceKey: varchar('source_key', { length: 80 }).notNull(),
    taskId: bigint('task_id', { mode: 'number' }),
    unitNodeId: integer('unit_node_id').notNull(),
    treePath: pathText('tree_path').notNull(),
    districtCode: char('district_code', { length: 6 }).notNull(),
    title: text('title').notNull(),
    /** Who asks: the sending department or street, the report's filing department, the registry. */
    fromName: text('from_name').notNull(),
    /** On which item: the admitted duty item, the filed report, the maintenance rule. */
    itemName: text('item_name').notNull(),
    link: jsonb('link').$type<TaskLink | null>(),
    deadline: date('deadline', { mode: 'string' }),
    /** For an aggregated ask (stale base data): how many records it covers. */
    amount: integer('amount'),
    deliveredAt: timestamp('delivered_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
    readAt: timestamp('read_at', { withTimezone: true, mode: 'date' }),
    readBy: integer('read_by'),
    doneAt: timestamp('done_at', { withTimezone: true, mode: 'date' }),
    doneBy: integer('done_by'),
    doneByName: text('done_by_name'),
    result: text('result'),
    reminders: integer('reminders').notNull().default(0),
    lastRemindedAt: timestamp('last_reminded_at', { withTimezone: true, mode: 'date' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
  },
  (t) => [
    uniqueIndex('channel_inbox_source_uq').on(t.sourceKey),
    pathIndex('channel_inbox_path_idx', t.treePath, t.deadline),
    index('channel_inbox_task_idx').on(t.taskId),
  ],
);

/** Reminders (催办) recorded on an inbox row: at most one of each kind. */
export const channelReminders = pgTable(
  'channel_reminder',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    inboxId: bigint('inbox_id', { mode: 'number' }).notNull(),
    /** soon (the working day before the deadline), overdue, report_soon, report_overdue */
    kind: varchar('kind', { length: 16 }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
  },
  (t) => [uniqueIndex('channel_reminder_uq').on(t.inboxId, t.kind)],
);

/** A file sent with a task; uploaded first, then attached when the task is sent. */
export const channelAttachments = pgTable(
  'channel_attachment',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    taskId: bigint('task_id', { mode: 'number' }),
    fileName: text('file_name').notNull(),
    size: integer('size').notNull(),
    /** SM3 of the bytes, hex. */
    digest: varchar('digest', { length: 64 }).notNull(),
    uploadedBy: integer('uploaded_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
  },
  (t) => [index('channel_attachment_task_idx').on(t.taskId)],
);

export const whistleReasons = ['cannot_enforce', 'joint_action', 'emergency'] as const;
export type WhistleReason = (typeof whistleReasons)[number];
export const callStatuses = ['summoned', 'acknowledged', 'on_site', 'acted'] as const;
export type CallStatus = (typeof callStatuses)[number];

/** 吹哨: a street summons departments to a problem it cannot solve alone. */
export const channelWhistles = pgTable(
  'channel_whistle',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    streetNodeId: integer('street_node_id').notNull(),
    treePath: pathText('tree_path').notNull(),
    districtCode: char('district_code', { length: 6 }).notNull(),
    reason: varchar('reason', { length: 16 }).notNull().$type<WhistleReason>(),
    problem: text('problem').notNull(),
    placeText: text('place_text').notNull(),
    lat: doublePrecision('lat'),
    lng: doublePrecision('lng'),
    /** How the deadline was set: hours (emergencies) or working days. */
    deadlineHours: integer('deadline_hours'),
    deadlineWorkingDays: integer('deadline_working_days'),
    deadlineAt: timestamp('deadline_at', { withTimezone: true, mode: 'date' }).notNull(),
    raisedBy: integer('raised_by'),
    raisedByName: text('raised_by_name').notNull(),
    raisedAt: timestamp('raised_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
    status: varchar('status', { length: 8 }).notNull().default('open'),
    closedAt: timestamp('closed_at', { withTimezone: true, mode: 'date' }),
    closingNote: text('closing_note'),
  },
  (t) => [pathIndex('channel_whistle_path_idx', t.treePath, t.raisedAt)],
);

/** 报到: one summoned department's answer to a whistle: acknowledged, staff on site, acted. */
export const channelWhistleCalls = pgTable(
  'channel_whistle_call',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    whistleId: bigint('whistle_id', { mode: 'number' }).notNull(),
    departmentId: integer('department_id').notNull(),
    departmentName: text('department_name').notNull(),
    treePath: pathText('tree_path').notNull(),
    deadlineAt: timestamp('deadline_at', { withTimezone: true, mode: 'date' }).notNull(),
    status: varchar('status', { length: 12 }).notNull().$type<CallStatus>().default('summoned'),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true, mode: 'date' }),
    onSiteAt: timestamp('on_site_at', { withTimezone: true, mode: 'date' }),
    staffNote: text('staff_note'),
    actedAt: timestamp('acted_at', { withTimezone: true, mode: 'date' }),
    actionNote: text('action_note'),
    lastBy: integer('last_by'),
    lastByName: text('last_by_name'),
  },
  (t) => [uniqueIndex('channel_whistle_call_uq').on(t.whistleId, t.departmentId), index('channel_whistle_call_dept_idx').on(t.departmentId, t.whistleId), pathIndex('channel_whistle_call_path_idx', t.treePath)],
);

// The work channel's contract: every shape its routes take and give. The services take and
// return these types; the web's client is generated from them (`npm run gen:api`).
import { Type, type Static } from '@sinclair/typebox';
import { DateString, DateTime, Id, Nullable, Page, Paging, StrictObject, StringEnum } from '../../platform/schemas.js';
import { callStatuses, inboxSources, taskKinds, whistleReasons } from './tables.js';

export const LinkOut = Type.Union([
  Type.Object({ kind: Type.Literal('report'), code: Type.String(), title: Type.String() }),
  Type.Object({ kind: Type.Literal('records'), recordKind: Type.String(), label: Nullable(Type.String()), title: Type.String() }),
  Type.Object({ kind: Type.Literal('report_due'), dueId: Type.Integer(), title: Type.String() }),
  Type.Object({ kind: Type.Literal('stale'), gridId: Type.Integer(), title: Type.String() }),
], { description: 'Where the answer already is: a report to make in one click, or a base-data list' });

export const recordKinds = ['resident', 'household', 'house', 'building', 'organisation', 'facility'] as const;
export const LinkIn = Type.Union([
  StrictObject({ kind: Type.Literal('report'), code: Type.String({ minLength: 1, maxLength: 40, description: 'An approved report template' }) }),
  StrictObject({ kind: Type.Literal('records'), recordKind: StringEnum(recordKinds), label: Type.Optional(Type.String({ maxLength: 32, description: 'A label code, e.g. elderly_alone' })) }),
]);
export type LinkIn = Static<typeof LinkIn>;

export const NewTaskIn = StrictObject({
  kind: StringEnum(taskKinds, { description: 'task (任务, done with a result) or notice (通知, read)' }),
  title: Type.String({ minLength: 2, maxLength: 200 }),
  body: Type.String({ maxLength: 10_000 }),
  dutyItemId: Type.Optional(Id),
  unitIds: Type.Optional(Type.Array(Id, { maxItems: 2000, description: 'Streets, communities or grids below the sender' })),
  allUnder: Type.Optional(StrictObject({ nodeId: Id, level: StringEnum(['street', 'community', 'grid'] as const) }, { description: 'Every unit of this level under the node' })),
  workingDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 60, description: 'Due this many working days after today (holidays and 调休 counted)' })),
  deadline: Type.Optional(DateString),
  link: Type.Optional(LinkIn),
  attachmentIds: Type.Optional(Type.Array(Id, { maxItems: 10 })),
});
export type NewTaskIn = Static<typeof NewTaskIn>;

export const AttachmentOut = Type.Object({ id: Type.Integer(), fileName: Type.String(), size: Type.Integer() });
export type AttachmentOut = Static<typeof AttachmentOut>;

export const Progress = Type.Object({ units: Type.Integer(), read: Type.Integer(), done: Type.Integer(), overdue: Type.Integer() });

export const TaskOut = Type.Object({
  id: Type.Integer(),
  kind: StringEnum(taskKinds),
  title: Type.String(),
  body: Type.String(),
  senderName: Type.String(),
  senderUnit: Type.String(),
  dutyItem: Type.Object({ id: Type.Integer(), name: Type.String(), listKind: Type.String() }),
  link: Nullable(LinkOut),
  sentOn: Type.String(),
  workingDays: Type.Integer(),
  deadline: Type.String(),
  status: Type.String(),
  createdAt: DateTime,
  progress: Progress,
  attachments: Type.Array(AttachmentOut),
});
export type TaskOut = Static<typeof TaskOut>;

export const UnitReceipt = Type.Object({
  inboxId: Type.Integer(),
  unit: Type.Object({ id: Type.Integer(), name: Type.String(), level: Type.String() }),
  deliveredAt: DateTime,
  readAt: Nullable(DateTime),
  doneAt: Nullable(DateTime),
  doneBy: Nullable(Type.String()),
  result: Nullable(Type.String()),
  reminders: Type.Integer(),
  overdue: Type.Boolean(),
});
export const TaskDetail = Type.Object({ task: TaskOut, receipts: Type.Array(UnitReceipt) });
export type TaskDetail = Static<typeof TaskDetail>;

export const TaskQuery = StrictObject({ ...Paging.properties, q: Type.Optional(Type.String({ maxLength: 100 })) });
export type TaskQuery = Static<typeof TaskQuery>;
export const TaskPage = Page(TaskOut);
export type TaskPage = Static<typeof TaskPage>;

export const inboxStates = ['open', 'done', 'all'] as const;
export const InboxQuery = StrictObject({
  ...Paging.properties,
  state: StringEnum(inboxStates, { default: 'open' }),
  source: Type.Optional(StringEnum(inboxSources)),
  mine: Type.Optional(Type.Boolean({ description: 'Only what is addressed to the caller’s own unit (not the units below it)' })),
  q: Type.Optional(Type.String({ maxLength: 100 })),
});
export type InboxQuery = Static<typeof InboxQuery>;

export const InboxItem = Type.Object({
  id: Type.Integer(),
  source: StringEnum(inboxSources),
  taskId: Nullable(Type.Integer()),
  unit: Type.Object({ id: Type.Integer(), name: Type.String() }),
  title: Type.String(),
  fromName: Type.String({ description: 'Who asks' }),
  itemName: Type.String({ description: 'On which item: the admitted duty item, the filed report, the maintenance rule' }),
  link: Nullable(LinkOut),
  deadline: Nullable(Type.String()),
  amount: Nullable(Type.Integer({ description: 'How many records an aggregated ask covers (stale base data)' })),
  daysLeft: Nullable(Type.Integer({ description: 'Working days to the deadline; negative when overdue' })),
  overdue: Type.Boolean(),
  deliveredAt: DateTime,
  readAt: Nullable(DateTime),
  doneAt: Nullable(DateTime),
  result: Nullable(Type.String()),
  reminders: Type.Integer(),
});
export type InboxItem = Static<typeof InboxItem>;
export const InboxPage = Type.Object({
  items: Type.Array(InboxItem), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer(),
  counts: Type.Object({ open: Type.Integer(), overdue: Type.Integer(), done: Type.Integer() }),
});
export type InboxPage = Static<typeof InboxPage>;

export const InboxDetail = Type.Object({
  item: InboxItem,
  task: Nullable(Type.Object({ kind: StringEnum(taskKinds), status: Type.String({ description: 'open, or cancelled (withdrawn by the sender)' }), body: Type.String(), senderName: Type.String(), sentOn: Type.String(), attachments: Type.Array(AttachmentOut) })),
  reminders: Type.Array(Type.Object({ kind: Type.String(), at: DateTime })),
});
export type InboxDetail = Static<typeof InboxDetail>;

export const WithdrawIn = StrictObject({ reason: Type.String({ minLength: 2, maxLength: 500, description: 'Why it is withdrawn: shown to every unit that had it open' }) });

export const DoneIn = StrictObject({ result: Type.String({ maxLength: 4000, description: 'What was done (办理结果); required for tasks' }) });
export type DoneIn = Static<typeof DoneIn>;

// ---- whistles ----------------------------------------------------------------------------

export const NewWhistleIn = StrictObject({
  reason: StringEnum(whistleReasons, { description: 'cannot_enforce 无执法权, joint_action 需联合行动, emergency 突发紧急' }),
  problem: Type.String({ minLength: 4, maxLength: 4000 }),
  placeText: Type.String({ minLength: 2, maxLength: 300 }),
  lat: Type.Optional(Type.Number({ minimum: 3, maximum: 54 })),
  lng: Type.Optional(Type.Number({ minimum: 73, maximum: 136 })),
  departmentIds: Type.Array(Id, { minItems: 1, maxItems: 20, uniqueItems: true }),
  deadlineHours: Type.Optional(Type.Integer({ minimum: 1, maximum: 72, description: 'Emergencies: report within this many hours (default 2)' })),
  deadlineWorkingDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, description: 'Other whistles: report within this many working days (default 2)' })),
  streetNodeId: Type.Optional(Id),
});
export type NewWhistleIn = Static<typeof NewWhistleIn>;

export const CallOut = Type.Object({
  id: Type.Integer(),
  departmentId: Type.Integer(),
  departmentName: Type.String(),
  status: StringEnum(callStatuses),
  deadlineAt: DateTime,
  acknowledgedAt: Nullable(DateTime),
  onSiteAt: Nullable(DateTime),
  staffNote: Nullable(Type.String()),
  actedAt: Nullable(DateTime),
  actionNote: Nullable(Type.String()),
  overdue: Type.Boolean({ description: 'Not on site by the deadline (or still not, past it)' }),
  minutesToAcknowledge: Nullable(Type.Integer()),
  minutesToSite: Nullable(Type.Integer()),
});
export const WhistleOut = Type.Object({
  id: Type.Integer(),
  street: Type.Object({ id: Type.Integer(), name: Type.String() }),
  reason: StringEnum(whistleReasons),
  problem: Type.String(),
  placeText: Type.String(),
  lat: Nullable(Type.Number()),
  lng: Nullable(Type.Number()),
  deadlineHours: Nullable(Type.Integer()),
  deadlineWorkingDays: Nullable(Type.Integer()),
  deadlineAt: DateTime,
  raisedByName: Type.String(),
  raisedAt: DateTime,
  status: Type.String(),
  closedAt: Nullable(DateTime),
  closingNote: Nullable(Type.String()),
  calls: Type.Array(CallOut),
});
export type WhistleOut = Static<typeof WhistleOut>;
export const WhistleQuery = StrictObject({ ...Paging.properties, status: Type.Optional(StringEnum(['open', 'closed'] as const)) });
export type WhistleQuery = Static<typeof WhistleQuery>;
export const WhistlePage = Page(WhistleOut);
export type WhistlePage = Static<typeof WhistlePage>;

export const ReportStepIn = StrictObject({
  step: StringEnum(['acknowledge', 'on_site', 'act'] as const, { description: 'acknowledge 接单, on_site 派人到场报到, act 处置' }),
  note: Type.Optional(Type.String({ maxLength: 2000 })),
});
export type ReportStepIn = Static<typeof ReportStepIn>;
export const CloseWhistleIn = StrictObject({ note: Type.String({ minLength: 2, maxLength: 2000 }) });

export const StatsQuery = StrictObject({ from: Type.Optional(DateString), to: Type.Optional(DateString) });
export type StatsQuery = Static<typeof StatsQuery>;
export const WhistleStats = Type.Object({
  from: Type.String(),
  to: Type.String(),
  streets: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), whistles: Type.Integer(), emergencies: Type.Integer(), per30Days: Type.Number({ description: 'Whistle rate: whistles per 30 days in the window' }), communities: Type.Integer() })),
  departments: Type.Array(Type.Object({
    id: Type.Integer(), name: Type.String(), calls: Type.Integer(), acknowledged: Type.Integer(), onSite: Type.Integer(), acted: Type.Integer(),
    onTime: Type.Integer({ description: 'On site by the deadline' }), onTimeRate: Nullable(Type.Number()),
    medianMinutesToAcknowledge: Nullable(Type.Number()), medianMinutesToSite: Nullable(Type.Number()),
  })),
});
export type WhistleStats = Static<typeof WhistleStats>;

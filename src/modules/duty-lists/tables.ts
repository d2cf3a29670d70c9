// The duty lists' tables (权责清单); only this module reads or writes them.
//
// A street/township (街道/乡镇) keeps three lists: basic duties (基本履职事项), cooperative duties
// (配合履职事项) and items taken back by upper departments (上级部门收回事项). The current items
// live in duty_item (a removed item keeps its row, with removed_at, so that its id is never
// reused and tasks citing it still resolve to a name); every change writes a dated, reasoned
// version with the full snapshot of the township's lists (duty_list_version), so that any past
// state can be shown and compared without replaying anything.
import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, date, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, varchar } from 'drizzle-orm/pg-core';
import { pathIndex, pathText } from '../../db/columns.js';

export const listKinds = ['basic', 'cooperative', 'taken_back'] as const;
export type ListKind = (typeof listKinds)[number];

/** The fields an item carries on a list (and in a version's snapshot). */
export interface ItemFields {
  name: string;
  category: string | null;
  basis: string | null;
  carrier: string | null;
  departmentId: number | null;
  /** The matching upper department as the list names it (kept when no department of the tree matches). */
  departmentName: string | null;
  cooperation: string | null;
  communityInvolved: boolean;
}

/** One item as a version's snapshot holds it. */
export interface SnapshotItem extends ItemFields {
  id: number;
  listKind: ListKind;
  seq: number;
  catalogueItemId: number | null;
}

/** 市级通用事项目录: the city-level catalogue of common items a township adopts and adjusts. */
export const dutyCatalogueItems = pgTable(
  'duty_catalogue_item',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    listKind: varchar({ length: 16 }).notNull().$type<ListKind>(),
    seq: integer().notNull().default(0),
    name: text().notNull(),
    category: text(),
    basis: text(),
    carrier: text(),
    departmentId: integer(),
    departmentName: text(),
    cooperation: text(),
    communityInvolved: boolean().notNull().default(false),
    active: boolean().notNull().default(true),
    createdBy: bigint({ mode: 'number' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('duty_catalogue_item_kind_idx').on(t.listKind, t.seq)],
);

/** A township that keeps lists: its current version number (the lock every change takes). */
export const dutyTownships = pgTable('duty_township', {
  nodeId: integer().primaryKey(),
  treePath: pathText('tree_path').notNull(),
  currentVersion: integer().notNull().default(0),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** An item on a township's lists. */
export const dutyItems = pgTable(
  'duty_item',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    townshipNodeId: integer().notNull(),
    /** The township's path: scope is one prefix test, the work channel's check one more. */
    treePath: pathText('tree_path').notNull(),
    listKind: varchar({ length: 16 }).notNull().$type<ListKind>(),
    seq: integer().notNull(),
    name: text().notNull(),
    /** The name folded for duplicate checks (no spaces or punctuation). */
    nameKey: text().notNull(),
    category: text(),
    basis: text(),
    carrier: text(),
    departmentId: integer(),
    departmentName: text(),
    cooperation: text(),
    communityInvolved: boolean().notNull().default(false),
    catalogueItemId: bigint({ mode: 'number' }),
    /** How the item came: catalogue, manual, import, admission. */
    source: varchar({ length: 16 }).notNull(),
    admissionId: bigint({ mode: 'number' }),
    addedInVersion: integer().notNull(),
    removedInVersion: integer(),
    removedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('duty_item_township_idx').on(t.townshipNodeId, t.listKind, t.seq),
    pathIndex('duty_item_path_idx', t.treePath),
    uniqueIndex('duty_item_current_name_uq').on(t.townshipNodeId, t.nameKey).where(sql`removed_at IS NULL`),
  ],
);

/** 动态调整: one dated, reasoned version of a township's lists, with the whole snapshot. */
export const dutyListVersions = pgTable(
  'duty_list_version',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    townshipNodeId: integer().notNull(),
    treePath: pathText('tree_path').notNull(),
    versionNo: integer().notNull(),
    /** adopt, add, update, remove, move, import, admission, handback */
    kind: varchar({ length: 16 }).notNull(),
    reason: text().notNull(),
    /** The day the adjustment takes effect (China time). */
    effectiveDate: date({ mode: 'string' }).notNull(),
    createdBy: bigint({ mode: 'number' }),
    createdByName: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    snapshot: jsonb().$type<SnapshotItem[]>().notNull(),
    /** Items added, removed and changed against the version before. */
    summary: jsonb().$type<{ added: number; removed: number; changed: number; basic: number; cooperative: number; takenBack: number }>().notNull(),
  },
  (t) => [uniqueIndex('duty_list_version_no_uq').on(t.townshipNodeId, t.versionNo)],
);

export const admissionStatuses = ['pending', 'admitted', 'refused'] as const;
export type AdmissionStatus = (typeof admissionStatuses)[number];

/** A finding of the admission check, shown to the reviewer. */
export interface AdmissionFinding {
  kind: 'already_basic' | 'already_cooperative' | 'taken_back_by_applicant' | 'taken_back' | 'duplicate_admitted';
  townshipId: number;
  townshipName: string;
  itemId: number | null;
  itemName: string;
  admissionId: number | null;
  departmentName: string | null;
  /** 1 for the same name; less for a similar one. */
  similarity: number;
}

/** 准入申请: a department asks to push work down to townships or communities. */
export const dutyAdmissions = pgTable(
  'duty_admission',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    departmentId: integer().notNull(),
    /** The department's jurisdiction, for scope. */
    treePath: pathText('tree_path').notNull(),
    title: text().notNull(),
    titleKey: text().notNull(),
    listKind: varchar({ length: 16 }).notNull().$type<ListKind>(),
    category: text(),
    purpose: text().notNull(),
    basis: text().notNull(),
    cooperation: text(),
    /** The units named (streets, communities) and the townships they fall in. */
    targets: jsonb().$type<{ nodeId: number; townshipId: number }[]>().notNull(),
    townshipIds: jsonb().$type<number[]>().notNull(),
    /** Their paths: a street sees the applications that would reach it. */
    townshipPaths: jsonb().$type<string[]>().notNull(),
    communityInvolved: boolean().notNull().default(false),
    startDate: date({ mode: 'string' }).notNull(),
    /** Null: with no end (长期). */
    endDate: date({ mode: 'string' }),
    resources: text().notNull(),
    status: varchar({ length: 12 }).notNull().$type<AdmissionStatus>().default('pending'),
    findings: jsonb().$type<AdmissionFinding[]>().notNull(),
    applicantId: bigint({ mode: 'number' }),
    decidedBy: bigint({ mode: 'number' }),
    decidedAt: timestamp({ withTimezone: true }),
    decisionReason: text(),
    admittedItemIds: jsonb().$type<number[]>(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('duty_admission_status_idx').on(t.status, t.id), index('duty_admission_dept_idx').on(t.departmentId, t.titleKey)],
);

export const handbackReasons = ['cannot_carry', 'not_performed', 'other'] as const;
export type HandbackReason = (typeof handbackReasons)[number];
export const handbackStatuses = ['pending_department', 'pending_review', 'returned', 'kept'] as const;
export type HandbackStatus = (typeof handbackStatuses)[number];

/** 事项退回: a township asks to hand an item back to the upper department. */
export const dutyHandbacks = pgTable(
  'duty_handback',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    townshipNodeId: integer().notNull(),
    treePath: pathText('tree_path').notNull(),
    itemId: bigint({ mode: 'number' }).notNull(),
    itemName: text().notNull(),
    fromList: varchar({ length: 16 }).notNull().$type<ListKind>(),
    departmentId: integer().notNull(),
    reasonKind: varchar({ length: 16 }).notNull().$type<HandbackReason>(),
    reasonText: text().notNull(),
    evidence: text().notNull(),
    /** Files attached as evidence: name, size, SM3 digest and where they are kept. */
    attachments: jsonb().$type<{ id: string; fileName: string; size: number; digest: string; contentType: string }[]>().notNull().default([]),
    status: varchar({ length: 20 }).notNull().$type<HandbackStatus>().default('pending_department'),
    requestedBy: bigint({ mode: 'number' }),
    departmentAgrees: boolean(),
    departmentComment: text(),
    departmentBy: bigint({ mode: 'number' }),
    departmentAt: timestamp({ withTimezone: true }),
    decisionReason: text(),
    decidedBy: bigint({ mode: 'number' }),
    decidedAt: timestamp({ withTimezone: true }),
    versionNo: integer(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    pathIndex('duty_handback_path_idx', t.treePath),
    index('duty_handback_dept_idx').on(t.departmentId, t.status),
    uniqueIndex('duty_handback_open_uq').on(t.itemId).where(sql`status IN ('pending_department', 'pending_review')`),
  ],
);

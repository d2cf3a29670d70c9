// Base data (基础数据), entered once and kept fresh (一次输入、定期维护): residents, households,
// buildings and houses, organisations and facilities, each placed on a grid; labels (重点人群);
// every change as a version; field owners and review cycles; visits that confirm records.
import { sql } from 'drizzle-orm';
import {
  bigint, bigserial, boolean, char, date, doublePrecision, index, integer, jsonb, pgTable, primaryKey, serial, text, timestamp, uniqueIndex, varchar,
} from 'drizzle-orm/pg-core';
import { pathIndex, placement, timestamps, versioned } from '../../db/columns.js';

export const recordKinds = ['resident', 'household', 'building', 'house', 'organisation', 'facility'] as const;
export type RecordKind = (typeof recordKinds)[number];
export const recordStatuses = ['active', 'moved_out', 'deceased', 'closed', 'deleted', 'merged'] as const;
export type RecordStatus = (typeof recordStatuses)[number];

export const buildings = pgTable(
  'building',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    gridId: integer('grid_id').notNull(),
    ...placement,
    name: text('name').notNull(),
    address: text('address').notNull(),
    /** residential, commercial, mixed, public, bungalow (平房), rural_house (农房) */
    kind: varchar('kind', { length: 16 }).notNull().default('residential'),
    floors: integer('floors'),
    unitCount: integer('unit_count'),
    builtYear: integer('built_year'),
    lat: doublePrecision('lat'),
    lng: doublePrecision('lng'),
    status: varchar('status', { length: 16 }).notNull().default('active'),
    ...versioned,
    ...timestamps,
  },
  (t) => [pathIndex('building_path_idx', t.treePath, t.id), index('building_grid_idx').on(t.gridId)],
);

/** 房屋: one dwelling or unit inside a building. */
export const houses = pgTable(
  'house',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    buildingId: bigint('building_id', { mode: 'number' }).notNull(),
    gridId: integer('grid_id').notNull(),
    ...placement,
    unitNo: varchar('unit_no', { length: 16 }),
    floor: integer('floor'),
    roomNo: varchar('room_no', { length: 16 }).notNull(),
    areaM2: doublePrecision('area_m2'),
    /** owner_occupied 自住, rented 出租, vacant 空置, business 经营 */
    usage: varchar('usage', { length: 16 }).notNull().default('owner_occupied'),
    status: varchar('status', { length: 16 }).notNull().default('active'),
    ...versioned,
    ...timestamps,
  },
  (t) => [pathIndex('house_path_idx', t.treePath, t.id), index('house_building_idx').on(t.buildingId)],
);

/** 户: a household, family (家庭户) or collective (集体户). */
export const households = pgTable(
  'household',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    gridId: integer('grid_id').notNull(),
    ...placement,
    householdNo: varchar('household_no', { length: 32 }).notNull(),
    houseId: bigint('house_id', { mode: 'number' }),
    kind: varchar('kind', { length: 16 }).notNull().default('family'),
    headResidentId: bigint('head_resident_id', { mode: 'number' }),
    status: varchar('status', { length: 16 }).notNull().default('active'),
    ...versioned,
    ...timestamps,
  },
  (t) => [pathIndex('household_path_idx', t.treePath, t.id), index('household_house_idx').on(t.houseId), index('household_no_idx').on(t.householdNo)],
);

export const residents = pgTable(
  'resident',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    gridId: integer('grid_id').notNull(),
    ...placement,
    householdId: bigint('household_id', { mode: 'number' }),
    houseId: bigint('house_id', { mode: 'number' }),
    /** GB/T 4761 family relation to the household head (02 户主, 10 配偶, 20 子 …). */
    relationToHead: varchar('relation_to_head', { length: 2 }),
    name: text('name').notNull(),
    /** 证件类型: 01 居民身份证, 03 护照, 06 港澳通行证, 07 台湾通行证, 08 外国人永久居留证, 99 其他. */
    idType: varchar('id_type', { length: 2 }).notNull().default('01'),
    /** SM4-encrypted ID number; never stored in clear. */
    idNumberEnc: text('id_number_enc'),
    /** Keyed SM3 of the ID number: exact look-up and the one-person-one-record rule. */
    idNumberHash: char('id_number_hash', { length: 64 }),
    /** Derived from the ID number when written, so reports never decrypt. */
    birthDate: date('birth_date', { mode: 'string' }),
    /** GB/T 2261.1: 1 male, 2 female, 0 unknown, 9 unspecified. */
    sex: char('sex', { length: 1 }).notNull().default('0'),
    /** Address code of the ID number (the one valid at issue; may be abolished). */
    idAddressCode: char('id_address_code', { length: 6 }),
    phoneEnc: text('phone_enc'),
    phoneHash: char('phone_hash', { length: 64 }),
    /**
     * Keyed SM3 of the last four characters of the ID number and of the phone (truncated to 64
     * bits): how a counter finds "身份证后四位 1234" without decrypting anything. Written with the
     * value; rows stored before these columns existed are filled by a start-up job.
     */
    idNumberTailHash: char('id_number_tail_hash', { length: 16 }),
    phoneTailHash: char('phone_tail_hash', { length: 16 }),
    /** GB/T 3304 ethnicity code, 01 汉族. */
    ethnicity: varchar('ethnicity', { length: 2 }),
    /** GB/T 2261.2: 10 未婚, 20 已婚, 30 丧偶, 40 离婚, 90 未说明. */
    maritalStatus: varchar('marital_status', { length: 2 }),
    /** GB/T 4762: 01 中共党员 … 13 群众. */
    politicalStatus: varchar('political_status', { length: 2 }),
    /** GB/T 4658 education level, two-digit. */
    education: varchar('education', { length: 2 }),
    /** GB/T 31000 actual population: registered 户籍, resident 常住(非户籍), floating 流动, overseas 境外, unregistered 未落户. */
    residenceStatus: varchar('residence_status', { length: 16 }).notNull().default('registered'),
    /** 户籍地址 */
    hukouAddress: text('hukou_address'),
    /** Current address in words; the house link is the structured form. */
    address: text('address'),
    occupation: text('occupation'),
    employer: text('employer'),
    /** Date the person started living in this community (居住起始日期), for certificate preconditions. */
    residentSince: date('resident_since', { mode: 'string' }),
    notes: text('notes'),
    status: varchar('status', { length: 16 }).notNull().default('active'),
    /** When merged into another record, the surviving record. */
    mergedInto: bigint('merged_into', { mode: 'number' }),
    ...versioned,
    ...timestamps,
    updatedBy: integer('updated_by'),
  },
  (t) => [
    pathIndex('resident_path_idx', t.treePath, t.id),
    uniqueIndex('resident_id_number_uq').on(t.idNumberHash).where(sql`status NOT IN ('deleted','merged') AND id_number_hash IS NOT NULL`),
    index('resident_phone_idx').on(t.phoneHash),
    index('resident_id_tail_idx').on(t.idNumberTailHash),
    index('resident_phone_tail_idx').on(t.phoneTailHash),
    // Rows still waiting for their tail indexes (empty once the start-up job has run).
    index('resident_tail_backfill_idx').on(t.id).where(sql`(id_number_enc IS NOT NULL AND id_number_tail_hash IS NULL) OR (phone_enc IS NOT NULL AND phone_tail_hash IS NULL)`),
    index('resident_household_idx').on(t.householdId),
    index('resident_grid_idx').on(t.gridId),
    index('resident_dedupe_idx').on(t.name, t.birthDate),
    index('resident_district_idx').on(t.districtCode),
    // Scoped, filtered lists and their capped counts: the filter columns live in the index, so
    // counting a street's women over 60 (or a name prefix) is an index-only scan, not 50,000 row fetches.
    pathIndex('resident_scope_idx', t.treePath, t.status, t.sex, t.birthDate, t.residenceStatus, t.name),
  ],
);

/** Who a label kind usually fits: 独居老人 60 and over, 留守儿童 under 16 (ageMax 15), a sex. */
export interface LabelRules {
  ageMin?: number | null;
  ageMax?: number | null;
  /** GB/T 2261.1: '1' male, '2' female. */
  sex?: '1' | '2' | null;
}

/** Label kinds (重点人群 and other tags) are data: an admin adds one without a release. */
export const labelKinds = pgTable('label_kind', {
  code: varchar('code', { length: 32 }).primaryKey(),
  nameZh: text('name_zh').notNull(),
  nameEn: text('name_en').notNull(),
  /** resident or household */
  appliesTo: varchar('applies_to', { length: 16 }).notNull().default('resident'),
  /** Who keeps the label up to date: community, or a department code (civil_affairs …). */
  owner: varchar('owner', { length: 32 }).notNull().default('community'),
  /** Days after which a label must be re-confirmed. */
  reviewDays: integer('review_days').notNull().default(365),
  /** JSON-schema-like description of extra attributes (e.g. 残疾 grade, 低保 amount). */
  attributeSchema: jsonb('attribute_schema').$type<Record<string, { type: 'string' | 'number' | 'date'; zh: string; en: string; codes?: Record<string, string> }>>().notNull().default({}),
  sensitive: boolean('sensitive').notNull().default(true),
  /**
   * Plausibility rules (data the admin edits): who the label usually fits, by age in whole years
   * (both bounds inclusive) and sex. A write that breaks one is kept with a warning, not refused.
   */
  rules: jsonb('rules').$type<LabelRules>().notNull().default({}),
  sortOrder: integer('sort_order').notNull().default(0),
  active: boolean('active').notNull().default(true),
  ...timestamps,
});

export const residentLabels = pgTable(
  'resident_label',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    residentId: bigint('resident_id', { mode: 'number' }).notNull(),
    labelCode: varchar('label_code', { length: 32 }).notNull(),
    ...placement,
    since: date('since', { mode: 'string' }).notNull(),
    until: date('until', { mode: 'string' }),
    attributes: jsonb('attributes').$type<Record<string, unknown>>().notNull().default({}),
    /** community, import, department, device, system */
    source: varchar('source', { length: 16 }).notNull().default('community'),
    ...versioned,
    ...timestamps,
    updatedBy: integer('updated_by'),
  },
  (t) => [
    index('resident_label_resident_idx').on(t.residentId),
    index('resident_label_code_path_idx').using('btree', t.labelCode, t.treePath),
  ],
);

/**
 * 标签提议: what a community knows of a label a department keeps (低保 by 民政, 退役军人 by 退役
 * 军人事务, 残疾人 by 残联), sent to that department instead of being written. The department
 * confirms (the label is then written through the normal label write, as the department) or
 * rejects with a reason; the community sees the outcome. One open proposal per resident and label.
 */
export const labelProposals = pgTable(
  'label_proposal',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    residentId: bigint('resident_id', { mode: 'number' }).notNull(),
    labelCode: varchar('label_code', { length: 32 }).notNull(),
    /** The department code that keeps the label (the label kind's owner when proposed). */
    owner: varchar('owner', { length: 32 }).notNull(),
    /** The resident's placement when proposed (scopes the community's list and the department's queue). */
    ...placement,
    /** pending, confirmed, rejected, withdrawn */
    status: varchar('status', { length: 12 }).notNull().default('pending'),
    /** import (a register row) or manual (the resident card) */
    source: varchar('source', { length: 12 }).notNull(),
    /** Where the community's knowledge comes from: the import, its file and row, the cell as written; or a note. */
    evidence: jsonb('evidence').$type<ProposalEvidence>().notNull().default({}),
    note: text('note'),
    /** The date the label would start from (the proposer's; the department may change it). */
    since: date('since', { mode: 'string' }),
    proposedBy: integer('proposed_by'),
    proposedByName: text('proposed_by_name').notNull(),
    proposedAt: timestamp('proposed_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
    decidedBy: integer('decided_by'),
    decidedByName: text('decided_by_name'),
    departmentId: integer('department_id'),
    decidedAt: timestamp('decided_at', { withTimezone: true, mode: 'date' }),
    decisionReason: text('decision_reason'),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('label_proposal_open_uq').on(t.residentId, t.labelCode).where(sql`status = 'pending'`),
    pathIndex('label_proposal_path_idx', t.treePath, t.id),
    index('label_proposal_queue_idx').using('btree', t.owner, t.status, t.treePath),
    index('label_proposal_resident_idx').on(t.residentId),
  ],
);

export interface ProposalEvidence {
  importId?: number;
  fileName?: string;
  rowNo?: number;
  column?: string;
  /** The cell as the sheet wrote it (低保户), never an ID number or phone. */
  text?: string;
}

export const organisations = pgTable(
  'organisation',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    gridId: integer('grid_id').notNull(),
    ...placement,
    name: text('name').notNull(),
    /** shop, firm, institution, school, clinic, social_org, other */
    kind: varchar('kind', { length: 16 }).notNull(),
    /** GB 32100 unified social credit code (18 characters, with check character). */
    creditCode: varchar('credit_code', { length: 18 }),
    legalRepName: text('legal_rep_name'),
    phoneEnc: text('phone_enc'),
    phoneHash: char('phone_hash', { length: 64 }),
    address: text('address'),
    buildingId: bigint('building_id', { mode: 'number' }),
    employees: integer('employees'),
    lat: doublePrecision('lat'),
    lng: doublePrecision('lng'),
    status: varchar('status', { length: 16 }).notNull().default('active'),
    ...versioned,
    ...timestamps,
  },
  (t) => [pathIndex('organisation_path_idx', t.treePath, t.id), uniqueIndex('organisation_credit_uq').on(t.creditCode).where(sql`status <> 'deleted' AND credit_code IS NOT NULL`)],
);

/** Facilities and functional spaces (幸福食堂, 托育, 书屋, 卫生站, 运动场 …). */
export const facilities = pgTable(
  'facility',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** The grid or community the facility belongs to. */
    nodeId: integer('node_id').notNull(),
    ...placement,
    name: text('name').notNull(),
    /** canteen, child_care, library, clinic, sports, elderly_care, service_center, school, market, other */
    kind: varchar('kind', { length: 24 }).notNull(),
    operator: text('operator'),
    openingHours: text('opening_hours'),
    address: text('address'),
    capacity: integer('capacity'),
    lat: doublePrecision('lat'),
    lng: doublePrecision('lng'),
    status: varchar('status', { length: 16 }).notNull().default('active'),
    ...versioned,
    ...timestamps,
  },
  (t) => [pathIndex('facility_path_idx', t.treePath, t.id)],
);

/** Full change history: every write to a record kind above is a version here, as it stood. */
export const recordVersions = pgTable(
  'record_version',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    recordKind: varchar('record_kind', { length: 24 }).notNull(),
    recordId: bigint('record_id', { mode: 'number' }).notNull(),
    version: integer('version').notNull(),
    ...placement,
    /** create, update, delete, restore, merge, move, label */
    operation: varchar('operation', { length: 16 }).notNull(),
    /** The whole record after the change (encrypted fields stay encrypted). */
    data: jsonb('data').notNull(),
    /** Names of the fields this version changed. */
    changedFields: jsonb('changed_fields').$type<string[]>().notNull().default([]),
    /** community, import, department, device, system */
    source: varchar('source', { length: 16 }).notNull(),
    reason: text('reason'),
    changedBy: integer('changed_by'),
    changedByName: text('changed_by_name'),
    departmentId: integer('department_id'),
    changedAt: timestamp('changed_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
  },
  (t) => [uniqueIndex('record_version_uq').on(t.recordKind, t.recordId, t.version), index('record_version_at_idx').on(t.recordKind, t.recordId, t.changedAt)],
);

/**
 * Field owners and review cycles (字段权属与维护周期): a group of fields of a record kind is kept
 * by its owner (the community or a department) and must be re-confirmed every `reviewDays`.
 */
export const fieldPolicies = pgTable(
  'field_policy',
  {
    id: serial('id').primaryKey(),
    recordKind: varchar('record_kind', { length: 24 }).notNull(),
    fieldGroup: varchar('field_group', { length: 32 }).notNull(),
    fields: jsonb('fields').$type<string[]>().notNull(),
    /** Limit to records carrying this label (e.g. 独居老人 are re-confirmed monthly). */
    labelCode: varchar('label_code', { length: 32 }),
    owner: varchar('owner', { length: 32 }).notNull().default('community'),
    reviewDays: integer('review_days').notNull(),
    nameZh: text('name_zh').notNull(),
    nameEn: text('name_en').notNull(),
    ...timestamps,
  },
  (t) => [uniqueIndex('field_policy_uq').on(t.recordKind, t.fieldGroup, sql`coalesce(label_code, '')`)],
);

/** When each record's field group was last confirmed, and when it falls due (the stale to-do list). */
export const recordReviews = pgTable(
  'record_review',
  {
    recordKind: varchar('record_kind', { length: 24 }).notNull(),
    recordId: bigint('record_id', { mode: 'number' }).notNull(),
    policyId: integer('policy_id').notNull(),
    gridId: integer('grid_id').notNull(),
    ...placement,
    owner: varchar('owner', { length: 32 }).notNull(),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true, mode: 'date' }).notNull(),
    reviewedBy: integer('reviewed_by'),
    dueAt: timestamp('due_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.recordKind, t.recordId, t.policyId] }), index('record_review_due_idx').using('btree', t.treePath, t.dueAt)],
);

/** 走访: a home visit or contact; confirming a record clears its due reviews. */
export const visits = pgTable(
  'visit',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    residentId: bigint('resident_id', { mode: 'number' }),
    householdId: bigint('household_id', { mode: 'number' }),
    gridId: integer('grid_id').notNull(),
    ...placement,
    visitedAt: timestamp('visited_at', { withTimezone: true, mode: 'date' }).notNull(),
    visitorId: integer('visitor_id').notNull(),
    /** routine 例行走访, care 关爱探访, alert 预警核查, verification 信息核实 */
    kind: varchar('kind', { length: 16 }).notNull().default('routine'),
    notes: text('notes'),
    /** Field-group policy ids this visit confirmed. */
    confirmedPolicies: jsonb('confirmed_policies').$type<number[]>().notNull().default([]),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
  },
  (t) => [index('visit_resident_idx').on(t.residentId, t.visitedAt), index('visit_path_idx').using('btree', t.treePath, t.visitedAt), index('visit_visitor_idx').on(t.visitorId, t.visitedAt)],
);


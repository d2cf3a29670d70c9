// The report registry (报表备案审批制) and one-click reports (一键报表): templates filed by
// departments and approved by the burden-reduction reviewer, the reports due from each unit,
// frozen submissions, reminders, uploaded official forms, and the register of reports removed.
import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, date, index, integer, jsonb, pgTable, serial, text, timestamp, uniqueIndex, varchar } from 'drizzle-orm/pg-core';
import { pathIndex, pathText, placement, timestamps } from '../../db/columns.js';
import type { Cadence, CleanupAction, Coverage, DueStatus, Overlap, ReportResult, SubmitLevel, TemplateDefinition, TemplateEnglish, TemplateStatus } from './schemas.js';



/**
 * A report template, one row per version. `code` names the report across versions; only one
 * version of a code is approved at a time (the others stay as history). The definition is data
 * (see definition.ts): sources, filters, grouping, measures, layout and manual fields.
 */
export const reportTemplates = pgTable(
  'report_template',
  {
    id: serial('id').primaryKey(),
    code: varchar('code', { length: 40 }).notNull(),
    version: integer('version').notNull().default(1),
    status: varchar('status', { length: 16 }).notNull().$type<TemplateStatus>().default('draft'),
    title: text('title').notNull(),
    /** The filing department; null for templates the platform ships (filed by the reviewer's office). */
    departmentId: integer('department_id'),
    departmentCode: varchar('department_code', { length: 32 }),
    departmentName: text('department_name').notNull(),
    /** 制表依据: the law, regulation or document that requires the report. */
    legalBasis: text('legal_basis').notNull(),
    purpose: text('purpose').notNull(),
    cadence: varchar('cadence', { length: 12 }).notNull().$type<Cadence>(),
    /** Deadline rule: this many days after the period ends. */
    deadlineDays: integer('deadline_days').notNull().default(5),
    /** For a one-off report: its period and label. */
    onceStart: date('once_start', { mode: 'string' }),
    onceEnd: date('once_end', { mode: 'string' }),
    /** The level of the unit that submits (community or street). */
    submitLevel: varchar('submit_level', { length: 12 }).notNull().$type<SubmitLevel>().default('community'),
    /** Where the report is sent: a subtree within the filer's jurisdiction. */
    targetNodeId: integer('target_node_id').notNull(),
    targetPath: pathText('target_path').notNull(),
    /** Department codes served by one submission (the filer's, plus any merged in). */
    entitledDepartments: jsonb('entitled_departments').$type<string[]>().notNull().default([]),
    definition: jsonb('definition').$type<TemplateDefinition>().notNull(),
    /** Minutes a community spent filling the old form by hand, per report (stated when filed). */
    handMinutesBefore: integer('hand_minutes_before').notNull().default(0),
    /** Computed on submission for approval: columns computed vs entered by hand, overlaps with approved templates. */
    coverage: jsonb('coverage').$type<Coverage>(),
    overlaps: jsonb('overlaps').$type<Overlap[]>(),
    builtin: boolean('builtin').notNull().default(false),
    createdBy: integer('created_by'),
    createdByName: text('created_by_name'),
    submittedAt: timestamp('submitted_at', { withTimezone: true, mode: 'date' }),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true, mode: 'date' }),
    reviewedBy: integer('reviewed_by'),
    reviewedByName: text('reviewed_by_name'),
    reviewNote: text('review_note'),
    /** When merged: the approved template that now serves this department. */
    mergedIntoCode: varchar('merged_into_code', { length: 40 }),
    retiredAt: timestamp('retired_at', { withTimezone: true, mode: 'date' }),
    retiredReason: text('retired_reason'),
    /**
     * The filing number (备案号) approval assigns: the year of approval and a number counted up
     * within it, printed on every copy as 减负备〔2026〕3号. Null until approved.
     */
    filingYear: integer('filing_year'),
    filingSeq: integer('filing_seq'),
    /** English of the texts the platform wrote itself (built-in templates); null for a department's own. */
    en: jsonb('en').$type<TemplateEnglish>(),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('report_template_code_version_uq').on(t.code, t.version),
    uniqueIndex('report_template_filing_uq').on(t.filingYear, t.filingSeq),
    // One approved version per code.
    uniqueIndex('report_template_approved_uq').on(t.code).where(sql`status = 'approved'`),
    index('report_template_status_idx').on(t.status),
  ],
);

/** An official Excel form a department uploaded for a template, and where each figure goes on it. */
export const reportForms = pgTable('report_form', {
  id: serial('id').primaryKey(),
  templateId: integer('template_id').notNull(),
  fileName: text('file_name').notNull(),
  /** The workbook, base64 (forms are small: tens of KB). */
  content: text('content').notNull(),
  sheetName: text('sheet_name').notNull(),
  /** Cell address -> what goes there (a figure, the unit name, the period …); see forms.ts. */
  mapping: jsonb('mapping').$type<Record<string, unknown>>().notNull().default({}),
  uploadedBy: integer('uploaded_by'),
  ...timestamps,
}, (t) => [uniqueIndex('report_form_template_uq').on(t.templateId)]);


/** A report due from one unit for one period (待报). One per template code, unit and period. */
export const reportDues = pgTable(
  'report_due',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    templateId: integer('template_id').notNull(),
    templateCode: varchar('template_code', { length: 40 }).notNull(),
    unitNodeId: integer('unit_node_id').notNull(),
    ...placement,
    /** 2025-10, 2025-Q4, 2025, or the one-off period's start. */
    period: varchar('period', { length: 24 }).notNull(),
    periodStart: date('period_start', { mode: 'string' }).notNull(),
    periodEnd: date('period_end', { mode: 'string' }).notNull(),
    deadline: date('deadline', { mode: 'string' }).notNull(),
    status: varchar('status', { length: 12 }).notNull().$type<DueStatus>().default('pending'),
    submissionId: bigint('submission_id', { mode: 'number' }),
    submittedAt: timestamp('submitted_at', { withTimezone: true, mode: 'date' }),
    issuedAt: timestamp('issued_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
    reminders: integer('reminders').notNull().default(0),
    lastRemindedAt: timestamp('last_reminded_at', { withTimezone: true, mode: 'date' }),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
  },
  (t) => [
    uniqueIndex('report_due_uq').on(t.templateCode, t.unitNodeId, t.period),
    pathIndex('report_due_path_idx', t.treePath, t.deadline),
    index('report_due_status_idx').on(t.status, t.deadline),
  ],
);

/**
 * A submitted report, frozen as computed at that moment. A correction is a new version with a
 * reason; the earlier version stays, marked superseded.
 */
export const reportSubmissions = pgTable(
  'report_submission',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    dueId: bigint('due_id', { mode: 'number' }).notNull(),
    templateId: integer('template_id').notNull(),
    templateCode: varchar('template_code', { length: 40 }).notNull(),
    unitNodeId: integer('unit_node_id').notNull(),
    ...placement,
    period: varchar('period', { length: 24 }).notNull(),
    version: integer('version').notNull().default(1),
    /** current or superseded */
    status: varchar('status', { length: 12 }).notNull().default('current'),
    referenceDate: date('reference_date', { mode: 'string' }).notNull(),
    /** The computed table (columns, rows, values, contributing counts) as it stood. */
    result: jsonb('result').$type<ReportResult>().notNull(),
    /** Hand-entered values: { report: {key: value}, rows: {rowKey: {key: value}} }. */
    manual: jsonb('manual').notNull().default({}),
    digest: varchar('digest', { length: 64 }).notNull(),
    reason: text('reason'),
    submittedBy: integer('submitted_by'),
    submittedByName: text('submitted_by_name').notNull(),
    submittedAt: timestamp('submitted_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
    computeMs: integer('compute_ms').notNull().default(0),
  },
  (t) => [
    uniqueIndex('report_submission_version_uq').on(t.dueId, t.version),
    // Submitting twice makes one submission: only one current version per due report.
    uniqueIndex('report_submission_current_uq').on(t.dueId).where(sql`status = 'current'`),
    pathIndex('report_submission_path_idx', t.treePath, t.templateCode, t.period),
  ],
);

/** Reminders sent about a due report (催报), at most one of each kind. */
export const reportReminders = pgTable(
  'report_reminder',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    dueId: bigint('due_id', { mode: 'number' }).notNull(),
    /** soon (3 days before), today (deadline day), overdue */
    kind: varchar('kind', { length: 12 }).notNull(),
    ...placement,
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
  },
  (t) => [uniqueIndex('report_reminder_uq').on(t.dueId, t.kind), pathIndex('report_reminder_path_idx', t.treePath, t.createdAt)],
);


/**
 * The register of reports taken off communities (报表清理台账): removed outright, merged into
 * another, or now generated by the platform. The burden page counts it (the article's 192).
 */
export const reportCleanups = pgTable(
  'report_cleanup',
  {
    id: serial('id').primaryKey(),
    title: text('title').notNull(),
    departmentName: text('department_name').notNull(),
    action: varchar('action', { length: 12 }).notNull().$type<CleanupAction>(),
    /** For merged or automated: the template code that replaces it. */
    replacedByCode: varchar('replaced_by_code', { length: 40 }),
    reason: text('reason').notNull(),
    /** Times a year communities filled it, and minutes per filling. */
    timesPerYear: integer('times_per_year').notNull().default(12),
    minutesPerFill: integer('minutes_per_fill').notNull().default(0),
    decidedOn: date('decided_on', { mode: 'string' }).notNull(),
    recordedBy: integer('recorded_by'),
    ...timestamps,
  },
  (t) => [index('report_cleanup_action_idx').on(t.action)],
);

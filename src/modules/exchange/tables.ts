// Spreadsheet exchange (导入导出): import runs with their progress and outcome, the rows an import
// refused (kept encrypted, for the error report), and column mappings remembered per sheet layout.
import { sql } from 'drizzle-orm';
import { bigint, bigserial, char, index, integer, jsonb, pgTable, serial, text, timestamp, uniqueIndex, varchar } from 'drizzle-orm/pg-core';
import { pathIndex, placement, timestamps } from '../../db/columns.js';

/** One column of a sheet and what it feeds: a field key, a special target (grid, labels …) or nothing. */
export interface ColumnMapping {
  /** 0-based column index in the sheet. */
  index: number;
  header: string;
  target: string | null;
}

export interface ImportPreview {
  sheets: { name: string; rows: number; hidden: boolean }[];
  sheet: string | null;
  /** 1-based row number of the header row in the sheet. */
  headerRow: number;
  headers: { index: number; header: string; samples: string[] }[];
  /** Where the proposed mapping came from: a remembered template, header names, or nothing. */
  mappingSource: 'template' | 'headers';
  templateId: number | null;
  totalRows: number;
  /** Where the default grid came from: chosen at upload, remembered with the template, the worker's last import, the only grid. */
  defaultGridSource?: 'chosen' | 'template' | 'last' | 'only' | null;
}

export interface ImportCounts {
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  warned: number;
  blank: number;
  /** Department-owned labels sent to their owner as proposals (标签提议). */
  proposed?: number;
  /** Buildings and houses created because the sheet named them and the importer agreed. */
  buildingsCreated?: number;
  housesCreated?: number;
}

/** Run options chosen at the start. */
export interface ImportOptions {
  /** An empty cell erases the stored value. */
  blankClears?: boolean;
  /** Create the buildings and houses the sheet names that the community does not have yet. */
  createPlaces?: boolean;
}

/**
 * 导入批次: one uploaded file and its run. States: uploaded (waiting for the column mapping),
 * queued, running, cancelling, done, cancelled, failed (a per-file error stopped it).
 */
export const importJobs = pgTable(
  'import_job',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    recordKind: varchar('record_kind', { length: 24 }).notNull(),
    status: varchar('status', { length: 12 }).notNull().default('uploaded'),
    /** The community the rows go into (its subtree is where records are matched and placed). */
    nodeId: integer('node_id').notNull(),
    ...placement,
    /** Grid for rows whose sheet names none. */
    defaultGridId: integer('default_grid_id'),
    fileName: text('file_name').notNull(),
    fileSize: bigint('file_size', { mode: 'number' }).notNull(),
    /** xlsx or csv */
    format: varchar('format', { length: 8 }).notNull(),
    /** CSV text encoding as detected (utf-8, gb18030, utf-16le). */
    encoding: varchar('encoding', { length: 16 }),
    /** SM3 of the file, to tell the same file uploaded again. */
    fileDigest: char('file_digest', { length: 64 }).notNull(),
    preview: jsonb('preview').$type<ImportPreview>(),
    mapping: jsonb('mapping').$type<ColumnMapping[]>(),
    /** Run options (see ImportOptions). */
    options: jsonb('options').$type<ImportOptions>().notNull().default({}),
    totalRows: integer('total_rows').notNull().default(0),
    /** Sheet rows read and settled (committed or refused). */
    processedRows: integer('processed_rows').notNull().default(0),
    /** The last sheet row whose batch committed: a resumed run starts after it. */
    committedRow: integer('committed_row').notNull().default(0),
    counts: jsonb('counts').$type<ImportCounts>().notNull().default({ created: 0, updated: 0, unchanged: 0, failed: 0, warned: 0, blank: 0 }),
    /** A per-file failure: code and message in both languages. */
    errorCode: varchar('error_code', { length: 64 }),
    errorMessage: jsonb('error_message').$type<{ zh: string; en: string }>(),
    createdBy: integer('created_by'),
    createdByName: text('created_by_name').notNull(),
    /** Which worker runs it and when it last reported, so a second instance does not run it twice. */
    runner: text('runner'),
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true, mode: 'date' }),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
    ...timestamps,
  },
  (t) => [pathIndex('import_job_path_idx', t.treePath, t.id), index('import_job_status_idx').on(t.status)],
);

/**
 * Rows an import refused or took only in part, with the reasons. The original cells are stored
 * SM4-encrypted (they hold ID numbers and phones in clear) and purged after the retention period.
 */
export const importRowIssues = pgTable(
  'import_row_issue',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    importId: bigint('import_id', { mode: 'number' }).notNull(),
    rowNo: integer('row_no').notNull(),
    /** error: the row was not imported; warning: imported, but part of it was left out. */
    severity: varchar('severity', { length: 8 }).notNull(),
    /** [{ column, zh, en, severity? }]: the errors, then the warnings (severity 'warning'). */
    reasons: jsonb('reasons').$type<{ column: string; zh: string; en: string; severity?: 'warning' }[]>().notNull(),
    /** The row's cells as read, encrypted (FieldCipher of a JSON array of strings). */
    cellsEnc: text('cells_enc').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
  },
  (t) => [index('import_row_issue_import_idx').on(t.importId, t.rowNo)],
);

/**
 * 导入模板: a column mapping remembered per community, record kind and sheet layout (the
 * signature is the SM3 of the normalised header names in order), so the next upload of the same
 * sheet maps itself.
 */
export const importTemplates = pgTable(
  'import_template',
  {
    id: serial('id').primaryKey(),
    nodeId: integer('node_id').notNull(),
    ...placement,
    recordKind: varchar('record_kind', { length: 24 }).notNull(),
    signature: char('signature', { length: 64 }).notNull(),
    name: text('name').notNull(),
    headers: jsonb('headers').$type<string[]>().notNull(),
    mapping: jsonb('mapping').$type<ColumnMapping[]>().notNull(),
    /** The default grid chosen with this mapping, offered again for the next upload. */
    defaultGridId: integer('default_grid_id'),
    useCount: integer('use_count').notNull().default(1),
    createdBy: integer('created_by'),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
    ...timestamps,
  },
  (t) => [uniqueIndex('import_template_uq').on(t.nodeId, t.recordKind, t.signature), pathIndex('import_template_path_idx', t.treePath)],
);

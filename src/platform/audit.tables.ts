// The audit log (审计日志): append-only, one row per write and per read of personal data,
// chained by SM3 so that an edit made behind the application's back is detected.
import { sql } from 'drizzle-orm';
import { bigint, bigserial, char, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, varchar } from 'drizzle-orm/pg-core';
import { pathText } from '../db/columns.js';

export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
    actorId: integer('actor_id'),
    actorName: text('actor_name').notNull(),
    actorRole: varchar('actor_role', { length: 32 }).notNull(),
    departmentId: integer('department_id'),
    /** read (of personal data), write, auth, admin, export */
    category: varchar('category', { length: 12 }).notNull(),
    /** What was done, e.g. resident.update, resident.unmask, auth.login */
    action: varchar('action', { length: 64 }).notNull(),
    entityType: varchar('entity_type', { length: 32 }),
    entityId: text('entity_id'),
    /** Whose personal data (a resident id), when the action touches one person. */
    subjectId: bigint('subject_id', { mode: 'number' }),
    treePath: pathText('tree_path'),
    districtCode: char('district_code', { length: 6 }),
    ip: text('ip'),
    requestId: text('request_id'),
    /** The stated purpose of a sensitive look-up (查询事由). */
    reason: text('reason'),
    /** ok, denied, failed */
    result: varchar('result', { length: 12 }).notNull(),
    detail: jsonb('detail'),
    prevHash: char('prev_hash', { length: 64 }).notNull(),
    hash: char('hash', { length: 64 }).notNull(),
  },
  (t) => [
    index('audit_log_subject_idx').on(t.subjectId, t.at),
    index('audit_log_actor_idx').on(t.actorId, t.at),
    index('audit_log_at_idx').on(t.at),
    index('audit_log_action_idx').on(t.action, t.at),
    // The chain cannot fork: each hash is the previous hash of at most one row.
    uniqueIndex('audit_log_prev_uq').on(t.prevHash),
  ],
);

/**
 * Retention purges leave a marker here so that verification restarts the chain at the right hash.
 * Each is signed with the audit signing key (Ed25519), which the database does not hold, so a
 * marker inserted by hand after deleting the oldest rows is found (decision 0024).
 */
export const auditCheckpoints = pgTable('audit_checkpoint', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  /** Rows with id below this were purged; the first kept row chains to `lastHash`. */
  firstKeptId: bigint('first_kept_id', { mode: 'number' }).notNull(),
  lastHash: char('last_hash', { length: 64 }).notNull(),
  purgedBefore: timestamp('purged_before', { withTimezone: true, mode: 'date' }).notNull(),
  /** Rows of the chain before `firstKeptId`, all purges together (anchors count rows from the chain's start). */
  purgedRows: bigint('purged_rows', { mode: 'number' }),
  /** Ed25519 signature (base64url) over firstKeptId, lastHash, purgedRows and purgedBefore; null on markers made before signing. */
  signature: text('signature'),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
});

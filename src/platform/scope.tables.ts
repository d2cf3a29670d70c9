// Department grants (数据授权): named fields on named record kinds and labels, over a subtree.
import { sql } from 'drizzle-orm';
import { date, index, integer, jsonb, pgTable, serial, text, timestamp, varchar } from 'drizzle-orm/pg-core';
import { pathIndex, pathText } from '../db/columns.js';

export const dataGrants = pgTable(
  'data_grant',
  {
    id: serial('id').primaryKey(),
    departmentId: integer('department_id').notNull(),
    /** resident, household, building, house, organisation, facility */
    recordKind: varchar('record_kind', { length: 24 }).notNull(),
    /** Fields the department may read. */
    readFields: jsonb('read_fields').$type<string[]>().notNull(),
    /** Fields the department owns and may write (动态补充). */
    writeFields: jsonb('write_fields').$type<string[]>().notNull().default([]),
    /** Fields shown unmasked (e.g. 卫健 sees the phones of elderly people living alone). */
    unmaskedFields: jsonb('unmasked_fields').$type<string[]>().notNull().default([]),
    /** Label codes the grant is limited to; empty means every record of the kind. */
    labels: jsonb('labels').$type<string[]>().notNull().default([]),
    /** Root of the subtree the grant covers. */
    nodeId: integer('node_id').notNull(),
    treePath: pathText('tree_path').notNull(),
    purpose: text('purpose').notNull(),
    validFrom: date('valid_from', { mode: 'string' }).notNull().default(sql`CURRENT_DATE`),
    validTo: date('valid_to', { mode: 'string' }),
    grantedBy: integer('granted_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
    revokedBy: integer('revoked_by'),
  },
  (t) => [index('data_grant_department_idx').on(t.departmentId), pathIndex('data_grant_path_idx', t.treePath)],
);

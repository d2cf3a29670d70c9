// Requests that need a second person (双人审批): an administrator asks, someone of another role
// approves or rejects with a reason. See platform/approvals.ts and docs/decisions/0015.
import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, serial, text, timestamp, varchar } from 'drizzle-orm/pg-core';
import { pathText } from '../db/columns.js';

export const approvalKinds = ['account.create', 'account.update', 'grant.unmask', 'token.personal_data'] as const;
export type ApprovalKind = (typeof approvalKinds)[number];
export const approvalStatuses = ['pending', 'approved', 'rejected', 'cancelled', 'expired'] as const;
export type ApprovalStatus = (typeof approvalStatuses)[number];

export const approvalRequests = pgTable(
  'approval_request',
  {
    id: serial('id').primaryKey(),
    kind: varchar('kind', { length: 32 }).notNull().$type<ApprovalKind>(),
    /** What will be done on approval, as validated when asked (no secrets). */
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    /** One line for the approver's list, e.g. "审计员 zhang.san（张三）". */
    summary: text('summary').notNull(),
    /** Where the request applies; deciders see requests inside their subtree. */
    treePath: pathText('tree_path').notNull(),
    /** Why the administrator asks (shown to the approver). */
    reason: text('reason').notNull(),
    requestedBy: integer('requested_by').notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    status: varchar('status', { length: 16 }).notNull().default('pending').$type<ApprovalStatus>(),
    decidedBy: integer('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true, mode: 'date' }),
    decisionReason: text('decision_reason'),
    /** What the approval made (user, grant or token id). */
    resultId: integer('result_id'),
    /** A machine token's secret, SM4-encrypted, until the requester collects it once. */
    secretEnc: text('secret_enc'),
    collectedAt: timestamp('collected_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('approval_request_status_idx').on(t.status, t.kind), index('approval_request_requested_by_idx').on(t.requestedBy)],
);

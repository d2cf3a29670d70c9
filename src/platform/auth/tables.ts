// Identity: staff accounts, sessions, machine tokens and the per-role second-factor policy.
import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, primaryKey, serial, text, timestamp, uniqueIndex, varchar } from 'drizzle-orm/pg-core';
import { pathIndex, pathText, timestamps } from '../../db/columns.js';
import type { Role, GridWorkerKind } from './roles.js';

export const users = pgTable(
  'user_account',
  {
    id: serial('id').primaryKey(),
    username: varchar('username', { length: 64 }).notNull(),
    displayName: text('display_name').notNull(),
    role: varchar('role', { length: 32 }).notNull().$type<Role>(),
    /** 专职 full_time, 兼职 part_time (e.g. couriers, riders), 专业 professional; grid workers only. */
    gridWorkerKind: varchar('grid_worker_kind', { length: 16 }).$type<GridWorkerKind>(),
    /** The tree node the account hangs on; its subtree is the account's data scope. */
    nodeId: integer('node_id').notNull(),
    treePath: pathText('tree_path').notNull(),
    departmentId: integer('department_id'),
    passwordHash: text('password_hash').notNull(),
    passwordChangedAt: timestamp('password_changed_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
    mustChangePassword: boolean('must_change_password').notNull().default(false),
    failedLogins: integer('failed_logins').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true, mode: 'date' }),
    /** TOTP secret, SM4-encrypted with the data key. */
    totpSecretEnc: text('totp_secret_enc'),
    /** A new secret being enrolled; the current one stays in force until the new one is confirmed. */
    totpPendingSecretEnc: text('totp_pending_secret_enc'),
    totpEnabled: boolean('totp_enabled').notNull().default(false),
    /** Last TOTP time step accepted, so a code is never accepted twice. */
    totpLastStep: integer('totp_last_step'),
    status: varchar('status', { length: 16 }).notNull().default('active').$type<'active' | 'disabled'>(),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true, mode: 'date' }),
    ...timestamps,
  },
  (t) => [uniqueIndex('user_account_username_uq').on(sql`lower(${t.username})`), pathIndex('user_account_path_idx', t.treePath), index('user_account_role_idx').on(t.role)],
);

export const sessions = pgTable(
  'session',
  {
    /** SM3 digest of the bearer token; the token itself is never stored. */
    digest: varchar('digest', { length: 64 }).primaryKey(),
    userId: integer('user_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    /** False until the second factor is given (or enrolled) where the role requires one. */
    mfaSatisfied: boolean('mfa_satisfied').notNull().default(false),
    ip: text('ip'),
    userAgent: text('user_agent'),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('session_user_idx').on(t.userId)],
);

/** Tokens for machines: devices posting readings, other platforms calling the API. */
export const apiTokens = pgTable(
  'api_token',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    digest: varchar('digest', { length: 64 }).notNull(),
    /** device or platform */
    kind: varchar('kind', { length: 16 }).notNull().$type<'device' | 'platform'>(),
    nodeId: integer('node_id').notNull(),
    treePath: pathText('tree_path').notNull(),
    departmentId: integer('department_id'),
    permissions: jsonb('permissions').$type<string[]>().notNull(),
    createdBy: integer('created_by').notNull(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
    ...timestamps,
  },
  (t) => [uniqueIndex('api_token_digest_uq').on(t.digest)],
);

/** Per-role security policy set by an admin: whether the role must use a TOTP second factor. */
export const rolePolicies = pgTable('role_policy', {
  role: varchar('role', { length: 32 }).primaryKey().$type<Role>(),
  mfaRequired: boolean('mfa_required').notNull().default(false),
  updatedBy: integer('updated_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
});

/**
 * Failed log-ins, counted in the database so that parallel attempts add up (one atomic UPDATE per
 * failure). One row per (user name, client address), and one per user name with address '*'
 * for all addresses together. Unknown user names are counted exactly like real ones, so that the
 * answers do not tell them apart. See docs/decisions/0014.
 */
export const loginThrottle = pgTable(
  'login_throttle',
  {
    /** lower(user name) as typed, whether or not such an account exists. */
    account: varchar('account', { length: 64 }).notNull(),
    /** Client address (an IPv6 address by its /64), or '*' for the account across all addresses. */
    address: varchar('address', { length: 64 }).notNull(),
    failures: integer('failures').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true, mode: 'date' }),
    lastFailureAt: timestamp('last_failure_at', { withTimezone: true, mode: 'date' }),
    /** Last successful log-in from this address: a known address is not locked out by failures elsewhere. */
    lastSuccessAt: timestamp('last_success_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [primaryKey({ columns: [t.account, t.address] }), index('login_throttle_last_failure_idx').on(t.lastFailureAt)],
);

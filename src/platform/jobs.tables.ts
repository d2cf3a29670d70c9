// Background work as rows: claimed with FOR UPDATE SKIP LOCKED, so several instances share it;
// a running job's worker beats a heartbeat, and a job whose heartbeat stops is taken over.
import { sql } from 'drizzle-orm';
import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, varchar } from 'drizzle-orm/pg-core';

export const jobs = pgTable(
  'job',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    kind: varchar('kind', { length: 64 }).notNull(),
    payload: jsonb('payload').notNull().default({}),
    runAt: timestamp('run_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
    /** pending, running, done, failed */
    status: varchar('status', { length: 12 }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull().default(5),
    lockedBy: text('locked_by'),
    lockedUntil: timestamp('locked_until', { withTimezone: true, mode: 'date' }),
    /** Last sign of life from the worker running it; older than QC_JOBS_STALE_MS, another worker takes it over. */
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true, mode: 'date' }),
    lastError: text('last_error'),
    /** At most one unfinished job per key (recurring sweeps, per-record timers). */
    dedupeKey: text('dedupe_key'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    index('job_due_idx').on(t.status, t.runAt),
    uniqueIndex('job_dedupe_uq').on(t.dedupeKey).where(sql`status IN ('pending','running')`),
  ],
);

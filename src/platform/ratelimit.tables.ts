// Rate-limit counts shared by every instance of a PostgreSQL deployment: one row per limited key
// and fixed window (see platform/ratelimit.ts, docs/operations.md).
import { integer, pgTable, timestamp, varchar } from 'drizzle-orm/pg-core';

export const rateLimitCounters = pgTable('rate_limit_counter', {
  /** Policy name and what it counts by, e.g. "login-address:203.0.113.7". */
  key: varchar('key', { length: 200 }).primaryKey(),
  hits: integer('hits').notNull(),
  resetAt: timestamp('reset_at', { withTimezone: true, mode: 'date' }).notNull(),
});

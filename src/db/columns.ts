// Column helpers shared by every table that grows with the city.
import { sql } from 'drizzle-orm';
import { char, customType, index, integer, timestamp, type ExtraConfigColumn, type IndexedColumn } from 'drizzle-orm/pg-core';

/**
 * Placement columns: the grid (or other tree node) a row hangs on, its tree path ("/1/12/130/")
 * and its district code. The path lets a caller's scope be one index range scan
 * (`tree_path LIKE '/1/12/%'`) instead of a join chain; the district code is the natural
 * partition and distribution key for a city of millions.
 */
/**
 * A tree path column. Paths hold only digits and slashes, so the "C" collation is exact and lets
 * a plain btree serve both the prefix LIKE of a scope and ORDER BY path.
 */
export const pathText = customType<{ data: string; driverData: string }>({
  dataType: () => 'text COLLATE "C"',
});

export const placement = {
  treePath: pathText('tree_path').notNull(),
  districtCode: char('district_code', { length: 6 }).notNull(),
};

export const timestamps = {
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
};

/** Optimistic concurrency: writers send the version they read; a stale one is refused. */
export const versioned = {
  version: integer('version').notNull().default(1),
};

/** A btree over the path (and more columns): one range scan per scope, already in path order. */
export function pathIndex(name: string, path: ExtraConfigColumn, ...more: (ExtraConfigColumn | IndexedColumn)[]) {
  return index(name).using('btree', path, ...more);
}

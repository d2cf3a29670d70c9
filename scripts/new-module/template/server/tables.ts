// The __title__ module's tables; only this module reads or writes them.
import { bigint, bigserial, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const __name__Items = pgTable(
  '__snake___item',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    nodeId: bigint({ mode: 'number' }).notNull(),
    // The node's path, so that scope is one prefix test (see platform/scope.ts).
    treePath: text().notNull(),
    title: text().notNull(),
    note: text(),
    createdBy: bigint({ mode: 'number' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('__snake___item_path_idx').on(t.treePath)],
);

// Data scope, enforced in one place: a caller sees the subtree under its node, and a department
// additionally only the fields, labels and subtrees its grants name. Services build every query
// that touches scoped rows through `scopeCondition`, and check single rows with `assertInScope`,
// which answers "not found" rather than "forbidden" so that ids cannot be probed.
import { and, eq, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Db, DbOrTx } from '../db/client.js';
import type { Principal } from './context.js';
import { outOfScope } from './errors.js';
import { dataGrants } from './scope.tables.js';

const PATH_RE = /^\/(\d+\/)*$/;

export function assertPath(path: string): string {
  if (!PATH_RE.test(path)) throw new Error(`malformed tree path ${JSON.stringify(path)}`);
  return path;
}

/** SQL: the column lies in the principal's subtree. One index range scan on a "C"-collated path. */
export function scopeCondition(principal: Principal, pathColumn: AnyPgColumn | SQL): SQL {
  return subtreeCondition(principal.treePath, pathColumn);
}

export function subtreeCondition(rootPath: string, pathColumn: AnyPgColumn | SQL): SQL {
  return sql`${pathColumn} LIKE ${`${assertPath(rootPath)}%`}`;
}

export function inScope(principal: Principal, path: string | null | undefined): boolean {
  return typeof path === 'string' && path.startsWith(principal.treePath);
}

/** Throws OUT_OF_SCOPE (404) when the row is missing or outside the caller's subtree. */
export function assertInScope<T extends { treePath: string } | undefined | null>(principal: Principal, row: T): asserts row is NonNullable<T> {
  if (!row || !inScope(principal, row.treePath)) throw outOfScope();
}

export type DataGrant = typeof dataGrants.$inferSelect;

/** What a department may do with one record kind, combined over its active grants. */
export interface FieldAccess {
  grants: DataGrant[];
  readable: Set<string>;
  writable: Set<string>;
  unmasked: Set<string>;
}

export class GrantService {
  async activeGrants(db: DbOrTx, departmentId: number, recordKind?: string): Promise<DataGrant[]> {
    const conds = [
      eq(dataGrants.departmentId, departmentId),
      isNull(dataGrants.revokedAt),
      sql`${dataGrants.validFrom} <= CURRENT_DATE`,
      or(isNull(dataGrants.validTo), sql`${dataGrants.validTo} >= CURRENT_DATE`),
    ];
    if (recordKind) conds.push(eq(dataGrants.recordKind, recordKind));
    return db.select().from(dataGrants).where(and(...conds)).orderBy(dataGrants.id);
  }

  /** The union of what the department's grants allow on a record kind (empty when none). */
  async fieldAccess(db: DbOrTx, principal: Principal, recordKind: string): Promise<FieldAccess> {
    if (!principal.departmentId) return { grants: [], readable: new Set(), writable: new Set(), unmasked: new Set() };
    const grants = await this.activeGrants(db, principal.departmentId, recordKind);
    const inJurisdiction = grants.filter((g) => g.treePath.startsWith(principal.treePath) || principal.treePath.startsWith(g.treePath));
    return {
      grants: inJurisdiction,
      readable: new Set(inJurisdiction.flatMap((g) => g.readFields)),
      writable: new Set(inJurisdiction.flatMap((g) => g.writeFields)),
      unmasked: new Set(inJurisdiction.flatMap((g) => g.unmaskedFields)),
    };
  }

  /** Stores a grant the registry has checked (inside the caller's transaction, which audits it). */
  async insert(tx: DbOrTx, values: typeof dataGrants.$inferInsert): Promise<DataGrant> {
    const [g] = await tx.insert(dataGrants).values(values).returning();
    return g!;
  }

  /** Revokes a live grant; false when there is none with that id. */
  async revoke(tx: DbOrTx, id: number, by: number | null): Promise<boolean> {
    const res = await tx.update(dataGrants).set({ revokedAt: new Date(), revokedBy: by }).where(and(eq(dataGrants.id, id), isNull(dataGrants.revokedAt))).returning({ id: dataGrants.id });
    return res.length > 0;
  }

  async list(db: Db, filter: { departmentId?: number; includeRevoked?: boolean }): Promise<DataGrant[]> {
    const conds: SQL[] = [];
    if (filter.departmentId) conds.push(eq(dataGrants.departmentId, filter.departmentId));
    if (!filter.includeRevoked) conds.push(isNull(dataGrants.revokedAt));
    return db.select().from(dataGrants).where(conds.length ? and(...conds) : undefined).orderBy(dataGrants.id);
  }
}

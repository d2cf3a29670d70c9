// Lockout after failed log-ins, counted in the database so that it holds under parallel attempts
// and across instances. Two counters per user name (as typed, whether or not the account exists):
//   - per client address: QC_LOCKOUT_THRESHOLD failures in a row stop log-ins to the account from
//     that address for QC_LOCKOUT_MINUTES;
//   - for all addresses together ('*'): QC_LOCKOUT_ACCOUNT_THRESHOLD failures in a row stop
//     log-ins from every address where the account has not logged in successfully within
//     QC_LOCKOUT_KNOWN_ADDRESS_DAYS. A worker at the usual office is not locked out by a stranger
//     guessing from elsewhere; guessing spread over many addresses still stops.
// Each failure is one atomic upsert (failures = failures + 1 … RETURNING), so 30 wrong passwords
// sent at once count 30. See docs/decisions/0014.
import { sql } from 'drizzle-orm';
import type { Config } from '../../config.js';
import { queryRows, type Db, type DbOrTx } from '../../db/client.js';

export const ALL_ADDRESSES = '*';

/** The key a user name is counted under: lower case, as typed (at most 64 characters). */
export function accountKey(username: string): string {
  return username.toLowerCase().slice(0, 64);
}

interface Row {
  address: string;
  locked_until: Date | string | null;
  last_success_at: Date | string | null;
}

const asDate = (v: Date | string | null): Date | null => (v === null ? null : v instanceof Date ? v : new Date(v));

export class LoginThrottle {
  private failures = 0;
  constructor(
    private readonly db: Db,
    private readonly config: Pick<Config, 'lockoutThreshold' | 'lockoutAccountThreshold' | 'lockoutKnownAddressDays' | 'lockoutMinutes'>,
  ) {}

  /** When the lock that applies to this account from this address ends, or null when none does. */
  private lockOf(rows: Row[], address: string): Date | null {
    const now = Date.now();
    const here = rows.find((r) => r.address === address);
    const all = rows.find((r) => r.address === ALL_ADDRESSES);
    const hereUntil = asDate(here?.locked_until ?? null);
    if (hereUntil && hereUntil.getTime() > now) return hereUntil;
    const allUntil = asDate(all?.locked_until ?? null);
    if (allUntil && allUntil.getTime() > now) {
      const lastOk = asDate(here?.last_success_at ?? null);
      const known = lastOk !== null && now - lastOk.getTime() <= this.config.lockoutKnownAddressDays * 86_400_000;
      if (!known) return allUntil;
    }
    return null;
  }

  /** The lock in force, if any. `forUpdate` (inside a transaction) waits for failures being counted. */
  async lockedUntil(db: DbOrTx, account: string, address: string, forUpdate = false): Promise<Date | null> {
    const rows = await queryRows<Row>(db, sql`
      SELECT address, locked_until, last_success_at FROM login_throttle
      WHERE account = ${account} AND address IN (${address}, ${ALL_ADDRESSES}) ${forUpdate ? sql`FOR UPDATE` : sql``}`);
    return this.lockOf(rows, address);
  }

  /**
   * Counts one failure for the address and for the account, in one statement; returns the end of
   * the lock this failure reached or keeps in force, or null. A lock that has run out starts the
   * count again.
   */
  async fail(account: string, address: string, userId?: number): Promise<Date | null> {
    const { lockoutThreshold: perAddress, lockoutAccountThreshold: perAccount, lockoutMinutes: minutes } = this.config;
    const threshold = sql`(CASE WHEN t.address = ${ALL_ADDRESSES} THEN ${perAccount}::int ELSE ${perAddress}::int END)`;
    const next = sql`(CASE WHEN t.locked_until <= now() THEN 1 ELSE t.failures + 1 END)`;
    const rows = await queryRows<Row & { failures: number }>(this.db, sql`
      INSERT INTO login_throttle AS t (account, address, failures, last_failure_at, locked_until)
      VALUES
        (${account}, ${address}, 1, now(), CASE WHEN 1 >= ${perAddress}::int THEN now() + ${minutes}::int * interval '1 minute' END),
        (${account}, ${ALL_ADDRESSES}, 1, now(), CASE WHEN 1 >= ${perAccount}::int THEN now() + ${minutes}::int * interval '1 minute' END)
      ON CONFLICT (account, address) DO UPDATE SET
        failures = ${next},
        locked_until = CASE
          WHEN t.locked_until > now() THEN t.locked_until
          WHEN ${next} >= ${threshold} THEN now() + ${minutes}::int * interval '1 minute'
          ELSE NULL END,
        last_failure_at = now()
      RETURNING address, failures, locked_until, last_success_at`);
    if (++this.failures % 500 === 0) void this.sweep().catch(() => undefined);
    const lock = this.lockOf(rows, address);
    // The account list shows an account-wide lock to the administrator.
    const all = rows.find((r) => r.address === ALL_ADDRESSES);
    if (userId !== undefined && all?.locked_until) {
      await this.db.execute(sql`UPDATE user_account SET locked_until = ${asDate(all.locked_until)!.toISOString()}::timestamptz WHERE id = ${userId}`);
    }
    return lock;
  }

  /** A successful log-in: the address's count starts again and the address becomes known. */
  async succeed(tx: DbOrTx, account: string, address: string): Promise<void> {
    await tx.execute(sql`
      INSERT INTO login_throttle AS t (account, address, failures, last_success_at) VALUES (${account}, ${address}, 0, now())
      ON CONFLICT (account, address) DO UPDATE SET failures = 0, locked_until = NULL, last_success_at = now()`);
    await tx.execute(sql`UPDATE login_throttle SET failures = 0 WHERE account = ${account} AND address = ${ALL_ADDRESSES} AND (locked_until IS NULL OR locked_until <= now())`);
  }

  /** An administrator's unlock: every count of the account is dropped. */
  async clear(tx: DbOrTx, account: string): Promise<void> {
    await tx.execute(sql`DELETE FROM login_throttle WHERE account = ${account} AND last_success_at IS NULL`);
    await tx.execute(sql`UPDATE login_throttle SET failures = 0, locked_until = NULL WHERE account = ${account}`);
  }

  /** Rows of failures long past (unknown names tried once) are dropped; known addresses are kept. */
  async sweep(): Promise<number> {
    const rows = await queryRows<{ n: number }>(this.db, sql`
      WITH d AS (DELETE FROM login_throttle WHERE last_success_at IS NULL AND (locked_until IS NULL OR locked_until < now()) AND last_failure_at < now() - interval '1 day' RETURNING 1)
      SELECT count(*)::int AS n FROM d`);
    return rows[0]?.n ?? 0;
  }
}

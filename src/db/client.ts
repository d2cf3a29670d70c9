// One SQL dialect, two engines: embedded PGlite in a data folder by default, a PostgreSQL server
// through `pg` when DATABASE_URL is set. Both are wrapped in the same Drizzle type, so modules
// never know which one they run on.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { NodeFS } from '@electric-sql/pglite/nodefs';
import { sql, type SQL } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import pg from 'pg';
import { acquireDataDirLock, type DataDirLock } from './lock.js';
import * as schema from './schema.js';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Anything a query can run on: the database or an open transaction. */
export type DbOrTx = Db | Tx;

export interface Database {
  readonly db: Db;
  readonly engine: 'pglite' | 'postgres';
  /** The PGlite instance, when embedded (for dumps in tests). */
  readonly pglite?: PGlite;
  readonly pool?: pg.Pool;
  /** The embedded data folder and the lock this process holds on it. */
  readonly dataDir?: string;
  readonly lock?: DataDirLock;
  /** What PostgreSQL said while opening when the last run had not closed the folder (crash recovery). */
  readonly recovery?: readonly string[];
  close(): Promise<void>;
}

export const migrationsFolder = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

// bigint (int8) and numeric come back as strings from pg by default; counts and ids here stay far
// below 2^53, so parse them as numbers on both engines.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));
// Dates (no time) stay 'YYYY-MM-DD' strings, as PGlite returns them.
pg.types.setTypeParser(1082, (v) => v);

const pgliteParsers = { 20: (v: string) => Number(v), 1700: (v: string) => Number(v), 1082: (v: string) => v };

export interface OpenOptions {
  /** postgres:// URL; when empty, PGlite is used. */
  url?: string;
  /** PGlite data folder; 'memory://' for an in-memory database. */
  dataDir?: string;
  /** A PGlite dump to start from (tests load one migrated image per file). */
  loadDataDir?: Blob;
  poolSize?: number;
  /** Embedded: what opens the folder, written in its lock (serve, migrate, backup …). */
  command?: string;
  /** Embedded: flush the write-ahead log to disk at each commit and data files at checkpoints (default true). */
  fsync?: boolean;
  /**
   * Embedded, a folder that holds no database yet: runs on the new database before it is moved
   * into place, so a crash during it (migrations, the demo city) leaves no half-made database.
   */
  initialise?: (database: Database) => Promise<void>;
}

/** The embedded database would not start: what PostgreSQL said, and where to look next. */
export class DatabaseOpenError extends Error {
  constructor(
    readonly dataDir: string,
    readonly reason: string,
    readonly log: readonly string[],
  ) {
    super(`the embedded database in ${dataDir} did not open: ${reason}. Run \`qingche doctor\` for what happened and how to restore the latest backup`);
    this.name = 'DatabaseOpenError';
  }
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.url) {
    const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize ?? 10 });
    pool.on('error', () => undefined); // an idle client dropped by the server must not crash the app
    const db = drizzlePg(pool, { schema, casing: 'snake_case' }) as unknown as Db;
    return { db, engine: 'postgres', pool, close: () => pool.end() };
  }
  const dir = opts.dataDir ?? 'memory://';
  if (dir.startsWith('memory://')) {
    const client = await PGlite.create(dir, { loadDataDir: opts.loadDataDir, parsers: pgliteParsers, relaxedDurability: false });
    return wrapPglite(client);
  }
  return openDataFolder(resolve(dir), opts);
}

function wrapPglite(client: PGlite, extra: Partial<Database> = {}, onClose?: () => void): Database {
  const db = drizzlePglite(client, { schema, casing: 'snake_case' }) as unknown as Db;
  return {
    db, engine: 'pglite', pglite: client, ...extra,
    async close() {
      try {
        if (!client.closed) await client.close();
      } finally {
        onClose?.();
      }
    },
  };
}

/**
 * PGlite's Node file system with fsync. Emscripten's NODEFS passes every write straight to the
 * kernel (so a killed process loses nothing it committed) but turns fsync into nothing, and
 * PGlite starts PostgreSQL with fsync off: a power cut or a kernel crash could lose or tear what
 * was committed. Here fsync reaches the disk, and PostgreSQL is started with fsync on.
 */
class DurableNodeFS extends NodeFS {
  override async init(pg: PGlite, opts: Parameters<NodeFS['init']>[1]) {
    const r = await super.init(pg, opts);
    const preRun = [...(r.emscriptenOpts.preRun ?? [])];
    preRun.push((mod: { NODEFS: { stream_ops: Record<string, unknown> }; FS: { ErrnoError: new (errno: number) => Error } }) => {
      mod.NODEFS.stream_ops.fsync = (stream: { nfd?: number }) => {
        if (stream.nfd === undefined) return 0;
        try {
          fsyncSync(stream.nfd);
        } catch {
          throw new mod.FS.ErrnoError(29); // EIO: PostgreSQL stops rather than believe unwritten data is safe
        }
        return 0;
      };
    });
    return { emscriptenOpts: { ...r.emscriptenOpts, preRun } as typeof r.emscriptenOpts };
  }
}

/** PostgreSQL's start options for a data folder: PGlite's own, with fsync on through plain fsync() (fdatasync is a no-op in Emscripten). */
function startParams(fsync: boolean): string[] {
  if (!fsync) return [...PGlite.defaultStartParams];
  return [...PGlite.defaultStartParams.filter((p) => p !== '-F'), '-c', 'wal_sync_method=fsync'];
}

/** Opens PGlite on a folder, keeping what PostgreSQL writes to stderr for the error or the log. */
async function startPglite(dir: string, opts: OpenOptions): Promise<{ client: PGlite; log: string[] }> {
  const log: string[] = [];
  const onStderr = (text: string) => {
    for (const line of text.split('\n')) if (line.trim()) log.push(line.trim());
    if (log.length > 200) log.splice(0, log.length - 200);
    return false;
  };
  mkdirSync(dir, { recursive: true });
  try {
    const client = await PGlite.create({ fs: new DurableNodeFS(dir), dataDir: dir, parsers: pgliteParsers, relaxedDurability: false, startParams: startParams(opts.fsync ?? true), onStderr });
    return { client, log };
  } catch (err) {
    const said = log.filter((l) => /\b(PANIC|FATAL|ERROR):/.test(l)).map((l) => l.replace(/^.*?\b(PANIC|FATAL|ERROR):\s*/, '$1: '));
    throw new DatabaseOpenError(dir, said.at(-1) ?? (err instanceof Error ? err.message : String(err)), log);
  }
}

/** What a data folder holds: a database (PG_VERSION), nothing, or files that are not a database. */
export function folderState(dir: string): 'database' | 'empty' | 'foreign' {
  if (existsSync(join(dir, 'PG_VERSION'))) return 'database';
  if (!existsSync(dir)) return 'empty';
  return readdirSync(dir).length === 0 ? 'empty' : 'foreign';
}

/** Flushes a folder tree to disk: every file, then every directory (so renames and new names are durable). */
export function fsyncTree(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) fsyncTree(path);
    else if (entry.isFile()) fsyncPath(path);
  }
  fsyncPath(dir);
}

export function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } catch (err) {
    // Some file systems cannot fsync a directory; files they can.
    if (!statSync(path).isDirectory()) throw err;
  } finally {
    closeSync(fd);
  }
}

async function openDataFolder(dir: string, opts: OpenOptions): Promise<Database> {
  mkdirSync(dirname(dir), { recursive: true });
  const lock = acquireDataDirLock(dir, opts.command ?? 'open');
  try {
    // A first start or a restore that was killed leaves its unfinished build beside the folder,
    // a backup its copy: nobody else can be using them while this process holds the lock.
    for (const name of readdirSync(dirname(dir))) {
      if (name.startsWith(`${basename(dir)}.new-`) || name.startsWith(`${basename(dir)}.snapshot-`)) rmSync(join(dirname(dir), name), { recursive: true, force: true });
    }
    const state = folderState(dir);
    if (state === 'foreign') throw new DatabaseOpenError(dir, 'the folder holds files but no database (PG_VERSION is missing)', []);
    if (state === 'empty') await createDataFolder(dir, opts);
    const { client, log } = await startPglite(dir, opts);
    const recovery = log.some((l) => /not properly shut down|was interrupted|redo (starts|done)|automatic recovery/.test(l)) ? log.filter((l) => /LOG:|WARNING:/.test(l)) : undefined;
    return wrapPglite(client, { dataDir: dir, lock, recovery }, () => lock.release());
  } catch (err) {
    lock.release();
    throw err;
  }
}

/** Makes a new database beside the folder, prepares it, flushes it and renames it into place. */
async function createDataFolder(dir: string, opts: OpenOptions): Promise<void> {
  const building = `${dir}.new-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  const { client } = await startPglite(building, opts);
  const database = wrapPglite(client, { dataDir: building });
  try {
    await opts.initialise?.(database);
  } finally {
    await database.close();
  }
  fsyncTree(building);
  if (existsSync(dir)) rmSync(dir, { recursive: true }); // empty (checked by the caller)
  renameSync(building, dir);
  fsyncPath(dirname(dir));
}

export async function runMigrations(database: Database): Promise<void> {
  if (database.engine === 'postgres') {
    // The migrators want their engine's own Drizzle type; ours is the shared PgDatabase of both.
    // eslint-disable-next-line no-restricted-syntax -- library seam, see above
    await migratePg(database.db as never, { migrationsFolder });
  } else {
    // eslint-disable-next-line no-restricted-syntax -- library seam, see above
    await migratePglite(database.db as never, { migrationsFolder });
  }
}

/** Runs raw SQL and returns its rows, on either engine. */
export async function queryRows<T = Record<string, unknown>>(db: DbOrTx, query: SQL): Promise<T[]> {
  const res = (await db.execute(query)) as unknown as { rows: T[] };
  return res.rows;
}

export async function queryOne<T = Record<string, unknown>>(db: DbOrTx, query: SQL): Promise<T | undefined> {
  return (await queryRows<T>(db, query))[0];
}

export async function ping(db: Db): Promise<number> {
  const started = performance.now();
  await db.execute(sql`select 1`);
  return performance.now() - started;
}

// Backups of the embedded database while it runs, and restoring one into an empty data folder.
//
// A consistent copy needs the files to stand still while they are read. PGlite runs PostgreSQL
// in this process, single-threaded, behind its own mutex: inside one PGlite transaction nothing
// else can write. So a backup checkpoints (the copy then needs almost no replay), opens a
// transaction, counts the rows of every table, copies the folder beside itself (a reflink where the
// file system can) and ends the transaction; other requests wait that long. The copy is then
// streamed as .tar.gz with a manifest of the counts, and removed. Restoring extracts an archive
// beside the target folder, opens it (PostgreSQL replays the little log there is), checks every
// table has the counted rows, flushes it to disk and renames it into place. See decision 0023.
import { constants, existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import type { PGlite } from '@electric-sql/pglite';
import { folderState, fsyncPath, fsyncTree, openDatabase, type Database } from './client.js';
import { acquireDataDirLock } from './lock.js';
import { extractTar, tarStream } from './tar.js';

export const MANIFEST = 'qingche-backup.json';

export interface BackupManifest {
  format: 'qingche-backup';
  version: 1;
  createdAt: string;
  engine: 'pglite';
  /** PostgreSQL's major version (PG_VERSION): a backup opens only with the same. */
  pgVersion: string;
  migrations: number;
  /** Rows per table at the moment of the copy. */
  counts: Record<string, number>;
  /** keys.json is in the archive. */
  withKeys: boolean;
  /** How long writes waited while the files were copied. */
  pauseMs: number;
}

/** Exact row counts of every table (public schema) and the number of applied migrations. */
async function countRows(q: (text: string) => Promise<Record<string, unknown>[]>): Promise<{ counts: Record<string, number>; migrations: number }> {
  const tables = (await q(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`)).map((r) => String(r.tablename));
  const counts: Record<string, number> = {};
  if (tables.length) {
    const rows = await q(tables.map((t) => `SELECT '${t.replace(/'/g, "''")}' AS t, count(*)::int AS n FROM public."${t.replace(/"/g, '""')}"`).join(' UNION ALL '));
    for (const r of rows) counts[String(r.t)] = Number(r.n);
  }
  let migrations = 0;
  try {
    migrations = Number((await q(`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`))[0]?.n ?? 0);
  } catch {
    /* never migrated */
  }
  return { counts, migrations };
}

export async function countDatabaseRows(pglite: PGlite): Promise<{ counts: Record<string, number>; migrations: number }> {
  return countRows(async (text) => (await pglite.query<Record<string, unknown>>(text)).rows);
}

export interface BackupStream {
  manifest: BackupManifest;
  /** The .tar.gz bytes; the copy beside the folder is removed when it ends or fails. */
  stream: Readable;
}

/** Takes a consistent copy of a running embedded database and streams it as .tar.gz. */
export async function backupEmbedded(database: Database, opts: { keysFile?: string | null } = {}): Promise<BackupStream> {
  const pglite = database.pglite;
  const dir = database.dataDir;
  if (database.engine !== 'pglite' || !pglite || !dir) throw new Error('only the embedded database is backed up this way; for PostgreSQL use pg_dump');
  const snapshot = `${dir}.snapshot-${process.pid}-${randomBytes(3).toString('hex')}`;
  // What the checkpoint flushes need not be replayed from the log when the copy opens.
  await pglite.exec('CHECKPOINT');
  let pauseMs = 0;
  let counted: { counts: Record<string, number>; migrations: number } = { counts: {}, migrations: 0 };
  try {
    await pglite.transaction(async (tx) => {
      counted = await countRows(async (text) => (await tx.query<Record<string, unknown>>(text)).rows);
      const started = performance.now();
      await cp(dir, snapshot, { recursive: true, mode: constants.COPYFILE_FICLONE, filter: (src) => basename(src) !== 'postmaster.pid' });
      pauseMs = Math.round(performance.now() - started);
      // Read only: nothing to commit, and nothing was written while the files were copied.
      await tx.rollback();
    });
  } catch (err) {
    rmSync(snapshot, { recursive: true, force: true });
    throw err;
  }
  const keysFile = opts.keysFile && existsSync(opts.keysFile) ? opts.keysFile : null;
  const manifest: BackupManifest = {
    format: 'qingche-backup', version: 1, createdAt: new Date().toISOString(), engine: 'pglite',
    pgVersion: readFileSync(join(snapshot, 'PG_VERSION'), 'utf8').trim(), migrations: counted.migrations, counts: counted.counts, withKeys: Boolean(keysFile), pauseMs,
  };
  const tar = tarStream({ entries: [{ name: MANIFEST, data: Buffer.from(JSON.stringify(manifest, null, 2)) }], dir: snapshot, prefix: 'pglite', files: keysFile ? [{ name: 'keys.json', path: keysFile }] : [] });
  const gz = tar.pipe(createGzip({ level: 6 }));
  let cleaned = false;
  const clean = () => {
    if (cleaned) return;
    cleaned = true;
    rmSync(snapshot, { recursive: true, force: true });
  };
  tar.on('error', (err) => {
    clean();
    gz.destroy(err);
  });
  gz.on('end', clean);
  gz.on('close', clean);
  gz.on('error', clean);
  return { manifest, stream: gz };
}

export class RestoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreError';
  }
}

export interface RestoreResult {
  manifest: BackupManifest;
  files: number;
  bytes: number;
  /** keys.json from the backup was written into the data folder. */
  keysRestored: boolean;
  /** Where the folder that was there before went (with `replace`). */
  movedAside: string | null;
}

/**
 * Restores a backup into the embedded database folder `target` (data/pglite), which must be
 * empty or missing; with `replace`, a folder that is there (a damaged one) is renamed aside,
 * never deleted. Takes the folder's lock, so it refuses while a server runs on it.
 */
export async function restoreEmbedded(input: Readable, target: string, opts: { keysFile: string; replace?: boolean }): Promise<RestoreResult> {
  const lock = acquireDataDirLock(target, 'restore');
  const building = `${target}.new-${process.pid}`;
  try {
    const state = folderState(target);
    if (state !== 'empty' && !opts.replace) {
      throw new RestoreError(`${target} already holds ${state === 'database' ? 'a database' : 'files'}; restore goes into an empty folder. Move it aside first (mv ${target} ${target}.old), or pass --replace to have it renamed aside`);
    }
    rmSync(building, { recursive: true, force: true });
    let manifest: BackupManifest | null = null;
    const extracted = await extractTar(input.pipe(createGunzip()), building, (name) => {
      if (name === MANIFEST || name === 'keys.json') return 'keep';
      if (name === 'pglite') return '.';
      if (name.startsWith('pglite/')) return name.slice('pglite/'.length);
      return null;
    });
    const rawManifest = extracted.kept.get(MANIFEST);
    if (!rawManifest) throw new RestoreError('this file is not a Qingche backup (it has no qingche-backup.json)');
    manifest = JSON.parse(rawManifest.toString('utf8')) as BackupManifest;
    if (manifest.format !== 'qingche-backup' || manifest.version !== 1) throw new RestoreError(`unknown backup format ${String(manifest.format)} ${String(manifest.version)}`);
    if (folderState(building) !== 'database') throw new RestoreError('the backup holds no database folder (PG_VERSION is missing)');

    // The keys: the backup's are used only where the folder has none; different ones are refused,
    // since the restored ID numbers and phones could not be read with them.
    const keys = extracted.kept.get('keys.json');
    let keysRestored = false;
    if (keys) {
      if (existsSync(opts.keysFile)) {
        if (readFileSync(opts.keysFile).toString('utf8').trim() !== keys.toString('utf8').trim()) {
          throw new RestoreError(`the backup carries keys different from ${opts.keysFile}; the restored data is readable only with the backup's keys. Move ${opts.keysFile} aside (keep it!) and restore again`);
        }
      } else keysRestored = true;
    }

    // Open it (PostgreSQL replays what little log the copy holds) and check every table.
    const probe = await openDatabase({ dataDir: building, command: 'restore-check', fsync: true }).catch((err: unknown) => {
      throw new RestoreError(`the backup does not open: ${(err as Error).message}`);
    });
    try {
      const { counts, migrations } = await countDatabaseRows(probe.pglite!);
      const wrong = Object.entries(manifest.counts).filter(([t, n]) => counts[t] !== n);
      if (wrong.length || migrations !== manifest.migrations) {
        throw new RestoreError(`the restored database differs from what the backup counted: ${wrong.slice(0, 5).map(([t, n]) => `${t} ${counts[t] ?? 'missing'} rows, expected ${n}`).join('; ') || `migrations ${migrations}, expected ${manifest.migrations}`}`);
      }
    } finally {
      await probe.close();
    }
    fsyncTree(building);
    let movedAside: string | null = null;
    if (existsSync(target)) {
      if (state === 'empty') rmSync(target, { recursive: true, force: true });
      else {
        movedAside = `${target}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
        renameSync(target, movedAside);
      }
    }
    renameSync(building, target);
    fsyncPath(dirname(target));
    if (keys && keysRestored) {
      const { writeFileSync } = await import('node:fs');
      writeFileSync(opts.keysFile, keys, { mode: 0o600 });
    }
    return { manifest, files: extracted.files, bytes: extracted.bytes, keysRestored, movedAside };
  } catch (err) {
    rmSync(building, { recursive: true, force: true });
    throw err;
  } finally {
    lock.release();
  }
}

// `qingche doctor`: what is the matter with an embedded data folder that will not open, in words
// an operator can act on: a live process holds it, a stale lock (harmless), files missing, the
// database refusing to start (with what PostgreSQL said), and which backup to restore and how.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DatabaseOpenError, folderState, openDatabase } from './client.js';
import { countDatabaseRows } from './backup.js';
import { describeHolder, inspectLock } from './lock.js';

export type Severity = 'ok' | 'note' | 'problem';

export interface Finding {
  severity: Severity;
  /** Stable key for scripts and tests: lock.held, files.missing, open.failed … */
  code: string;
  text: string;
}

export interface DoctorReport {
  folder: string;
  findings: Finding[];
  /** 0 healthy, 1 damaged (restore), 3 in use by a live process (nothing was tried). */
  exitCode: 0 | 1 | 3;
  backups: { path: string; size: number; at: Date }[];
}

/** Backups in a folder, newest first (by the time in the name, else the file's). */
export function listBackups(dir: string): { path: string; size: number; at: Date }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n.endsWith('.tar.gz') && !n.endsWith('.partial'))
    .map((n) => {
      const st = statSync(join(dir, n));
      return { path: join(dir, n), size: st.size, at: st.mtime };
    })
    .sort((a, b) => b.at.getTime() - a.at.getTime());
}

/** What a PostgreSQL message means for the person reading it. */
function explain(reason: string): string {
  if (/pg_control/.test(reason)) return 'the control file (global/pg_control) is missing or unreadable: the folder is incomplete (copied while a server ran, or files deleted)';
  if (/checkpoint record/.test(reason)) return 'the write-ahead log (pg_wal) is missing or damaged, so the database cannot be brought to a consistent state';
  if (/could not open file|No such file/.test(reason)) return 'a file the database needs is missing';
  if (/invalid page|checksum|unexpected zero page/.test(reason)) return 'a data file is damaged';
  if (/incompatible|PG_VERSION|initialized by PostgreSQL version/.test(reason)) return 'the folder was made by another PostgreSQL version';
  return 'PostgreSQL refused to start on this folder';
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

/**
 * Examines `<dataDir>/pglite` (or a PGlite folder given directly). It opens the database only
 * when no live process holds it, the same way the server would (recovering after a crash).
 */
export async function examineDataFolder(dataDir: string, backupDir: string): Promise<DoctorReport> {
  const folder = existsSync(join(dataDir, 'PG_VERSION')) ? dataDir : join(dataDir, 'pglite');
  const findings: Finding[] = [];
  const add = (severity: Severity, code: string, text: string) => findings.push({ severity, code, text });
  const backups = listBackups(backupDir);
  const done = (exitCode: 0 | 1 | 3): DoctorReport => {
    if (exitCode === 1) {
      if (backups.length) {
        const b = backups[0]!;
        add('note', 'restore.latest', `latest backup: ${b.path} (${mb(b.size)}, ${b.at.toISOString()}). Restore it with:\n      qingche restore ${b.path} --replace\n    (the damaged folder is renamed aside, not deleted; keys.json must be the one the backup was made with)`);
      } else {
        add('note', 'restore.none', `no backup found in ${backupDir}. Keep the folder as it is (copy it elsewhere before trying anything) and restore from wherever backups were written, with: qingche restore <file.tar.gz> --replace`);
      }
    }
    return { folder, findings, exitCode, backups };
  };

  const lock = inspectLock(folder);
  if (lock.state === 'held') {
    add('problem', 'lock.held', `in use by ${describeHolder(lock.info)}. A folder is opened by one process at a time: stop it (kill -TERM ${lock.info.pid}) before running another server or command on it, or back it up while it runs with \`qingche backup\``);
    return done(3);
  }
  if (lock.state === 'unknown') {
    add('problem', 'lock.unknown', `${lock.reason}. If no Qingche runs on that machine with this folder, delete ${folder}.lock`);
    return done(3);
  }
  if (lock.state === 'stale') add('note', 'lock.stale', `a stale lock ${lock.reason}; the next start takes it over (nothing to do)`);
  if (lock.state === 'unreadable') add('note', 'lock.unreadable', `${lock.reason}; the next start replaces it`);

  const leftovers = existsSync(dirname(folder)) ? readdirSync(dirname(folder)).filter((n) => n.startsWith(`${basename(folder)}.new-`)) : [];
  if (leftovers.length) add('note', 'folder.unfinished', `an unfinished new database (${leftovers.join(', ')}) from a first start or restore that was stopped; the next start removes it`);

  const state = folderState(folder);
  if (state === 'empty') {
    add('note', 'folder.empty', `${folder} holds no database yet: the first start creates one${backups.length ? ', or restore a backup into it' : ''}`);
    return done(backups.length ? 1 : 0);
  }
  const missing = ['PG_VERSION', 'global/pg_control', 'pg_wal', 'base'].filter((p) => !existsSync(join(folder, p)));
  if (existsSync(join(folder, 'pg_wal')) && !readdirSync(join(folder, 'pg_wal')).some((n) => /^[0-9A-F]{24}$/.test(n))) missing.push('pg_wal/<segments>');
  if (missing.length) add('problem', 'files.missing', `missing from ${folder}: ${missing.join(', ')}`);
  if (existsSync(join(folder, 'postmaster.pid'))) add('note', 'shutdown.unclean', 'the last process on this folder did not close it (killed or crashed); opening it replays the write-ahead log');

  try {
    const database = await openDatabase({ dataDir: folder, command: 'doctor' });
    try {
      const { counts, migrations } = await countDatabaseRows(database.pglite!);
      if (database.recovery) add('ok', 'open.recovered', 'recovered from the write-ahead log after an unclean stop');
      add('ok', 'open.ok', `the database opens: ${migrations} migrations applied, ${counts.resident ?? 0} residents, ${counts.user_account ?? 0} accounts, ${counts.audit_log ?? 0} audit rows`);
    } finally {
      await database.close();
    }
    return done(missing.length ? 1 : 0);
  } catch (err) {
    if (err instanceof DatabaseOpenError) {
      add('problem', 'open.failed', `the database does not open: ${explain(err.reason)}.\n    PostgreSQL said: ${err.reason}`);
    } else {
      add('problem', 'open.failed', `the database does not open: ${(err as Error).message}`);
    }
    return done(1);
  }
}

export function formatReport(r: DoctorReport): string {
  const mark = { ok: 'OK ', note: ' · ', problem: '!! ' } as const;
  const head = r.exitCode === 0 ? '数据库正常 / the database is healthy' : r.exitCode === 3 ? '数据目录正被使用 / the data folder is in use' : '数据库无法打开 / the database needs attention';
  return [`qingche doctor: ${r.folder}`, `  ${head}`, ...r.findings.map((f) => `  ${mark[f.severity]} ${f.text}`)].join('\n');
}

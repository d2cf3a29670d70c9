// `qingche backup`, `qingche restore` and `qingche doctor`: keeping the embedded database safe.
// A backup of a running server is asked of the server itself (it holds the folder; see
// platform/ops.routes.ts), of a stopped one taken here; PostgreSQL has pg_dump and pg_restore.
import { closeSync, createReadStream, createWriteStream, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { parseArgs } from 'node:util';
import type { Config } from '../config.js';
import { openDatabase } from '../db/client.js';
import { backupEmbedded, restoreEmbedded, type BackupManifest } from '../db/backup.js';
import { examineDataFolder, formatReport } from '../db/doctor.js';
import { describeHolder, inspectLock } from '../db/lock.js';
import { pgliteDir } from '../main.js';
import { OPS_TOKEN_HEADER } from '../platform/ops.routes.js';

export function backupDirOf(config: Config): string {
  return config.backupDir || join(config.dataDir, 'backups');
}

const stamp = (d = new Date()) => d.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

const PG_BACKUP = `This server uses PostgreSQL (DATABASE_URL): back it up with the database's own tools, e.g.
  pg_dump --format=custom --file=qingche-$(date +%Y%m%d).dump "$DATABASE_URL"
and restore with pg_restore --clean --dbname="$DATABASE_URL" <file>. The dump holds ID numbers and
phones encrypted; keep the QC_* keys apart from it.`;

/** Where a backup goes: the given file, a file in the given folder, or one in the backup folder. */
function destination(config: Config, given: string | undefined): string {
  const name = `qingche-${stamp()}.tar.gz`;
  if (!given) return join(backupDirOf(config), name);
  const path = resolve(given);
  if (given.endsWith('/') || (existsSync(path) && statSync(path).isDirectory())) return join(path, name);
  return path;
}

export async function runBackupCommand(config: Config, args: string[], log: (m: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { 'with-keys': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    log('Usage: qingche backup [FILE|FOLDER] [--with-keys]\n  A consistent copy of the embedded database (running or not) as .tar.gz, by default into QC_BACKUP_DIR\n  (<QC_DATA_DIR>/backups). --with-keys adds keys.json (generated keys) to the archive.');
    return 0;
  }
  if (config.databaseUrl) {
    log(PG_BACKUP);
    return 2;
  }
  const dir = pgliteDir(config);
  const dest = destination(config, positionals[0]);
  mkdirSync(dirname(dest), { recursive: true });
  const partial = `${dest}.partial`;
  const keysFile = join(config.dataDir, 'keys.json');
  const withKeys = Boolean(values['with-keys']);
  let manifest: BackupManifest | null = null;
  const lock = inspectLock(dir);
  try {
    if (lock.state === 'held' && !lock.self) {
      if (!lock.info.url || !lock.info.opsToken) {
        log(`the data folder is in use by ${describeHolder(lock.info)}, which takes no backup requests: wait until it ends, or stop it`);
        return 3;
      }
      // The running server makes the copy; this only writes what it sends.
      const res = await fetch(`${lock.info.url}/api/ops/backup?withKeys=${withKeys}`, { method: 'POST', headers: { [OPS_TOKEN_HEADER]: lock.info.opsToken } });
      if (res.status !== 200 || !res.body) {
        const body = await res.text();
        let message = body;
        try {
          message = (JSON.parse(body) as { error?: { message?: string } }).error?.message ?? body;
        } catch {
          /* not JSON */
        }
        log(`the server at ${lock.info.url} refused the backup (${res.status}): ${message}`);
        return 1;
      }
      const head = res.headers.get('x-qingche-backup-manifest');
      if (head) manifest = JSON.parse(Buffer.from(head, 'base64').toString('utf8')) as BackupManifest;
      await pipeline(Readable.fromWeb(res.body as unknown as WebReadableStream), createWriteStream(partial, { mode: 0o600 }));
      log(`asked the running server (${describeHolder(lock.info)}) for the copy`);
    } else if (lock.state === 'unknown') {
      log(`the data folder is ${lock.reason}; back it up on that machine`);
      return 3;
    } else {
      const database = await openDatabase({ dataDir: dir, command: 'backup', fsync: config.pgliteFsync });
      try {
        const b = await backupEmbedded(database, { keysFile: withKeys ? keysFile : null });
        manifest = b.manifest;
        await pipeline(b.stream, createWriteStream(partial, { mode: 0o600 }));
      } finally {
        await database.close();
      }
    }
    const fd = openSync(partial, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(partial, dest);
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  }
  const size = statSync(dest).size;
  log(`backup written: ${dest} (${mb(size)}${manifest ? `; ${manifest.counts?.resident ?? 0} residents, ${manifest.counts?.audit_log ?? 0} audit rows; writes waited ${manifest.pauseMs} ms` : ''})`);
  if (!withKeys && !config.dataKey && existsSync(keysFile)) {
    log(`the keys are not in it: keep ${keysFile} safe apart from the backups (without it the ID numbers and phones in a backup cannot be read), or use --with-keys`);
  }
  return 0;
}

export async function runRestoreCommand(config: Config, args: string[], log: (m: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { replace: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help || !positionals[0]) {
    log('Usage: qingche restore FILE.tar.gz [--replace]\n  Restores a backup into the (empty) embedded data folder <QC_DATA_DIR>/pglite; with --replace a folder\n  already there is renamed aside (never deleted). The server must be stopped.');
    return values.help ? 0 : 2;
  }
  if (config.databaseUrl) {
    log(PG_BACKUP);
    return 2;
  }
  const file = resolve(positionals[0]);
  if (!existsSync(file)) {
    log(`no such file: ${file}`);
    return 1;
  }
  mkdirSync(config.dataDir, { recursive: true });
  const r = await restoreEmbedded(createReadStream(file), pgliteDir(config), { keysFile: join(config.dataDir, 'keys.json'), replace: Boolean(values.replace) });
  if (r.movedAside) log(`the folder that was there is kept as ${r.movedAside}`);
  log(`restored ${basename(file)} (made ${r.manifest.createdAt}) into ${pgliteDir(config)}: ${r.files} files, ${mb(r.bytes)}; every table has the rows the backup counted (${r.manifest.counts.resident ?? 0} residents)`);
  if (r.keysRestored) log(`keys.json from the backup written to ${join(config.dataDir, 'keys.json')}`);
  else if (!r.manifest.withKeys && !config.dataKey && !existsSync(join(config.dataDir, 'keys.json'))) {
    log(`!! no keys: the backup has no keys.json and ${config.dataDir} has none. Put back the keys.json (or set the QC_* keys) the backup was made with before starting, or the ID numbers and phones cannot be read`);
  }
  return 0;
}

export async function runDoctorCommand(config: Config, args: string[], log: (m: string) => void): Promise<number> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    log('Usage: qingche doctor [DATA_DIR]\n  Says what is the matter with an embedded data folder (QC_DATA_DIR by default) and how to restore it.');
    return 0;
  }
  if (config.databaseUrl && !positionals[0]) {
    const database = await openDatabase({ url: config.databaseUrl, poolSize: 1 });
    try {
      await database.pool!.query('SELECT 1');
      log('qingche doctor: PostgreSQL answers (DATABASE_URL). Its backups are pg_dump\'s; its health is the server\'s own (pg_stat_activity, the server log).');
      return 0;
    } catch (err) {
      log(`qingche doctor: PostgreSQL does not answer: ${(err as Error).message}`);
      return 1;
    } finally {
      await database.close();
    }
  }
  const dataDir = resolve(positionals[0] ?? config.dataDir);
  const report = await examineDataFolder(dataDir, config.backupDir || join(existsSync(join(dataDir, 'PG_VERSION')) ? dirname(dataDir) : dataDir, 'backups'));
  log(formatReport(report));
  return report.exitCode;
}

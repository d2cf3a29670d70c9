// Backups of the embedded database: a copy taken while writes keep coming restores to a database
// with exactly the rows counted at the moment of the copy; restore goes only into an empty folder
// and checks every table; the archive refuses paths outside its folder; the lock refuses a second
// opening and takes over a dead one's; doctor names a held lock and a damaged folder, and the
// backup to restore.
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, runMigrations, type Database } from '../../src/db/client.js';
import { backupEmbedded, countDatabaseRows, restoreEmbedded, RestoreError } from '../../src/db/backup.js';
import { examineDataFolder, formatReport } from '../../src/db/doctor.js';
import { acquireDataDirLock, DataDirLockedError, inspectLock, lockFileFor } from '../../src/db/lock.js';
import { tarHeader } from '../../src/db/tar.js';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { testDataKeys } from '../../src/platform/crypto.js';
import { OPS_TOKEN_HEADER } from '../../src/platform/ops.routes.js';
import { testDefaults } from '../support/app.js';
import { runCli } from '../support/server.js';

const root = mkdtempSync(join(tmpdir(), 'qingche-backup-'));
const dataDir = join(root, 'data');
const folder = join(dataDir, 'pglite');
let database: Database;

beforeAll(async () => {
  database = await openDatabase({ dataDir: folder, command: 'test', initialise: runMigrations });
  await database.db.execute(sql`CREATE TABLE test_rows (id serial PRIMARY KEY, v text NOT NULL)`);
  await database.db.execute(sql`INSERT INTO test_rows (v) SELECT 'row ' || g FROM generate_series(1, 5000) g`);
}, 120_000);

afterAll(async () => {
  await database?.close().catch(() => undefined);
  rmSync(root, { recursive: true, force: true });
});

async function backupTo(file: string, db: Database) {
  const b = await backupEmbedded(db);
  await pipeline(b.stream, createWriteStream(file));
  return b.manifest;
}

describe('backup of a running embedded database, and restore', () => {
  it('copies a consistent moment while writes keep coming, and restores exactly those rows', async () => {
    const file = join(root, 'one.tar.gz');
    // Writes race the backup: every one either is in the copy or is not, never half.
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        await database.db.execute(sql`INSERT INTO test_rows (v) VALUES (${`during ${written}`})`);
        written += 1;
        await new Promise((r) => setImmediate(r));
      }
    })();
    await new Promise((r) => setTimeout(r, 50));
    const manifest = await backupTo(file, database);
    await new Promise((r) => setTimeout(r, 50));
    writing = false;
    await writer;
    expect(written).toBeGreaterThan(0);
    expect(manifest.counts.test_rows).toBeGreaterThanOrEqual(5000);
    const now = (await countDatabaseRows(database.pglite!)).counts.test_rows!;
    expect(now).toBeGreaterThan(manifest.counts.test_rows!); // writes went on after the copy
    expect(readdirSync(dataDir).filter((n) => n.includes('.snapshot-'))).toEqual([]);
    expect(readFileSync(file).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));

    const target = join(root, 'restored', 'pglite');
    const r = await restoreEmbedded(createReadStream(file), target, { keysFile: join(root, 'restored', 'keys.json') });
    expect(r.manifest.counts).toEqual(manifest.counts);
    const back = await openDatabase({ dataDir: target });
    try {
      const counted = await countDatabaseRows(back.pglite!);
      expect(counted.counts).toEqual(manifest.counts);
      expect(counted.migrations).toBe(manifest.migrations);
      // Row for row, the same as the source had then.
      const src = (await database.pglite!.query<{ id: number; v: string }>(`SELECT id, v FROM test_rows WHERE id <= ${manifest.counts.test_rows} ORDER BY id`)).rows;
      const got = (await back.pglite!.query<{ id: number; v: string }>('SELECT id, v FROM test_rows ORDER BY id')).rows;
      expect(got).toEqual(src);
    } finally {
      await back.close();
    }

    // Restore goes only into an empty folder; --replace renames the old one aside.
    await expect(restoreEmbedded(createReadStream(file), target, { keysFile: join(root, 'restored', 'keys.json') })).rejects.toThrow(/already holds a database/);
    const again = await restoreEmbedded(createReadStream(file), target, { keysFile: join(root, 'restored', 'keys.json'), replace: true });
    expect(again.movedAside).toMatch(/pglite\.before-restore-/);
    expect(existsSync(join(again.movedAside!, 'PG_VERSION'))).toBe(true);
  }, 180_000);

  it('refuses an archive that is not a backup, one whose rows differ from its count, and paths outside the folder', async () => {
    const target = join(root, 'bad', 'pglite');
    const archive = async (entries: { name: string; data: Buffer }[]) => {
      const parts: Buffer[] = [];
      for (const e of entries) {
        parts.push(tarHeader(e.name, e.data.length), e.data, Buffer.alloc((512 - (e.data.length % 512)) % 512));
      }
      parts.push(Buffer.alloc(1024));
      return Readable.from([Buffer.concat(parts)]).pipe(createGzip());
    };
    await expect(restoreEmbedded(await archive([{ name: 'hello.txt', data: Buffer.from('hi') }]), target, { keysFile: join(root, 'bad', 'keys.json') })).rejects.toThrow(RestoreError);
    await expect(restoreEmbedded(await archive([{ name: 'pglite/../../escape.txt', data: Buffer.from('x') }]), target, { keysFile: join(root, 'bad', 'keys.json') })).rejects.toThrow(/outside the folder/);
    expect(existsSync(join(root, 'escape.txt'))).toBe(false);
    expect(existsSync(target)).toBe(false);
  });
});

describe('the backup endpoint of the running server', () => {
  it('answers only this machine with the lock file’s token, with an archive that restores', async () => {
    const config = loadConfig({}, { ...testDefaults, env: 'test', dataDir, mqttPort: 0, jobsEnabled: false, logLevel: 'silent', port: 0 });
    const built = await buildApp({ config, database, keys: testDataKeys(), logger: false });
    try {
      const token = database.lock!.info.opsToken!;
      const call = (headers: Record<string, string>, remoteAddress = '127.0.0.1') => built.app.inject({ method: 'POST', url: '/api/ops/backup', headers, remoteAddress });
      const wrong = await call({ [OPS_TOKEN_HEADER]: 'x'.repeat(token.length) });
      expect(wrong.statusCode).toBe(403);
      expect(wrong.json().error.code).toBe('OPS_TOKEN_INVALID');
      const remote = await call({ [OPS_TOKEN_HEADER]: token, 'x-forwarded-for': '127.0.0.1' }, '10.1.2.3');
      expect(remote.statusCode).toBe(403);
      expect(remote.json().error.code).toBe('OPS_LOCAL_ONLY');
      const ok = await call({ [OPS_TOKEN_HEADER]: token });
      expect(ok.statusCode).toBe(200);
      expect(ok.headers['content-type']).toBe('application/gzip');
      const target = join(root, 'from-http', 'pglite');
      const r = await restoreEmbedded(Readable.from([ok.rawPayload]), target, { keysFile: join(root, 'from-http', 'keys.json') });
      expect(r.manifest.counts.test_rows).toBeGreaterThanOrEqual(5000);
      const audited = await database.pglite!.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'database.backup'`);
      expect(audited.rows[0]!.n).toBe(1);
    } finally {
      await built.close();
    }
  }, 180_000);
});

describe('the data folder lock', () => {
  it('refuses a second opening, by this process or another, and takes over the lock of a dead process', async () => {
    await expect(openDatabase({ dataDir: folder })).rejects.toThrow(/already open in this process/);
    const other = join(root, 'other');
    mkdirSync(other, { recursive: true });
    // A lock left by a killed process: a pid that no longer runs.
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => dead.once('exit', r));
    writeFileSync(lockFileFor(join(other, 'pglite')), JSON.stringify({ pid: dead.pid, hostname: (await import('node:os')).hostname(), bootId: null, procStart: null, startedAt: '2026-01-01T00:00:00Z', command: 'serve' }));
    expect(inspectLock(join(other, 'pglite'))).toMatchObject({ state: 'stale' });
    const lock = acquireDataDirLock(join(other, 'pglite'), 'test');
    expect(lock.tookOver).toMatchObject({ state: 'stale', info: { pid: dead.pid } });
    expect(() => acquireDataDirLock(join(other, 'pglite'), 'test')).toThrow(DataDirLockedError);
    lock.release();
    expect(existsSync(lockFileFor(join(other, 'pglite')))).toBe(false);
  });
});

describe('qingche doctor', () => {
  it('names the process holding a folder, and for a damaged one what PostgreSQL said and the backup to restore', async () => {
    // Held by this test process: the command in a child process sees a live holder.
    const held = runCli(['doctor'], dataDir);
    expect(held.code).toBe(3);
    expect(held.out).toContain(`in use by process ${process.pid} (qingche test`);
    expect(held.out).toContain(`kill -TERM ${process.pid}`);

    // A copy of the folder whose control file is gone (a copy taken file by file, a deleted file).
    const damaged = join(root, 'damaged');
    mkdirSync(join(damaged, 'backups'), { recursive: true });
    const manifest = await backupTo(join(damaged, 'backups', 'qingche-20260101-000000.tar.gz'), database);
    expect(manifest.counts.test_rows).toBeGreaterThan(0);
    await restoreEmbedded(createReadStream(join(damaged, 'backups', 'qingche-20260101-000000.tar.gz')), join(damaged, 'pglite'), { keysFile: join(damaged, 'keys.json') });
    unlinkSync(join(damaged, 'pglite', 'global', 'pg_control'));
    const report = await examineDataFolder(damaged, join(damaged, 'backups'));
    const text = formatReport(report);
    expect(report.exitCode).toBe(1);
    expect(report.findings.map((f) => f.code)).toEqual(expect.arrayContaining(['files.missing', 'open.failed', 'restore.latest']));
    expect(text).toContain('global/pg_control');
    expect(text).toContain('could not open file "global/pg_control"');
    expect(text).toContain(`qingche restore ${join(damaged, 'backups', 'qingche-20260101-000000.tar.gz')} --replace`);
    // The lock it took to try is gone again.
    expect(existsSync(lockFileFor(join(damaged, 'pglite')))).toBe(false);

    // Restored as it says, the folder is healthy again.
    await restoreEmbedded(createReadStream(join(damaged, 'backups', 'qingche-20260101-000000.tar.gz')), join(damaged, 'pglite'), { keysFile: join(damaged, 'keys.json'), replace: true });
    const healthy = await examineDataFolder(damaged, join(damaged, 'backups'));
    expect(healthy.exitCode).toBe(0);
    expect(healthy.findings.map((f) => f.code)).toContain('open.ok');
  }, 180_000);
});

describe('restore refuses keys that do not match', () => {
  it('leaves the folder empty when the backup carries other keys than the folder has', async () => {
    const keys = join(root, 'k', 'keys.json');
    mkdirSync(join(root, 'k'), { recursive: true });
    writeFileSync(join(dataDir, 'keys.json'), '{"dataKey":"aa"}');
    writeFileSync(keys, '{"dataKey":"bb"}');
    const b = await backupEmbedded(database, { keysFile: join(dataDir, 'keys.json') });
    await expect(restoreEmbedded(b.stream, join(root, 'k', 'pglite'), { keysFile: keys })).rejects.toThrow(/keys different/);
    expect(existsSync(join(root, 'k', 'pglite'))).toBe(false);
    expect(readFileSync(keys, 'utf8')).toBe('{"dataKey":"bb"}');
  }, 120_000);
});

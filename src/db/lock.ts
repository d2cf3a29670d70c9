// One process per embedded data folder. PGlite runs PostgreSQL in single-user mode inside this
// process and has no lock of its own that works across processes (its postmaster.pid always says
// pid -42): two processes on one folder both write its files and lose or corrupt rows. So the
// folder gets a lock file beside it (`<folder>.lock`, e.g. data/pglite.lock), created with
// O_EXCL, naming the holder. A lock whose process is gone (killed, crashed, machine restarted)
// is stale and taken over; one whose process lives is refused with its pid. See decision 0023.
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';

export interface LockInfo {
  pid: number;
  hostname: string;
  /** Linux: the kernel's boot id, so a lock from before a restart of the machine is known stale. */
  bootId: string | null;
  /** Linux: the holder's start time in clock ticks since boot, so a reused pid is not mistaken for the holder. */
  procStart: string | null;
  startedAt: string;
  /** What holds it: `serve`, `migrate`, `backup` … */
  command: string;
  /** Where the holder answers (set by `serve` once it listens). */
  url?: string;
  /** A secret for operations the holder performs on request of the command line (backup); readable only by the folder's owner. */
  opsToken?: string;
}

export type LockState =
  | { state: 'free' }
  | { state: 'held'; info: LockInfo; self: boolean }
  | { state: 'stale'; info: LockInfo; reason: string }
  | { state: 'unknown'; info: LockInfo; reason: string }
  | { state: 'unreadable'; reason: string };

export class DataDirLockedError extends Error {
  constructor(
    readonly lockFile: string,
    readonly info: LockInfo,
    detail: string,
  ) {
    super(detail);
    this.name = 'DataDirLockedError';
  }
}

export function lockFileFor(dataDir: string): string {
  return `${resolve(dataDir)}.lock`;
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}

const bootId = (): string | null => readText('/proc/sys/kernel/random/boot_id');

/** Field 22 of /proc/<pid>/stat (after the parenthesised command, which may hold spaces). */
function procStartOf(pid: number): string | null {
  const stat = readText(`/proc/${pid}/stat`);
  if (!stat) return null;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19] ?? null;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Locks this process holds, so a second open of the same folder in one process is refused too. */
const heldHere = new Set<string>();

function parse(text: string): LockInfo | null {
  try {
    const v = JSON.parse(text) as Partial<LockInfo>;
    if (typeof v.pid !== 'number' || !Number.isInteger(v.pid) || typeof v.hostname !== 'string') return null;
    return { bootId: null, procStart: null, startedAt: '', command: '', ...v } as LockInfo;
  } catch {
    return null;
  }
}

/** What the lock file of a folder says, and whether its holder still runs. */
export function inspectLock(dataDir: string): LockState {
  const file = lockFileFor(dataDir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'free' };
    return { state: 'unreadable', reason: (err as Error).message };
  }
  const info = parse(text);
  if (!info) return { state: 'unreadable', reason: `${file} is not a lock written by Qingche (or was cut short by a crash)` };
  return judge(file, info);
}

function judge(file: string, info: LockInfo): LockState {
  if (info.hostname !== hostname()) {
    return { state: 'unknown', info, reason: `held by process ${info.pid} on another machine (${info.hostname}); this machine cannot tell whether it still runs` };
  }
  const boot = bootId();
  if (info.bootId && boot && info.bootId !== boot) return { state: 'stale', info, reason: `left by process ${info.pid} before this machine restarted` };
  if (info.pid === process.pid) {
    if (heldHere.has(file)) return { state: 'held', info, self: true };
    // The same pid in a new process (a container restarted): the old holder is gone.
    return { state: 'stale', info, reason: `left by an earlier process that had this process's pid ${info.pid}` };
  }
  if (!alive(info.pid)) return { state: 'stale', info, reason: `left by process ${info.pid}, which is no longer running (it was killed or crashed)` };
  const start = procStartOf(info.pid);
  if (info.procStart && start && info.procStart !== start) return { state: 'stale', info, reason: `left by process ${info.pid}, which is no longer running (the pid now belongs to another program)` };
  return { state: 'held', info, self: false };
}

export function describeHolder(info: LockInfo): string {
  return `process ${info.pid} (qingche ${info.command || '?'}, since ${info.startedAt || '?'}${info.url ? `, at ${info.url}` : ''})`;
}

export interface DataDirLock {
  readonly file: string;
  readonly info: LockInfo;
  /** Stale lock taken over, if any (for the log). */
  readonly tookOver: LockState | null;
  /** Adds fields (the address once listening). */
  update(extra: Partial<LockInfo>): void;
  release(): void;
}

/**
 * Takes the folder's lock or throws DataDirLockedError naming the holder. Creation is atomic
 * (O_CREAT|O_EXCL); a stale lock is moved aside by rename, and if what was moved turns out to be
 * a fresh lock of a process that won a race, it is put back and this one gives way.
 */
export function acquireDataDirLock(dataDir: string, command: string): DataDirLock {
  const file = lockFileFor(dataDir);
  mkdirSync(dirname(file), { recursive: true });
  const info: LockInfo = { pid: process.pid, hostname: hostname(), bootId: bootId(), procStart: procStartOf(process.pid), startedAt: new Date().toISOString(), command, opsToken: randomBytes(24).toString('base64url') };
  let tookOver: LockState | null = null;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      try {
        writeSync(fd, JSON.stringify(info, null, 2));
      } finally {
        closeSync(fd);
      }
      heldHere.add(file);
      return makeLock(file, info, tookOver);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const current = inspectLock(dataDir);
    if (current.state === 'free') continue;
    if (current.state === 'held') {
      throw new DataDirLockedError(file, current.info, current.self
        ? `the data folder ${resolve(dataDir)} is already open in this process`
        : `the data folder ${resolve(dataDir)} is in use by ${describeHolder(current.info)}; stop it first (kill -TERM ${current.info.pid}), or use another QC_DATA_DIR`);
    }
    if (current.state === 'unknown') {
      throw new DataDirLockedError(file, current.info, `the data folder ${resolve(dataDir)} is ${current.reason}. If no Qingche runs there on this folder, delete ${file}`);
    }
    // Stale (or unreadable: a crash while writing it). Move it aside atomically, then check that
    // what was moved is the lock judged stale and not one a racing process has just written.
    const aside = `${file}.stale-${process.pid}-${randomBytes(3).toString('hex')}`;
    const expected = current.state === 'stale' ? current.info : null;
    try {
      renameSync(file, aside);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    const moved = parse(readText(aside) ?? '');
    const same = expected ? moved?.pid === expected.pid && moved.startedAt === expected.startedAt : moved === null;
    if (!same) {
      try {
        linkSync(aside, file);
      } catch {
        /* a third process took the place: it decides */
      }
      unlinkSync(aside);
      continue;
    }
    unlinkSync(aside);
    tookOver = current;
  }
  throw new Error(`could not take the lock ${file} (several processes are starting on this folder at once)`);
}

function makeLock(file: string, info: LockInfo, tookOver: LockState | null): DataDirLock {
  let current = info;
  let released = false;
  const onExit = () => lock.release();
  const lock: DataDirLock = {
    file,
    get info() {
      return current;
    },
    tookOver,
    update(extra) {
      if (released) return;
      current = { ...current, ...extra };
      // Written beside and renamed over, so a reader never sees half a lock.
      const tmp = `${file}.tmp-${process.pid}`;
      writeFileSync(tmp, JSON.stringify(current, null, 2), { mode: 0o600 });
      renameSync(tmp, file);
    },
    release() {
      if (released) return;
      released = true;
      heldHere.delete(file);
      process.removeListener('exit', onExit);
      // Only our own lock: never delete one another process wrote after ours was taken over.
      const now = existsSync(file) ? parse(readText(file) ?? '') : null;
      if (now && now.pid === info.pid && now.startedAt === info.startedAt) {
        try {
          unlinkSync(file);
        } catch {
          /* already gone */
        }
      }
    },
  };
  // A process that ends without closing the database (process.exit on a fatal error) still
  // leaves no lock behind; a killed one does, and the next start finds it stale.
  process.on('exit', onExit);
  return lock;
}

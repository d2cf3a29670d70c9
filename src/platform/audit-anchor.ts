// Audit anchors (审计锚点): the head of the audit chain (its last hash, the row's id and how many
// rows the chain holds from its start) signed with the Ed25519 audit signing key and appended to a
// file outside the database, and written to the log output. Someone with only the database (and
// even the MAC key) can delete the newest rows or re-chain an edited row, but cannot make the
// chain agree with an anchor again: `qingche audit-verify` checks the database against the newest
// anchor (decision 0024). Anchors are written at start-up, every QC_AUDIT_ANCHOR_SECONDS while the
// log grows, and at shutdown.
import { closeSync, fsyncSync, mkdirSync, openSync, readSync, statSync, writeSync, existsSync } from 'node:fs';
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Db, DbOrTx } from '../db/client.js';

export interface AuditAnchor {
  v: 1;
  /** When it was taken. */
  at: string;
  /** Rows of the chain from its start, purged rows included. */
  rows: number;
  /** Id and hash of the chain's last row. */
  lastId: number;
  lastHash: string;
  /** Fingerprint of the public key that verifies `sig`. */
  key: string;
  /** Ed25519 signature, base64url. */
  sig: string;
}

export type UnsignedAnchor = Omit<AuditAnchor, 'v' | 'key' | 'sig'>;

/** The signing side: the private key signs, its public key (or an auditor's copy) verifies. */
export class AuditSigner {
  readonly publicKey: KeyObject;
  readonly fingerprint: string;
  constructor(private readonly privateKey: KeyObject | null, publicKey?: KeyObject) {
    const pub = publicKey ?? (privateKey ? createPublicKey(privateKey) : null);
    if (!pub) throw new Error('an audit signer needs a private or a public key');
    this.publicKey = pub;
    this.fingerprint = keyFingerprint(pub);
  }

  get canSign(): boolean {
    return this.privateKey !== null;
  }

  sign(payload: string): string {
    if (!this.privateKey) throw new Error('no audit signing key: only a public key was given');
    return sign(null, Buffer.from(payload, 'utf8'), this.privateKey).toString('base64url');
  }

  verify(payload: string, signature: string): boolean {
    try {
      return verify(null, Buffer.from(payload, 'utf8'), this.publicKey, Buffer.from(signature, 'base64url'));
    } catch {
      return false;
    }
  }

  signAnchor(a: UnsignedAnchor): AuditAnchor {
    return { v: 1, at: a.at, rows: a.rows, lastId: a.lastId, lastHash: a.lastHash, key: this.fingerprint, sig: this.sign(anchorPayload(a)) };
  }

  /** Null when the anchor is genuine, else what is wrong with it. */
  anchorProblem(a: AuditAnchor): string | null {
    if (a.key !== this.fingerprint) return `the anchor of ${a.at} was signed by another key (${a.key}, this key is ${this.fingerprint}); give its public key with --public-key`;
    if (!this.verify(anchorPayload(a), a.sig)) return `the anchor of ${a.at} does not carry a valid signature (the anchor log was edited)`;
    return null;
  }
}

/** SM3 of the raw public key, first 16 hex characters. */
export function keyFingerprint(pub: KeyObject): string {
  return createHash('sm3').update(pub.export({ format: 'der', type: 'spki' })).digest('hex').slice(0, 16);
}

export function anchorPayload(a: UnsignedAnchor): string {
  return `qingche-audit-anchor-v1|${a.at}|${a.rows}|${a.lastId}|${a.lastHash}`;
}

export function checkpointPayload(c: { firstKeptId: number; lastHash: string; purgedRows: number; purgedBefore: Date }): string {
  return `qingche-audit-checkpoint-v1|${c.firstKeptId}|${c.lastHash}|${c.purgedRows}|${c.purgedBefore.toISOString()}`;
}

export function anchorFileOf(config: Config): string {
  return config.auditAnchorFile || join(config.dataDir, 'audit-anchors.jsonl');
}

function asAnchor(value: unknown): AuditAnchor | null {
  if (!value || typeof value !== 'object') return null;
  const o = (value as { auditAnchor?: unknown }).auditAnchor ?? value;
  const a = o as Partial<AuditAnchor>;
  if (a.v !== 1 || typeof a.at !== 'string' || typeof a.rows !== 'number' || typeof a.lastId !== 'number' || typeof a.lastHash !== 'string' || typeof a.key !== 'string' || typeof a.sig !== 'string') return null;
  return { v: 1, at: a.at, rows: a.rows, lastId: a.lastId, lastHash: a.lastHash, key: a.key, sig: a.sig };
}

/**
 * The newest anchor in a file: the anchor log, or a copy of the server's log output (lines that
 * carry `auditAnchor`). Read backwards from the end, so a long log costs only its tail; a torn
 * last line (a crash in mid-write) is skipped. Null when the file holds none or does not exist.
 */
export function newestAnchor(file: string): AuditAnchor | null {
  if (!existsSync(file)) return null;
  const size = statSync(file).size;
  const fd = openSync(file, 'r');
  try {
    let end = size;
    let carry = Buffer.alloc(0);
    const chunk = 64 * 1024;
    while (end > 0) {
      const start = Math.max(0, end - chunk);
      const buf = Buffer.alloc(end - start);
      readSync(fd, buf, 0, buf.length, start);
      const text = Buffer.concat([buf, carry]);
      // Before `start` the first line may go on: keep its bytes for the next, earlier chunk.
      const cut = start > 0 ? text.indexOf(10) : -1;
      if (start > 0 && cut < 0) {
        carry = text;
        end = start;
        continue;
      }
      const lines = text.subarray(cut + 1).toString('utf8').split('\n');
      for (let i = lines.length - 1; i >= 0; i--) {
        const line = lines[i]!.trim();
        if (!line.includes('"lastHash"')) continue;
        try {
          const a = asAnchor(JSON.parse(line));
          if (a) return a;
        } catch {
          // torn or foreign line
        }
      }
      carry = start > 0 ? text.subarray(0, cut) : Buffer.alloc(0);
      end = start;
    }
    return null;
  } finally {
    closeSync(fd);
  }
}

/** Appends one anchor as a line and flushes it to the disk before returning. */
export function appendAnchor(file: string, a: AuditAnchor): void {
  mkdirSync(dirname(file), { recursive: true });
  const fd = openSync(file, 'a', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(a)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export type AnchorOutcome = { written: AuditAnchor } | { unchanged: true } | { empty: true } | { refused: string };

/**
 * Writes anchors of one database's chain to one file. Before it extends the file it checks that
 * the database still agrees with the newest anchor there; when it does not (rows removed or
 * re-chained behind the application's back, or another database in the data folder), it writes
 * nothing more and logs the problem at every attempt, so the evidence stays for audit-verify.
 */
/** What anchoring needs of the audit log (AuditService has it; named here so the two files do not import each other). */
export interface AnchoredLog {
  readonly signer: AuditSigner | null;
  anchorMismatch(db: DbOrTx, a: AuditAnchor): Promise<string | null>;
  chainHead(db: DbOrTx, after?: { rows: number; lastId: number } | null): Promise<{ rows: number; lastId: number; lastHash: string } | null>;
}

export class AuditAnchors {
  private last: AuditAnchor | null | undefined;
  private timer: NodeJS.Timeout | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly audit: AnchoredLog,
    private readonly db: Db,
    readonly file: string,
    private readonly log: Logger,
    private readonly intervalMs: number,
  ) {}

  /** An anchor now, then one every interval while the log grows. */
  async start(): Promise<void> {
    await this.write();
    if (this.timer) return;
    this.timer = setInterval(() => void this.write().catch((err: unknown) => this.log.error({ err }, 'audit anchor failed')), this.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and writes the last anchor (at shutdown, after the last request). */
  async stop(): Promise<AnchorOutcome> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    return this.write();
  }

  /** One anchor of the chain's current head, unless it has not moved or the database disagrees with the file. */
  write(): Promise<AnchorOutcome> {
    const run = this.queue.then(() => this.writeNow());
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async writeNow(): Promise<AnchorOutcome> {
    const signer = this.audit.signer;
    if (!signer?.canSign) return { refused: 'no audit signing key' };
    if (this.last === undefined) this.last = newestAnchor(this.file);
    const prev = this.last;
    if (prev) {
      const problem = signer.anchorProblem(prev) ?? (await this.audit.anchorMismatch(this.db, prev));
      if (problem) {
        this.log.error({ anchorFile: this.file, problem }, 'audit chain does not match its newest anchor: no new anchor is written until this is resolved (run qingche audit-verify)');
        return { refused: problem };
      }
    }
    const head = await this.audit.chainHead(this.db, prev);
    if (!head) return { empty: true };
    if (prev && head.lastId === prev.lastId && head.lastHash === prev.lastHash) return { unchanged: true };
    const anchor = signer.signAnchor({ at: new Date().toISOString(), ...head });
    appendAnchor(this.file, anchor);
    this.last = anchor;
    this.log.info({ auditAnchor: anchor }, 'audit anchor');
    return { written: anchor };
  }
}

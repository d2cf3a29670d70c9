// Background work (deadlines, reminders, escalations, sweeps, imports) as rows in PostgreSQL. A
// worker claims due rows with FOR UPDATE SKIP LOCKED, so any number of app instances can run the
// same queue without doing a job twice. While a job runs, its worker beats a heartbeat (every
// QC_JOBS_HEARTBEAT_MS); a running job whose heartbeat is older than QC_JOBS_STALE_MS lost its
// worker (killed, crashed, cut off) and is claimed again by the next worker that looks, the
// restarted instance included. On the embedded database one process owns the folder (its lock),
// so at start every job still marked running is known orphaned and goes back to the queue at once.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db, DbOrTx } from '../db/client.js';
import { queryRows } from '../db/client.js';
import { jobs } from './jobs.tables.js';

export interface JobRecord {
  id: number;
  kind: string;
  payload: Record<string, unknown>;
  attempts: number;
  maxAttempts: number;
  dedupeKey: string | null;
  /** The worker whose heartbeat stopped, when this claim took the job over from it. */
  reclaimedFrom: string | null;
}

/**
 * Runs one job. `signal` aborts when this worker stops (shutdown) or loses the job to another
 * (its heartbeat could not be written for too long): a long handler checks it between steps and
 * throws; the job is then run again, from where the handler's own bookkeeping says.
 */
export type JobHandler = (job: JobRecord, db: Db, signal: AbortSignal) => Promise<void>;

export interface EnqueueOptions {
  runAt?: Date;
  dedupeKey?: string;
  maxAttempts?: number;
}

export interface RecurringJob {
  kind: string;
  everyMs: number;
}

export interface JobQueueOptions {
  pollMs: number;
  /** How often a running job's heartbeat is written (default 5 s). */
  heartbeatMs?: number;
  /** A running job whose heartbeat is older than this is taken over (default 30 s). */
  staleMs?: number;
  batch?: number;
}

/** Why a running job's signal aborted. */
export type JobAbortReason = 'stopping' | 'lost';

export class JobQueue {
  readonly workerId = `w-${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly handlers = new Map<string, JobHandler>();
  private readonly recurring: RecurringJob[] = [];
  private readonly runningNow = new Map<number, AbortController>();
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private stopping = false;
  private idle: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly opts: JobQueueOptions = { pollMs: 2000 },
  ) {}

  get heartbeatMs(): number {
    return this.opts.heartbeatMs ?? 5000;
  }

  get staleMs(): number {
    return this.opts.staleMs ?? 30_000;
  }

  handle(kind: string, handler: JobHandler): void {
    if (this.handlers.has(kind)) throw new Error(`job handler ${kind} registered twice`);
    this.handlers.set(kind, handler);
  }

  /** A sweep that runs every `everyMs` across the whole cluster (one pending row per kind). */
  every(kind: string, everyMs: number, handler: JobHandler): void {
    this.handle(kind, handler);
    this.recurring.push({ kind, everyMs });
  }

  /** Adds a job; with a dedupe key, does nothing when an unfinished job with that key exists. */
  async enqueue(db: DbOrTx, kind: string, payload: Record<string, unknown> = {}, o: EnqueueOptions = {}): Promise<number | null> {
    const rows = await queryRows<{ id: number }>(
      db,
      sql`INSERT INTO job (kind, payload, run_at, dedupe_key, max_attempts)
          VALUES (${kind}, ${JSON.stringify(payload)}::jsonb, ${(o.runAt ?? new Date()).toISOString()}::timestamptz, ${o.dedupeKey ?? null}, ${o.maxAttempts ?? 5})
          ON CONFLICT (dedupe_key) WHERE status IN ('pending','running') DO NOTHING
          RETURNING id`,
    );
    return rows[0]?.id ?? null;
  }

  /** Cancels an unfinished job by its dedupe key (a timer that is no longer needed). */
  async cancel(db: DbOrTx, dedupeKey: string): Promise<void> {
    await db.execute(sql`DELETE FROM job WHERE dedupe_key = ${dedupeKey} AND status = 'pending'`);
  }

  /** Rows a claim may take: due pending ones, and running ones whose worker stopped beating. */
  private claimable(only?: { dedupeKey: string }) {
    const stale = sql`(status = 'running' AND (heartbeat_at < now() - (${this.staleMs}::int * interval '1 millisecond') OR (heartbeat_at IS NULL AND locked_until < now())))`;
    if (only) return sql`dedupe_key = ${only.dedupeKey} AND ((status = 'pending') OR ${stale})`;
    return sql`(status = 'pending' AND run_at <= now()) OR ${stale}`;
  }

  private async claimWhere(where: ReturnType<JobQueue['claimable']>, limit: number): Promise<JobRecord[]> {
    const claimed = await queryRows<JobRecord>(
      this.db,
      sql`WITH c AS (
            SELECT id, CASE WHEN status = 'running' THEN coalesce(locked_by, '?') END AS was
            FROM job WHERE ${where}
            ORDER BY run_at
            LIMIT ${limit}
            FOR UPDATE SKIP LOCKED)
          UPDATE job j SET status = 'running', locked_by = ${this.workerId}, heartbeat_at = now(),
                 locked_until = now() + (${this.staleMs}::int * interval '1 millisecond'), attempts = j.attempts + 1
          FROM c WHERE j.id = c.id
          RETURNING j.id, j.kind, j.payload, j.attempts, j.max_attempts AS "maxAttempts", j.dedupe_key AS "dedupeKey", c.was AS "reclaimedFrom"`,
    );
    for (const j of claimed) if (j.reclaimedFrom) this.log.warn({ jobId: j.id, kind: j.kind, from: j.reclaimedFrom }, 'took over a job whose worker stopped beating its heartbeat');
    return claimed;
  }

  /** Claims up to `limit` due jobs for this worker. Safe to call from many instances at once. */
  async claim(limit: number): Promise<JobRecord[]> {
    return this.claimWhere(this.claimable(), limit);
  }

  /** Writes the heartbeat of jobs this worker runs; false when the job is no longer this worker's. */
  async heartbeat(jobId: number): Promise<boolean> {
    const rows = await queryRows<{ id: number }>(
      this.db,
      sql`UPDATE job SET heartbeat_at = now(), locked_until = now() + (${this.staleMs}::int * interval '1 millisecond')
          WHERE id = ${jobId} AND status = 'running' AND locked_by = ${this.workerId}
          RETURNING id`,
    );
    return rows.length > 0;
  }

  /**
   * Embedded database only (one process owns the folder): jobs still marked running were left by
   * a process that is gone, so they go back to the queue now rather than after the stale timeout.
   */
  async recoverOrphans(): Promise<number> {
    const rows = await queryRows<{ id: number }>(
      this.db,
      sql`UPDATE job SET status = 'pending', locked_by = NULL, heartbeat_at = NULL, locked_until = NULL, run_at = LEAST(run_at, now())
          WHERE status = 'running' AND (locked_by IS NULL OR locked_by <> ${this.workerId})
          RETURNING id`,
    );
    if (rows.length) this.log.warn({ jobs: rows.map((r) => r.id) }, 'jobs left running by a process that ended without finishing them are queued again');
    return rows.length;
  }

  /** Runs one job this worker claimed, beating its heartbeat meanwhile, and records the outcome. */
  private async execute(job: JobRecord): Promise<void> {
    const handler = this.handlers.get(job.kind);
    const control = new AbortController();
    this.runningNow.set(job.id, control);
    let misses = 0;
    const beat = setInterval(() => {
      this.heartbeat(job.id).then(
        (mine) => {
          misses = 0;
          if (!mine && !control.signal.aborted) {
            this.log.warn({ jobId: job.id, kind: job.kind }, 'another worker took this job over: stopping it here');
            control.abort('lost' satisfies JobAbortReason);
          }
        },
        (err: unknown) => {
          misses += 1;
          this.log.warn({ err, jobId: job.id, misses }, 'could not write a job heartbeat');
          // Past the stale timeout another worker may take the job: stop before both write.
          if (misses * this.heartbeatMs >= this.staleMs && !control.signal.aborted) control.abort('lost' satisfies JobAbortReason);
        },
      );
    }, this.heartbeatMs);
    beat.unref();
    const mine = sql`id = ${job.id} AND locked_by = ${this.workerId}`;
    try {
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
      await handler(job, this.db, control.signal);
      clearInterval(beat);
      await this.db.execute(sql`UPDATE job SET status = 'done', finished_at = now(), locked_by = NULL, heartbeat_at = NULL, last_error = NULL WHERE ${mine}`);
      const rec = this.recurring.find((r) => r.kind === job.kind);
      if (rec) await this.enqueue(this.db, rec.kind, {}, { dedupeKey: `recurring:${rec.kind}`, runAt: new Date(Date.now() + rec.everyMs) });
    } catch (err) {
      clearInterval(beat);
      const reason = control.signal.aborted ? (control.signal.reason as JobAbortReason) : null;
      if (reason === 'lost') return; // the worker that took it over records what happens
      if (reason === 'stopping') {
        // Shut down in the middle: back to the queue as it was, the attempt not counted.
        this.log.info({ jobId: job.id, kind: job.kind }, 'job interrupted by shutdown: queued again');
        await this.db.execute(sql`UPDATE job SET status = 'pending', attempts = greatest(attempts - 1, 0), locked_by = NULL, heartbeat_at = NULL, locked_until = NULL, run_at = now() WHERE ${mine}`);
        return;
      }
      const failed = job.attempts >= job.maxAttempts;
      const backoffMs = Math.min(60 * 60_000, 1000 * 2 ** job.attempts);
      this.log.warn({ err, jobId: job.id, kind: job.kind, attempt: job.attempts }, failed ? 'job failed for good' : 'job failed, will retry');
      await this.db.execute(
        sql`UPDATE job SET status = ${failed ? 'failed' : 'pending'}, locked_by = NULL, heartbeat_at = NULL, last_error = ${String((err as Error).message).slice(0, 2000)},
               run_at = now() + (${backoffMs}::int * interval '1 millisecond'), finished_at = ${failed ? sql`now()` : null}
            WHERE ${mine}`,
      );
      if (failed) {
        const rec = this.recurring.find((r) => r.kind === job.kind);
        if (rec) await this.enqueue(this.db, rec.kind, {}, { dedupeKey: `recurring:${rec.kind}`, runAt: new Date(Date.now() + rec.everyMs) });
      }
    } finally {
      clearInterval(beat);
      this.runningNow.delete(job.id);
    }
  }

  /** Runs one round: claim, execute, mark done or reschedule with back-off. Returns jobs handled. */
  async runOnce(): Promise<number> {
    const claimed = await this.claim(this.opts.batch ?? 10);
    for (const job of claimed) {
      if (this.stopping) {
        await this.db.execute(sql`UPDATE job SET status = 'pending', attempts = greatest(attempts - 1, 0), locked_by = NULL, heartbeat_at = NULL, locked_until = NULL WHERE id = ${job.id} AND locked_by = ${this.workerId}`);
        continue;
      }
      await this.execute(job);
    }
    return claimed.length;
  }

  /**
   * Runs the unfinished job with this dedupe key here and now (the command line runs an import it
   * started), under the same claim and heartbeat as the worker. False when another worker runs it.
   */
  async runNow(dedupeKey: string): Promise<boolean> {
    const [job] = await this.claimWhere(this.claimable({ dedupeKey }), 1);
    if (!job) return false;
    await this.execute(job);
    return true;
  }

  /** Starts polling. `exclusive`: this process alone uses the database (embedded), see recoverOrphans. */
  async start(o: { exclusive?: boolean } = {}): Promise<void> {
    if (o.exclusive) await this.recoverOrphans();
    for (const r of this.recurring) await this.enqueue(this.db, r.kind, {}, { dedupeKey: `recurring:${r.kind}` });
    this.stopping = false;
    const tick = async () => {
      if (this.stopping || this.running) return;
      this.running = true;
      let done!: () => void;
      this.idle = new Promise((res) => (done = res));
      try {
        while (!this.stopping && (await this.runOnce()) > 0);
      } catch (err) {
        this.log.error({ err }, 'job worker round failed');
      } finally {
        this.running = false;
        done();
      }
    };
    this.timer = setInterval(() => void tick(), this.opts.pollMs);
    this.timer.unref();
    void tick();
  }

  /** Stops polling; a job in hand is told to stop (its signal aborts) and is awaited. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const c of this.runningNow.values()) if (!c.signal.aborted) c.abort('stopping' satisfies JobAbortReason);
    await this.idle;
  }
}

export { jobs as jobsTable };

// Background work (deadlines, reminders, escalations, sweeps) as rows in PostgreSQL. A worker
// claims due rows with FOR UPDATE SKIP LOCKED, so any number of app instances can run the same
// queue without doing a job twice; a claim carries a lease, and a crashed worker's lease runs out.
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
}

export type JobHandler = (job: JobRecord, db: Db) => Promise<void>;

export interface EnqueueOptions {
  runAt?: Date;
  dedupeKey?: string;
  maxAttempts?: number;
}

export interface RecurringJob {
  kind: string;
  everyMs: number;
}

export class JobQueue {
  readonly workerId = `w-${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly handlers = new Map<string, JobHandler>();
  private readonly recurring: RecurringJob[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private stopping = false;
  private idle: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly opts: { pollMs: number; leaseMs?: number; batch?: number } = { pollMs: 2000 },
  ) {}

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

  /** Claims up to `limit` due jobs for this worker. Safe to call from many instances at once. */
  async claim(limit: number): Promise<JobRecord[]> {
    const leaseMs = this.opts.leaseMs ?? 5 * 60_000;
    return queryRows<JobRecord>(
      this.db,
      sql`UPDATE job SET status = 'running', locked_by = ${this.workerId},
                 locked_until = now() + (${leaseMs}::int * interval '1 millisecond'), attempts = attempts + 1
          WHERE id IN (
            SELECT id FROM job
            WHERE (status = 'pending' AND run_at <= now()) OR (status = 'running' AND locked_until < now())
            ORDER BY run_at
            LIMIT ${limit}
            FOR UPDATE SKIP LOCKED)
          RETURNING id, kind, payload, attempts, max_attempts AS "maxAttempts", dedupe_key AS "dedupeKey"`,
    );
  }

  /** Runs one round: claim, execute, mark done or reschedule with back-off. Returns jobs handled. */
  async runOnce(): Promise<number> {
    const claimed = await this.claim(this.opts.batch ?? 10);
    for (const job of claimed) {
      const handler = this.handlers.get(job.kind);
      try {
        if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
        await handler(job, this.db);
        await this.db.execute(sql`UPDATE job SET status = 'done', finished_at = now(), locked_by = NULL, last_error = NULL WHERE id = ${job.id}`);
        const rec = this.recurring.find((r) => r.kind === job.kind);
        if (rec) await this.enqueue(this.db, rec.kind, {}, { dedupeKey: `recurring:${rec.kind}`, runAt: new Date(Date.now() + rec.everyMs) });
      } catch (err) {
        const failed = job.attempts >= job.maxAttempts;
        const backoffMs = Math.min(60 * 60_000, 1000 * 2 ** job.attempts);
        this.log.warn({ err, jobId: job.id, kind: job.kind, attempt: job.attempts }, failed ? 'job failed for good' : 'job failed, will retry');
        await this.db.execute(
          sql`UPDATE job SET status = ${failed ? 'failed' : 'pending'}, locked_by = NULL, last_error = ${String((err as Error).message).slice(0, 2000)},
                 run_at = now() + (${backoffMs}::int * interval '1 millisecond'), finished_at = ${failed ? sql`now()` : null}
              WHERE id = ${job.id}`,
        );
        if (failed) {
          const rec = this.recurring.find((r) => r.kind === job.kind);
          if (rec) await this.enqueue(this.db, rec.kind, {}, { dedupeKey: `recurring:${rec.kind}`, runAt: new Date(Date.now() + rec.everyMs) });
        }
      }
    }
    return claimed.length;
  }

  async start(): Promise<void> {
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

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.idle;
  }
}

export { jobs as jobsTable };

// Background work as rows: two workers (two app instances) never run the same job; failures retry
// with back-off; recurring sweeps keep one pending row; a job whose worker stops beating its
// heartbeat is taken over within the stale timeout and resumes, one that beats is never stolen.
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { JobQueue } from '../../src/platform/jobs.js';
import { testApp, type TestApp } from '../support/app.js';
import { testEngine } from '../support/db.js';

let t: TestApp;
const log = pino({ level: 'silent' });

beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

describe('job queue', () => {
  it('hands each job to exactly one of two workers', async () => {
    const db = t.database.db;
    const seen: string[] = [];
    const a = new JobQueue(db, log, { pollMs: 10, batch: 3 });
    const b = new JobQueue(db, log, { pollMs: 10, batch: 3 });
    for (const q of [a, b]) q.handle('test.count', async (job) => void seen.push(`${q.workerId}:${String(job.payload.n)}`));
    for (let n = 0; n < 40; n++) await a.enqueue(db, 'test.count', { n });
    // Both claim concurrently until nothing is left.
    for (;;) {
      const [x, y] = await Promise.all([a.runOnce(), b.runOnce()]);
      if (x + y === 0) break;
    }
    const ns = seen.map((s) => s.split(':')[1]);
    expect(ns).toHaveLength(40);
    expect(new Set(ns).size).toBe(40);
    if (testEngine === 'postgres') expect(new Set(seen.map((s) => s.split(':')[0])).size).toBe(2);
  });

  it('retries a failing job with back-off and gives up after its attempts', async () => {
    const db = t.database.db;
    const q = new JobQueue(db, log, { pollMs: 10 });
    let calls = 0;
    q.handle('test.fail', async () => {
      calls += 1;
      throw new Error('boom');
    });
    const id = await q.enqueue(db, 'test.fail', {}, { maxAttempts: 2 });
    await q.runOnce();
    let row = (await queryRows<{ status: string; attempts: number; last_error: string }>(db, sql`SELECT status, attempts, last_error FROM job WHERE id = ${id}`))[0]!;
    expect(row).toMatchObject({ status: 'pending', attempts: 1, last_error: 'boom' });
    await db.execute(sql`UPDATE job SET run_at = now() WHERE id = ${id}`);
    await q.runOnce();
    row = (await queryRows<{ status: string; attempts: number; last_error: string }>(db, sql`SELECT status, attempts, last_error FROM job WHERE id = ${id}`))[0]!;
    expect(row.status).toBe('failed');
    expect(calls).toBe(2);
  });

  it('keeps one pending row per dedupe key and reclaims a job whose lease ran out', async () => {
    const db = t.database.db;
    const q = new JobQueue(db, log, { pollMs: 10 });
    expect(await q.enqueue(db, 'test.timer', {}, { dedupeKey: 'timer:1', runAt: new Date(Date.now() + 60_000) })).not.toBeNull();
    expect(await q.enqueue(db, 'test.timer', {}, { dedupeKey: 'timer:1' })).toBeNull();
    let ran = 0;
    q.handle('test.lease', async () => void (ran += 1));
    const id = await q.enqueue(db, 'test.lease', {});
    // A worker of the version before heartbeats: claimed, lease expired, never finished.
    await db.execute(sql`UPDATE job SET status = 'running', locked_by = 'dead', locked_until = now() - interval '1 minute', heartbeat_at = NULL WHERE id = ${id}`);
    await q.runOnce();
    expect(ran).toBe(1);
  });

  it('takes over a job whose worker stopped beating, within the stale timeout, and resumes it from its checkpoint', async () => {
    const db = t.database.db;
    await db.execute(sql`CREATE TABLE IF NOT EXISTS test_job_steps (job_id bigint, step int, worker text, PRIMARY KEY (job_id, step))`);
    const staleMs = 1500;
    const a = new JobQueue(db, log, { pollMs: 50, heartbeatMs: 100, staleMs });
    const b = new JobQueue(db, log, { pollMs: 50, heartbeatMs: 100, staleMs });
    let aStopped: unknown = null;
    const steps = (q: JobQueue, stallAfter: number | null) => async (job: { id: number }, _db: unknown, signal: AbortSignal) => {
      // Resumes after the last step written (the handler's own checkpoint, as an import has).
      const [{ done }] = await queryRows<{ done: number }>(db, sql`SELECT count(*)::int AS done FROM test_job_steps WHERE job_id = ${job.id}`) as [{ done: number }];
      for (let step = done + 1; step <= 6; step++) {
        if (stallAfter !== null && step > stallAfter) {
          // This worker hangs, cut off from the database: it stops when its signal says it lost the job.
          await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
          aStopped = signal.reason;
          throw new Error('stopped');
        }
        await db.execute(sql`INSERT INTO test_job_steps VALUES (${job.id}, ${step}, ${q.workerId})`);
      }
    };
    a.handle('test.steps', steps(a, 3));
    b.handle('test.steps', steps(b, null));
    const id = (await a.enqueue(db, 'test.steps', {}))!;
    const aRun = a.runOnce();
    // A writes three steps, then its heartbeats stop reaching the database.
    for (let i = 0; i < 200; i++) {
      const [r] = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM test_job_steps WHERE job_id = ${id}`);
      if (r!.n >= 3) break;
      await new Promise((r2) => setTimeout(r2, 20));
    }
    a.heartbeat = async () => {
      throw new Error('connection lost');
    };
    const cutAt = Date.now();
    // While A's last heartbeat is fresh, B takes nothing.
    expect(await b.runOnce()).toBe(0);
    let took = 0;
    while (took === 0 && Date.now() - cutAt < 20_000) {
      await new Promise((r) => setTimeout(r, 100));
      took = await b.runOnce();
    }
    const waited = Date.now() - cutAt;
    expect(took).toBe(1);
    expect(waited).toBeGreaterThanOrEqual(staleMs - 200);
    expect(waited).toBeLessThan(staleMs + 8000);
    await aRun;
    expect(aStopped).toBe('lost');
    const rows = await queryRows<{ step: number; worker: string }>(db, sql`SELECT step, worker FROM test_job_steps WHERE job_id = ${id} ORDER BY step`);
    expect(rows.map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(rows.slice(0, 3).every((r) => r.worker === a.workerId)).toBe(true);
    expect(rows.slice(3).every((r) => r.worker === b.workerId)).toBe(true);
    const [job] = await queryRows<{ status: string; locked_by: string | null; attempts: number }>(db, sql`SELECT status, locked_by, attempts FROM job WHERE id = ${id}`);
    expect(job).toMatchObject({ status: 'done', attempts: 2 });
  }, 60_000);

  it('never takes a job whose worker keeps beating, however long it runs', async () => {
    const db = t.database.db;
    const staleMs = 1000;
    const a = new JobQueue(db, log, { pollMs: 50, heartbeatMs: 100, staleMs });
    const b = new JobQueue(db, log, { pollMs: 50, heartbeatMs: 100, staleMs });
    const ran: string[] = [];
    for (const q of [a, b]) q.handle('test.long', async () => {
      ran.push(q.workerId);
      await new Promise((r) => setTimeout(r, 3.5 * staleMs));
    });
    const id = (await a.enqueue(db, 'test.long', {}))!;
    const aRun = a.runOnce();
    // B starts only once A holds the job: otherwise the two first claims race and B may win fairly.
    for (let i = 0; i < 200; i++) {
      const [r] = await queryRows<{ by: string | null }>(db, sql`SELECT locked_by AS by FROM job WHERE id = ${id}`);
      if (r!.by === a.workerId) break;
      await new Promise((r2) => setTimeout(r2, 10));
    }
    const started = Date.now();
    let stolen = 0;
    while (Date.now() - started < 3 * staleMs) {
      stolen += await b.runOnce();
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await aRun).toBe(1);
    expect(stolen).toBe(0);
    expect(ran).toEqual([a.workerId]);
    const [job] = await queryRows<{ status: string; attempts: number; heartbeat_at: Date | null }>(db, sql`SELECT status, attempts, heartbeat_at FROM job WHERE id = ${id}`);
    expect(job).toMatchObject({ status: 'done', attempts: 1 });
  }, 60_000);

  it('queues again at once the jobs a dead process left running, when it alone owns the database', async () => {
    const db = t.database.db;
    const q = new JobQueue(db, log, { pollMs: 50, staleMs: 60_000 });
    let ran = 0;
    q.handle('test.orphan', async () => void (ran += 1));
    const id = (await q.enqueue(db, 'test.orphan', {}))!;
    // Left by the previous process a moment ago: its heartbeat is still fresh.
    await db.execute(sql`UPDATE job SET status = 'running', locked_by = 'w-1-dead', heartbeat_at = now(), attempts = 1 WHERE id = ${id}`);
    expect(await q.runOnce()).toBe(0);
    expect(await q.recoverOrphans()).toBe(1);
    expect(await q.runOnce()).toBe(1);
    expect(ran).toBe(1);
  });

  it('puts a job interrupted by shutdown back in the queue without counting the attempt', async () => {
    const db = t.database.db;
    const q = new JobQueue(db, log, { pollMs: 20, heartbeatMs: 100, staleMs: 1000 });
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    q.handle('test.interrupt', async (_job, _db, signal) => {
      entered();
      await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
      throw new Error('interrupted');
    });
    const id = (await q.enqueue(db, 'test.interrupt', {}))!;
    await q.start();
    await inside;
    await q.stop();
    const [job] = await queryRows<{ status: string; attempts: number; locked_by: string | null }>(db, sql`SELECT status, attempts, locked_by FROM job WHERE id = ${id}`);
    expect(job).toEqual({ status: 'pending', attempts: 0, locked_by: null });
    await db.execute(sql`DELETE FROM job WHERE id = ${id}`);
  });
});

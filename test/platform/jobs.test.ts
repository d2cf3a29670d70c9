// Background work as rows: two workers (two app instances) never run the same job; failures retry
// with back-off; recurring sweeps keep one pending row.
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
    const q = new JobQueue(db, log, { pollMs: 10, leaseMs: 1 });
    expect(await q.enqueue(db, 'test.timer', {}, { dedupeKey: 'timer:1', runAt: new Date(Date.now() + 60_000) })).not.toBeNull();
    expect(await q.enqueue(db, 'test.timer', {}, { dedupeKey: 'timer:1' })).toBeNull();
    let ran = 0;
    q.handle('test.lease', async () => void (ran += 1));
    const id = await q.enqueue(db, 'test.lease', {});
    // Simulate a crashed worker: claimed, lease expired, never finished.
    await db.execute(sql`UPDATE job SET status = 'running', locked_by = 'dead', locked_until = now() - interval '1 minute' WHERE id = ${id}`);
    await q.runOnce();
    expect(ran).toBe(1);
  });
});

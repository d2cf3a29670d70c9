import { afterEach, describe, expect, it, vi } from 'vitest';
import { CountCache } from './cache.js';

afterEach(() => vi.useRealTimers());

function counter() {
  let n = 0;
  const calls: string[] = [];
  return { calls, compute: async (path: string) => { calls.push(path); n += 1; return n; } };
}

describe('CountCache', () => {
  it('counts live scopes every time', async () => {
    const c = counter();
    const cache = new CountCache(60_000, c.compute);
    expect((await cache.get('/1/', { live: true })).value).toBe(1);
    expect((await cache.get('/1/', { live: true })).value).toBe(2);
  });

  it('keeps wide scopes, then serves the kept numbers while counting again in the background', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-01T08:00:00Z'), toFake: ['Date'] });
    const c = counter();
    const cache = new CountCache(60_000, c.compute);
    const first = await cache.get('/1/', { live: false });
    expect(first.value).toBe(1);
    expect(first.at.toISOString()).toBe('2026-11-01T08:00:00.000Z');
    expect((await cache.get('/1/', { live: false })).value).toBe(1);
    expect(c.calls).toHaveLength(1);
    vi.setSystemTime(new Date('2026-11-01T08:02:00Z'));
    // Stale: the old numbers at once, a new count started.
    expect((await cache.get('/1/', { live: false })).value).toBe(1);
    await Promise.resolve();
    await Promise.resolve();
    const after = await cache.get('/1/', { live: false });
    expect(after.value).toBe(2);
    expect(after.at.toISOString()).toBe('2026-11-01T08:02:00.000Z');
  });

  it('runs one count per path however many ask at once', async () => {
    let release!: () => void;
    let calls = 0;
    const cache = new CountCache(60_000, async () => {
      calls += 1;
      await new Promise<void>((r) => (release = r));
      return 42;
    });
    const a = cache.get('/1/2/', { live: false });
    const b = cache.get('/1/2/', { live: false });
    await Promise.resolve();
    release();
    expect((await a).value).toBe(42);
    expect((await b).value).toBe(42);
    expect(calls).toBe(1);
  });

  it('does not keep a failed count', async () => {
    let fail = true;
    const cache = new CountCache(60_000, async () => {
      if (fail) throw new Error('database gone');
      return 7;
    });
    await expect(cache.get('/1/', { live: false })).rejects.toThrow('database gone');
    fail = false;
    expect((await cache.get('/1/', { live: false })).value).toBe(7);
  });
});

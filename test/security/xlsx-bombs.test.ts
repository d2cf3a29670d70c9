// Spreadsheet bombs through the real upload route, over HTTP: a string table of eleven million
// entries (about 1 GB unpacked from 3.6 MB), forty million rows under a <dimension> of ten, a
// cell at column ZZZZZZ, a sheet wider than an import reads, a text node of 600 MB, a gigabyte of
// padding, and a comment the counts do not see (only the reader's heap limit stops it). Each is
// refused with IMPORT_TOO_LARGE (or IMPORT_TOO_MANY_ROWS) naming the limit, while /api/health
// keeps answering; three at once do not take the process down; an ordinary register imports
// afterwards. Time to refusal and RSS growth are printed, not asserted (the machine is shared).
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFile, runJobs, upload } from '../exchange/helpers.js';
import { buildRegister, hardProblems } from '../exchange/register-fixture.js';
import { defaultReadLimits } from '../../src/platform/documents/read-limits.js';
import { SheetReaders } from '../../src/modules/exchange/readers.js';
import { loginAs, makeSubtree, testApp, type Subtree, type TestApp } from '../support/app.js';
import { columnBomb, commentBomb, lateWideSheet, longTextBomb, paddedSheetBomb, rowsBomb, sharedStringsBomb, wideSheet } from './xlsx-bomb-files.js';

let t: TestApp;
let a: Subtree;
let worker: string;
let base: string;

beforeAll(async () => {
  t = await testApp();
  a = await makeSubtree(t);
  worker = (await loginAs(t, { role: 'community_worker', node: a.community })).token;
  await t.built.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.built.app.server.address() as AddressInfo).port}`;
}, 120_000);
afterAll(() => t.close());

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

async function health(): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(`${base}/api/health`);
  await res.arrayBuffer();
  return { status: res.status, ms: performance.now() - t0 };
}

interface Outcome {
  status: number;
  body: { error?: { code: string; message: string; details?: { limit?: string } }; id?: number };
  ms: number;
}

async function httpUpload(name: string, file: Buffer, lang = 'zh'): Promise<Outcome> {
  const form = new FormData();
  form.append('file', new Blob([file]), name);
  const t0 = performance.now();
  const res = await fetch(`${base}/api/imports?kind=resident&lang=${lang}`, { method: 'POST', headers: { authorization: `Bearer ${worker}` }, body: form });
  const body = (await res.json()) as Outcome['body'];
  return { status: res.status, body, ms: performance.now() - t0 };
}

/**
 * Runs uploads while /api/health is asked every 200 ms, sampling this process's RSS (the app and
 * its reader threads live in it). Returns the outcomes, the health answers and the RSS figures.
 */
async function whileServing<T>(work: () => Promise<T>): Promise<{ result: T; healthy: { status: number; ms: number }[]; rssBefore: number; rssPeak: number }> {
  const rssBefore = process.memoryUsage.rss();
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage.rss())), 20);
  const healthy: { status: number; ms: number }[] = [];
  let done = false;
  const poll = (async () => {
    while (!done) {
      healthy.push(await health());
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  try {
    const result = await work();
    return { result, healthy, rssBefore, rssPeak: Math.max(rssPeak, process.memoryUsage.rss()) };
  } finally {
    done = true;
    await poll;
    clearInterval(sampler);
  }
}

function report(label: string, o: Outcome, s: { healthy: { ms: number }[]; rssBefore: number; rssPeak: number }) {
  const slowest = Math.max(0, ...s.healthy.map((h) => h.ms));
  console.log(
    `[xlsx bomb] ${label}: ${o.status} ${o.body.error?.code ?? ''} (${o.body.error?.details?.limit ?? '-'}) in ${Math.round(o.ms)} ms; ` +
      `RSS ${mb(s.rssBefore)} → peak ${mb(s.rssPeak)} MB (+${mb(s.rssPeak - s.rssBefore)}); health answered ${s.healthy.length}× during it, slowest ${Math.round(slowest)} ms`,
  );
}

const bombs: { label: string; file: () => Buffer; code: string; limit: string }[] = [
  { label: 'string table: 11 million strings, 1 GB, sizes declared honestly', file: () => sharedStringsBomb(), code: 'IMPORT_TOO_LARGE', limit: 'part' },
  { label: 'string table: 11 million strings, 1 GB, declared as 1 KB', file: () => sharedStringsBomb(11_000_000, true), code: 'IMPORT_TOO_LARGE', limit: 'stringBytes' },
  { label: 'rows: 40 million under <dimension ref="A1:B10">, declared as 1 KB', file: () => rowsBomb(40_000_000, true), code: 'IMPORT_TOO_MANY_ROWS', limit: 'rows' },
  { label: 'column: one cell at ZZZZZZ2', file: () => columnBomb(), code: 'IMPORT_TOO_LARGE', limit: 'columnRef' },
  { label: 'column: a value in column 2,000 (past the 1,000 an import reads)', file: () => wideSheet(2000), code: 'IMPORT_TOO_LARGE', limit: 'columns' },
  { label: 'one text node of 600 MB, declared as 1 KB', file: () => longTextBomb(600_000_000, true), code: 'IMPORT_TOO_LARGE', limit: 'token' },
  { label: 'a sheet padded to 1.5 GB, declared as 1 KB', file: () => paddedSheetBomb(1_500_000_000, 1024), code: 'IMPORT_TOO_LARGE', limit: 'part' },
  { label: 'a comment of 400 million characters (only the heap limit sees it)', file: () => commentBomb(), code: 'IMPORT_TOO_LARGE', limit: 'memory' },
];

describe('spreadsheet bombs uploaded over HTTP', () => {
  for (const b of bombs) {
    it(`refuses ${b.label}, naming the limit, and keeps serving`, async () => {
      const file = b.file();
      const s = await whileServing(() => httpUpload('居民.xlsx', file));
      const o = s.result;
      report(b.label, o, s);
      expect(o.body.error?.code).toBe(b.code);
      expect(o.status).toBe(b.code === 'IMPORT_TOO_LARGE' ? 413 : 400);
      expect(o.body.error?.details?.limit).toBe(b.limit);
      // The message says which limit, in the caller's language.
      expect(o.body.error?.message).toMatch(b.code === 'IMPORT_TOO_LARGE' ? /^文件超出了导入的限度：.+/ : /最多导入 1,000,000 行/);
      expect(s.healthy.every((h) => h.status === 200)).toBe(true);
      expect((await health()).status).toBe(200);
      expect(t.built.modules.exchange.service.imports.readers.active).toBe(0);
    }, 120_000);
  }

  it('says the limit in English too', async () => {
    const o = await httpUpload('wide.xlsx', wideSheet(2000), 'en');
    expect(o.status).toBe(413);
    expect(o.body.error?.message).toBe('The file goes past a limit of importing: cell BXX2 (column 2,000) holds data; an import reads at most 1,000 columns. Check the file, or split it and import in parts');
  });

  it('refuses CSV that would make one cell or one row without end', async () => {
    const unclosed = Buffer.from(`姓名,公民身份号码\n"王秀英${'王'.repeat(400_000)}\n`);
    const wide = Buffer.from(`姓名,公民身份号码\n${'x,'.repeat(20_000)}x\n`);
    const past = Buffer.from(`姓名,公民身份号码\n王秀英,${',,'.repeat(1200)}x\n`);
    const got = [];
    for (const f of [unclosed, wide, past]) got.push((await httpUpload('居民.csv', f)).body.error?.details?.limit);
    expect(got).toEqual(['cellChars', 'cellsPerRow', 'columns']);
  });

  it('three bombs at once: each refused, the process still up and serving', async () => {
    const files = [sharedStringsBomb(11_000_000, true), commentBomb(), rowsBomb(40_000_000, true)];
    const s = await whileServing(() => Promise.all(files.map((f, i) => httpUpload(`bomb${i}.xlsx`, f))));
    s.result.forEach((o, i) => report(`three at once, #${i + 1}`, o, s));
    expect(s.result.map((o) => o.body.error?.code)).toEqual(['IMPORT_TOO_LARGE', 'IMPORT_TOO_LARGE', 'IMPORT_TOO_MANY_ROWS']);
    expect(s.result.map((o) => o.body.error?.details?.limit)).toEqual(['stringBytes', 'memory', 'rows']);
    expect(s.healthy.length).toBeGreaterThan(0);
    expect(s.healthy.every((h) => h.status === 200)).toBe(true);
    expect((await health()).status).toBe(200);
    expect(t.built.modules.exchange.service.imports.readers.active).toBe(0);
  }, 120_000);

  it('a bomb below the rows a preview reads fails the run with the limit named, not the server', async () => {
    // The preview reads the header and 25 rows (the reader a batch or two of 500 ahead); the run
    // meets the bad row after 3,000 (a value in column 2,000), or a comment that exhausts the
    // reader's heap.
    for (const [file, limit] of [
      [lateWideSheet(2000, 3000), 'columns'],
      [commentBomb(400_000_000, 3000), 'memory'],
    ] as const) {
      const up = await upload(t, worker, 'late.xlsx', file, { defaultGridId: a.grid.id });
      expect(up.statusCode).toBe(201);
      const id = up.json().id as number;
      const st = await t.call('POST', `/api/imports/${id}/start`, { token: worker, body: {} });
      expect(st.statusCode).toBe(202);
      await runJobs(t);
      const v = (await t.call('GET', `/api/imports/${id}`, { token: worker })).json();
      expect(v.status).toBe('failed');
      expect(v.error.code).toBe('IMPORT_TOO_LARGE');
      expect(v.error.message).toContain(limit === 'columns' ? '第 2,000 列' : '内存');
      expect((await health()).status).toBe(200);
    }
  }, 120_000);

  it('an ordinary register still imports afterwards', async () => {
    const reg = await buildRegister({ rows: 200, communityName: a.community.name, seed: 7 });
    const { view } = await importFile(t, worker, '居民花名册.xlsx', reg.buffer, { start: { defaultGridId: a.grid.id, createPlaces: true } });
    expect(view.status).toBe('done');
    const clean = reg.rows.filter((r) => !r.planted.some((p) => hardProblems.has(p))).length;
    expect(view.counts.created).toBe(clean);
    expect(view.counts.failed).toBe(reg.rows.length - clean);
  }, 120_000);
});

describe('the reader thread', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qc-bombs-'));
  const file = (name: string, buf: Buffer) => {
    const p = join(dir, name);
    writeFileSync(p, buf);
    return { path: p, size: buf.length };
  };

  it('stops a step that works past its time limit', async () => {
    // 1.5 GB of padding under a part limit raised out of the way: only the clock stops it.
    const readers = new SheetReaders({ limits: { ...defaultReadLimits, parseMs: 1000, maxPartBytes: 4000 * 1024 * 1024, maxUnpackedBytes: 8000 * 1024 * 1024 }, workers: 1, memoryMb: 128 });
    const f = file('padded.xlsx', paddedSheetBomb(1_500_000_000, 1024));
    const t0 = performance.now();
    const err = await (async () => {
      const src = await readers.open(f.path, f.size);
      try {
        await src.sheet(null);
      } finally {
        await src.close();
      }
    })().catch((e: unknown) => e as { code?: string; details?: { limit?: string } });
    console.log(`[xlsx bomb] time limit of 1 s: refused after ${Math.round(performance.now() - t0)} ms`);
    expect(err).toMatchObject({ code: 'IMPORT_TOO_LARGE', details: { limit: 'time' } });
    expect(readers.active).toBe(0);
  }, 120_000);

  it('reads no more files at once than it has workers; the others wait their turn', async () => {
    const readers = new SheetReaders({ limits: defaultReadLimits, workers: 1, memoryMb: 128 });
    const f = file('wide.xlsx', wideSheet(10));
    const first = await readers.open(f.path, f.size);
    let secondOpen = false;
    const second = readers.open(f.path, f.size).then((s) => ((secondOpen = true), s));
    await new Promise((r) => setTimeout(r, 1500));
    expect(secondOpen).toBe(false);
    expect(readers.active).toBe(1);
    const rows = [];
    for await (const r of first.rows(null)) rows.push(r);
    expect(rows.map((r) => r.cells[0])).toEqual(['姓名', '王秀英']);
    await first.close();
    const s2 = await second;
    expect(secondOpen).toBe(true);
    expect((await s2.sheet(null)).rows).toBe(2);
    await s2.close();
    expect(readers.active).toBe(0);
  }, 120_000);
});

// Uploads are read in worker threads, never in the thread that serves the API. The counts of
// limits.ts stop the bombs they know; a worker thread with a heap limit stops the rest: a file
// that makes the reader run out of memory ends that thread (IMPORT_TOO_LARGE naming the memory
// limit), one that makes it loop is terminated when a step takes longer than its time limit,
// and the server goes on answering meanwhile. At most `importWorkers` uploads are read at once
// (each worker costs its heap); the others wait their turn. Decision 0022.
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AppError, type ErrorParams } from '../../platform/app-error.js';
import { ExchangeErrors } from './errors.js';
import { limitText, tooLarge, type ReadLimits } from '../../platform/documents/read-limits.js';
import type { SheetInfo, SheetSource, SourceRow } from './sources.js';

export type ReaderRequest =
  | { id: number; op: 'open'; path: string; size: number }
  | { id: number; op: 'sheet'; name: string | null }
  | { id: number; op: 'rows'; name: string | null }
  | { id: number; op: 'more' }
  | { id: number; op: 'stop' };

export type SerialisedError = { code: string; params: ErrorParams; field?: string; details?: unknown } | { message: string };

export type ReaderReply =
  | { id: number; ready: true }
  | { id: number; value: unknown }
  | { id: number; rows: SourceRow[]; done: boolean }
  | { id: number; error: SerialisedError };

export interface ReaderOptions {
  limits: ReadLimits;
  /** Uploads read at the same time. */
  workers: number;
  /** The worker's heap (V8 old generation), in MB. */
  memoryMb: number;
}

const ENTRY = fileURLToPath(new URL('./reader-worker.mjs', import.meta.url));
/** Loading the reader's modules in a new thread (tsx compiles them on first use, then caches). */
const START_TIMEOUT_MS = 60_000;
/** Beyond a step's own time limit, before a silent worker is terminated (it checks its clock itself between chunks). */
const GRACE_MS = 5_000;

const exchangeByCode = new Map(Object.values(ExchangeErrors).map((d) => [d.code, d]));

function revive(e: SerialisedError): Error {
  if ('code' in e) {
    const def = exchangeByCode.get(e.code);
    if (def) return new AppError(def, e.params, e.field, e.details);
  }
  const m = 'message' in e ? e.message : e.code;
  // Anything else the reader threw was thrown reading this file.
  return new AppError(ExchangeErrors.IMPORT_FILE_CORRUPT, { reason_zh: m, reason_en: m });
}

/** Opens uploads in worker threads, a limited number at a time. */
export class SheetReaders {
  private busy = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly opts: ReaderOptions) {}

  /** Workers reading right now (for tests and health). */
  get active(): number {
    return this.busy;
  }

  private async acquire(): Promise<void> {
    if (this.busy < this.opts.workers) {
      this.busy += 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.busy -= 1;
  }

  /** Recognises the file in a worker and returns a source reading it there; close() it when done. */
  async open(path: string, size: number): Promise<SheetSource> {
    await this.acquire();
    const reader = new IsolatedReader(this.opts, () => this.release());
    try {
      await reader.start();
      const info = (await reader.request({ op: 'open', path, size })) as { format: 'xlsx' | 'csv'; encoding: string | null; sheets: SheetInfo[] };
      return reader.source(info);
    } catch (err) {
      await reader.close();
      throw err;
    }
  }
}

interface Pending {
  resolve(reply: ReaderReply): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

class IsolatedReader {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private dead: Error | null = null;
  private closed = false;
  private readonly ready: Promise<void>;

  constructor(
    private readonly opts: ReaderOptions,
    private readonly onClosed: () => void,
  ) {
    this.worker = new Worker(ENTRY, {
      workerData: { limits: opts.limits },
      resourceLimits: { maxOldGenerationSizeMb: opts.memoryMb, maxYoungGenerationSizeMb: Math.min(32, Math.max(4, Math.floor(opts.memoryMb / 8))) },
      // Only what the reader needs: no inherited --inspect and the like.
      execArgv: [],
      stdout: false,
      stderr: false,
    });
    // An idle reader never keeps the process alive; a request waiting for it does (its timer).
    this.worker.unref();
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the sheet reader did not start in time')), START_TIMEOUT_MS);
      this.pending.set(0, {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (err) => {
          clearTimeout(timer);
          // A reader that cannot start is the server's fault, not the file's.
          reject(new Error(`the sheet reader could not start: ${err.message}`));
        },
        timer,
      });
    });
    this.worker.on('message', (m: ReaderReply) => {
      const p = this.pending.get(m.id);
      if (!p) return; // a batch for a stream given up
      this.pending.delete(m.id);
      clearTimeout(p.timer);
      p.resolve(m);
    });
    this.worker.on('error', (err: Error & { code?: string }) => {
      this.die(err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? tooLarge('memory', limitText.memory(opts.memoryMb)) : revive({ message: err.message }));
    });
    this.worker.on('exit', (code) => {
      this.die(new AppError(ExchangeErrors.IMPORT_FILE_CORRUPT, { reason_zh: `读取进程意外退出（${code}）`, reason_en: `the reader stopped unexpectedly (exit code ${code})` }));
    });
  }

  start(): Promise<void> {
    return this.ready;
  }

  /** The worker is gone: every request waiting, and every later one, fails with why. */
  private die(err: Error): void {
    if (!this.dead) this.dead = err;
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      clearTimeout(p.timer);
      p.reject(this.dead);
    }
    void this.close();
  }

  private send(msg: ReaderRequest): Promise<ReaderReply> {
    if (this.dead) return Promise.reject(this.dead);
    return new Promise<ReaderReply>((resolve, reject) => {
      // The worker stops itself when a step passes its time limit; one that does not answer at all
      // (stuck in one long computation) is terminated.
      const timer = setTimeout(() => {
        this.dead ??= tooLarge('time', limitText.time(this.opts.limits));
        void this.worker.terminate();
      }, this.opts.limits.parseMs + GRACE_MS);
      this.pending.set(msg.id, { resolve, reject, timer });
      this.worker.postMessage(msg);
    });
  }

  async request(msg: { op: 'open'; path: string; size: number } | { op: 'sheet'; name: string | null }): Promise<unknown> {
    const reply = await this.send({ ...msg, id: this.nextId++ });
    if ('error' in reply) throw revive(reply.error);
    return (reply as { value: unknown }).value;
  }

  async *rows(name: string | null): AsyncGenerator<SourceRow> {
    const id = this.nextId++;
    let inFlight: Promise<ReaderReply> | null = this.send({ id, op: 'rows', name });
    try {
      while (inFlight) {
        const reply = await inFlight;
        inFlight = null;
        if ('error' in reply) throw revive(reply.error);
        const batch = reply as { rows: SourceRow[]; done: boolean };
        // Ask for the next batch before handing out this one: reading and consuming overlap.
        if (!batch.done) inFlight = this.send({ id, op: 'more' });
        for (const r of batch.rows) yield r;
      }
    } finally {
      if (inFlight) {
        // Given up half-way (the consumer broke off): the batch asked for is dropped.
        const p = this.pending.get(id);
        if (p) {
          clearTimeout(p.timer);
          this.pending.delete(id);
        }
        inFlight.catch(() => undefined);
        if (!this.dead && !this.closed) this.worker.postMessage({ id, op: 'stop' } satisfies ReaderRequest);
      }
    }
  }

  source(info: { format: 'xlsx' | 'csv'; encoding: string | null; sheets: SheetInfo[] }): SheetSource {
    return {
      ...info,
      rows: (name) => this.rows(name ?? null),
      sheet: async (name) => (await this.request({ op: 'sheet', name: name ?? null })) as SheetInfo,
      close: () => this.close(),
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.dead ??= new AppError(ExchangeErrors.IMPORT_FILE_CORRUPT, { reason_zh: '读取已结束', reason_en: 'the reader was closed' });
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      clearTimeout(p.timer);
      p.reject(this.dead);
    }
    this.onClosed();
    await this.worker.terminate();
  }
}

// The worker thread's side of reading an upload: opens the file with the in-thread reader
// (sources.ts) under the limits it was given and answers the requests of readers.ts. Rows go out
// in batches, one batch ahead of the consumer at most (it asks for the next one when it takes
// one), so a slow consumer never makes rows pile up here.
import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../../platform/app-error.js';
import type { ReadLimits } from '../../platform/documents/read-limits.js';
import { openSheetSource, type SheetSource, type SourceRow } from './sources.js';
import type { ReaderReply, ReaderRequest, SerialisedError } from './readers.js';

const port = parentPort!;
const { limits } = workerData as { limits: ReadLimits };
/** A batch ends at this many rows or cells, whichever comes first. */
const BATCH_ROWS = 500;
const BATCH_CELLS = 50_000;

let source: SheetSource | null = null;
const streams = new Map<number, AsyncGenerator<SourceRow>>();

function serialise(err: unknown): SerialisedError {
  if (err instanceof AppError) return { code: err.code, params: err.params, field: err.field, details: err.details };
  const e = err as Error;
  return { message: `${e?.name ?? 'Error'}: ${e?.message ?? String(err)}` };
}

const post = (reply: ReaderReply) => port.postMessage(reply);

async function pump(id: number): Promise<void> {
  const g = streams.get(id);
  if (!g) return;
  const rows: SourceRow[] = [];
  let cells = 0;
  let done = false;
  while (rows.length < BATCH_ROWS && cells < BATCH_CELLS) {
    const r = await g.next();
    if (r.done) {
      done = true;
      break;
    }
    rows.push(r.value);
    cells += r.value.cells.length;
  }
  if (done) streams.delete(id);
  post({ id, rows, done });
}

async function handle(m: ReaderRequest): Promise<void> {
  try {
    switch (m.op) {
      case 'open': {
        source = await openSheetSource(m.path, m.size, limits);
        post({ id: m.id, value: { format: source.format, encoding: source.encoding, sheets: source.sheets } });
        break;
      }
      case 'sheet':
        post({ id: m.id, value: await source!.sheet(m.name) });
        break;
      case 'rows':
        streams.set(m.id, source!.rows(m.name));
        await pump(m.id);
        break;
      case 'more':
        await pump(m.id);
        break;
      case 'stop': {
        const g = streams.get(m.id);
        streams.delete(m.id);
        await g?.return(undefined);
        break;
      }
    }
  } catch (err) {
    streams.delete(m.id);
    post({ id: m.id, error: serialise(err) });
  }
}

// Requests are handled one after the other: a reader answers one step at a time.
let queue = Promise.resolve();
port.on('message', (m: ReaderRequest) => {
  queue = queue.then(() => handle(m));
});
post({ id: 0, ready: true });

// Fixtures for spreadsheet exchange tests, generated in the tests themselves: xlsx workbooks built
// with ExcelJS, GBK-encoded CSV, multipart upload bodies, and reading xlsx answers back.
import { randomBytes } from 'node:crypto';
import ExcelJS from 'exceljs';
import type { TestApp } from '../support/app.js';

export async function xlsx(build: (wb: ExcelJS.Workbook) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  build(wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A sheet from rows of values (first row usually the header). */
export async function simpleXlsx(rows: unknown[][], name = '居民'): Promise<Buffer> {
  return xlsx((wb) => {
    const ws = wb.addWorksheet(name);
    for (const r of rows) ws.addRow(r);
  });
}

let gbkTable: Map<string, Buffer> | null = null;

/** GBK bytes for a string (built from the platform's own GB18030 decoder; tests only). */
export function gbk(s: string): Buffer {
  if (!gbkTable) {
    gbkTable = new Map();
    const d = new TextDecoder('gb18030');
    for (let lead = 0x81; lead <= 0xfe; lead++) {
      for (let trail = 0x40; trail <= 0xfe; trail++) {
        if (trail === 0x7f) continue;
        const ch = d.decode(Buffer.from([lead, trail]));
        if (ch.length === 1 && !gbkTable.has(ch)) gbkTable.set(ch, Buffer.from([lead, trail]));
      }
    }
  }
  const parts: Buffer[] = [];
  for (const ch of s) {
    if (ch.charCodeAt(0) < 0x80) parts.push(Buffer.from(ch, 'latin1'));
    else {
      const b = gbkTable.get(ch);
      if (!b) throw new Error(`no GBK code for ${ch}`);
      parts.push(b);
    }
  }
  return Buffer.concat(parts);
}

export function multipart(fileName: string, content: Buffer, contentType = 'application/octet-stream'): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----qingche${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: ${contentType}\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { payload: Buffer.concat([head, content, tail]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

export async function upload(t: TestApp, token: string, fileName: string, content: Buffer, query: Record<string, string | number> = {}) {
  const { payload, headers } = multipart(fileName, content);
  const qs = new URLSearchParams(Object.entries({ kind: 'resident', ...query }).map(([k, v]): [string, string] => [k, String(v)])).toString();
  return t.built.app.inject({ method: 'POST', url: `/api/imports?${qs}`, headers: { ...headers, authorization: `Bearer ${token}` }, payload });
}

/** Runs queued background jobs until none is left (tests run without the job worker). */
export async function runJobs(t: TestApp): Promise<void> {
  while ((await t.built.platform.jobs.runOnce()) > 0);
}

/** Upload, start with the proposed (or given) mapping, run, and return the finished import. */
export async function importFile(t: TestApp, token: string, fileName: string, content: Buffer, opts: { query?: Record<string, string | number>; start?: Record<string, unknown> } = {}) {
  const up = await upload(t, token, fileName, content, opts.query);
  if (up.statusCode !== 201) throw new Error(`upload failed: ${up.statusCode} ${up.body}`);
  const id = up.json().id as number;
  const st = await t.call('POST', `/api/imports/${id}/start`, { token, body: opts.start ?? {} });
  if (st.statusCode !== 202) throw new Error(`start failed: ${st.statusCode} ${st.body}`);
  await runJobs(t);
  const done = await t.call('GET', `/api/imports/${id}`, { token });
  return { upload: up.json(), view: done.json() };
}

/** The rows of the first sheet of an xlsx answer, as text. */
export async function readXlsx(buf: Buffer, sheet?: string): Promise<string[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as never);
  const ws = sheet ? wb.getWorksheet(sheet)! : wb.worksheets[0]!;
  const out: string[][] = [];
  ws.eachRow({ includeEmpty: false }, (row) => {
    const vals = (row.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : v instanceof Date ? v.toISOString().slice(0, 10) : typeof v === 'object' ? JSON.stringify(v) : String(v)));
    out.push(vals);
  });
  return out;
}

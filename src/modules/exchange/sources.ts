// Reading uploaded sheets row by row without holding them in memory. A file is first recognised
// by its bytes (not its name): xlsx (a zip holding xl/workbook.xml), CSV text in UTF-8, GBK/
// GB18030 or UTF-16, or refused with the reason (a legacy .xls, an HTML page saved as .xls, a PDF,
// an image, binary junk). An xlsx sheet is scanned once in its zip for its row count and merged
// cells (which Excel stores after the rows), then streamed row by row (xlsx-reader.ts).
// Every step is counted against the read limits (limits.ts); the server runs this in a worker
// thread (readers.ts), tests and tools may call it directly.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import unzipper, { type CentralDirectoryFile } from 'unzipper';
import { AppError } from '../../platform/app-error.js';
import { ExchangeErrors } from './errors.js';
import { defaultReadLimits, limitText, MAX_CELL_CHARS, MAX_SMALL_PART_BYTES, MAX_TOKEN_CHARS, MAX_ZIP_ENTRIES, ReadBudget, tooLarge, tooManyRows, XLSX_MAX_COLUMNS, type ReadLimits, type StringTable } from '../../platform/documents/read-limits.js';
import type { Cell } from './values.js';
import { colName, partChunks, readDateStyles, readSharedStrings, readSheetRows, uses1904 } from '../../platform/documents/xlsx-reader.js';

export interface SheetInfo {
  name: string;
  hidden: boolean;
  /** Rows holding anything, as far as known before reading (xlsx: counted in the zip; csv: lines). */
  rows: number;
}

export interface SourceRow {
  /** 1-based row number as the sheet shows it. */
  rowNo: number;
  cells: Cell[];
  /** Columns covered by a merge that spans several columns: covered column → first column. */
  mergedInto?: Map<number, number>;
}

export interface SheetSource {
  format: 'xlsx' | 'csv';
  encoding: string | null;
  sheets: SheetInfo[];
  /** Streams the rows of a sheet (the first visible one when no name is given). */
  rows(sheet?: string | null): AsyncGenerator<SourceRow>;
  /** The sheet picked for a name (or the default), with its rows counted (the count stops at the row limit). */
  sheet(name?: string | null): Promise<SheetInfo>;
  /** Lets go of what reading holds (a worker thread, for an isolated source). */
  close(): Promise<void>;
}

const notSpreadsheet = (zh: string, en: string) => new AppError(ExchangeErrors.IMPORT_NOT_SPREADSHEET, { reason_zh: zh, reason_en: en });
const corrupt = (zh: string, en: string) => new AppError(ExchangeErrors.IMPORT_FILE_CORRUPT, { reason_zh: zh, reason_en: en });

/** Recognises the file and returns a reader for it, or throws the per-file error. */
export async function openSheetSource(path: string, size: number, limits: ReadLimits = defaultReadLimits): Promise<SheetSource> {
  if (size === 0) throw new AppError(ExchangeErrors.IMPORT_FILE_EMPTY);
  const budget = new ReadBudget(limits);
  budget.step();
  const fh = await open(path, 'r');
  const head = Buffer.alloc(Math.min(size, 64 * 1024));
  try {
    await fh.read(head, 0, head.length, 0);
  } finally {
    await fh.close();
  }
  const magic = head.subarray(0, 8);
  if (magic.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])) || magic.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x05, 0x06]))) return openXlsx(path, size, budget);
  if (magic.equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))) throw new AppError(ExchangeErrors.IMPORT_LEGACY_XLS);
  if (magic.subarray(0, 5).toString('latin1') === '%PDF-') throw notSpreadsheet('这是 PDF 文件', 'this is a PDF file');
  if (magic.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47])) || magic.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff])) || magic.subarray(0, 4).toString('latin1') === 'GIF8') {
    throw notSpreadsheet('这是图片文件', 'this is an image');
  }
  if (magic.subarray(0, 2).equals(Buffer.from([0x1f, 0x8b])) || magic.subarray(0, 4).toString('latin1') === 'Rar!' || magic.subarray(0, 2).toString('latin1') === '7z') {
    throw notSpreadsheet('这是压缩包，请解压后上传其中的表格', 'this is an archive; unpack it and upload the sheet inside');
  }
  return openCsv(path, size, head, budget);
}

// ---- xlsx -------------------------------------------------------------------------------------

interface XlsxSheet extends SheetInfo {
  entry: CentralDirectoryFile;
  /** Rows counted and merged ranges, once the sheet has been scanned. */
  scan?: { rows: number; merges: MergeRange[] };
}

function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\b${name}="([^"]*)"`).exec(tag);
  return m ? decodeXml(m[1]!) : undefined;
}

function decodeXml(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos|#x?[0-9a-fA-F]+);/g, (m, e: string) => {
    if (e === 'lt') return '<';
    if (e === 'gt') return '>';
    if (e === 'amp') return '&';
    if (e === 'quot') return '"';
    if (e === 'apos') return "'";
    const code = e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : m;
  });
}

/** A1 → { row: 1, col: 0 } (0-based column). */
export function decodeRef(ref: string): { row: number; col: number } | null {
  const m = /^\$?([A-Z]{1,3})\$?(\d+)$/.exec(ref.toUpperCase());
  if (!m) return null;
  let col = 0;
  for (const ch of m[1]!) col = col * 26 + (ch.charCodeAt(0) - 64);
  return { row: Number(m[2]), col: col - 1 };
}

export interface MergeRange {
  r1: number;
  c1: number;
  r2: number;
  c2: number;
}

/**
 * The entry count the zip's end record declares, read before unzipper parses the central
 * directory (which it holds whole): a zip of a million tiny entries is refused unread.
 */
async function zipEntryCount(path: string, size: number): Promise<number | null> {
  const len = Math.min(size, 22 + 65_535);
  const buf = Buffer.alloc(len);
  const fh = await open(path, 'r');
  try {
    await fh.read(buf, 0, len, size - len);
  } finally {
    await fh.close();
  }
  for (let i = len - 22; i >= 0; i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) return buf.readUInt16LE(i + 10);
  }
  return null;
}

/** A small part (workbook.xml, its relationships) read whole, counted, at most MAX_SMALL_PART_BYTES. */
async function readSmallPart(entry: CentralDirectoryFile, budget: ReadBudget): Promise<string> {
  if (entry.uncompressedSize > MAX_SMALL_PART_BYTES) throw tooLarge('smallPart', limitText.smallPart(entry.path));
  const parts: Buffer[] = [];
  let n = 0;
  for await (const chunk of partChunks(entry, budget)) {
    n += chunk.length;
    if (n > MAX_SMALL_PART_BYTES) throw tooLarge('smallPart', limitText.smallPart(entry.path));
    parts.push(chunk);
  }
  return Buffer.concat(parts).toString('utf8');
}

/** Errors of reading turned into the per-file error (a limit passed stays what it is). */
function asFileError(err: unknown, what?: { zh: string; en: string }): AppError {
  if (err instanceof AppError) return err;
  const m = (err as Error).message;
  return what ? corrupt(`${what.zh}：${m}`, `${what.en}: ${m}`) : corrupt(m, m);
}

async function openXlsx(path: string, size: number, budget: ReadBudget): Promise<SheetSource> {
  const declared = await zipEntryCount(path, size);
  if (declared !== null && declared > MAX_ZIP_ENTRIES) throw tooLarge('entries', limitText.entries());
  let dir: Awaited<ReturnType<typeof unzipper.Open.file>>;
  try {
    dir = await unzipper.Open.file(path);
  } catch (err) {
    throw corrupt(`ZIP 结构损坏：${(err as Error).message}`, `broken zip structure: ${(err as Error).message}`);
  }
  if (dir.files.length > MAX_ZIP_ENTRIES) throw tooLarge('entries', limitText.entries());
  const byPath = new Map(dir.files.map((f) => [f.path.replace(/^\//, ''), f]));
  const workbook = byPath.get('xl/workbook.xml');
  if (!workbook) {
    if ([...byPath.keys()].some((p) => p.startsWith('word/'))) throw notSpreadsheet('这是 Word 文档', 'this is a Word document');
    if ([...byPath.keys()].some((p) => p.startsWith('ppt/'))) throw notSpreadsheet('这是 PowerPoint 演示文稿', 'this is a PowerPoint file');
    throw notSpreadsheet('这是 ZIP 压缩包而不是 Excel 工作簿', 'this is a zip archive, not an Excel workbook');
  }
  let wbXml: string;
  let relsXml = '';
  try {
    wbXml = await readSmallPart(workbook, budget);
    const rels = byPath.get('xl/_rels/workbook.xml.rels');
    if (rels) relsXml = await readSmallPart(rels, budget);
  } catch (err) {
    throw asFileError(err);
  }
  const targets = new Map<string, string>();
  let stringsEntry = byPath.get('xl/sharedStrings.xml');
  for (const m of relsXml.matchAll(/<Relationship\b[^>]*>/g)) {
    const id = attr(m[0], 'Id');
    const target = attr(m[0], 'Target');
    if (!id || !target) continue;
    const full = target.startsWith('/') ? target.slice(1) : `xl/${target}`;
    targets.set(id, full);
    if ((attr(m[0], 'Type') ?? '').endsWith('/sharedStrings')) stringsEntry = byPath.get(full) ?? stringsEntry;
  }
  const sheets: XlsxSheet[] = [];
  for (const m of wbXml.matchAll(/<(?:\w+:)?sheet\b[^>]*>/g)) {
    const name = attr(m[0], 'name') ?? `Sheet${sheets.length + 1}`;
    const rid = attr(m[0], 'r:id') ?? attr(m[0], 'id');
    const target = rid ? targets.get(rid) : undefined;
    const entry = (target && byPath.get(target)) || byPath.get(`xl/worksheets/sheet${sheets.length + 1}.xml`);
    if (!entry) continue; // a chart sheet or a dangling reference: nothing to import
    const state = attr(m[0], 'state');
    sheets.push({ name, hidden: state === 'hidden' || state === 'veryHidden', rows: await quickRowCount(entry, budget), entry });
  }
  if (!sheets.length) throw corrupt('工作簿中没有工作表', 'the workbook has no worksheets');
  // Read once per source, on first need: the string table and the date styles.
  let parts: Promise<{ strings: StringTable | null; dateStyles: boolean[] }> | null = null;
  const sharedParts = () =>
    (parts ??= (async () => {
      try {
        return { strings: stringsEntry ? await readSharedStrings(stringsEntry, budget) : null, dateStyles: await readDateStyles(byPath.get('xl/styles.xml'), budget) };
      } catch (err) {
        parts = null;
        throw asFileError(err);
      }
    })());
  const date1904 = uses1904(wbXml);
  const scanned = async (s: XlsxSheet) => (s.scan ??= await scanSheet(s.entry, budget));
  return {
    format: 'xlsx',
    encoding: null,
    sheets: sheets.map(({ entry: _e, scan: _s, ...s }) => s),
    rows: (sheetName) => xlsxRows(pickSheet(sheets, sheetName), budget, async (s) => ({ ...(await sharedParts()), merges: (await scanned(s)).merges }), date1904),
    async sheet(sheetName) {
      budget.step();
      const s = pickSheet(sheets, sheetName);
      // Counted, never taken from <dimension> (a sheet that declares ten rows may hold forty million).
      s.rows = (await scanned(s)).rows;
      return { name: s.name, hidden: s.hidden, rows: s.rows };
    },
    async close() {},
  };
}

function pickSheet<T extends SheetInfo>(sheets: T[], name?: string | null): T {
  if (name) {
    const s = sheets.find((x) => x.name === name);
    if (!s) throw new AppError(ExchangeErrors.IMPORT_SHEET_NOT_FOUND, { sheet: name }, 'sheet');
    return s;
  }
  return sheets.find((s) => !s.hidden && s.rows > 0) ?? sheets.find((s) => !s.hidden) ?? sheets[0]!;
}

/** The row count the sheet's <dimension> declares (from its first bytes): shown in the sheet list, and used to pick the default sheet, never trusted as a count. */
async function quickRowCount(entry: CentralDirectoryFile, budget: ReadBudget): Promise<number> {
  const decoder = new StringDecoder('utf8');
  let text = '';
  try {
    for await (const chunk of partChunks(entry, budget)) {
      text += decoder.write(chunk);
      if (text.includes('<sheetData') || text.length > 16_384) break;
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    return 0;
  }
  const dim = /<dimension\b[^>]*ref="([^"]+)"/.exec(text)?.[1];
  if (!dim) return 0;
  const [from, to] = dim.split(':');
  const a = decodeRef(from ?? '');
  const b = decodeRef(to ?? from ?? '');
  return a && b ? Math.max(0, b.row - a.row + 1) : 0;
}

/**
 * One pass over a sheet's XML in the zip: rows present and merged ranges (stored after the rows).
 * Stops at the row limit, at as many merged ranges as rows are allowed, and at a tag or text
 * longer than MAX_TOKEN_CHARS.
 */
async function scanSheet(entry: CentralDirectoryFile, budget: ReadBudget): Promise<{ rows: number; merges: MergeRange[] }> {
  const { maxRows, maxColumns } = budget.limits;
  const decoder = new StringDecoder('utf8');
  let rows = 0;
  const merges: MergeRange[] = [];
  let tail = '';
  const eat = (s: string, final: boolean) => {
    // Keep an incomplete tag for the next chunk.
    const cut = final ? s.length : s.lastIndexOf('<');
    const body = cut < 0 ? s : s.slice(0, cut);
    tail = cut < 0 ? '' : s.slice(cut);
    if (tail.length > MAX_TOKEN_CHARS) throw tooLarge('token', limitText.token());
    for (const _ of body.matchAll(/<(?:\w+:)?row[\s>/]/g)) {
      rows += 1;
      if (rows > maxRows) throw tooManyRows(budget.limits);
    }
    for (const m of body.matchAll(/<(?:\w+:)?mergeCell\b[^>]*ref="([A-Z]+\d+):([A-Z]+\d+)"/g)) {
      const a = decodeRef(m[1]!);
      const b = decodeRef(m[2]!);
      if (!a || !b) continue;
      const c1 = Math.min(a.col, b.col);
      if (c1 >= maxColumns) continue; // wholly past the columns read: nothing to fill
      if (merges.length >= maxRows) throw tooLarge('merges', limitText.merges(budget.limits));
      merges.push({ r1: Math.min(a.row, b.row), c1, r2: Math.max(a.row, b.row), c2: Math.min(Math.max(a.col, b.col), maxColumns - 1) });
    }
  };
  try {
    for await (const chunk of partChunks(entry, budget)) eat(tail + decoder.write(chunk), false);
    eat(tail + decoder.end(), true);
  } catch (err) {
    throw asFileError(err, { zh: '工作表数据损坏', en: 'damaged sheet data' });
  }
  return { rows, merges };
}

async function* xlsxRows(
  sheet: XlsxSheet,
  budget: ReadBudget,
  load: (s: XlsxSheet) => Promise<{ strings: StringTable | null; dateStyles: boolean[]; merges: MergeRange[] }>,
  date1904: boolean,
): AsyncGenerator<SourceRow> {
  budget.step();
  const { strings, dateStyles, merges: found } = await load(sheet);
  const merges = [...found].sort((a, b) => a.r1 - b.r1);
  let active: MergeRange[] = [];
  let next = 0;
  // Values of the first cell of each merged range, to copy into the cells it covers.
  const topLeft = new Map<MergeRange, Cell>();
  const rows = readSheetRows(sheet.entry, strings ?? emptyTable, dateStyles, date1904, budget);
  try {
    for (;;) {
      let r: IteratorResult<{ rowNo: number; cells: Cell[] }>;
      try {
        r = await rows.next();
      } catch (err) {
        throw asFileError(err, { zh: '工作表数据损坏', en: 'damaged sheet data' });
      }
      if (r.done) return;
      const { rowNo, cells } = r.value;
      const before = active.length;
      while (next < merges.length && merges[next]!.r1 <= rowNo) active.push(merges[next++]!);
      if (active.length) active = active.filter((m) => m.r2 >= rowNo);
      // Ranges in one row cannot overlap in a valid sheet, so no more of them than columns are
      // ever active; more is a file built to make each row cost millions of steps.
      if (active.length > before && active.length > budget.limits.maxColumns) throw corrupt('合并单元格相互重叠', 'merged ranges overlap');
      let mergedInto: Map<number, number> | undefined;
      for (const m of active) {
        if (m.r1 === rowNo) topLeft.set(m, cells[m.c1] ?? null);
        // A merge down a column means "the same for these rows": copy the value down.
        else if (m.r1 < rowNo) cells[m.c1] = topLeft.get(m) ?? null;
        for (let c = m.c1 + 1; c <= m.c2; c++) {
          mergedInto ??= new Map();
          mergedInto.set(c, m.c1);
        }
      }
      budget.pause();
      yield { rowNo, cells, mergedInto };
      budget.resume();
    }
  } finally {
    await rows.return(undefined);
  }
}

/** For a workbook without a string table. */
const emptyTable = { get: () => undefined } as unknown as StringTable;

// ---- csv --------------------------------------------------------------------------------------

function validUtf8(buf: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buf, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/** Picks the text encoding from the first bytes: a BOM, valid UTF-8, or else GB18030 (a superset of GBK). */
export function detectEncoding(head: Buffer): { encoding: 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030'; bom: number } {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bom: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bom: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bom: 2 };
  return { encoding: validUtf8(head) ? 'utf-8' : 'gb18030', bom: 0 };
}

async function openCsv(path: string, size: number, head: Buffer, budget: ReadBudget): Promise<SheetSource> {
  const { encoding, bom } = detectEncoding(head);
  const sample = new TextDecoder(encoding).decode(head.subarray(bom), { stream: true });
  const nonText = [...sample].filter((ch) => {
    const c = ch.charCodeAt(0);
    return (c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffd;
  }).length;
  if (sample.includes('\u0000') || nonText > Math.max(2, sample.length * 0.01)) throw notSpreadsheet('文件内容不是文本表格（含有二进制数据）', 'the content is not a text table (it holds binary data)');
  const lower = sample.slice(0, 2000).toLowerCase();
  if (/<html|<table|<!doctype html/.test(lower)) {
    throw notSpreadsheet('这是网页（HTML）格式的“伪 xls”文件，请用 Excel 打开后另存为 .xlsx', 'this is an HTML page saved with an .xls name; open it in Excel and save as .xlsx');
  }
  if (lower.includes('urn:schemas-microsoft-com:office:spreadsheet')) {
    throw notSpreadsheet('这是 Excel 2003 XML 表格，请用 Excel 打开后另存为 .xlsx', 'this is an Excel 2003 XML sheet; open it in Excel and save as .xlsx');
  }
  if (lower.startsWith('{\\rtf') || lower.startsWith('<?xml')) throw notSpreadsheet('这不是表格文件', 'this is not a spreadsheet');
  const firstLine = sample.split(/\r?\n/).find((l) => l.trim()) ?? '';
  const delimiter = pickDelimiter(firstLine);
  const lines = await countLines(path, size, budget);
  const info: SheetInfo = { name: 'CSV', hidden: false, rows: lines };
  const limits = budget.limits;
  return {
    format: 'csv',
    encoding,
    sheets: [info],
    rows: (sheet) => {
      if (sheet && sheet !== 'CSV') throw new AppError(ExchangeErrors.IMPORT_SHEET_NOT_FOUND, { sheet }, 'sheet');
      return csvRows(path, encoding, bom, delimiter, budget);
    },
    async sheet(sheet) {
      if (sheet && sheet !== 'CSV') throw new AppError(ExchangeErrors.IMPORT_SHEET_NOT_FOUND, { sheet }, 'sheet');
      // More lines than rows allowed: count the rows themselves (a quoted cell may hold line
      // breaks); csvRows stops at the limit.
      if (info.rows > limits.maxRows) {
        let n = 0;
        for await (const _ of csvRows(path, encoding, bom, delimiter, budget)) n += 1;
        info.rows = n;
      }
      return info;
    },
    async close() {},
  };
}

function pickDelimiter(line: string): string {
  let best = ',';
  let bestN = 0;
  for (const d of [',', '\t', ';', '|']) {
    let n = 0;
    let inQ = false;
    for (const ch of line) {
      if (ch === '"') inQ = !inQ;
      else if (ch === d && !inQ) n += 1;
    }
    if (n > bestN) {
      best = d;
      bestN = n;
    }
  }
  return best;
}

/** Line count for progress (embedded line breaks in quotes make it an estimate). */
async function countLines(path: string, size: number, budget: ReadBudget): Promise<number> {
  let n = 0;
  let last = 0x0a;
  // A line feed is byte 0x0a in UTF-8, GB18030 and (as one of its two bytes) UTF-16.
  const nl = 0x0a;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    budget.tick();
    const b = chunk as Buffer;
    let i = -1;
    while ((i = b.indexOf(nl, i + 1)) !== -1) n += 1;
    last = b[b.length - 1] ?? last;
  }
  return size > 0 && last !== 0x0a ? n + 1 : n;
}

/**
 * RFC 4180 CSV, streamed: quoted fields with "" escapes and line breaks, CRLF or LF. A field
 * longer than a cell may be (an unclosed quote swallowing the file) and a line of more than
 * 16,384 fields are refused as they are read.
 */
export async function* parseCsv(chunks: AsyncIterable<string>, delimiter = ','): AsyncGenerator<string[]> {
  let field = '';
  let rowNo = 1;
  const push = (row: string[], f: string) => {
    if (f.length > MAX_CELL_CHARS) throw tooLarge('cellChars', limitText.cellChars());
    if (row.length >= XLSX_MAX_COLUMNS) throw tooLarge('cellsPerRow', limitText.cellsPerRow(rowNo));
    row.push(f);
  };
  let row: string[] = [];
  let inQuotes = false;
  let quoteSeen = false; // the previous char inside quotes was a quote (an escape or the end)
  let pendingCR = false;
  for await (const chunk of chunks) {
    const out: string[][] = [];
    for (let i = 0; i < chunk.length; i++) {
      const ch = chunk[i]!;
      if (inQuotes) {
        if (quoteSeen) {
          quoteSeen = false;
          if (ch === '"') {
            field += '"';
            continue;
          }
          inQuotes = false;
          // fall through: the quote closed the field; handle ch as outside quotes
        } else if (ch === '"') {
          quoteSeen = true;
          continue;
        } else {
          field += ch;
          continue;
        }
      }
      if (pendingCR) {
        pendingCR = false;
        if (ch === '\n') continue;
      }
      if (ch === '"' && field === '') {
        inQuotes = true;
      } else if (ch === delimiter) {
        push(row, field);
        field = '';
      } else if (ch === '\n' || ch === '\r') {
        push(row, field);
        field = '';
        out.push(row);
        row = [];
        rowNo += 1;
        if (ch === '\r') pendingCR = true;
      } else {
        field += ch;
      }
    }
    if (field.length > MAX_CELL_CHARS) throw tooLarge('cellChars', limitText.cellChars());
    for (const r of out) yield r;
  }
  if (quoteSeen) inQuotes = false;
  if (field !== '' || row.length) {
    push(row, field);
    yield row;
  }
}

async function* decodeStream(path: string, encoding: string, bom: number, budget: ReadBudget): AsyncGenerator<string> {
  const decoder = new TextDecoder(encoding);
  for await (const chunk of createReadStream(path, { start: bom, highWaterMark: 256 * 1024 })) {
    budget.tick();
    yield decoder.decode(chunk as Buffer, { stream: true });
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

async function* csvRows(path: string, encoding: string, bom: number, delimiter: string, budget: ReadBudget): AsyncGenerator<SourceRow> {
  budget.step();
  const { maxRows, maxColumns } = budget.limits;
  let rowNo = 0;
  for await (const fields of parseCsv(decodeStream(path, encoding, bom, budget), delimiter)) {
    rowNo += 1;
    if (rowNo > maxRows) throw tooManyRows(budget.limits);
    for (let i = maxColumns; i < fields.length; i++) {
      if (fields[i] !== '') throw tooLarge('columns', limitText.columns(budget.limits, `${colName(i)}${rowNo}`, i + 1));
    }
    const cells = (fields.length > maxColumns ? fields.slice(0, maxColumns) : fields).map((f) => (f === '' ? null : f));
    budget.pause();
    yield { rowNo, cells };
    budget.resume();
  }
}

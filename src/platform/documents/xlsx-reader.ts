// A streaming xlsx sheet reader. ExcelJS's streaming WorkbookReader decodes every chunk of XML
// on its own, so a Chinese character whose three UTF-8 bytes straddle two chunks turns into
// "��" (measured: 13 names in a 20,000-row register came out as 张��珍); it also copies the
// sheet to a temporary file in clear when the shared strings come later in the zip. This reader
// opens the zip by its central directory (random access, nothing copied), reads the string
// table and the number formats first, then streams the sheet through a SAX parser fed with text
// decoded across chunk boundaries. See docs/decisions for the measurement.
//
// Everything it reads is counted as it goes (read-limits.ts): bytes as they inflate, the length of a
// text node or a tag, strings in the table, rows, cells in a row, the columns holding data and
// the time spent; the first limit passed stops the read with IMPORT_TOO_LARGE.
import { StringDecoder } from 'node:string_decoder';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import type { CentralDirectoryFile } from 'unzipper';
import { limitText, MAX_CELL_CHARS, MAX_STYLES, MAX_TOKEN_CHARS, StringTable, tooLarge, tooManyRows, XLSX_MAX_COLUMNS, XLSX_MAX_ROWS, type ReadBudget } from './read-limits.js';

/** A cell as the readers hand it over. */
export type Cell = null | string | number | boolean | Date | { error: string } | { formula: string; noResult: true };

type SaxEvent = { type: 'open'; tag: SaxesTagPlain } | { type: 'text'; text: string } | { type: 'close'; name: string };

/** The inflated chunks of a zip entry, each counted against the part and total limits as it comes. */
export async function* partChunks(entry: CentralDirectoryFile, budget: ReadBudget): AsyncGenerator<Buffer> {
  // A declared size over the limit is refused at once; a smaller one proves nothing (counted below).
  if (entry.uncompressedSize > budget.limits.maxPartBytes) throw tooLarge('part', limitText.part(budget.limits, entry.path));
  const count = budget.counter(entry.path);
  const stream = entry.stream();
  try {
    for await (const chunk of stream) {
      count((chunk as Buffer).length);
      yield chunk as Buffer;
    }
  } finally {
    stream.destroy();
  }
}

/**
 * Tracks the characters since the last '<' across chunks: a text node or a tag longer than
 * MAX_TOKEN_CHARS would be buffered whole by the parser, so it is refused before it is.
 */
export function tokenGuard(): (text: string) => void {
  let run = 0;
  return (text) => {
    const lt = text.lastIndexOf('<');
    if (text.length > MAX_TOKEN_CHARS) {
      // A chunk this long (never from the inflater, which gives 16 KB at a time): measure every gap.
      let prev = -run - 1;
      for (let i = text.indexOf('<'); i !== -1; i = text.indexOf('<', i + 1)) {
        if (i - prev - 1 > MAX_TOKEN_CHARS) throw tooLarge('token', limitText.token());
        prev = i;
      }
    }
    run = lt < 0 ? run + text.length : text.length - lt - 1;
    if (run > MAX_TOKEN_CHARS) throw tooLarge('token', limitText.token());
  };
}

/** SAX events of a zip entry, in batches per chunk; UTF-8 decoded across chunk boundaries. */
async function* saxEvents(entry: CentralDirectoryFile, budget: ReadBudget): AsyncGenerator<SaxEvent[]> {
  const parser = new SaxesParser({ xmlns: false, position: false });
  const decoder = new StringDecoder('utf8');
  const guard = tokenGuard();
  let events: SaxEvent[] = [];
  let error: Error | null = null;
  parser.on('opentag', (tag) => events.push({ type: 'open', tag: tag as SaxesTagPlain }));
  parser.on('text', (text) => events.push({ type: 'text', text }));
  parser.on('cdata', (text) => events.push({ type: 'text', text }));
  parser.on('closetag', (tag) => events.push({ type: 'close', name: tag.name }));
  parser.on('error', (err) => (error = err));
  for await (const chunk of partChunks(entry, budget)) {
    const text = decoder.write(chunk);
    guard(text);
    parser.write(text);
    if (error) throw error;
    if (events.length) {
      yield events;
      events = [];
    }
  }
  parser.write(decoder.end());
  parser.close();
  if (error) throw error;
  if (events.length) yield events;
}

const local = (name: string) => name.slice(name.indexOf(':') + 1);

/** Appends text to a cell's value, refusing more than a cell can hold. */
function append(to: string, text: string): string {
  const s = to + text;
  if (s.length > MAX_CELL_CHARS) throw tooLarge('cellChars', limitText.cellChars());
  return s;
}

/** The shared string table: plain and rich text, without phonetic runs (<rPh>). */
export async function readSharedStrings(entry: CentralDirectoryFile, budget: ReadBudget): Promise<StringTable> {
  const out = new StringTable(budget.limits);
  let current: string | null = null;
  let inT = false;
  let inPhonetic = 0;
  for await (const batch of saxEvents(entry, budget)) {
    for (const e of batch) {
      if (e.type === 'open') {
        const n = local(e.tag.name);
        if (n === 'si') current = '';
        else if (n === 'rPh') inPhonetic += 1;
        else if (n === 't' && !inPhonetic) inT = !e.tag.isSelfClosing;
      } else if (e.type === 'close') {
        const n = local(e.name);
        if (n === 'si') {
          out.add(current ?? '');
          current = null;
        } else if (n === 'rPh') inPhonetic -= 1;
        else if (n === 't') inT = false;
      } else if (inT && current !== null) current = append(current, e.text);
    }
  }
  return out;
}

/** Built-in number formats that show dates or times (incl. the CJK ones Excel and WPS use). */
const BUILTIN_DATES = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

export function isDateFormat(code: string): boolean {
  const bare = code
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/\[(?:[hms]+)\]/gi, 'h')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/_.|\*./g, '');
  if (/^general$/i.test(bare.trim())) return false;
  return /[ymdhs]/i.test(bare) && !/[0#?]/.test(bare.replace(/[ymdhs]/gi, ''));
}

/** For each cell style (xf index), whether it shows a date. */
export async function readDateStyles(entry: CentralDirectoryFile | undefined, budget: ReadBudget): Promise<boolean[]> {
  if (!entry) return [];
  const custom = new Map<number, string>();
  const xfs: boolean[] = [];
  let inCellXfs = false;
  for await (const batch of saxEvents(entry, budget)) {
    for (const e of batch) {
      if (e.type === 'open') {
        const n = local(e.tag.name);
        if (n === 'numFmt') {
          if (custom.size >= MAX_STYLES) throw tooLarge('styles', limitText.styles());
          custom.set(Number(e.tag.attributes.numFmtId), String(e.tag.attributes.formatCode ?? ''));
        } else if (n === 'cellXfs') inCellXfs = true;
        else if (n === 'xf' && inCellXfs) {
          if (xfs.length >= MAX_STYLES) throw tooLarge('styles', limitText.styles());
          const id = Number(e.tag.attributes.numFmtId ?? 0);
          const code = custom.get(id);
          xfs.push(code !== undefined ? isDateFormat(code) : BUILTIN_DATES.has(id));
        }
      } else if (e.type === 'close' && local(e.name) === 'cellXfs') inCellXfs = false;
    }
  }
  return xfs;
}

/** The 0-based column of a cell reference (A1 → 0), null without one; past XFD is refused. */
export function colIndex(ref: string | undefined): number | null {
  if (!ref) return null;
  let col = 0;
  let i = 0;
  for (; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c < 65 || c > 90) break;
    col = col * 26 + (c - 64);
    // Checked per letter: "ZZZZZZ…" never grows into a number worth allocating for.
    if (col > XLSX_MAX_COLUMNS) throw tooLarge('columnRef', limitText.columnRef(ref.slice(0, 20)));
  }
  return i ? col - 1 : null;
}

/** A1-style name of a 0-based column (0 → A). */
export function colName(col: number): string {
  let s = '';
  for (let n = col + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** Excel's serial day number (and fraction) to a Date (UTC), in the 1900 or 1904 date system. */
export function serialToDate(n: number, date1904: boolean): Date {
  const epoch = date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, 30);
  return new Date(epoch + Math.round(n * 86_400_000));
}

export interface XlsxRow {
  rowNo: number;
  cells: Cell[];
}

/**
 * The rows of a worksheet as they stream out of the zip: shared strings resolved, formulas as
 * their cached result (or marked as having none), numbers in date formats as dates. Rows are
 * counted as they come (the sheet's <dimension> is never believed); an empty cell past the
 * column limit is dropped, one holding anything is refused.
 */
export async function* readSheetRows(entry: CentralDirectoryFile, strings: StringTable, dateStyles: boolean[], date1904: boolean, budget: ReadBudget): AsyncGenerator<XlsxRow> {
  const { maxColumns, maxRows } = budget.limits;
  let rowNo = 0;
  let rowsSeen = 0;
  let cellsInRow = 0;
  let cells: Cell[] | null = null;
  let col = -1;
  // The cell being read.
  let type = 'n';
  let style = 0;
  let value: string | null = null;
  let formula: string | null = null;
  let text: 'v' | 'f' | 't' | null = null;
  let inInline = false;
  const finishCell = () => {
    let cell: Cell = null;
    if (value !== null) {
      switch (type) {
        case 's':
          cell = strings.get(Number(value)) ?? '';
          break;
        case 'inlineStr':
        case 'str':
          cell = value;
          break;
        case 'b':
          cell = value === '1' || value.toLowerCase() === 'true';
          break;
        case 'e':
          cell = { error: value };
          break;
        case 'd': {
          const d = new Date(value);
          cell = Number.isNaN(d.getTime()) ? value : d;
          break;
        }
        default: {
          const n = Number(value);
          if (value.trim() === '' || Number.isNaN(n)) cell = value;
          else cell = dateStyles[style] ? serialToDate(n, date1904) : n;
        }
      }
    } else if (formula !== null) cell = { formula, noResult: true };
    if (!cells || col < 0) return;
    if (col < maxColumns) cells[col] = cell;
    else if (cell !== null && cell !== '') throw tooLarge('columns', limitText.columns(budget.limits, `${colName(col)}${rowNo}`, col + 1));
  };
  for await (const batch of saxEvents(entry, budget)) {
    const rows: XlsxRow[] = [];
    for (const e of batch) {
      if (e.type === 'open') {
        switch (local(e.tag.name)) {
          case 'row': {
            const r = Number(e.tag.attributes.r);
            rowNo = Number.isInteger(r) && r > 0 ? r : rowNo + 1;
            if (rowNo > XLSX_MAX_ROWS) throw tooLarge('rowRef', limitText.rowRef(rowNo));
            rowsSeen += 1;
            if (rowsSeen > maxRows) throw tooManyRows(budget.limits);
            cells = [];
            col = -1;
            cellsInRow = 0;
            if (e.tag.isSelfClosing) {
              rows.push({ rowNo, cells });
              cells = null;
            }
            break;
          }
          case 'c': {
            cellsInRow += 1;
            if (cellsInRow > XLSX_MAX_COLUMNS) throw tooLarge('cellsPerRow', limitText.cellsPerRow(rowNo));
            const c = colIndex(e.tag.attributes.r as string | undefined);
            col = c ?? col + 1;
            if (col >= XLSX_MAX_COLUMNS) throw tooLarge('columnRef', limitText.columnRef(`${colName(col)}${rowNo}`));
            type = String(e.tag.attributes.t ?? 'n');
            style = Number(e.tag.attributes.s ?? 0);
            value = null;
            formula = null;
            inInline = false;
            if (e.tag.isSelfClosing && cells && col < maxColumns) cells[col] = null;
            break;
          }
          case 'v':
            text = 'v';
            if (value === null) value = '';
            break;
          case 'f':
            text = 'f';
            if (formula === null) formula = '';
            break;
          case 'is':
            inInline = true;
            break;
          case 't':
            if (inInline) {
              text = 't';
              if (value === null) value = '';
            }
            break;
          case 'rPh':
            text = null;
            break;
        }
      } else if (e.type === 'text') {
        if (text === 'v' || text === 't') value = append(value ?? '', e.text);
        else if (text === 'f') formula = append(formula ?? '', e.text);
      } else {
        switch (local(e.name)) {
          case 'v':
          case 'f':
          case 't':
            text = null;
            break;
          case 'is':
            inInline = false;
            break;
          case 'c':
            finishCell();
            value = null;
            formula = null;
            break;
          case 'row':
            if (cells) {
              for (let i = 0; i < cells.length; i++) if (cells[i] === undefined) cells[i] = null;
              rows.push({ rowNo, cells });
            }
            cells = null;
            break;
        }
      }
    }
    for (const r of rows) yield r;
  }
}

/** Whether the workbook counts dates from 1904 (old Mac workbooks). */
export function uses1904(workbookXml: string): boolean {
  return /<(?:\w+:)?workbookPr\b[^>]*\bdate1904="(1|true)"/.test(workbookXml);
}

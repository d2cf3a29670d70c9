// A streaming xlsx sheet reader. ExcelJS's streaming WorkbookReader decodes every chunk of XML
// on its own, so a Chinese character whose three UTF-8 bytes straddle two chunks turns into
// "��" (measured: 13 names in a 20,000-row register came out as 张��珍); it also copies the
// sheet to a temporary file in clear when the shared strings come later in the zip. This reader
// opens the zip by its central directory (random access, nothing copied), reads the string
// table and the number formats first, then streams the sheet through a SAX parser fed with text
// decoded across chunk boundaries. See docs/decisions for the measurement.
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import type { CentralDirectoryFile } from 'unzipper';
import type { Cell } from './values.js';

type SaxEvent = { type: 'open'; tag: SaxesTagPlain } | { type: 'text'; text: string } | { type: 'close'; name: string };

/** SAX events of a zip entry, in batches per chunk; UTF-8 decoded across chunk boundaries. */
async function* saxEvents(stream: Readable): AsyncGenerator<SaxEvent[]> {
  const parser = new SaxesParser({ xmlns: false, position: false });
  const decoder = new StringDecoder('utf8');
  let events: SaxEvent[] = [];
  let error: Error | null = null;
  parser.on('opentag', (tag) => events.push({ type: 'open', tag: tag as SaxesTagPlain }));
  parser.on('text', (text) => events.push({ type: 'text', text }));
  parser.on('cdata', (text) => events.push({ type: 'text', text }));
  parser.on('closetag', (tag) => events.push({ type: 'close', name: tag.name }));
  parser.on('error', (err) => (error = err));
  try {
    for await (const chunk of stream) {
      parser.write(decoder.write(chunk as Buffer));
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
  } finally {
    stream.destroy();
  }
}

const local = (name: string) => name.slice(name.indexOf(':') + 1);

/** The shared string table: plain and rich text, without phonetic runs (<rPh>). */
export async function readSharedStrings(entry: CentralDirectoryFile): Promise<string[]> {
  const out: string[] = [];
  let current: string | null = null;
  let inT = false;
  let inPhonetic = 0;
  for await (const batch of saxEvents(entry.stream())) {
    for (const e of batch) {
      if (e.type === 'open') {
        const n = local(e.tag.name);
        if (n === 'si') current = '';
        else if (n === 'rPh') inPhonetic += 1;
        else if (n === 't' && !inPhonetic) inT = !e.tag.isSelfClosing;
      } else if (e.type === 'close') {
        const n = local(e.name);
        if (n === 'si') {
          out.push(current ?? '');
          current = null;
        } else if (n === 'rPh') inPhonetic -= 1;
        else if (n === 't') inT = false;
      } else if (inT && current !== null) current += e.text;
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
export async function readDateStyles(entry: CentralDirectoryFile | undefined): Promise<boolean[]> {
  if (!entry) return [];
  const custom = new Map<number, string>();
  const xfs: boolean[] = [];
  let inCellXfs = false;
  for await (const batch of saxEvents(entry.stream())) {
    for (const e of batch) {
      if (e.type === 'open') {
        const n = local(e.tag.name);
        if (n === 'numFmt') custom.set(Number(e.tag.attributes.numFmtId), String(e.tag.attributes.formatCode ?? ''));
        else if (n === 'cellXfs') inCellXfs = true;
        else if (n === 'xf' && inCellXfs) {
          const id = Number(e.tag.attributes.numFmtId ?? 0);
          const code = custom.get(id);
          xfs.push(code !== undefined ? isDateFormat(code) : BUILTIN_DATES.has(id));
        }
      } else if (e.type === 'close' && local(e.name) === 'cellXfs') inCellXfs = false;
    }
  }
  return xfs;
}

function colIndex(ref: string | undefined): number | null {
  if (!ref) return null;
  let col = 0;
  let i = 0;
  for (; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c < 65 || c > 90) break;
    col = col * 26 + (c - 64);
  }
  return i ? col - 1 : null;
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
 * their cached result (or marked as having none), numbers in date formats as dates.
 */
export async function* readSheetRows(entry: CentralDirectoryFile, strings: string[], dateStyles: boolean[], date1904: boolean): AsyncGenerator<XlsxRow> {
  let rowNo = 0;
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
          cell = strings[Number(value)] ?? '';
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
    if (cells && col >= 0) cells[col] = cell;
  };
  for await (const batch of saxEvents(entry.stream())) {
    const rows: XlsxRow[] = [];
    for (const e of batch) {
      if (e.type === 'open') {
        switch (local(e.tag.name)) {
          case 'row': {
            const r = Number(e.tag.attributes.r);
            rowNo = Number.isInteger(r) && r > 0 ? r : rowNo + 1;
            cells = [];
            col = -1;
            if (e.tag.isSelfClosing) {
              rows.push({ rowNo, cells });
              cells = null;
            }
            break;
          }
          case 'c': {
            const c = colIndex(e.tag.attributes.r as string | undefined);
            col = c ?? col + 1;
            type = String(e.tag.attributes.t ?? 'n');
            style = Number(e.tag.attributes.s ?? 0);
            value = null;
            formula = null;
            inInline = false;
            if (e.tag.isSelfClosing && cells) cells[col] = null;
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
        if (text === 'v' || text === 't') value += e.text;
        else if (text === 'f') formula += e.text;
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

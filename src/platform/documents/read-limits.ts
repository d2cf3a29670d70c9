// What reading one uploaded sheet may cost. An xlsx file is a zip: 4 MB of it can unpack to a
// gigabyte of XML, a string table of eleven million entries, a cell at column ZZZZZZ or forty
// million rows under a <dimension> that claims ten. Every part of reading is therefore counted
// as it happens (bytes as they inflate, never the sizes the zip headers declare; strings, rows
// and cells as they are parsed; the time spent) and the read stops at the first limit passed
// with IMPORT_TOO_LARGE naming it. The reading itself runs in a worker thread with a heap limit
// (the importer's readers), so whatever these counts miss costs that thread, not the server. Decision 0022.
import type { Config } from '../../config.js';
import { configSpec } from '../../config.js';
import { AppError } from '../app-error.js';
import { DocumentErrors } from './errors.js';

export interface ReadLimits {
  /** Rows of the sheet read (all of them, title and header rows included). */
  readonly maxRows: number;
  /** Columns that may hold a value (an import maps at most 1,000; registers use a few dozen). */
  readonly maxColumns: number;
  /** Bytes one zip entry (one part: a sheet, the string table) may unpack to. */
  readonly maxPartBytes: number;
  /** Bytes all the parts read may unpack to together. */
  readonly maxUnpackedBytes: number;
  /** Entries of the shared-string table. */
  readonly maxStrings: number;
  /** UTF-8 bytes of the shared-string table's text. */
  readonly maxStringBytes: number;
  /** Time one step of reading (opening, counting a sheet, one pass over its rows) may take, in milliseconds of work. */
  readonly parseMs: number;
}

const MB = 1024 * 1024;

export function readLimits(config: Pick<Config, 'importMaxRows' | 'importMaxColumns' | 'importMaxPartMb' | 'importMaxUnpackedMb' | 'importMaxStrings' | 'importMaxStringsMb' | 'importParseSeconds'>): ReadLimits {
  return Object.freeze({
    maxRows: config.importMaxRows,
    maxColumns: config.importMaxColumns,
    maxPartBytes: config.importMaxPartMb * MB,
    maxUnpackedBytes: config.importMaxUnpackedMb * MB,
    maxStrings: config.importMaxStrings,
    maxStringBytes: config.importMaxStringsMb * MB,
    parseMs: config.importParseSeconds * 1000,
  });
}

/** The limits with every setting at its default. */
export const defaultReadLimits: ReadLimits = readLimits({
  importMaxRows: configSpec.importMaxRows.default,
  importMaxColumns: configSpec.importMaxColumns.default,
  importMaxPartMb: configSpec.importMaxPartMb.default,
  importMaxUnpackedMb: configSpec.importMaxUnpackedMb.default,
  importMaxStrings: configSpec.importMaxStrings.default,
  importMaxStringsMb: configSpec.importMaxStringsMb.default,
  importParseSeconds: configSpec.importParseSeconds.default,
});

// Limits of the file format itself (a valid workbook never passes them), not settings.
/** Excel's last column, XFD. */
export const XLSX_MAX_COLUMNS = 16_384;
/** Excel's last row. */
export const XLSX_MAX_ROWS = 1_048_576;
/** Characters Excel lets a cell hold. */
export const MAX_CELL_CHARS = 32_767;
/** Characters of XML between two '<' (one text node or one tag): a 32,767-character cell written with entities fits. */
export const MAX_TOKEN_CHARS = 1024 * 1024;
/** Entries of a zip (a workbook has a few dozen parts; one with many pictures, a few hundred). */
export const MAX_ZIP_ENTRIES = 10_000;
/** Cell formats (Excel allows about 64,000). */
export const MAX_STYLES = 65_536;
/** Bytes of a small part read whole (workbook.xml and its relationships). */
export const MAX_SMALL_PART_BYTES = 32 * MB;

const n = (x: number) => x.toLocaleString('en-US');
const mb = (bytes: number) => n(Math.round(bytes / MB));

/** The limits by name: what each says, in both languages, for the error message. */
export const limitText = {
  part: (l: ReadLimits, part: string) => ({ zh: `文件中的“${part}”解压后超过 ${mb(l.maxPartBytes)} MB`, en: `the part "${part}" unpacks to more than ${mb(l.maxPartBytes)} MB` }),
  unpacked: (l: ReadLimits) => ({ zh: `文件解压后总计超过 ${mb(l.maxUnpackedBytes)} MB`, en: `the file unpacks to more than ${mb(l.maxUnpackedBytes)} MB in all` }),
  strings: (l: ReadLimits) => ({ zh: `共享字符串超过 ${n(l.maxStrings)} 个`, en: `more than ${n(l.maxStrings)} shared strings` }),
  stringBytes: (l: ReadLimits) => ({ zh: `共享字符串的文字超过 ${mb(l.maxStringBytes)} MB`, en: `shared strings holding more than ${mb(l.maxStringBytes)} MB of text` }),
  columns: (l: ReadLimits, ref: string, col: number) => ({ zh: `单元格 ${ref}（第 ${n(col)} 列）有内容，导入最多读取 ${n(l.maxColumns)} 列`, en: `cell ${ref} (column ${n(col)}) holds data; an import reads at most ${n(l.maxColumns)} columns` }),
  columnRef: (ref: string) => ({ zh: `单元格引用 ${ref} 超出了 Excel 的最后一列 XFD（第 16,384 列）`, en: `the cell reference ${ref} is past XFD (column 16,384), the last column Excel has` }),
  rowRef: (row: number) => ({ zh: `行号 ${n(row)} 超出了 Excel 的最后一行（第 1,048,576 行）`, en: `row number ${n(row)} is past 1,048,576, the last row Excel has` }),
  cellsPerRow: (row: number) => ({ zh: `第 ${n(row)} 行有超过 16,384 个单元格`, en: `row ${n(row)} holds more than 16,384 cells` }),
  cellChars: () => ({ zh: `有单元格超过 ${n(MAX_CELL_CHARS)} 个字符（Excel 的上限）`, en: `a cell holds more than ${n(MAX_CELL_CHARS)} characters (the most Excel allows)` }),
  token: () => ({ zh: `XML 中有超过 1 MB 的连续文字或标记`, en: 'a run of XML text or markup longer than 1 MB' }),
  merges: (l: ReadLimits) => ({ zh: `合并单元格超过 ${n(l.maxRows)} 处`, en: `more than ${n(l.maxRows)} merged ranges` }),
  styles: () => ({ zh: `单元格格式超过 ${n(MAX_STYLES)} 种`, en: `more than ${n(MAX_STYLES)} cell formats` }),
  entries: () => ({ zh: `压缩包中的部件超过 ${n(MAX_ZIP_ENTRIES)} 个`, en: `more than ${n(MAX_ZIP_ENTRIES)} entries in the zip` }),
  smallPart: (part: string) => ({ zh: `文件中的“${part}”超过 ${mb(MAX_SMALL_PART_BYTES)} MB`, en: `the part "${part}" is larger than ${mb(MAX_SMALL_PART_BYTES)} MB` }),
  time: (l: ReadLimits) => ({ zh: `读取用时超过 ${n(Math.round(l.parseMs / 1000))} 秒`, en: `reading it took longer than ${n(Math.round(l.parseMs / 1000))} s` }),
  memory: (memoryMb: number) => ({ zh: `读取所需内存超过 ${n(memoryMb)} MB`, en: `reading it needed more than ${n(memoryMb)} MB of memory` }),
};

export type LimitName = keyof typeof limitText;

/** IMPORT_TOO_LARGE naming the limit passed (details.limit is its name, for programs). */
export function tooLarge(limit: LimitName, text: { zh: string; en: string }): AppError {
  return new AppError(DocumentErrors.IMPORT_TOO_LARGE, { limit_zh: text.zh, limit_en: text.en }, 'file', { limit });
}

/** IMPORT_TOO_MANY_ROWS, found by counting the rows (not by what the sheet declares). */
export function tooManyRows(l: ReadLimits): AppError {
  return new AppError(DocumentErrors.IMPORT_TOO_MANY_ROWS, { max: n(l.maxRows) }, 'file', { limit: 'rows' });
}

/**
 * The running account of one source's reading: bytes inflated from each part (a part read twice
 * counts once, at the most read of it) and in all, and the work time of the step in hand. Time
 * spent waiting for the consumer of the rows is not counted (pause/resume around each yield).
 */
export class ReadBudget {
  private readonly partBytes = new Map<string, number>();
  private total = 0;
  private spent = 0;
  private since: number | null = null;

  constructor(readonly limits: ReadLimits) {}

  /** Starts the clock of a new step. */
  step(): void {
    this.spent = 0;
    this.since = performance.now();
  }

  pause(): void {
    if (this.since !== null) this.spent += performance.now() - this.since;
    this.since = null;
  }

  resume(): void {
    this.since ??= performance.now();
  }

  /** Throws once the step has worked longer than the limit. */
  tick(): void {
    const t = this.spent + (this.since === null ? 0 : performance.now() - this.since);
    if (t > this.limits.parseMs) throw tooLarge('time', limitText.time(this.limits));
  }

  /** A counter for one read of a part: call it with each inflated chunk's length. */
  counter(part: string): (bytes: number) => void {
    let read = 0;
    return (bytes) => {
      read += bytes;
      if (read > this.limits.maxPartBytes) throw tooLarge('part', limitText.part(this.limits, part));
      const before = this.partBytes.get(part) ?? 0;
      if (read > before) {
        this.total += read - before;
        this.partBytes.set(part, read);
        if (this.total > this.limits.maxUnpackedBytes) throw tooLarge('unpacked', limitText.unpacked(this.limits));
      }
      this.tick();
    };
  }
}

/**
 * The shared-string table, packed: the text of every string in one UTF-8 buffer and their ends in
 * a Uint32Array, so eleven bytes of a name cost about fifteen bytes, not a JavaScript string each
 * (the table is the one part of a workbook held whole). Growth stops at the limits.
 */
export class StringTable {
  private buf = Buffer.allocUnsafe(64 * 1024);
  private ends = new Uint32Array(4096);
  private count = 0;
  private used = 0;

  constructor(private readonly limits: ReadLimits) {}

  get size(): number {
    return this.count;
  }

  get bytes(): number {
    return this.used;
  }

  add(s: string): void {
    if (this.count >= this.limits.maxStrings) throw tooLarge('strings', limitText.strings(this.limits));
    const need = Buffer.byteLength(s, 'utf8');
    if (this.used + need > this.limits.maxStringBytes) throw tooLarge('stringBytes', limitText.stringBytes(this.limits));
    if (this.used + need > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.min(Math.max(this.buf.length * 2, this.used + need), this.limits.maxStringBytes));
      this.buf.copy(grown, 0, 0, this.used);
      this.buf = grown;
    }
    if (this.count + 1 >= this.ends.length) {
      const grown = new Uint32Array(this.ends.length * 2);
      grown.set(this.ends);
      this.ends = grown;
    }
    this.used += this.buf.write(s, this.used, 'utf8');
    this.count += 1;
    this.ends[this.count] = this.used;
  }

  get(i: number): string | undefined {
    if (!Number.isInteger(i) || i < 0 || i >= this.count) return undefined;
    return this.buf.toString('utf8', this.ends[i]!, this.ends[i + 1]!);
  }
}

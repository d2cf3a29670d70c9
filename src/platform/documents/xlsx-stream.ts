// Writing xlsx as a stream (ExcelJS WorkbookWriter into a pass-through): exports and error reports
// of any length go out as they are produced, never built whole in memory. Cells are written as
// typed strings and numbers, never formulas, so a value like "=HYPERLINK(…)" stays text.
import { PassThrough, type Readable } from 'node:stream';
import ExcelJS from 'exceljs';

export interface SheetColumn {
  header: string;
  width: number;
  /** Text columns keep digits as written (ID numbers, phones, codes). */
  text?: boolean;
}

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8F0FE' } };

export class StreamedWorkbook {
  readonly stream: Readable;
  private readonly wb: ExcelJS.stream.xlsx.WorkbookWriter;

  constructor() {
    const pass = new PassThrough();
    this.stream = pass;
    this.wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: pass, useSharedStrings: false, useStyles: true });
    this.wb.creator = '轻车 Qingche';
    this.wb.created = new Date();
  }

  /** A sheet with a bold, frozen, filterable header row. */
  sheet(name: string, columns: SheetColumn[], opts: { autoFilter?: boolean } = {}): ExcelJS.Worksheet {
    const ws = this.wb.addWorksheet(name.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = columns.map((c, i) => ({ key: `c${i}`, width: c.width, style: c.text ? { numFmt: '@' } : {} }));
    const header = ws.addRow(columns.map((c) => c.header));
    header.font = { bold: true };
    header.alignment = { vertical: 'middle', wrapText: true };
    header.eachCell((cell) => (cell.fill = HEADER_FILL));
    header.height = 22;
    if (opts.autoFilter && columns.length) ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
    header.commit();
    return ws;
  }

  async finish(): Promise<void> {
    await this.wb.commit();
  }

  fail(err: Error): void {
    this.stream.destroy(err);
  }
}

// Whole workbooks in memory (ExcelJS), for the small files a person hands over: a department's
// statistical form to fill in. Large uploads go through the streaming reader (xlsx-reader.ts)
// with its limits, and large downloads through the streamed or direct writers.
import ExcelJS from 'exceljs';

export type Workbook = ExcelJS.Workbook;
export type Worksheet = ExcelJS.Worksheet;

/** Opens an xlsx file; throws what ExcelJS throws when it is not one. */
export async function loadWorkbook(content: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  // ExcelJS declares its input as an ArrayBuffer; the bytes are handed over as one.
  await wb.xlsx.load(new Uint8Array(content).buffer);
  return wb;
}

/** The workbook as an xlsx file. */
export async function workbookBytes(wb: ExcelJS.Workbook): Promise<Buffer> {
  return Buffer.from(await wb.xlsx.writeBuffer());
}

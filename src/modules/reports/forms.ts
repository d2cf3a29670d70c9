// A department's own Excel form (表样). Many reports have a mandated layout; the department uploads
// its existing workbook and says where each figure goes: single cells (a total, the unit's name,
// the period, a hand-entered item, the submitter, the date) and, for per-grid rows, a block that
// starts at a row and is filled downwards (rows are added with the template row's style when the
// unit has more grids than the form has lines). Outputs then come out on that form.
import { loadWorkbook, workbookBytes, type Workbook } from '../../platform/documents/xlsx-workbook.js';
import { AppError } from '../../platform/errors.js';
import type { TemplateDefinition } from './definition.js';
import type { OutputInput } from './outputs.js';
import type { FormMapping } from './schemas.js';
import { ReportErrors } from './errors.js';
import { cellId, hiddenText } from './privacy.js';



export interface ParsedForm {
  sheetName: string;
  rowCount: number;
  columnCount: number;
  /** Non-empty cells (address, text), for the mapping screen. */
  cells: { address: string; text: string }[];
}

export async function parseForm(content: Buffer): Promise<ParsedForm> {
  let wb: Workbook;
  try {
    wb = await loadWorkbook(content);
  } catch {
    throw new AppError(ReportErrors.REPORT_FORM_INVALID, { reason_zh: '不是有效的 Excel（.xlsx）文件', reason_en: 'not a valid Excel (.xlsx) file' }, 'file');
  }
  const ws = wb.worksheets[0];
  if (!ws) throw new AppError(ReportErrors.REPORT_FORM_INVALID, { reason_zh: '工作簿中没有工作表', reason_en: 'the workbook has no sheet' }, 'file');
  const cells: { address: string; text: string }[] = [];
  ws.eachRow({ includeEmpty: false }, (row) => {
    row.eachCell({ includeEmpty: false }, (cell) => {
      if (cells.length >= 2000) return;
      const text = cell.text?.trim();
      if (text) cells.push({ address: cell.address, text });
    });
  });
  return { sheetName: ws.name, rowCount: ws.rowCount, columnCount: ws.columnCount, cells };
}

/** Problems with a mapping against the template (unknown columns, manual items, row keys). */
export function mappingProblems(m: FormMapping, def: TemplateDefinition): string[] {
  const out: string[] = [];
  const columns = new Set(def.columns.map((c) => c.key));
  const rowManual = new Set(def.manualFields.filter((x) => x.scope === 'row').map((x) => x.key));
  const reportManual = new Set(def.manualFields.filter((x) => x.scope === 'report').map((x) => x.key));
  for (const [addr, target] of Object.entries(m.cells)) {
    if (!/^[A-Z]{1,3}[1-9][0-9]{0,5}$/.test(addr)) out.push(`单元格地址“${addr}”不正确`);
    if (target.kind === 'value' && !columns.has(target.column)) out.push(`${addr}：没有列“${target.column}”`);
    if (target.kind === 'value' && target.row !== '*' && def.rows.length === 0) out.push(`${addr}：报表不分行，只能取合计（row 为 *）`);
    if (target.kind === 'manual' && !reportManual.has(target.key)) out.push(`${addr}：没有整表手工项“${target.key}”`);
  }
  if (m.rows) {
    if (!def.rows.length) out.push('报表不分行，不能设置逐行区域');
    for (const [letter, key] of Object.entries(m.rows.columns)) {
      if (!/^[A-Z]{1,3}$/.test(letter)) out.push(`列“${letter}”不正确`);
      if (!columns.has(key) && !rowManual.has(key)) out.push(`${letter} 列：没有列“${key}”`);
    }
  }
  return out;
}

function display(input: OutputInput, rowKey: string, column: string): string | number | null {
  const r = input.result;
  const row = r.rows.find((x) => x.key === rowKey || (rowKey === '*' && x.level === 'total'));
  if (!row) return null;
  const hidden = hiddenText(r, cellId(row.key, column));
  if (hidden !== null) return hidden;
  const v = row.values[column] ?? input.manual?.rows?.[row.key]?.[column] ?? null;
  return v;
}

/** The department's form with this report's figures written where the mapping says. */
export async function fillForm(content: Buffer, mapping: FormMapping, input: OutputInput): Promise<Buffer> {
  const wb = await loadWorkbook(content);
  const ws = wb.worksheets[0]!;
  const r = input.result;
  if (mapping.rows) {
    const rows = r.rows.filter((x) => x.level !== 'total' || mapping.rows!.includeTotal);
    const start = mapping.rows.startRow;
    // Keep what sits below the block: add lines styled like the first one when there are more rows than blank lines.
    let blank = 0;
    for (let i = start; i < start + rows.length; i++) {
      const row = ws.getRow(i);
      const empty = !row.hasValues || Object.keys(mapping.rows.columns).every((l) => !ws.getCell(`${l}${i}`).text) && !ws.getCell(`${mapping.rows!.headingColumn}${i}`).text;
      if (!empty) break;
      blank += 1;
    }
    if (rows.length > blank) ws.duplicateRow(start, rows.length - Math.max(blank, 1), true);
    rows.forEach((row, i) => {
      ws.getCell(`${mapping.rows!.headingColumn}${start + i}`).value = row.headings.join(' ');
      for (const [letter, key] of Object.entries(mapping.rows!.columns)) {
        const v = display(input, row.key, key);
        ws.getCell(`${letter}${start + i}`).value = v === null ? '' : v;
      }
    });
  }
  for (const [addr, target] of Object.entries(mapping.cells)) {
    const cell = ws.getCell(addr);
    switch (target.kind) {
      case 'value': {
        const v = display(input, target.row, target.column);
        cell.value = v === null ? '' : v;
        break;
      }
      case 'manual': {
        const v = input.manual?.report?.[target.key];
        cell.value = v === null || v === undefined ? '' : v;
        break;
      }
      case 'unit':
        cell.value = r.unit.trail.slice(1).join('') || r.unit.name;
        break;
      case 'period':
        cell.value = r.period.labelZh || r.period.key;
        break;
      case 'referenceDate':
        cell.value = r.referenceDate;
        break;
      case 'submittedBy':
        cell.value = input.submittedBy ?? '';
        break;
      case 'submittedAt':
        cell.value = input.submittedAt ? input.submittedAt.slice(0, 10) : '';
        break;
    }
  }
  return workbookBytes(wb);
}

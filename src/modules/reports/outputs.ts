// Report outputs: Excel laid out like an official statistical form (title, 填报单位 and 报告期,
// 表号 and 制表机关, two-row headings with merged groups and units, a bold total, the hand-entered
// items, 填表说明 and the sign-off line), PDF with correct Chinese text (same layout, paginated,
// headings repeated), and CSV for other systems. Protected figures print as "<N".
import ExcelJS from 'exceljs';
import type { PDFPage } from 'pdf-lib';
import { A4, newCjkPdf } from '../../platform/documents/pdf.js';
import type { CellValue, ReportResult, ResultColumn, ResultRow } from './engine.js';
import type { ManualValues } from './manual.js';
import { cellId } from './privacy.js';

export interface OutputInput {
  result: ReportResult & { suppressed?: string[]; suppressionThreshold?: number };
  manual?: ManualValues;
  submittedBy?: string | null;
  submittedAt?: string | null;
  version?: number;
  status?: string;
  /** Shown in the heading when this is not a submission (a preview). */
  draft?: boolean;
}

const cnDate = (iso: string) => {
  const d = new Date(new Date(iso).getTime() + 8 * 3_600_000);
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
};

function headingOf(c: ResultColumn): string {
  return c.unit ? `${c.title}（${c.unit}）` : c.title;
}

/** The display text of a cell, as the forms print it. */
export function cellText(input: OutputInput, row: ResultRow, c: ResultColumn): string {
  const hidden = input.result.suppressed?.includes(cellId(row.key, c.key));
  if (hidden) return `<${input.result.suppressionThreshold ?? ''}`;
  const v = row.values[c.key];
  if (v === null || v === undefined) return c.computed && (c.kind === 'ratio' || c.kind === 'share' || c.kind === 'avg') ? '—' : '';
  return typeof v === 'number' ? String(v) : String(v);
}

/** Header groups: consecutive columns sharing a group heading are merged over them. */
export function headerGroups(cols: ResultColumn[]): { title: string | null; from: number; to: number }[] {
  const out: { title: string | null; from: number; to: number }[] = [];
  cols.forEach((c, i) => {
    const last = out[out.length - 1];
    if (c.group && last && last.title === c.group && last.to === i - 1) last.to = i;
    else out.push({ title: c.group ?? null, from: i, to: i });
  });
  return out;
}

function periodText(r: ReportResult): string {
  return r.period.labelZh || r.period.key;
}

const thin = { style: 'thin' as const, color: { argb: 'FF333333' } };
const border = { top: thin, left: thin, bottom: thin, right: thin };

export async function toXlsx(input: OutputInput): Promise<Buffer> {
  const r = input.result;
  const wb = new ExcelJS.Workbook();
  wb.creator = '轻车 Qingche';
  wb.created = new Date(input.submittedAt ?? r.computedAt);
  const ws = wb.addWorksheet(r.template.title.slice(0, 31), {
    pageSetup: { paperSize: 9, orientation: r.columns.length > 8 ? 'landscape' : 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0, horizontalCentered: true, margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.5, header: 0.2, footer: 0.2 } },
    headerFooter: { oddFooter: '第 &P 页，共 &N 页' },
  });
  const dims = Math.max(1, r.dims.length);
  const cols = r.columns;
  const width = dims + cols.length;
  ws.columns = [...Array.from({ length: dims }, () => ({ width: 22 })), ...cols.map((c) => ({ width: Math.max(8, Math.min(16, headingOf(c).length * 1.6 + 2)) }))];
  const merge = (row: number, c1: number, c2: number, value: string, style: Partial<ExcelJS.Style> = {}) => {
    if (c2 > c1) ws.mergeCells(row, c1, row, c2);
    const cell = ws.getCell(row, c1);
    cell.value = value;
    Object.assign(cell, style);
    return cell;
  };
  const title = `${r.template.title}${input.draft ? '（预览，未报送）' : ''}`;
  merge(1, 1, width, title, { font: { name: '宋体', size: 16, bold: true }, alignment: { horizontal: 'center', vertical: 'middle' } });
  ws.getRow(1).height = 30;
  const half = Math.max(1, Math.floor(width / 2));
  merge(2, 1, half, `填报单位：${r.unit.trail.slice(1).join('') || r.unit.name}（盖章）`, { font: { name: '宋体', size: 10 } });
  merge(2, half + 1, width, `表　　号：${r.template.code}（第 ${r.template.version} 版）`, { font: { name: '宋体', size: 10 }, alignment: { horizontal: 'right' } });
  merge(3, 1, half, `报告期：${periodText(r)}（数据截至 ${r.referenceDate}）`, { font: { name: '宋体', size: 10 } });
  merge(3, half + 1, width, `制表机关：${r.template.department}`, { font: { name: '宋体', size: 10 }, alignment: { horizontal: 'right' } });
  // Two heading rows: groups above, columns below; ungrouped columns span both.
  const h1 = 4;
  const h2 = 5;
  const head = { font: { name: '宋体', size: 10, bold: true }, alignment: { horizontal: 'center' as const, vertical: 'middle' as const, wrapText: true }, border, fill: { type: 'pattern' as const, pattern: 'solid' as const, fgColor: { argb: 'FFF2F2F2' } } };
  for (let i = 0; i < dims; i++) {
    ws.mergeCells(h1, i + 1, h2, i + 1);
    Object.assign(ws.getCell(h1, i + 1), { value: r.dims[i]?.title ?? '单位', ...head });
  }
  for (const g of headerGroups(cols)) {
    const c1 = dims + g.from + 1;
    const c2 = dims + g.to + 1;
    if (g.title) {
      if (c2 > c1) ws.mergeCells(h1, c1, h1, c2);
      Object.assign(ws.getCell(h1, c1), { value: g.title, ...head });
      for (let c = c1; c <= c2; c++) Object.assign(ws.getCell(h2, c), { value: headingOf(cols[c - dims - 1]!), ...head });
    } else {
      ws.mergeCells(h1, c1, h2, c1);
      Object.assign(ws.getCell(h1, c1), { value: headingOf(cols[g.from]!), ...head });
    }
  }
  for (let c = 1; c <= width; c++) {
    ws.getCell(h1, c).border = border;
    ws.getCell(h2, c).border = border;
  }
  ws.getRow(h1).height = 22;
  ws.getRow(h2).height = 34;
  ws.views = [{ state: 'frozen', xSplit: dims, ySplit: h2 }];
  // Body.
  let rowNo = h2;
  const bodyFont = { name: '宋体', size: 10 };
  for (const row of r.rows) {
    rowNo += 1;
    const excelRow = ws.getRow(rowNo);
    const bold = row.level !== 'detail';
    const headings = r.dims.length ? row.headings : [row.headings[0] ?? r.unit.name];
    headings.forEach((h, i) => {
      const cell = excelRow.getCell(i + 1);
      cell.value = h;
      cell.font = { ...bodyFont, bold };
      cell.border = border;
      cell.alignment = { vertical: 'middle', horizontal: row.level === 'total' ? 'center' : 'left' };
    });
    cols.forEach((c, j) => {
      const cell = excelRow.getCell(dims + j + 1);
      const hidden = r.suppressed?.includes(cellId(row.key, c.key));
      const v: CellValue = row.values[c.key] ?? null;
      if (hidden) cell.value = `<${r.suppressionThreshold}`;
      else if (typeof v === 'number') {
        cell.value = v;
        if (c.kind === 'ratio' || c.kind === 'share' || c.kind === 'avg') cell.numFmt = '0.0';
        else if (c.kind === 'sum' && !Number.isInteger(v)) cell.numFmt = '#,##0.00';
        else cell.numFmt = '#,##0';
      } else cell.value = v === null ? ((c.kind === 'ratio' || c.kind === 'share' || c.kind === 'avg') && c.computed ? '—' : '') : String(v);
      cell.font = { ...bodyFont, bold };
      cell.border = border;
      cell.alignment = { horizontal: typeof v === 'number' || hidden ? 'right' : 'center', vertical: 'middle', wrapText: c.kind === 'manual' };
    });
  }
  // What follows the table: hand-entered items, notes, protection note, sign-off.
  const note = (text: string, opts: { bold?: boolean; height?: number } = {}) => {
    rowNo += 1;
    merge(rowNo, 1, width, text, { font: { name: '宋体', size: 10, bold: opts.bold }, alignment: { wrapText: true, vertical: 'top' } });
    if (opts.height) ws.getRow(rowNo).height = opts.height;
  };
  rowNo += 1;
  for (const m of r.manualFields) {
    const v = input.manual?.report?.[m.key];
    note(`${m.title}：${v === null || v === undefined || v === '' ? '无' : `${v}${m.unit ?? ''}`}`, { height: String(v ?? '').length > 60 ? 45 : undefined });
  }
  if (r.notes) note(`填表说明：${r.notes}`, { height: r.notes.length > 80 ? 32 : undefined });
  note(`制表依据：${r.template.legalBasis}`);
  if (r.suppressed?.length) note(`注：为保护个人信息，小于 ${r.suppressionThreshold} 的数字显示为“<${r.suppressionThreshold}”。`);
  note(`数据来源：轻车平台基础数据一键生成（计算于 ${cnDate(r.computedAt)}${input.version ? `，第 ${input.version} 次报送` : ''}）`);
  rowNo += 1;
  note(`单位负责人：　　　　　　　审核人：　　　　　　　填报人：${input.submittedBy ?? '　　　　'}　　　　　　　报出日期：${input.submittedAt ? cnDate(input.submittedAt) : '　　年　　月　　日'}`, { height: 24 });
  ws.pageSetup.printArea = `A1:${ws.getColumn(width).letter}${rowNo}`;
  ws.pageSetup.printTitlesRow = `${h1}:${h2}`;
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export function toCsv(input: OutputInput): string {
  const r = input.result;
  const esc = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const dims = r.dims.length ? r.dims.map((d) => d.title) : ['单位'];
  const lines = [[...dims, ...r.columns.map((c) => (c.group ? `${c.group}-${headingOf(c)}` : headingOf(c)))].map(esc).join(',')];
  for (const row of r.rows) {
    const heads = r.dims.length ? row.headings : [row.headings[0] ?? r.unit.name];
    lines.push([...heads, ...r.columns.map((c) => cellText(input, row, c))].map(esc).join(','));
  }
  return `\ufeff${lines.join('\r\n')}\r\n`;
}

export async function toPdf(input: OutputInput): Promise<Buffer> {
  const r = input.result;
  const cols = r.columns;
  const dims = Math.max(1, r.dims.length);
  const landscape = cols.length > 8;
  const pageW = landscape ? A4.height : A4.width;
  const pageH = landscape ? A4.width : A4.height;
  const margin = 32;
  const usable = pageW - 2 * margin;
  const fontSize = cols.length > 18 ? 6.5 : cols.length > 12 ? 7.5 : 9;
  const headW = Math.min(110, usable * 0.18) * (dims > 1 ? 0.8 : 1);
  const colW = (usable - headW * dims) / Math.max(1, cols.length);
  const title = `${r.template.title}${input.draft ? '（预览，未报送）' : ''}`;
  const manualLines = r.manualFields.map((m) => {
    const v = input.manual?.report?.[m.key];
    return `${m.title}：${v === null || v === undefined || v === '' ? '无' : `${v}${m.unit ?? ''}`}`;
  });
  const footer = [
    ...manualLines,
    ...(r.notes ? [`填表说明：${r.notes}`] : []),
    `制表依据：${r.template.legalBasis}`,
    ...(r.suppressed?.length ? [`注：为保护个人信息，小于 ${r.suppressionThreshold} 的数字显示为“<${r.suppressionThreshold}”。`] : []),
    `数据来源：轻车平台基础数据一键生成（计算于 ${cnDate(r.computedAt)}${input.version ? `，第 ${input.version} 次报送` : ''}）`,
  ];
  const signOff = `单位负责人：　　　　　　审核人：　　　　　　填报人：${input.submittedBy ?? '　　　　'}　　　　　　报出日期：${input.submittedAt ? cnDate(input.submittedAt) : '　　年　　月　　日'}`;
  const unitLine = `填报单位：${r.unit.trail.slice(1).join('') || r.unit.name}（盖章）`;
  const periodLine = `报告期：${periodText(r)}（数据截至 ${r.referenceDate}）`;
  const codeLine = `表号：${r.template.code}（第 ${r.template.version} 版）　制表机关：${r.template.department}`;
  const texts = [title, unitLine, periodLine, codeLine, signOff, ...footer, ...r.dims.map((d) => d.title), '单位', ...cols.map(headingOf), ...cols.map((c) => c.group ?? ''), ...r.rows.flatMap((row) => [...row.headings, ...cols.map((c) => cellText(input, row, c))]), '第页共—<'];
  const pdf = await newCjkPdf({ title, text: texts.join(''), subject: `${r.unit.name} ${periodText(r)}` });
  const pages: PDFPage[] = [];
  let page!: PDFPage;
  let y = 0;
  const line = (x1: number, y1: number, x2: number, y2: number) => page.drawLine({ start: { x: x1, y: y1 }, end: { x: x2, y: y2 }, thickness: 0.5 });
  const fit = (text: string, w: number, size: number) => {
    let s = text;
    while (s.length > 1 && pdf.width(s, size) > w - 3) s = s.slice(0, -1);
    return s === text ? s : `${s.slice(0, -1)}…`;
  };
  const centred = (text: string, x: number, w: number, yy: number, size: number, bold = false) => {
    const t = fit(text, w, size);
    pdf.text(page, t, { x: x + (w - pdf.width(t, size, bold)) / 2, y: yy, size, bold });
  };
  const wrapIn = (text: string, w: number, size: number): string[] => {
    const out: string[] = [];
    let cur = '';
    for (const ch of [...text]) {
      if (cur && pdf.width(cur + ch, size) > w - 4) {
        out.push(cur);
        cur = ch;
      } else cur += ch;
    }
    if (cur) out.push(cur);
    return out.slice(0, 3);
  };
  const groups = headerGroups(cols);
  const hasGroups = groups.some((g) => g.title);
  const lineH = fontSize * 1.25;
  const headRows = Math.max(1, ...cols.map((c) => wrapIn(headingOf(c), colW, fontSize).length));
  const h2H = headRows * lineH + 6;
  const h1H = hasGroups ? lineH + 6 : 0;
  const rowH = fontSize + 7;
  const newPage = () => {
    page = pdf.doc.addPage([pageW, pageH]);
    pages.push(page);
    y = pageH - margin;
    if (pages.length === 1) {
      const ts = 15;
      pdf.text(page, title, { x: (pageW - pdf.width(title, ts, true)) / 2, y: y - ts, size: ts, bold: true });
      y -= ts + 14;
      pdf.text(page, unitLine, { x: margin, y, size: 8.5 });
      pdf.text(page, codeLine, { x: pageW - margin - pdf.width(codeLine, 8.5), y, size: 8.5 });
      y -= 13;
      pdf.text(page, periodLine, { x: margin, y, size: 8.5 });
      y -= 10;
    }
    // Headings (repeated on every page).
    const top = y;
    const bottom = y - h1H - h2H;
    let x = margin;
    for (let i = 0; i < dims; i++) {
      line(x, top, x, bottom);
      centred(r.dims[i]?.title ?? '单位', x, headW, (top + bottom) / 2 - fontSize / 3, fontSize, true);
      x += headW;
    }
    for (const g of groups) {
      const gx = margin + headW * dims + g.from * colW;
      const gw = (g.to - g.from + 1) * colW;
      if (g.title) {
        centred(g.title, gx, gw, top - h1H / 2 - fontSize / 3, fontSize, true);
        line(gx, top - h1H, gx + gw, top - h1H);
      }
      for (let i = g.from; i <= g.to; i++) {
        const cx = margin + headW * dims + i * colW;
        line(cx, g.title && i > g.from ? top - h1H : top, cx, bottom);
        const ls = wrapIn(headingOf(cols[i]!), colW, fontSize);
        const areaTop = g.title ? top - h1H : top;
        const mid = (areaTop + bottom) / 2 + ((ls.length - 1) * lineH) / 2 - fontSize / 3;
        ls.forEach((l, k) => centred(l, cx, colW, mid - k * lineH, fontSize, true));
      }
    }
    line(margin, top, margin + usable, top);
    line(margin + usable, top, margin + usable, bottom);
    line(margin, bottom, margin + usable, bottom);
    y = bottom;
  };
  newPage();
  const footerLines = footer.flatMap((f) => wrapIn(f, usable, 8).length > 2 ? [f] : [f]);
  for (const row of r.rows) {
    if (y - rowH < margin + 20) newPage();
    const bold = row.level !== 'detail';
    const top = y;
    y -= rowH;
    let x = margin;
    const heads = r.dims.length ? row.headings : [row.headings[0] ?? r.unit.name];
    for (let i = 0; i < dims; i++) {
      line(x, top, x, y);
      const t = fit(heads[i] ?? '', headW, fontSize);
      pdf.text(page, t, { x: x + 2, y: y + 4, size: fontSize, bold });
      x += headW;
    }
    cols.forEach((c, j) => {
      const cx = margin + headW * dims + j * colW;
      line(cx, top, cx, y);
      const t = fit(cellText(input, row, c), colW, fontSize);
      const numeric = typeof row.values[c.key] === 'number' || t.startsWith('<');
      pdf.text(page, t, { x: numeric ? cx + colW - 2 - pdf.width(t, fontSize, bold) : cx + (colW - pdf.width(t, fontSize, bold)) / 2, y: y + 4, size: fontSize, bold });
    });
    line(margin + usable, top, margin + usable, y);
    line(margin, y, margin + usable, y);
  }
  // Notes and sign-off after the table.
  y -= 14;
  for (const f of footerLines) {
    const ls = wrapInWidth(pdf, f, usable, 8);
    if (y - ls.length * 11 < margin + 30) newPageForText();
    for (const l of ls) {
      pdf.text(page, l, { x: margin, y, size: 8 });
      y -= 11;
    }
  }
  if (y < margin + 30) newPageForText();
  y -= 10;
  pdf.text(page, signOff, { x: margin, y, size: 9 });
  pages.forEach((p, i) => {
    const t = `第${i + 1}页共${pages.length}页`;
    page = p;
    pdf.text(p, t, { x: (pageW - pdf.width(t, 8)) / 2, y: margin / 2, size: 8 });
  });
  return Buffer.from(await pdf.doc.save());

  function newPageForText() {
    page = pdf.doc.addPage([pageW, pageH]);
    pages.push(page);
    y = pageH - margin;
  }
}

function wrapInWidth(pdf: { width(t: string, s: number): number }, text: string, w: number, size: number): string[] {
  const out: string[] = [];
  let cur = '';
  for (const ch of [...text]) {
    if (cur && pdf.width(cur + ch, size) > w) {
      out.push(cur);
      cur = ch;
    } else cur += ch;
  }
  if (cur) out.push(cur);
  return out;
}

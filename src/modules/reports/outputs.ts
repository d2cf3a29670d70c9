// Report outputs: Excel laid out like an official statistical form (title, 填报单位 and 报告期,
// 表号 and 制表机关, two-row headings with merged groups and units, a bold total, the hand-entered
// items, 填表说明 and the sign-off line), PDF with correct Chinese text (same layout, paginated,
// headings repeated), and CSV for other systems. Protected figures print as "<N".
import type { PDFPage } from 'pdf-lib';
import { A4, newCjkPdf } from '../../platform/documents/pdf.js';
import type { CellValue, ManualValues, ProtectedResult, ReportResult, ResultColumn, ResultRow } from './schemas.js';
import { csvLine } from '../../platform/csv.js';
import { cellId, hiddenText, protectionNote } from './privacy.js';
import { writeXlsx, XlsxSheet, XS } from '../../platform/documents/xlsx-writer.js';

export interface OutputInput {
  /** A preview's result, or a submission's as its viewer may see it. */
  result: ReportResult & Partial<Pick<ProtectedResult, 'suppressed' | 'complementary' | 'suppressionThreshold' | 'withheldColumns'>>;
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
  const hidden = hiddenText(input.result, cellId(row.key, c.key));
  if (hidden !== null) return hidden;
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

/**
 * Where official tables print their 表号: the filing number approval gave (备案号), and the
 * version. Internal codes (pop_monthly) never appear on a copy.
 */
export function filingLine(r: Pick<ReportResult, 'template'>): string {
  const f = r.template.filing;
  return `备案号：${f ? f.zh : '未备案'}${r.template.version > 1 ? `（第 ${r.template.version} 版）` : ''}`;
}

function periodText(r: ReportResult): string {
  return r.period.labelZh || r.period.key;
}

/** The standard layout of an official statistical form, written directly (see xlsx.ts). */
export async function toXlsx(input: OutputInput): Promise<Buffer> {
  const r = input.result;
  const dims = Math.max(1, r.dims.length);
  const cols = r.columns;
  const width = dims + cols.length;
  const sh = new XlsxSheet(r.template.title);
  sh.landscape = cols.length > 8;
  sh.widths = [...Array.from({ length: dims }, () => 22), ...cols.map((c) => Math.max(8, Math.min(16, Math.round(headingOf(c).length * 1.6 + 2))))];
  const line = (row: number, text: string, style: number, height?: number) => {
    sh.set(row, 1, text, style);
    sh.merge(row, 1, row, width);
    if (height) sh.height(row, height);
  };
  line(1, `${r.template.title}${input.draft ? '（预览，未报送）' : ''}`, XS.title, 30);
  const half = Math.max(1, Math.floor(width / 2));
  const pair = (row: number, left: string, right: string) => {
    sh.set(row, 1, left, XS.info);
    sh.merge(row, 1, row, half);
    if (half < width) {
      sh.set(row, half + 1, right, XS.infoRight);
      sh.merge(row, half + 1, row, width);
    }
  };
  pair(2, `填报单位：${r.unit.trail.slice(1).join('') || r.unit.name}（盖章）`, filingLine(r));
  pair(3, `报告期：${periodText(r)}${r.referenceDate ? `（数据截至 ${r.referenceDate}）` : ''}`, `制表机关：${r.template.department}`);
  // Two heading rows: groups above, columns below; dimension and ungrouped headings span both.
  const h1 = 4;
  const h2 = 5;
  const groups = headerGroups(cols);
  const groupOf = new Map<number, { title: string | null; from: number; to: number }>();
  for (const g of groups) for (let i = g.from; i <= g.to; i++) groupOf.set(i, g);
  for (let i = 0; i < dims; i++) {
    sh.set(h1, i + 1, r.dims[i]?.title ?? '单位', XS.head);
    sh.merge(h1, i + 1, h2, i + 1);
  }
  cols.forEach((c, i) => {
    const g = groupOf.get(i)!;
    if (g.title) {
      sh.set(h1, dims + i + 1, i === g.from ? g.title : null, XS.head);
      if (i === g.from) sh.merge(h1, dims + g.from + 1, h1, dims + g.to + 1);
    } else {
      sh.set(h1, dims + i + 1, headingOf(c), XS.head);
      sh.merge(h1, dims + i + 1, h2, dims + i + 1);
    }
  });
  for (let i = 0; i < dims; i++) sh.set(h2, i + 1, null, XS.head);
  cols.forEach((c, i) => sh.set(h2, dims + i + 1, groupOf.get(i)!.title ? headingOf(c) : null, XS.head));
  sh.height(h1, 22);
  sh.height(h2, 34);
  sh.freeze = { cols: dims, rows: h2 };
  sh.printTitleRows = [h1, h2];
  // Body.
  let rowNo = h2;
  const hidden = new Set(r.suppressed ?? []);
  for (const row of r.rows) {
    rowNo += 1;
    const bold = row.level !== 'detail';
    const headings = r.dims.length ? row.headings : [row.headings[0] ?? r.unit.name];
    for (let i = 0; i < dims; i++) sh.set(rowNo, i + 1, headings[i] ?? '', row.level === 'total' ? XS.textBoldCentre : bold ? XS.textBold : XS.text);
    cols.forEach((c, j) => {
      const col = dims + j + 1;
      if (hidden.size && hidden.has(cellId(row.key, c.key))) return sh.set(rowNo, col, hiddenText(r, cellId(row.key, c.key))!, XS.textRight);
      const v: CellValue = row.values[c.key] ?? null;
      if (typeof v === 'number') {
        const frac = c.kind === 'ratio' || c.kind === 'share' || c.kind === 'avg';
        const style = frac ? (bold ? XS.dec1Bold : XS.dec1) : !Number.isInteger(v) ? (bold ? XS.dec2Bold : XS.dec2) : bold ? XS.intBold : XS.int;
        return sh.set(rowNo, col, v, style);
      }
      const empty = (c.kind === 'ratio' || c.kind === 'share' || c.kind === 'avg') && c.computed ? '—' : '';
      sh.set(rowNo, col, v === null ? empty : String(v), XS.textCentre);
    });
  }
  // What follows the table: hand-entered items, notes, protection note, sign-off.
  rowNo += 1;
  const note = (text: string, height?: number) => {
    rowNo += 1;
    line(rowNo, text, XS.note, height);
  };
  for (const m of r.manualFields) {
    const v = input.manual?.report?.[m.key];
    const text = `${m.title}：${v === null || v === undefined || v === '' ? '无' : `${v}${m.unit ?? ''}`}`;
    note(text, text.length > 60 ? 45 : undefined);
  }
  if (r.notes) note(`填表说明：${r.notes}`, r.notes.length > 80 ? 32 : undefined);
  note(`制表依据：${r.template.legalBasis}`);
  const protNote = protectionNote(r);
  if (protNote) note(protNote);
  note(`数据来源：轻车平台基础数据一键生成（计算于 ${cnDate(r.computedAt)}${input.version ? `，第 ${input.version} 次报送` : ''}）`);
  rowNo += 1;
  note(`单位负责人：　　　　　　　审核人：　　　　　　　填报人：${input.submittedBy ?? '　　　　'}　　　　　　　报出日期：${input.submittedAt ? cnDate(input.submittedAt) : '　　年　　月　　日'}`, 24);
  return writeXlsx(sh, { title: r.template.title });
}

export function toCsv(input: OutputInput): string {
  const r = input.result;
  // Every cell goes through csvCell: headings a department typed, grid names, hand-entered text
  // can start with "=" and would otherwise run as formulas in the reader's spreadsheet.
  const dims = r.dims.length ? r.dims.map((d) => d.title) : ['单位'];
  const lines = [csvLine([...dims, ...r.columns.map((c) => (c.group ? `${c.group}-${headingOf(c)}` : headingOf(c)))])];
  for (const row of r.rows) {
    const heads = r.dims.length ? row.headings : [row.headings[0] ?? r.unit.name];
    lines.push(csvLine([...heads, ...r.columns.map((c) => cellText(input, row, c))]));
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
    ...(protectionNote(r) ? [protectionNote(r)!] : []),
    `数据来源：轻车平台基础数据一键生成（计算于 ${cnDate(r.computedAt)}${input.version ? `，第 ${input.version} 次报送` : ''}）`,
  ];
  const signOff = `单位负责人：　　　　　　审核人：　　　　　　填报人：${input.submittedBy ?? '　　　　'}　　　　　　报出日期：${input.submittedAt ? cnDate(input.submittedAt) : '　　年　　月　　日'}`;
  const unitLine = `填报单位：${r.unit.trail.slice(1).join('') || r.unit.name}（盖章）`;
  const periodLine = `报告期：${periodText(r)}（数据截至 ${r.referenceDate}）`;
  const codeLine = `${filingLine(r)}　制表机关：${r.template.department}`;
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
        // Line-breaking rules (避头尾): closing punctuation never starts a line (the character
        // before it moves down with it) and opening punctuation never ends one.
        let carry = '';
        if ('）)、，。：；'.includes(ch) && cur.length > 1) {
          carry = cur.slice(-1);
          cur = cur.slice(0, -1);
        }
        while (cur.length > 1 && '（(《“'.includes(cur.slice(-1))) {
          carry = cur.slice(-1) + carry;
          cur = cur.slice(0, -1);
        }
        out.push(cur);
        cur = carry + ch;
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
  for (const f of footer) {
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

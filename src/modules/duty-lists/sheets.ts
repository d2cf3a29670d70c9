// The lists in the layout they are published in (街道权责清单): one sheet per list, a title row
// ("××街道基本履职事项清单"), then 序号 / 事项名称 / 事项类别 / 法律政策依据 / 责任主体 / 对应上级部门 /
// 配合内容 / 社区是否参与. Writing uses ExcelJS; reading takes rows from the platform's isolated
// sheet reader (a worker thread with read limits, decision 0022) and checks every row, so a
// workbook with a malformed row is refused whole, each problem named by sheet, row and column.
import ExcelJS from 'exceljs';
import type { Cell, SheetSource } from '../exchange/index.js';
import { nameKey } from './compare.js';
import { listKinds, type ListKind, type SnapshotItem } from './tables.js';

const COLUMNS = [
  { key: 'seq', zh: '序号', en: 'No.', width: 7 },
  { key: 'name', zh: '事项名称', en: 'Item', width: 30 },
  { key: 'category', zh: '事项类别', en: 'Category', width: 14 },
  { key: 'basis', zh: '法律政策依据', en: 'Legal or policy basis', width: 46 },
  { key: 'carrier', zh: '责任主体', en: 'Carried by', width: 18 },
  { key: 'departmentName', zh: '对应上级部门', en: 'Upper department', width: 18 },
  { key: 'cooperation', zh: '配合内容', en: 'What the township does', width: 40 },
  { key: 'communityInvolved', zh: '社区是否参与', en: 'Communities take part', width: 10 },
] as const;
type ColumnKey = (typeof COLUMNS)[number]['key'];

export const sheetTitles: Record<ListKind, { zh: string; en: string }> = {
  basic: { zh: '基本履职事项清单', en: 'Basic duties' },
  cooperative: { zh: '配合履职事项清单', en: 'Cooperative duties' },
  taken_back: { zh: '上级部门收回事项清单', en: 'Items taken back by upper departments' },
};

/** Header words a published list uses for each column. */
const HEADER_WORDS: Record<ColumnKey, string[]> = {
  seq: ['序号', '编号', 'no', 'no.'],
  name: ['事项名称', '履职事项', '事项', '名称', 'item'],
  category: ['事项类别', '类别', '分类', '领域', 'category'],
  basis: ['法律政策依据', '法律依据', '政策依据', '依据', '设定依据', '法律法规政策依据', 'legalorpolicybasis'],
  carrier: ['责任主体', '承接主体', '实施主体', '承办主体', '街道责任科室', '责任科室', 'carriedby'],
  departmentName: ['对应上级部门', '上级部门', '对口部门', '上级主管部门', '对应部门', '主管部门', 'upperdepartment'],
  cooperation: ['配合内容', '街道配合内容', '配合事项', '街道职责', '乡镇职责', '履职内容', 'whatthetownshipdoes'],
  communityInvolved: ['社区是否参与', '社区参与', '村社区是否参与', '是否需社区参与', '社区村是否参与', 'communitiestakepart'],
};

function kindOfTitle(text: string): ListKind | null {
  const t = text.replace(/\s+/g, '');
  if (/收回/.test(t)) return 'taken_back';
  if (/配合履职|配合事项/.test(t)) return 'cooperative';
  if (/基本履职|基本事项/.test(t)) return 'basic';
  if (/^basic/i.test(t)) return 'basic';
  if (/^cooperative/i.test(t)) return 'cooperative';
  if (/takenback/i.test(t)) return 'taken_back';
  return null;
}

const YES = new Set(['是', '√', '✓', 'y', 'yes', '参与', '需要', '1', 'true', '有']);
const NO = new Set(['否', '×', '✗', 'n', 'no', '不参与', '不需要', '0', 'false', '无', '/', '—', '-']);

// ---- writing ------------------------------------------------------------------------------

export async function listsWorkbook(townshipName: string, items: readonly SnapshotItem[], opts: { version: number; date: string; lang: 'zh' | 'en' }): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '轻车 Qingche';
  wb.created = new Date();
  const en = opts.lang === 'en';
  for (const kind of listKinds) {
    const title = en ? `${townshipName}: ${sheetTitles[kind].en}` : `${townshipName}${sheetTitles[kind].zh}`;
    const ws = wb.addWorksheet(en ? sheetTitles[kind].en.slice(0, 31) : sheetTitles[kind].zh, {
      pageSetup: { orientation: 'landscape', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '2:2' },
      headerFooter: { oddFooter: en ? `Version ${opts.version} · ${opts.date} · page &P of &N` : `第 ${opts.version} 版 · ${opts.date} · 第 &P 页 共 &N 页` },
      views: [{ state: 'frozen', ySplit: 2 }],
    });
    ws.columns = COLUMNS.map((c) => ({ key: c.key, width: c.width }));
    ws.addRow([title]);
    ws.mergeCells(1, 1, 1, COLUMNS.length);
    const t = ws.getRow(1);
    t.font = { bold: true, size: 16 };
    t.alignment = { horizontal: 'center', vertical: 'middle' };
    t.height = 30;
    const h = ws.addRow(COLUMNS.map((c) => (en ? c.en : c.zh)));
    h.font = { bold: true };
    h.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    h.eachCell((cell) => {
      cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8F0FE' } };
    });
    const rows = items.filter((i) => i.listKind === kind).sort((a, b) => a.seq - b.seq || a.id - b.id);
    rows.forEach((i, n) => {
      // Text cells are written as text, never as formulas.
      const r = ws.addRow([n + 1, i.name, i.category ?? '', i.basis ?? '', i.carrier ?? '', i.departmentName ?? '', i.cooperation ?? '', i.communityInvolved ? (en ? 'yes' : '是') : en ? 'no' : '否']);
      r.alignment = { vertical: 'top', wrapText: true };
    });
    for (let r = 2; r <= rows.length + 2; r++)
      ws.getRow(r).eachCell({ includeEmpty: true }, (cell) => {
        cell.border = { top: { style: 'thin' }, bottom: { style: 'thin' }, left: { style: 'thin' }, right: { style: 'thin' } };
      });
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

// ---- reading ------------------------------------------------------------------------------

export interface ParsedRow {
  sheet: string;
  rowNo: number;
  listKind: ListKind;
  name: string;
  category: string | null;
  basis: string | null;
  carrier: string | null;
  departmentName: string | null;
  cooperation: string | null;
  communityInvolved: boolean;
}

export interface Problem {
  sheet: string;
  row: number;
  column: string | null;
  zh: string;
  en: string;
}

export interface ParsedWorkbook {
  lists: { sheet: string; listKind: ListKind; rows: ParsedRow[] }[];
  problems: Problem[];
  warnings: Problem[];
}

const LIMITS: Partial<Record<ColumnKey, number>> = { name: 200, category: 60, basis: 4000, carrier: 200, departmentName: 100, cooperation: 4000 };

function cellText(c: Cell | undefined): { text: string; bad?: string } {
  if (c === null || c === undefined) return { text: '' };
  if (typeof c === 'string') return { text: c.replace(/\r\n?/g, '\n').trim() };
  if (typeof c === 'number') return { text: String(c) };
  if (typeof c === 'boolean') return { text: c ? '是' : '否' };
  if (c instanceof Date) return { text: c.toISOString().slice(0, 10) };
  if ('error' in c) return { text: '', bad: c.error };
  return { text: '', bad: 'formula' };
}

const fold = (s: string) => s.toLowerCase().replace(/[\s（）()【】[\]、，,：:*＊]/g, '');

/** Reads every sheet of the workbook that holds a list; nothing is written. */
export async function parseListsWorkbook(source: SheetSource, maxRows = 5000): Promise<ParsedWorkbook> {
  const out: ParsedWorkbook = { lists: [], problems: [], warnings: [] };
  const problem = (sheet: string, row: number, column: string | null, zh: string, en: string) => out.problems.push({ sheet, row, column, zh, en });
  const seen = new Map<string, { sheet: string; row: number }>();
  for (const info of source.sheets) {
    if (info.hidden) continue;
    let kind = kindOfTitle(info.name);
    let columns: Map<ColumnKey, number> | null = null;
    let headerRow = 0;
    let heading: string | null = null;
    const rows: ParsedRow[] = [];
    for await (const r of source.rows(info.name)) {
      const texts = r.cells.map((c) => cellText(c));
      if (!columns) {
        const joined = texts.map((t) => t.text).join('');
        // Rows above the header: the title names the list.
        const found = new Map<ColumnKey, number>();
        texts.forEach((t, i) => {
          const f = fold(t.text);
          if (!f) return;
          for (const c of COLUMNS) if (!found.has(c.key) && HEADER_WORDS[c.key].some((w) => fold(w) === f)) found.set(c.key, i);
        });
        if (found.has('name')) {
          columns = found;
          headerRow = r.rowNo;
          if (!kind) {
            problem(info.name, r.rowNo, null, '表头上方没有写明是哪一类清单（标题应含“基本履职事项”“配合履职事项”或“上级部门收回事项”）', 'the rows above the header do not say which list this is (the title should name 基本履职事项, 配合履职事项 or 上级部门收回事项)');
            break;
          }
        } else if (!kind && joined) kind = kindOfTitle(joined);
        if (r.rowNo > 20 && !columns) break;
        continue;
      }
      const at = (k: ColumnKey) => (columns!.has(k) ? texts[columns!.get(k)!] : undefined);
      const nonEmpty = texts.filter((t) => t.text || t.bad);
      if (!nonEmpty.length) continue;
      const colName = (k: ColumnKey) => COLUMNS.find((c) => c.key === k)!.zh;
      // A row merged across the table, or with only its first cells filled and no name: a category heading (一、党的建设).
      const name = at('name');
      const mergedAcross = r.mergedInto && [...r.mergedInto.values()].some((first) => first <= (columns!.get('name') ?? 0));
      if ((mergedAcross || !name?.text) && new Set(nonEmpty.map((t) => t.text)).size === 1 && !/^\d+$/.test(nonEmpty[0]!.text)) {
        heading = nonEmpty[0]!.text.replace(/^[一二三四五六七八九十百]+[、.．]\s*|^（[一二三四五六七八九十]+）\s*|^\d+[、.．]\s*/, '').trim() || null;
        continue;
      }
      if (rows.length + out.lists.reduce((s, l) => s + l.rows.length, 0) >= maxRows) {
        problem(info.name, r.rowNo, null, `清单超过 ${maxRows} 项`, `more than ${maxRows} items`);
        break;
      }
      let bad = false;
      for (const c of COLUMNS) {
        const t = at(c.key);
        if (t?.bad) {
          problem(info.name, r.rowNo, colName(c.key), `单元格是错误值或没有计算结果的公式（${t.bad}），请改为文字`, `the cell holds an error or an uncalculated formula (${t.bad}); type the text instead`);
          bad = true;
        }
        const max = LIMITS[c.key];
        if (t && max && t.text.length > max) {
          problem(info.name, r.rowNo, colName(c.key), `超过 ${max} 个字`, `longer than ${max} characters`);
          bad = true;
        }
      }
      if (!name?.text) {
        problem(info.name, r.rowNo, colName('name'), '事项名称为空', 'the item name is empty');
        continue;
      }
      const flag = at('communityInvolved')?.text ?? '';
      let communityInvolved = false;
      if (flag) {
        const f = fold(flag);
        if (YES.has(f)) communityInvolved = true;
        else if (!NO.has(f)) {
          problem(info.name, r.rowNo, colName('communityInvolved'), `“${flag.slice(0, 20)}”应填“是”或“否”`, `"${flag.slice(0, 20)}" should be 是 (yes) or 否 (no)`);
          bad = true;
        }
      }
      const key = nameKey(name.text);
      const dup = seen.get(key);
      if (dup) {
        problem(info.name, r.rowNo, colName('name'), `“${name.text.slice(0, 40)}”与“${dup.sheet}”第 ${dup.row} 行重复`, `"${name.text.slice(0, 40)}" repeats row ${dup.row} of "${dup.sheet}"`);
        bad = true;
      } else seen.set(key, { sheet: info.name, row: r.rowNo });
      if (bad) continue;
      const v = (k: ColumnKey) => at(k)?.text || null;
      rows.push({ sheet: info.name, rowNo: r.rowNo, listKind: kind!, name: name.text.replace(/\s*\n\s*/g, ''), category: v('category') ?? heading, basis: v('basis'), carrier: v('carrier'), departmentName: v('departmentName'), cooperation: v('cooperation'), communityInvolved });
    }
    if (columns && kind) {
      if (!columns.has('communityInvolved') && !columns.has('departmentName')) out.warnings.push({ sheet: info.name, row: headerRow, column: null, zh: '表头没有“对应上级部门”和“社区是否参与”列', en: 'the header has neither 对应上级部门 nor 社区是否参与' });
      if (out.lists.some((l) => l.listKind === kind)) problem(info.name, headerRow, null, `与前面的工作表是同一类清单（${sheetTitles[kind].zh}）`, `the same list (${sheetTitles[kind].en}) as an earlier sheet`);
      else out.lists.push({ sheet: info.name, listKind: kind, rows });
    }
  }
  return out;
}

// Reading xlsx files as Excel and WPS write them: shared strings, rich text, formulas with and
// without results, dates, merged cells, hidden sheets, and long Chinese text streamed in chunks.
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { openSheetSource, type SourceRow } from '../../src/modules/exchange/sources.js';

const dir = mkdtempSync(join(tmpdir(), 'qc-xlsx-'));
let n = 0;

async function rowsOf(buf: Buffer, sheet?: string): Promise<SourceRow[]> {
  const file = join(dir, `f${(n += 1)}.xlsx`);
  writeFileSync(file, buf);
  const src = await openSheetSource(file, statSync(file).size);
  const out: SourceRow[] = [];
  for await (const r of src.rows(sheet)) out.push(r);
  return out;
}

describe('the xlsx reader', () => {
  it('keeps every Chinese character intact however the text falls across stream chunks', async () => {
    // ExcelJS's own streaming reader turns 40 of these 30,000 rows into "��".
    const chars = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文';
    const names: string[] = [];
    const L = chars.length;
    // Distinct strings (the string table holds each once), so the table spans many inflate chunks.
    for (let i = 0; i < 30_000; i++) names.push(`${chars[i % L]}${chars[Math.floor(i / L) % L]}${chars[Math.floor(i / L / L) % L]}${i % 10 ? '' : '·阿不都'}`);
    const pass = new PassThrough();
    const chunks: Buffer[] = [];
    const done = new Promise<void>((resolve) => pass.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve()));
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: pass, useSharedStrings: true, useStyles: true });
    const ws = wb.addWorksheet('居民');
    for (const name of names) ws.addRow([name, `迎泽区${name}路`]).commit();
    ws.commit();
    await wb.commit();
    await done;
    const rows = await rowsOf(Buffer.concat(chunks));
    expect(rows).toHaveLength(names.length);
    const broken = rows.filter((r, i) => r.cells[0] !== names[i] || String(r.cells[1]).includes('\uFFFD'));
    expect(broken).toEqual([]);
  });

  it('reads rich text, formulas (the cached result, or none), error values, booleans and dates', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('表');
    ws.addRow([{ richText: [{ text: '王' }, { font: { bold: true }, text: '五' }] }, { formula: 'A1&"x"', result: '王五x' }, { formula: 'SUM(C9:C10)' }, { error: '#REF!' }, true, new Date(Date.UTC(1948, 2, 2)), 17594]);
    ws.getCell('G1').numFmt = 'yyyy"年"m"月"d"日"';
    ws.addRow(['13800000000', 3.5]);
    const rows = await rowsOf(Buffer.from(await wb.xlsx.writeBuffer()));
    const c = rows[0]!.cells;
    expect(c[0]).toBe('王五');
    expect(c[1]).toBe('王五x');
    expect(c[2]).toEqual({ formula: 'SUM(C9:C10)', noResult: true });
    expect(c[3]).toEqual({ error: '#REF!' });
    expect(c[4]).toBe(true);
    expect((c[5] as Date).toISOString().slice(0, 10)).toBe('1948-03-02');
    expect((c[6] as Date).toISOString().slice(0, 10)).toBe('1948-03-02'); // a number in a date format
    expect(rows[1]!.cells).toEqual(['13800000000', 3.5]);
  });

  it('fills merged cells down a column, marks merges across columns, skips hidden sheets by default', async () => {
    const wb = new ExcelJS.Workbook();
    const hidden = wb.addWorksheet('隐藏', { state: 'hidden' });
    hidden.addRow(['不该读到']);
    const ws = wb.addWorksheet('居民');
    ws.addRow(['户号', '姓名', '现住址', '户籍地址']);
    ws.addRow(['H1', '甲', '桃园路', null]);
    ws.addRow([null, '乙', '桃园路', null]);
    ws.mergeCells('A2:A3');
    ws.mergeCells('C2:D2');
    const rows = await rowsOf(Buffer.from(await wb.xlsx.writeBuffer()));
    expect(rows[0]!.cells[1]).toBe('姓名');
    expect(rows[2]!.cells[0]).toBe('H1');
    expect(rows[1]!.mergedInto?.get(3)).toBe(2);
    const named = await rowsOf(Buffer.from(await wb.xlsx.writeBuffer()), '隐藏');
    expect(named[0]!.cells[0]).toBe('不该读到');
  });
});

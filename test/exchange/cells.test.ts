// Reading cells and headers: no database involved.
import { describe, expect, it } from 'vitest';
import { checkMapping, headerSignature, labelNameIndex, proposeMapping } from '../../src/modules/exchange/headers.js';
import { detectEncoding, parseCsv } from '../../src/modules/exchange/sources.js';
import { isDateFormat } from '../../src/platform/documents/xlsx-reader.js';
import { cellProblem, codeAlias, dateFrom, excelSerialToDate, idNumberFrom, parseLabelList, yesNo } from '../../src/modules/exchange/values.js';
import { defaultLabels } from '../../src/modules/registry/index.js';

const labels = defaultLabels.map((l) => ({ code: l.code, nameZh: l.nameZh, nameEn: l.nameEn, owner: l.owner, active: true }));

async function csv(text: string, chunkSize = 3, delimiter = ','): Promise<string[][]> {
  async function* chunks() {
    for (let i = 0; i < text.length; i += chunkSize) yield text.slice(i, i + chunkSize);
  }
  const out: string[][] = [];
  for await (const r of parseCsv(chunks(), delimiter)) out.push(r);
  return out;
}

describe('CSV parsing, streamed in small chunks', () => {
  it('handles quotes, doubled quotes, separators and line breaks inside quotes, CRLF and a missing final newline', async () => {
    expect(await csv('a,b,c\r\n1,"x, y","say ""hi"""\r\n"multi\nline",,end')).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x, y', 'say "hi"'],
      ['multi\nline', '', 'end'],
    ]);
  });
  it('keeps empty lines as rows (they are counted as blank) and takes other separators', async () => {
    expect(await csv('姓名;电话\n\n张三;1\n', 2, ';')).toEqual([['姓名', '电话'], [''], ['张三', '1']]);
  });
});

describe('encodings', () => {
  it('tells UTF-8 (with or without BOM), UTF-16 and GBK apart', () => {
    expect(detectEncoding(Buffer.from('\uFEFF姓名', 'utf8'))).toEqual({ encoding: 'utf-8', bom: 3 });
    expect(detectEncoding(Buffer.from('姓名,电话', 'utf8')).encoding).toBe('utf-8');
    expect(detectEncoding(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('姓名', 'utf16le')]))).toEqual({ encoding: 'utf-16le', bom: 2 });
    expect(detectEncoding(Buffer.from([0xd0, 0xd5, 0xc3, 0xfb])).encoding).toBe('gb18030'); // 姓名 in GBK
  });
});

describe('cells', () => {
  it('reports a formula saved without its result and an error value', () => {
    expect(cellProblem({ formula: 'SUM(A1:A3)', noResult: true })?.zh).toContain('没有保存计算结果');
    expect(cellProblem({ error: '#REF!' })?.zh).toContain('#REF!');
    expect(cellProblem('张三')).toBeNull();
  });

  it('tells date formats from number formats, Chinese ones included', () => {
    expect(['yyyy-mm-dd', 'yyyy"年"m"月"d"日"', 'm/d/yy h:mm', '[$-F800]dddd, mmmm dd, yyyy', 'mm:ss'].map(isDateFormat)).toEqual([true, true, true, true, true]);
    expect(['General', '0.00', '#,##0', '0.00%', '@', '[Red]0.00', '0.00E+00'].map(isDateFormat)).toEqual([false, false, false, false, false, false, false]);
  });

  it('refuses ID numbers Excel turned into numbers with lost digits, keeps 15-digit ones', () => {
    expect(idNumberFrom(140109198005170000).problem?.zh).toContain('后几位已经丢失');
    expect(idNumberFrom('1.40109E+17').problem?.zh).toContain('科学计数法');
    expect(idNumberFrom(140109450101003).value).toBe('140109450101003');
    expect(idNumberFrom(' 14010919800517001X ').value).toBe('14010919800517001X');
  });

  it('reads dates as date cells, Excel serial numbers, 8-digit numbers and text', () => {
    expect(dateFrom(new Date(Date.UTC(1948, 2, 2)))).toBe('1948-03-02');
    expect(excelSerialToDate(17594)).toBe('1948-03-02');
    expect(dateFrom(17594)).toBe('1948-03-02');
    expect(dateFrom(19480302)).toBe('1948-03-02');
    expect(dateFrom('19480302')).toBe('1948-03-02');
    expect(dateFrom('1948-03-02 00:00:00')).toBe('1948-03-02');
    expect(dateFrom('1948年3月2日')).toBe('1948年3月2日'); // the registry parses this form
  });

  it('understands the short forms sheets use for coded values', () => {
    expect(codeAlias('residenceStatus', '流动', 'resident')).toBe('floating');
    expect(codeAlias('politicalStatus', '党员', 'resident')).toBe('01');
    expect(codeAlias('education', '大专', 'resident')).toBe('30');
    expect(codeAlias('relationToHead', '妻', 'resident')).toBe('10');
    expect(codeAlias('ethnicity', '回', 'resident')).toBe('回族');
    expect(codeAlias('kind', '个体工商户', 'organisation')).toBe('shop');
    expect(codeAlias('kind', '个体工商户', 'facility')).toBe('个体工商户');
    expect(codeAlias('maritalStatus', '已婚', 'resident')).toBe('已婚');
  });

  it('reads yes/no cells and label lists', () => {
    expect([yesNo('是'), yesNo('√'), yesNo(1), yesNo(''), yesNo('否'), yesNo('也许')]).toEqual([true, true, true, false, false, null]);
    const idx = labelNameIndex(labels);
    expect(parseLabelList('独居老人、低保，残疾人 退役军人/高龄', idx)).toEqual({ codes: ['elderly_alone', 'low_income', 'disabled', 'veteran', 'elderly_80'], unknown: [] });
    expect(parseLabelList('高龄老人（80岁以上）,外星人', idx)).toEqual({ codes: ['elderly_80'], unknown: ['外星人'] });
  });
});

describe('headers', () => {
  it('maps Chinese headers in any order, with synonyms, markers and brackets', () => {
    const m = proposeMapping('resident', ['*姓名', '联系电话（手机）', '公民身份号码', '年龄', '户 号', '所在网格', '是否低保', '其他'], labels);
    expect(m.map((x) => x.target)).toEqual(['name', 'phone', 'idNumber', null, '@householdNo', '@grid', 'label:low_income', null]);
  });
  it('uses each field once and names what is missing', () => {
    const m = proposeMapping('resident', ['身份证号', '证件号码'], labels);
    expect(m.map((x) => x.target)).toEqual(['idNumber', null]);
    expect(checkMapping('resident', m, labels).missing.map((t) => t.key)).toEqual(['name']);
    expect(checkMapping('house', proposeMapping('house', ['房号'], labels), labels).missing.map((t) => t.key)).toEqual(['@building']);
  });
  it('gives one signature per layout, whatever the spacing', () => {
    expect(headerSignature('resident', ['姓名', '身份证号'])).toBe(headerSignature('resident', [' 姓名 ', '身份证号*']));
    expect(headerSignature('resident', ['姓名', '身份证号'])).not.toBe(headerSignature('resident', ['身份证号', '姓名']));
  });
});

import { sql } from 'drizzle-orm';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import type { TreeNode } from '../../src/modules/tree/index.js';
import { loginAs, makeGrid, makeSubtree, testApp, type Subtree, type TestApp } from '../support/app.js';
import { idNumber, mobile } from '../support/people.js';
import { gbk, importFile, readXlsx, runJobs, simpleXlsx, upload, xlsx } from './helpers.js';

let t: TestApp;
let a: Subtree;
let b: Subtree;
let grid2: TreeNode;
let worker: string;
let otherWorker: string;

beforeAll(async () => {
  t = await testApp();
  a = await makeSubtree(t);
  b = await makeSubtree(t);
  grid2 = await makeGrid(t, a.community, '第二网格');
  worker = (await loginAs(t, { role: 'community_worker', node: a.community })).token;
  otherWorker = (await loginAs(t, { role: 'community_worker', node: b.community })).token;
});
afterAll(() => t.close());

async function residentByName(name: string, token = worker) {
  const r = await t.call('GET', `/api/residents?q=${encodeURIComponent(name)}`, { token });
  expect(r.statusCode).toBe(200);
  return r.json().items as Record<string, unknown>[];
}

describe('importing a community register (xlsx)', () => {
  const ids = {
    widow: idNumber({ birth: '1941-06-01', sex: '2' }),
    son: idNumber({ birth: '1968-03-15', sex: '1' }),
    daughterInLaw: idNumber({ birth: '1970-09-09', sex: '2' }),
    veteran: idNumber({ birth: '1950-01-20', sex: '1' }),
    dup: idNumber({ birth: '1985-12-12', sex: '1' }),
    numeric: idNumber({ birth: '1979-07-07', sex: '1' }),
  };
  const phone = mobile();
  let file: Buffer;
  let importId: number;
  let view: Record<string, any>;

  beforeAll(async () => {
    const good = ids.widow;
    const badCheck = ids.son.slice(0, 17) + (ids.son[17] === '1' ? '2' : '1');
    file = await xlsx((wb) => {
      const ws = wb.addWorksheet('居民信息');
      // A merged title row above the header, as community sheets have.
      ws.addRow(['滨体社区居民信息登记表（2024年）']);
      ws.mergeCells('A1:J1');
      ws.addRow(['序号', '姓名', '公民身份号码', '联系方式', '户号', '与户主关系', '所属网格', '重点人群', '出生日期', '是否空巢']);
      ws.addRow([1, '王秀英', good, phone, 'H001', '户主', a.grid.name, '独居老人、高龄老人', null, '否']);
      ws.addRow([2, '刘建国', ids.son, { formula: 'D3', result: phone }, 'H002', '户主', '第二网格', '', null, '']);
      ws.addRow([3, '张丽', ids.daughterInLaw, '', null, '妻', '第二网格', '低保', null, '']); // 户号 merged with the row above
      ws.mergeCells('E4:E5');
      ws.addRow([]); // a blank line in the middle
      ws.addRow([4, '赵老兵', ids.veteran, '', 'H003', '户主', a.grid.code, '', new Date(Date.UTC(1950, 0, 20)), '是']);
      ws.addRow([5, '钱错号', badCheck, '', 'H004', '户主', a.grid.name, '', null, '']);
      ws.addRow([6, '孙错日', '', '', 'H005', '户主', a.grid.name, '', '1990-02-30', '']);
      ws.addRow([7, '周公式', '', { formula: 'SUM(X1:X3)' }, 'H006', '户主', a.grid.name, '', '1980-01-01', '']);
      ws.addRow([8, '吴重复', ids.dup, '', 'H007', '户主', a.grid.name, '', null, '']);
      ws.addRow([9, '吴重复', ids.dup, '', 'H007', '户主', a.grid.name, '', null, '']);
      ws.addRow([10, '郑外网', idNumber(), '', 'H008', '户主', b.grid.name, '', null, '']);
      ws.addRow([11, '冯数字', Number(ids.numeric.slice(0, 17)) * 10, '', 'H009', '户主', a.grid.name, '', null, '']);
      ws.addRow([12, '陈怪标', idNumber(), '', 'H010', '户主', a.grid.name, '外星人', null, '']);
      ws.addRow([]);
      ws.addRow([]);
    });
    const up = await upload(t, worker, '居民信息登记表.xlsx', file);
    expect(up.statusCode).toBe(201);
    const p = up.json();
    importId = p.id;
    expect(p.status).toBe('uploaded');
    expect(p.preview.headerRow).toBe(2);
    const byHeader = Object.fromEntries(p.mapping.map((m: { header: string; target: string | null }) => [m.header, m.target]));
    expect(byHeader).toMatchObject({ 姓名: 'name', 公民身份号码: 'idNumber', 联系方式: 'phone', 户号: '@householdNo', 与户主关系: 'relationToHead', 所属网格: '@grid', 重点人群: '@labels', 出生日期: 'birthDate', 是否空巢: 'label:empty_nest', 序号: null });
    // Samples are masked: no ID number or phone travels back in clear.
    expect(JSON.stringify(p.preview.headers)).not.toContain(good);
    expect(JSON.stringify(p.preview.headers)).not.toContain(phone);
    const st = await t.call('POST', `/api/imports/${importId}/start`, { token: worker, body: {} });
    expect(st.statusCode).toBe(202);
    expect(st.json().status).toBe('queued');
    await runJobs(t);
    view = (await t.call('GET', `/api/imports/${importId}`, { token: worker })).json();
  });

  it('imports the good rows and counts the rest', () => {
    expect(view.status).toBe('done');
    expect(view.progress).toBe(1);
    // 王秀英, 刘建国, 张丽, 赵老兵, 吴重复 (first), 陈怪标 (unknown label: imported with a warning)
    // The blank line in the middle counts; the trailing empty rows are not in the file at all.
    expect(view.counts).toMatchObject({ created: 6, updated: 0, unchanged: 0, failed: 6, blank: 1 });
    expect(view.counts.warned).toBe(2); // 张丽 (低保 is kept by civil affairs), 陈怪标 (unknown label)
  });

  it('derives and stores what the sheet says: labels, households (merged cells filled down), heads, grids', async () => {
    const [widow] = await residentByName('王秀英');
    expect(widow).toMatchObject({ birthDate: '1941-06-01', sex: '2', gridId: a.grid.id });
    expect((widow!.labels as { code: string }[]).map((l) => l.code).sort()).toEqual(['elderly_80', 'elderly_alone']);
    expect(widow!.phone).toBe(`${phone.slice(0, 3)}****${phone.slice(-4)}`);
    const [son] = await residentByName('刘建国');
    const [wife] = await residentByName('张丽');
    expect(son!.phone).toBe(widow!.phone); // the formula's cached result
    expect(son!.gridId).toBe(grid2.id);
    expect(wife!.householdId).toBe(son!.householdId);
    expect(wife!.relationToHead).toBe('10');
    expect(wife!.labels).toEqual([]);
    const card = (await t.call('GET', `/api/residents/${son!.id}`, { token: worker })).json();
    expect(card.household.householdNo).toBe('H002');
    const [vet] = await residentByName('赵老兵');
    expect((vet!.labels as { code: string }[]).map((l) => l.code)).toEqual(['empty_nest']);
    const hist = (await t.call('GET', `/api/residents/${son!.id}/history`, { token: worker })).json();
    expect(hist[0]).toMatchObject({ source: 'import' });
    expect(hist[0].reason).toContain('居民信息登记表.xlsx');
  });

  it('lists each refused row with its reason in Chinese, cells masked', async () => {
    const r = await t.call('GET', `/api/imports/${importId}/issues?limit=100`, { token: worker });
    expect(r.statusCode).toBe(200);
    const items = r.json().items as { rowNo: number; severity: string; reasons: { column: string; message: string }[]; cells: string[] }[];
    const byRow = new Map(items.map((i) => [i.rowNo, i]));
    const msg = (row: number) => byRow.get(row)!.reasons.map((x) => `${x.column}:${x.message}`).join(' | ');
    expect(msg(8)).toMatch(/公民身份号码:身份证号校验位错误/);
    expect(msg(9)).toMatch(/出生日期:.*1990-02-30.*不正确/);
    expect(msg(10)).toMatch(/联系方式:单元格是公式.*没有保存计算结果/);
    expect(msg(12)).toMatch(/与第 11 行重复/);
    expect(msg(13)).toMatch(/网格“.*”不在/);
    expect(msg(14)).toMatch(/存成了数字.*丢失/);
    expect(byRow.get(15)!.severity).toBe('warning');
    expect(msg(15)).toMatch(/不认识的标签：外星人/);
    expect(byRow.get(5)!.severity).toBe('warning');
    expect(msg(5)).toMatch(/低保对象.*民政/);
    expect(byRow.has(11)).toBe(false);
    expect(JSON.stringify(items)).not.toContain(ids.dup);
  });

  it('hands back an Excel error report with the original rows and the reasons', async () => {
    const r = await t.call('GET', `/api/imports/${importId}/report`, { token: worker });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toContain('spreadsheetml');
    expect(String(r.headers['content-disposition'])).toContain("filename*=UTF-8''");
    const rows = await readXlsx(r.rawPayload);
    expect(rows[0]!.slice(0, 4)).toEqual(['原表行号', '处理结果', '问题说明', '序号']);
    const dup = rows.find((x) => x[0] === '12')!;
    expect(dup[1]).toBe('未导入');
    expect(dup[2]).toContain('与第 11 行重复');
    expect(dup[5]).toBe(ids.dup); // the uploader's own cells, as uploaded, to correct
    const audit = await queryRows<{ category: string }>(t.database.db, sql`SELECT category FROM audit_log WHERE action = 'import.error_report' AND entity_id = ${String(importId)}`);
    expect(audit.map((x) => x.category)).toEqual(['export']);
  });

  it('changes nothing when the same file is imported again', async () => {
    const [son] = await residentByName('刘建国');
    const before = (await t.call('GET', `/api/residents/${son!.id}/history`, { token: worker })).json().length;
    const versions = (await queryRows<{ n: number }>(t.database.db, sql`SELECT count(*)::int AS n FROM record_version`))[0]!.n;
    const again = await importFile(t, worker, '居民信息登记表.xlsx', file);
    expect(again.upload.preview.mappingSource).toBe('template');
    expect(again.view.counts).toMatchObject({ created: 0, updated: 0, unchanged: 6, failed: 6 });
    expect((await t.call('GET', `/api/residents/${son!.id}/history`, { token: worker })).json().length).toBe(before);
    expect((await queryRows<{ n: number }>(t.database.db, sql`SELECT count(*)::int AS n FROM record_version`))[0]!.n).toBe(versions);
    const hh = await queryRows<{ n: number }>(t.database.db, sql`SELECT count(*)::int AS n FROM household WHERE household_no = 'H002'`);
    expect(hh[0]!.n).toBe(1);
  });

  it('logs the run in the audit log and leaves no upload behind', async () => {
    const actions = await queryRows<{ action: string }>(t.database.db, sql`SELECT action FROM audit_log WHERE entity_type = 'import' AND entity_id = ${String(importId)} ORDER BY id`);
    expect(actions.map((x) => x.action)).toEqual(['import.upload', 'import.start', 'import.finish', 'import.issues', 'import.error_report']);
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(`${t.config.dataDir}/imports`)).toEqual([]);
  });
});

describe('updates and remembered mappings', () => {
  it('updates only what changed, and remembers a mapping chosen by hand for the next upload of that layout', async () => {
    const id = idNumber({ birth: '1960-10-10' });
    const first = await simpleXlsx([
      ['姓名', '身份证', '手机（本人）', '居住情况'],
      ['何先生', id, '13900000001', '流动'],
    ]);
    const up = await upload(t, worker, 'a.xlsx', first, { defaultGridId: a.grid.id });
    expect(up.json().mapping.find((m: { header: string }) => m.header === '居住情况').target).toBeNull();
    const mapping = [{ index: 0, target: 'name' }, { index: 1, target: 'idNumber' }, { index: 2, target: 'phone' }, { index: 3, target: 'residenceStatus' }];
    expect((await t.call('POST', `/api/imports/${up.json().id}/start`, { token: worker, body: { mapping } })).statusCode).toBe(202);
    await runJobs(t);
    const [r1] = await residentByName('何先生');
    expect(r1).toMatchObject({ residenceStatus: 'floating' });
    const second = await simpleXlsx([
      ['姓名', '身份证', '手机（本人）', '居住情况'],
      ['何先生', id, '13900000002', '流动'],
    ]);
    const again = await importFile(t, worker, 'b.xlsx', second, { query: { defaultGridId: a.grid.id } });
    expect(again.upload.preview.mappingSource).toBe('template');
    expect(again.upload.mapping.map((m: { target: string }) => m.target)).toEqual(['name', 'idNumber', 'phone', 'residenceStatus']);
    expect(again.view.counts).toMatchObject({ created: 0, updated: 1 });
    const hist = (await t.call('GET', `/api/residents/${r1!.id}/history`, { token: worker })).json();
    expect(hist[0]).toMatchObject({ operation: 'update', source: 'import' });
    expect(hist[0].changedFields).toContain('phone');
    expect(hist[0].changedFields.filter((f: string) => !f.endsWith('Hash'))).toEqual(['phone']);
    const tpl = (await t.call('GET', '/api/import-templates?kind=resident', { token: worker })).json();
    expect(tpl.some((x: { headers: string[]; useCount: number }) => x.headers.includes('居住情况') && x.useCount === 2)).toBe(true);
  });

  it('leaves stored values alone for empty cells, unless told that blank clears', async () => {
    const id = idNumber();
    await importFile(t, worker, 'c.xlsx', await simpleXlsx([['姓名', '身份证号', '职业'], ['孔先生', id, '教师']]), { query: { defaultGridId: a.grid.id } });
    const keep = await importFile(t, worker, 'c.xlsx', await simpleXlsx([['姓名', '身份证号', '职业'], ['孔先生', id, '']]), { query: { defaultGridId: a.grid.id } });
    expect(keep.view.counts).toMatchObject({ unchanged: 1 });
    expect((await residentByName('孔先生'))[0]!.occupation).toBe('教师');
    const clear = await importFile(t, worker, 'c.xlsx', await simpleXlsx([['姓名', '身份证号', '职业'], ['孔先生', id, '']]), { query: { defaultGridId: a.grid.id }, start: { blankClears: true } });
    expect(clear.view.counts).toMatchObject({ updated: 1 });
    expect((await residentByName('孔先生'))[0]!.occupation).toBeNull();
  });

  it('matches people without an ID number by name, birth date and address', async () => {
    const sheet = await simpleXlsx([['姓名', '出生日期', '现住址', '性别'], ['无证老人', '1935-05-05', '桃园路 1 号', '女']]);
    expect((await importFile(t, worker, 'd.xlsx', sheet, { query: { defaultGridId: a.grid.id } })).view.counts).toMatchObject({ created: 1 });
    expect((await importFile(t, worker, 'd.xlsx', sheet, { query: { defaultGridId: a.grid.id } })).view.counts).toMatchObject({ created: 0, unchanged: 1 });
  });
});

describe('CSV', () => {
  it('reads GBK text with Chinese headers in any order', async () => {
    const id = idNumber({ birth: '1975-04-04', sex: '2' });
    const text = `联系电话,姓名,身份证号码,人口类型,现住址\r\n13911112222,"欧阳娜",${id},户籍,"迎泽区,桃园路 9 号"\r\n`;
    const r = await importFile(t, worker, '居民.csv', gbk(text), { query: { defaultGridId: a.grid.id } });
    expect(r.upload).toMatchObject({ format: 'csv', encoding: 'gb18030' });
    expect(r.view.counts).toMatchObject({ created: 1, failed: 0 });
    const [p] = await residentByName('欧阳娜');
    expect(p).toMatchObject({ address: '迎泽区,桃园路 9 号', residenceStatus: 'registered', sex: '2' });
  });

  it('reads UTF-8 with a byte-order mark, quoted line breaks and tab separators', async () => {
    const id = idNumber();
    const text = `\uFEFF姓名\t证件号码\t备注\n"上官云"\t${id}\t"第一行\n第二行"\n`;
    const r = await importFile(t, worker, 'x.txt', Buffer.from(text, 'utf8'), { query: { defaultGridId: a.grid.id } });
    expect(r.upload.encoding).toBe('utf-8');
    expect(r.view.counts).toMatchObject({ created: 1 });
    expect((await residentByName('上官云'))[0]!.notes).toBe('第一行\n第二行');
  });
});

describe('files that are not what they claim', () => {
  const refused = async (name: string, content: Buffer) => {
    const r = await upload(t, worker, name, content);
    expect(r.statusCode, r.body).toBeGreaterThanOrEqual(400);
    return r.json().error as { code: string; message: string };
  };

  it('refuses an image, a PDF, random bytes, a Word file, a damaged zip, an empty file and an HTML page, each with a reason', async () => {
    expect((await refused('a.xlsx', Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'))).message).toContain('图片');
    expect((await refused('a.xlsx', Buffer.from('%PDF-1.7\n...'))).code).toBe('IMPORT_NOT_SPREADSHEET');
    const junk = await refused('a.csv', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
    expect(junk.code).toBe('IMPORT_NOT_SPREADSHEET');
    expect(junk.message).toContain('二进制');
    const word = new JSZip();
    word.file('[Content_Types].xml', '<Types/>');
    word.file('word/document.xml', '<w:document/>');
    expect((await refused('a.xlsx', Buffer.from(await word.generateAsync({ type: 'nodebuffer' })))).message).toContain('Word');
    expect((await refused('a.xlsx', Buffer.concat([Buffer.from('504b0304', 'hex'), Buffer.alloc(200, 7)]))).code).toBe('IMPORT_FILE_CORRUPT');
    expect((await refused('a.xlsx', Buffer.alloc(0))).code).toBe('IMPORT_FILE_EMPTY');
    expect((await refused('a.xls', Buffer.from('<html><body><table><tr><td>姓名</td></tr></table></body></html>'))).message).toContain('HTML');
  });

  it('asks for an .xlsx when given a legacy .xls or an encrypted workbook', async () => {
    const e = await refused('old.xls', Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(512)]));
    expect(e.code).toBe('IMPORT_LEGACY_XLS');
    expect(e.message).toContain('.xlsx');
  });

  it('refuses 50 MB of junk at the upload limit and keeps nothing of it', async () => {
    const before = (await queryRows<{ n: number }>(t.database.db, sql`SELECT count(*)::int AS n FROM import_job`))[0]!.n;
    const r = await upload(t, worker, 'big.csv', Buffer.alloc(50 * 1024 * 1024, 0x41));
    expect(r.statusCode).toBe(413);
    expect(r.json().error).toMatchObject({ code: 'IMPORT_FILE_TOO_LARGE' });
    expect(r.json().error.message).toContain('30 MB');
    expect((await queryRows<{ n: number }>(t.database.db, sql`SELECT count(*)::int AS n FROM import_job`))[0]!.n).toBe(before);
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(`${t.config.dataDir}/imports`).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('refuses to start a sheet without a name column, naming the column', async () => {
    const up = await upload(t, worker, 'noname.xlsx', await simpleXlsx([['身份证号', '联系电话'], [idNumber(), mobile()]]), { defaultGridId: a.grid.id });
    expect(up.statusCode).toBe(201);
    expect(up.json().missingRequired).toEqual(['name']);
    const st = await t.call('POST', `/api/imports/${up.json().id}/start`, { token: worker, body: {} });
    expect(st.statusCode).toBe(400);
    expect(st.json().error).toMatchObject({ code: 'IMPORT_REQUIRED_COLUMN_MISSING', field: 'mapping' });
    expect(st.json().error.message).toContain('姓名');
  });

  it('says so when no header row can be found, or a mapping names a field twice', async () => {
    const none = await upload(t, worker, 'x.xlsx', await simpleXlsx([['甲', '乙'], ['1', '2']]));
    expect(none.json().error.code).toBe('IMPORT_NO_HEADER');
    const up = await upload(t, worker, 'y.xlsx', await simpleXlsx([['姓名', '备注'], ['某人', 'x']]), { defaultGridId: a.grid.id });
    const st = await t.call('POST', `/api/imports/${up.json().id}/start`, { token: worker, body: { mapping: [{ index: 0, target: 'name' }, { index: 1, target: 'name' }] } });
    expect(st.json().error.code).toBe('IMPORT_MAPPING_INVALID');
    expect(st.json().error.message).toContain('同时对应');
  });
});

describe('the API contract', () => {
  it('documents every import and export route in OpenAPI, with the multipart upload', async () => {
    const spec = (await t.call('GET', '/api/openapi.json')).json() as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> } }>> };
    for (const p of ['/api/imports', '/api/imports/{id}', '/api/imports/{id}/start', '/api/imports/{id}/issues', '/api/imports/{id}/report', '/api/import-templates', '/api/exports/residents', '/api/exports/records/{kind}']) expect(spec.paths[p], p).toBeDefined();
    expect(Object.keys(spec.paths['/api/imports']!.post!.requestBody!.content)).toEqual(['multipart/form-data']);
  });

  it('asks for a file when the upload carries none', async () => {
    const r = await t.call('POST', '/api/imports?kind=resident', { token: worker, body: {} });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('IMPORT_FILE_MISSING');
  });
});

describe('scope and rights', () => {
  it('keeps imports within the area: another community sees nothing, a grid worker may not import', async () => {
    const up = await upload(t, worker, 'scope.xlsx', await simpleXlsx([['姓名'], ['某某']]), { defaultGridId: a.grid.id });
    const id = up.json().id;
    expect((await t.call('GET', `/api/imports/${id}`, { token: otherWorker })).statusCode).toBe(404);
    expect((await t.call('POST', `/api/imports/${id}/start`, { token: otherWorker, body: {} })).statusCode).toBe(404);
    expect((await upload(t, otherWorker, 'x.xlsx', await simpleXlsx([['姓名'], ['某某']]), { nodeId: a.community.id })).json().error.code).toBe('IMPORT_TARGET_INVALID');
    const grid = (await loginAs(t, { role: 'grid_worker', node: a.grid })).token;
    expect((await upload(t, grid, 'x.xlsx', await simpleXlsx([['姓名'], ['某某']]))).statusCode).toBe(403);
    const cancelled = await t.call('POST', `/api/imports/${id}/cancel`, { token: worker });
    expect(cancelled.json().status).toBe('cancelled');
  });

  it('refuses a person registered in another community, without naming where', async () => {
    const id = idNumber();
    await importFile(t, otherWorker, 'b.xlsx', await simpleXlsx([['姓名', '身份证号'], ['外社区人', id]]), { query: { defaultGridId: b.grid.id } });
    const r = await importFile(t, worker, 'a.xlsx', await simpleXlsx([['姓名', '身份证号'], ['外社区人', id]]), { query: { defaultGridId: a.grid.id } });
    expect(r.view.counts).toMatchObject({ created: 0, failed: 1 });
    const issues = (await t.call('GET', `/api/imports/${r.view.id}/issues`, { token: worker })).json().items;
    expect(issues[0].reasons[0].message).not.toContain(b.community.name);
    expect(issues[0].reasons[0].message).toContain('已在其他地方登记');
    expect(issues[0].reasons[0].message).toContain('一人只能有一条记录');
  });
});

describe('nothing half-written', () => {
  it('keeps the good rows of a batch when one row fails as it is written, and writes nothing of that row', async () => {
    // A row the database itself refuses (as a concurrent import or a constraint would).
    await t.database.db.execute(sql`CREATE OR REPLACE FUNCTION qc_test_refuse() RETURNS trigger AS $$ BEGIN IF NEW.name = '拒绝写入' THEN RAISE EXCEPTION 'refused by test trigger'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`);
    await t.database.db.execute(sql`CREATE TRIGGER qc_test_refuse BEFORE INSERT ON resident FOR EACH ROW EXECUTE FUNCTION qc_test_refuse()`);
    try {
      const rows = [['姓名', '身份证号', '户号'], ['写入甲', idNumber(), 'HX1'], ['拒绝写入', idNumber(), 'HX2'], ['写入乙', idNumber(), 'HX3']];
      const r = await importFile(t, worker, 'tx.xlsx', await simpleXlsx(rows), { query: { defaultGridId: a.grid.id } });
      expect(r.view.counts).toMatchObject({ created: 2, failed: 1 });
      expect(await residentByName('写入甲')).toHaveLength(1);
      expect(await residentByName('拒绝写入')).toHaveLength(0);
      // The refused row's household was rolled back with it.
      const hh = await queryRows<{ n: number }>(t.database.db, sql`SELECT count(*)::int AS n FROM household WHERE household_no = 'HX2'`);
      expect(hh[0]!.n).toBe(0);
      const issues = (await t.call('GET', `/api/imports/${r.view.id}/issues`, { token: worker })).json().items;
      expect(issues).toHaveLength(1);
      expect(issues[0].rowNo).toBe(3);
      expect(issues[0].reasons[0].message).toContain('写入失败');
    } finally {
      await t.database.db.execute(sql`DROP TRIGGER qc_test_refuse ON resident`);
    }
  });
});

describe('other record kinds', () => {
  it('imports buildings, then houses naming their building, then residents naming their house', async () => {
    const b1 = await importFile(t, worker, '楼栋.csv', Buffer.from('楼栋名称,地址,建筑类型,层数\n9号楼,桃园路 9 号,住宅,6\n10号楼,桃园路 10 号,商住,12\n'), { query: { kind: 'building', defaultGridId: a.grid.id } });
    expect(b1.view.counts).toMatchObject({ created: 2, failed: 0 });
    const h = await importFile(t, worker, '房屋.xlsx', await simpleXlsx([['楼栋', '单元', '房号', '面积', '使用情况'], ['9号楼', '1', '101', 68.5, '出租'], ['9号楼', '1', '102', 70, '自住'], ['99号楼', '1', '101', 50, '自住']]), { query: { kind: 'house', defaultGridId: a.grid.id } });
    expect(h.view.counts).toMatchObject({ created: 2, failed: 1 });
    const issues = (await t.call('GET', `/api/imports/${h.view.id}/issues`, { token: worker })).json().items;
    expect(issues[0].reasons[0].message).toMatch(/尚未登记.*先导入楼栋/);
    const r = await importFile(t, worker, '住户.xlsx', await simpleXlsx([['姓名', '身份证号', '楼栋', '单元', '房号'], ['住户甲', idNumber(), '9号楼', '1', '102']]), { query: { defaultGridId: a.grid.id } });
    expect(r.view.counts).toMatchObject({ created: 1 });
    const card = (await t.call('GET', `/api/residents/${(await residentByName('住户甲'))[0]!.id}`, { token: worker })).json();
    expect(card.house).toMatchObject({ building: '9号楼', roomNo: '102' });
    // Houses again: matched by building, unit and room, nothing changes.
    const again = await importFile(t, worker, '房屋.xlsx', await simpleXlsx([['楼栋', '单元', '房号', '面积', '使用情况'], ['9号楼', '1', '101', 68.5, '出租']]), { query: { kind: 'house', defaultGridId: a.grid.id } });
    expect(again.view.counts).toMatchObject({ created: 0, unchanged: 1 });
  });

  it('imports organisations (matched by credit code) and facilities (on the community itself)', async () => {
    const o = await importFile(t, worker, '单位.xlsx', await simpleXlsx([['单位名称', '单位类型', '统一社会信用代码', '负责人', '联系电话'], ['桃园便民店', '个体工商户', '91140100MA0K8E0X1B', '李四', '0351-7654321'], ['坏码公司', '企业', '91140100MA0K8E0X1C', '王五', '']]), { query: { kind: 'organisation', defaultGridId: a.grid.id } });
    expect(o.view.counts.created + o.view.counts.failed).toBe(2);
    const f = await importFile(t, worker, '设施.xlsx', await simpleXlsx([['设施名称', '设施类型', '开放时间'], ['滨体幸福食堂', '老年食堂', '11:00-13:00']]), { query: { kind: 'facility' } });
    expect(f.view.counts).toMatchObject({ created: 1 });
    const list = (await t.call('GET', '/api/records/facility', { token: worker })).json();
    expect(list.items.find((x: { name: string }) => x.name === '滨体幸福食堂')).toMatchObject({ kind: 'canteen', nodeId: a.community.id });
  });
});

/** Distinct valid ID numbers in bulk: one birth date per person. */
function idFor(i: number): string {
  const d = new Date(Date.UTC(1960, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
  return idNumber({ birth: d });
}

describe('running', () => {
  it('never runs one import twice at once, and reports progress while it runs', async () => {
    const rows: unknown[][] = [['姓名', '身份证号']];
    for (let i = 0; i < 4500; i++) rows.push([`批量${String(i).replace(/\d/g, (d) => '零一二三四五六七八九'[Number(d)]!)}`, idFor(i)]);
    const up = await upload(t, worker, 'many.xlsx', await simpleXlsx(rows), { defaultGridId: a.grid.id });
    const id = up.json().id;
    expect(up.json().preview.totalRows).toBe(4500);
    await t.call('POST', `/api/imports/${id}/start`, { token: worker, body: {} });
    const imports = t.built.modules.exchange.service.imports;
    const seen: number[] = [];
    // Whichever of the two claims the import runs it; the other finds it taken. Both
    // report to one list, so the test does not depend on which wins the race.
    const onProgress = (d: number) => seen.push(d);
    const [one, two] = await Promise.all([imports.run(id, { onProgress }), imports.run(id, { onProgress })]);
    expect([one, two].sort()).toEqual([false, true]);
    // Each batch of 2,000 rows is reported as it commits.
    expect(seen).toEqual([2000, 4000, 4500]);
    const v = (await t.call('GET', `/api/imports/${id}`, { token: worker })).json();
    expect(v).toMatchObject({ status: 'done', processedRows: 4500, counts: { created: 4500 } });
    await runJobs(t); // the queued job finds the import already done
    expect((await t.call('GET', '/api/imports?limit=5', { token: worker })).json().items[0].id).toBe(id);
  });
});

describe('changes made while an import waits', () => {
  it('does not overwrite a record someone saved after the upload, and says so', async () => {
    const id = idNumber({ birth: '1966-06-06' });
    await importFile(t, worker, 'p.xlsx', await simpleXlsx([['姓名', '身份证号', '职业'], ['冲突甲', id, '司机']]), { query: { defaultGridId: a.grid.id } });
    const [p] = await residentByName('冲突甲');
    const up = await upload(t, worker, 'p2.xlsx', await simpleXlsx([['姓名', '身份证号', '职业'], ['冲突甲', id, '厨师']]), { defaultGridId: a.grid.id });
    // A colleague corrects the record between the upload and the run.
    await new Promise((r) => setTimeout(r, 20));
    const edit = await t.call('PATCH', `/api/residents/${p!.id}`, { token: worker, body: { version: p!.version, occupation: '教师' } });
    expect(edit.statusCode).toBe(200);
    await t.call('POST', `/api/imports/${up.json().id}/start`, { token: worker, body: {} });
    await runJobs(t);
    const v = (await t.call('GET', `/api/imports/${up.json().id}`, { token: worker })).json();
    expect(v.counts).toMatchObject({ updated: 0, failed: 1 });
    expect((await residentByName('冲突甲'))[0]!.occupation).toBe('教师');
    const issues = (await t.call('GET', `/api/imports/${up.json().id}/issues`, { token: worker })).json().items;
    expect(issues[0].reasons[0].message).toContain('已被修改');
  });

  it('stops a running import when cancelled, keeping the batches already written', async () => {
    const rows: unknown[][] = [['姓名', '身份证号']];
    for (let i = 0; i < 6500; i++) rows.push([`取消${String(i).replace(/\d/g, (d) => '零一二三四五六七八九'[Number(d)]!)}`, idFor(20_000 + i)]);
    const up = await upload(t, worker, 'cancel.xlsx', await simpleXlsx(rows), { defaultGridId: a.grid.id });
    const id = up.json().id;
    await t.call('POST', `/api/imports/${id}/start`, { token: worker, body: {} });
    const imports = t.built.modules.exchange.service.imports;
    // Cancel as soon as the first batch is reported (the request lands while the second is written).
    let asked: ReturnType<TestApp['call']> | null = null;
    await imports.run(id, { onProgress: () => (asked ??= t.call('POST', `/api/imports/${id}/cancel`, { token: worker })) });
    expect((await asked!).json().status).toBe('cancelling');
    const v = (await t.call('GET', `/api/imports/${id}`, { token: worker })).json();
    expect(v.status).toBe('cancelled');
    expect(v.counts.created % 2000).toBe(0);
    expect(v.counts.created).toBeGreaterThanOrEqual(2000);
    expect(v.counts.created).toBeLessThan(6500);
    const { existsSync } = await import('node:fs');
    expect(existsSync(`${t.config.dataDir}/imports/${id}.xlsx`)).toBe(false);
  });
});

describe('housekeeping', () => {
  it('purges refused rows after the retention period and drops uploads nobody started', async () => {
    const r = await importFile(t, worker, 'old.xlsx', await simpleXlsx([['姓名', '身份证号'], ['过期甲', '123']]), { query: { defaultGridId: a.grid.id } });
    const waiting = await upload(t, worker, 'left.xlsx', await simpleXlsx([['姓名'], ['无人']]), { defaultGridId: a.grid.id });
    await t.database.db.execute(sql`UPDATE import_job SET finished_at = now() - interval '31 days' WHERE id = ${r.view.id}`);
    await t.database.db.execute(sql`UPDATE import_job SET created_at = now() - interval '25 hours' WHERE id = ${waiting.json().id}`);
    const purged = await t.built.modules.exchange.service.imports.purge();
    expect(purged.issues).toBeGreaterThanOrEqual(1);
    expect(purged.uploads).toBeGreaterThanOrEqual(1);
    const report = await t.call('GET', `/api/imports/${r.view.id}/report`, { token: worker });
    expect(report.statusCode).toBe(410);
    expect(report.json().error.code).toBe('IMPORT_REPORT_EXPIRED');
    const left = (await t.call('GET', `/api/imports/${waiting.json().id}`, { token: worker })).json();
    expect(left.status).toBe('cancelled');
    const { existsSync } = await import('node:fs');
    expect(existsSync(`${t.config.dataDir}/imports/${waiting.json().id}.xlsx`)).toBe(false);
  });
});


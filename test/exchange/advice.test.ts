// Every piece of advice the importer gives is advice it accepts: for each message that tells the
// community worker what to do, the test does exactly that and the import then goes through.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, makeGrid, makeSubtree, testApp, type Subtree, type TestApp } from '../support/app.js';
import { idNumber } from '../support/people.js';
import { importFile, readXlsx, runJobs, simpleXlsx, upload, xlsx } from './helpers.js';

let t: TestApp;

beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

async function place(): Promise<{ s: Subtree; token: string }> {
  const s = await makeSubtree(t);
  return { s, token: (await loginAs(t, { role: 'community_worker', node: s.community })).token };
}

async function issuesOf(token: string, id: number) {
  const r = await t.call('GET', `/api/imports/${id}/issues?limit=100`, { token });
  return r.json().items as { rowNo: number; severity: string; reasons: { column: string; message: string; severity: string }[] }[];
}

async function messages(token: string, id: number): Promise<string> {
  return (await issuesOf(token, id)).flatMap((i) => i.reasons.map((x) => `${x.column}：${x.message}`)).join('\n');
}

const residentSheet = (rows: unknown[][], extra: string[] = []) => simpleXlsx([['姓名', '身份证号', '楼栋', ...extra, '单元', '房号'], ...rows]);

describe('advice the importer gives, followed', () => {
  it('“导入时选择‘新建表中缺少的楼栋和房屋’”: choosing it imports the rows and creates what was missing', async () => {
    const { s, token } = await place();
    const file = await residentSheet([['甲一', idNumber(), '1号楼', '1', '101'], ['甲二', idNumber(), '1号楼', '2', '301']]);
    const first = await importFile(t, token, '花名册.xlsx', file, { query: { defaultGridId: s.grid.id } });
    expect(first.view.counts).toMatchObject({ created: 0, failed: 2 });
    expect(await messages(token, first.view.id)).toContain('导入时选择“新建表中缺少的楼栋和房屋”即可一并建立');
    const again = await importFile(t, token, '花名册.xlsx', file, { query: { defaultGridId: s.grid.id }, start: { createPlaces: true } });
    expect(again.view.counts).toMatchObject({ created: 2, failed: 0, buildingsCreated: 1, housesCreated: 2 });
    const houses = (await t.call('GET', '/api/records/house', { token })).json().items as { unitNo: string; roomNo: string; floor: number }[];
    expect(houses.map((h) => `${h.unitNo}-${h.roomNo}-${h.floor}`).sort()).toEqual(['1-101-1', '2-301-3']);
  });

  it('“或先导入楼栋” / “或先导入房屋”: importing buildings, then houses, lets the same register in', async () => {
    const { s, token } = await place();
    const file = await residentSheet([['乙一', idNumber(), '2号楼', '1', '502']]);
    const r1 = await importFile(t, token, '花名册.xlsx', file, { query: { defaultGridId: s.grid.id } });
    expect(await messages(token, r1.view.id)).toMatch(/楼栋“2号楼”.*或先导入楼栋/);
    await importFile(t, token, '楼栋.xlsx', await simpleXlsx([['楼栋名称', '地址'], ['2号楼', '和平路 2 号']]), { query: { kind: 'building', defaultGridId: s.grid.id } });
    const r2 = await importFile(t, token, '花名册.xlsx', file, { query: { defaultGridId: s.grid.id } });
    expect(await messages(token, r2.view.id)).toMatch(/房屋“2号楼1单元502”.*或先导入房屋/);
    await importFile(t, token, '房屋.xlsx', await simpleXlsx([['楼栋', '单元', '房号'], ['2号楼', '1', '502']]), { query: { kind: 'house', defaultGridId: s.grid.id } });
    const r3 = await importFile(t, token, '花名册.xlsx', file, { query: { defaultGridId: s.grid.id } });
    expect(r3.view.counts).toMatchObject({ created: 1, failed: 0 });
  });

  it('a house sheet naming a building not registered: “导入时选择‘新建表中缺少的楼栋’” works for houses too', async () => {
    const { s, token } = await place();
    const file = await simpleXlsx([['楼栋', '单元', '房号', '面积'], ['3号楼', '1', '101', 60]]);
    const r1 = await importFile(t, token, '房屋.xlsx', file, { query: { kind: 'house', defaultGridId: s.grid.id } });
    expect(await messages(token, r1.view.id)).toContain('导入时选择“新建表中缺少的楼栋”即可一并建立');
    const r2 = await importFile(t, token, '房屋.xlsx', file, { query: { kind: 'house', defaultGridId: s.grid.id }, start: { createPlaces: true } });
    expect(r2.view.counts).toMatchObject({ created: 1, buildingsCreated: 1, housesCreated: 0 });
  });

  it('“请增加‘楼栋地址’列加以区分”: a resident sheet with that column is accepted and tells the namesakes apart', async () => {
    const { s, token } = await place();
    await importFile(t, token, '楼栋.xlsx', await simpleXlsx([['楼栋名称', '地址'], ['1号楼', '滨河小区'], ['1号楼', '体育苑小区']]), { query: { kind: 'building', defaultGridId: s.grid.id } });
    const plain = await importFile(t, token, '花名册.xlsx', await residentSheet([['丙一', idNumber(), '1号楼', '1', '101']]), { query: { defaultGridId: s.grid.id }, start: { createPlaces: true } });
    expect(await messages(token, plain.view.id)).toContain('名为“1号楼”的楼栋有 2 栋，请增加“楼栋地址”列加以区分');
    const withAddress = await residentSheet([['丙一', idNumber(), '1号楼', '体育苑小区', '1', '101']], ['楼栋地址']);
    const up = await upload(t, token, '花名册2.xlsx', withAddress, { defaultGridId: s.grid.id });
    expect(up.json().mapping.find((m: { header: string }) => m.header === '楼栋地址').target).toBe('@buildingAddress');
    const plan = (await t.call('POST', `/api/imports/${up.json().id}/places`, { token, body: {} })).json();
    expect(plan.buildings).toEqual([expect.objectContaining({ name: '1号楼', address: '体育苑小区', status: 'exists', newHouses: [{ unitNo: '1', roomNo: '101' }] })]);
    await t.call('POST', `/api/imports/${up.json().id}/start`, { token, body: { createPlaces: true } });
    await runJobs(t);
    const done = (await t.call('GET', `/api/imports/${up.json().id}`, { token })).json();
    expect(done.counts).toMatchObject({ created: 1, failed: 0, buildingsCreated: 0, housesCreated: 1 });
    const card = (await t.call('GET', `/api/residents/${(await t.call('GET', '/api/residents?q=丙一', { token })).json().items[0].id}`, { token })).json();
    expect(card.house).toMatchObject({ building: '1号楼', address: '体育苑小区', roomNo: '101' });
  });

  it('“楼栋地址…与其中任何一栋的登记地址都不一致，请按系统中的地址填写”: the registered address is accepted', async () => {
    const { s, token } = await place();
    await importFile(t, token, '楼栋.xlsx', await simpleXlsx([['楼栋名称', '地址'], ['5号楼', '东区'], ['5号楼', '西区']]), { query: { kind: 'building', defaultGridId: s.grid.id } });
    const bad = await importFile(t, token, '花名册.xlsx', await residentSheet([['丁一', idNumber(), '5号楼', '北区', '1', '101']], ['楼栋地址']), { query: { defaultGridId: s.grid.id }, start: { createPlaces: true } });
    expect(await messages(token, bad.view.id)).toContain('请按系统中的地址填写');
    const good = await importFile(t, token, '花名册.xlsx', await residentSheet([['丁一', idNumber(), '5号楼', '西区', '1', '101']], ['楼栋地址']), { query: { defaultGridId: s.grid.id }, start: { createPlaces: true } });
    expect(good.view.counts).toMatchObject({ created: 1, failed: 0 });
  });

  it('phones: “座机须带区号” and “手机号应为 11 位” — the corrected numbers go in; the typo cost only the phone', async () => {
    const { s, token } = await place();
    const a1 = idNumber();
    const a2 = idNumber();
    const r1 = await importFile(t, token, '电话.xlsx', await simpleXlsx([['姓名', '身份证号', '联系电话'], ['戊一', a1, '6123456'], ['戊二', a2, '1381234567']]), { query: { defaultGridId: s.grid.id } });
    expect(r1.view.counts).toMatchObject({ created: 2, failed: 0, warned: 2 });
    const text = await messages(token, r1.view.id);
    expect(text).toContain('座机号码缺少区号（如 0351-）；此号码未导入');
    expect(text).toContain('手机号应为 11 位（当前 10 位）；此号码未导入');
    expect(text).not.toContain('1381234567');
    const r2 = await importFile(t, token, '电话.xlsx', await simpleXlsx([['姓名', '身份证号', '联系电话'], ['戊一', a1, '0351-6123456'], ['戊二', a2, '138 1234 5678']]), { query: { defaultGridId: s.grid.id } });
    expect(r2.view.counts).toMatchObject({ updated: 2, failed: 0, warned: 0 });
  });

  it('the error report: “改正后把这张表直接重新导入即可（前三列会被忽略）”', async () => {
    const { s, token } = await place();
    const good = idNumber({ birth: '1970-02-03' });
    const wrong = `${good.slice(0, 17)}${good[17] === '1' ? '2' : '1'}`;
    const r1 = await importFile(t, token, '名单.xlsx', await simpleXlsx([['姓名', '身份证号', '出生日期'], ['己一', wrong, '1970.02.30']]), { query: { defaultGridId: s.grid.id } });
    expect(r1.view.counts.failed).toBe(1);
    const report = await t.built.app.inject({ method: 'GET', url: `/api/imports/${r1.view.id}/report`, headers: { authorization: `Bearer ${token}` } });
    const rows = await readXlsx(report.rawPayload);
    expect(rows[0]!.slice(0, 3)).toEqual(['原表行号', '处理结果', '问题说明']);
    expect(rows[1]![2]).toContain('校验位错误');
    expect(rows[1]![2]).toContain('1970.02.30');
    const about = await readXlsx(report.rawPayload, '导入说明');
    expect(about.find((r) => r[0] === '如何处理')![1]).toContain('直接重新导入');
    // Correct the cells in the report itself and upload it as it is.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(report.rawPayload as never);
    const ws = wb.getWorksheet('错误明细')!;
    ws.getRow(2).getCell(5).value = good;
    ws.getRow(2).getCell(6).value = '1970-02-03';
    const corrected = Buffer.from(await wb.xlsx.writeBuffer());
    const r2 = await importFile(t, token, '名单-错误报告.xlsx', corrected, { query: { defaultGridId: s.grid.id } });
    expect(r2.upload.mapping.slice(0, 3).map((m: { target: string | null }) => m.target)).toEqual([null, null, null]);
    expect(r2.view.counts).toMatchObject({ created: 1, failed: 0 });
  });

  it('“请把该列设为‘文本’格式后重新录入”: the number as text goes in', async () => {
    const { s, token } = await place();
    const id = idNumber();
    const r1 = await importFile(t, token, 'a.xlsx', await simpleXlsx([['姓名', '身份证号'], ['庚一', Number(id.slice(0, 17)) * 10]]), { query: { defaultGridId: s.grid.id } });
    expect(await messages(token, r1.view.id)).toContain('请把该列设为“文本”格式后重新录入');
    const r2 = await importFile(t, token, 'a.xlsx', await simpleXlsx([['姓名', '身份证号'], ['庚一', id]]), { query: { defaultGridId: s.grid.id } });
    expect(r2.view.counts).toMatchObject({ created: 1 });
  });

  it('“请取消合并后分别填写”: unmerged cells go in', async () => {
    const { s, token } = await place();
    const id = idNumber();
    const merged = await xlsx((wb) => {
      const ws = wb.addWorksheet('s');
      ws.addRow(['姓名', '身份证号', '联系电话', '备注']);
      ws.addRow(['辛一', id, '13912345678', '']);
      ws.mergeCells('C2:D2');
    });
    const r1 = await importFile(t, token, 'm.xlsx', merged, { query: { defaultGridId: s.grid.id } });
    expect(await messages(token, r1.view.id)).toContain('请取消合并后分别填写');
    const r2 = await importFile(t, token, 'm.xlsx', await simpleXlsx([['姓名', '身份证号', '联系电话', '备注'], ['辛一', id, '13912345678', '']]), { query: { defaultGridId: s.grid.id } });
    expect(r2.view.counts).toMatchObject({ created: 1 });
  });

  it('出生年月: accepted with an ID number; “没有身份证号时请填写完整的出生日期” — the full date goes in', async () => {
    const { s, token } = await place();
    const r1 = await importFile(t, token, 'b.xlsx', await simpleXlsx([['姓名', '出生日期', '现住址'], ['壬一', '1956.03', '和平路1号'], ['壬二', '1957.04', '和平路2号']]), { query: { defaultGridId: s.grid.id } });
    expect(await messages(token, r1.view.id)).toContain('出生日期只填了年月（1956.03），没有身份证号时请填写完整的出生日期');
    const r2 = await importFile(t, token, 'b.xlsx', await simpleXlsx([['姓名', '出生日期', '现住址'], ['壬一', '1956.03.12', '和平路1号']]), { query: { defaultGridId: s.grid.id } });
    expect(r2.view.counts).toMatchObject({ created: 1 });
    const withId = await importFile(t, token, 'c.xlsx', await simpleXlsx([['姓名', '身份证号', '出生年月'], ['壬三', idNumber({ birth: '1956-03-12' }), '1956.03'], ['壬四', idNumber({ birth: '1956-03-12' }), '1956.04']]), { query: { defaultGridId: s.grid.id } });
    expect(withId.view.counts).toMatchObject({ created: 1, failed: 1 });
    expect(await messages(token, withId.view.id)).toContain('出生年月与身份证号不一致');
  });

  it('“请补充证件号码”: with the ID number the row finds its person', async () => {
    const { s, token } = await place();
    const rows = [['姓名', '出生日期', '现住址'], ['癸一', '1960-01-01', '和平路3号']];
    const id = idNumber({ birth: '1960-01-01' });
    await importFile(t, token, 'd1.xlsx', await simpleXlsx([['姓名', '身份证号', '现住址'], ['癸一', id, '和平路3号']]), { query: { defaultGridId: s.grid.id } });
    await importFile(t, token, 'd2.xlsx', await simpleXlsx([['姓名', '身份证号', '现住址'], ['癸一', idNumber({ birth: '1960-01-01' }), '和平路3号']]), { query: { defaultGridId: s.grid.id } });
    const r1 = await importFile(t, token, 'd3.xlsx', await simpleXlsx(rows), { query: { defaultGridId: s.grid.id } });
    expect(await messages(token, r1.view.id)).toContain('请补充证件号码');
    const r2 = await importFile(t, token, 'd4.xlsx', await simpleXlsx([['姓名', '身份证号', '出生日期', '现住址'], ['癸一', id, '1960-01-01', '和平路3号']]), { query: { defaultGridId: s.grid.id } });
    expect(r2.view.counts).toMatchObject({ failed: 0, unchanged: 1 });
  });

  it('“请选择默认网格”: with a default grid chosen the sheet starts', async () => {
    const { s, token } = await place();
    await makeGrid(t, s.community, '第二网格');
    const up = await upload(t, token, 'e.xlsx', await simpleXlsx([['姓名', '身份证号'], ['子一', idNumber()]]));
    const refused = await t.call('POST', `/api/imports/${up.json().id}/start`, { token, body: {} });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.message).toContain('请选择默认网格');
    const ok = await t.call('POST', `/api/imports/${up.json().id}/start`, { token, body: { defaultGridId: s.grid.id } });
    expect(ok.statusCode).toBe(202);
  });

  it('“应填‘是’或‘否’”: 是 is taken', async () => {
    const { s, token } = await place();
    const id = idNumber({ birth: '1940-01-01' });
    const r1 = await importFile(t, token, 'f.xlsx', await simpleXlsx([['姓名', '身份证号', '是否独居'], ['丑一', id, '也许']]), { query: { defaultGridId: s.grid.id } });
    expect(await messages(token, r1.view.id)).toContain('应填“是”或“否”');
    const r2 = await importFile(t, token, 'f.xlsx', await simpleXlsx([['姓名', '身份证号', '是否独居'], ['丑一', id, '是']]), { query: { defaultGridId: s.grid.id } });
    expect(r2.view.counts).toMatchObject({ updated: 1, warned: 0 });
  });

  it('“如需迁移请在居民详情中选‘迁往其他网格’”: the move there is accepted, and the sheet then matches', async () => {
    const { s, token } = await place();
    const g2 = await makeGrid(t, s.community, '第二网格');
    const id = idNumber();
    await importFile(t, token, 'g.xlsx', await simpleXlsx([['姓名', '身份证号'], ['寅一', id]]), { query: { defaultGridId: s.grid.id } });
    const r1 = await importFile(t, token, 'g.xlsx', await simpleXlsx([['姓名', '身份证号', '所属网格'], ['寅一', id, '第二网格']]), { query: { defaultGridId: s.grid.id } });
    expect(await messages(token, r1.view.id)).toContain('如需迁移请在居民详情中选“迁往其他网格”');
    const person = (await t.call('GET', '/api/residents?q=寅一', { token })).json().items[0];
    const moved = await t.call('POST', `/api/residents/${person.id}/move`, { token, body: { gridId: g2.id, version: person.version, reason: '搬到第二网格' } });
    expect(moved.statusCode).toBe(200);
    const r2 = await importFile(t, token, 'g.xlsx', await simpleXlsx([['姓名', '身份证号', '所属网格'], ['寅一', id, '第二网格']]), { query: { defaultGridId: s.grid.id } });
    expect(r2.view.counts).toMatchObject({ unchanged: 1, warned: 0 });
  });

  it('“该户号在系统中登记了多条户，请先…注销，选‘删除（录入错误）’”: after deleting the duplicate the row goes in', async () => {
    const { s, token } = await place();
    const make = () => t.call('POST', '/api/records/household', { token, body: { householdNo: 'H900', gridId: s.grid.id } });
    expect((await make()).statusCode).toBe(201);
    const dup = (await make()).json();
    const file = await simpleXlsx([['户号', '户类型'], ['H900', '家庭户']]);
    const r1 = await importFile(t, token, 'h.xlsx', file, { query: { kind: 'household', defaultGridId: s.grid.id } });
    expect(await messages(token, r1.view.id)).toContain('请先在“户”列表中把重复的一条注销，选“删除（录入错误）”');
    const del = await t.call('POST', `/api/records/household/${dup.id}/status`, { token, body: { status: 'deleted', version: dup.version, reason: '重复录入' } });
    expect(del.statusCode).toBe(200);
    const r2 = await importFile(t, token, 'h.xlsx', file, { query: { kind: 'household', defaultGridId: s.grid.id } });
    expect(r2.view.counts).toMatchObject({ failed: 0 });
  });

  it('a rejected proposal: “如有新情况请在居民详情中重新提议” — a proposal from the card is accepted', async () => {
    const { s, token } = await place();
    const id = idNumber();
    const file = await simpleXlsx([['姓名', '身份证号', '重点人群'], ['卯一', id, '低保户']]);
    await importFile(t, token, 'p.xlsx', file, { query: { defaultGridId: s.grid.id } });
    const sys = t.built.modules.registry.service.proposals;
    const { systemContext } = await import('../../src/platform/context.js');
    const list = await sys.list({ ...systemContext('test'), lang: 'zh' }, { residentId: (await t.call('GET', '/api/residents?q=卯一', { token })).json().items[0].id, limit: 5, offset: 0 });
    await sys.reject(systemContext('test'), list.items[0]!.id, { reason: '家庭收入超过标准' });
    const again = await importFile(t, token, 'p.xlsx', file, { query: { defaultGridId: s.grid.id } });
    expect(again.view.counts.proposed).toBe(0);
    expect(await messages(token, again.view.id)).toMatch(/曾被民政部门驳回（\d{4}-\d{2}-\d{2}：家庭收入超过标准），未再次提交；如有新情况请在居民详情中重新提议/);
    const manual = await t.call('POST', '/api/label-proposals', { token, body: { residentId: list.items[0]!.resident.id, code: 'low_income', note: '已重新申请，收入证明已更新' } });
    expect(manual.statusCode).toBe(201);
    expect(manual.json()).toMatchObject({ status: 'pending', source: 'manual', ownerName: '民政' });
  });
});

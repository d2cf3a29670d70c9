// The duty lists (权责清单) end to end through HTTP, on the real database: a street keeps its
// three lists, every change a version that can be shown and compared; the catalogue is adopted
// and adjusted; Excel goes out and comes back, and a malformed workbook changes nothing.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '../../src/platform/context.js';
import { loginAs, makeSubtree, testApp, type Subtree, type TestApp } from '../support/app.js';
import { multipart } from '../exchange/helpers.js';

describe('duty lists', () => {
  let t: TestApp;
  let a: Subtree;
  let b: Subtree;
  let street: string;
  let otherStreet: string;
  let community: string;
  let reviewer: string;
  let housingId: number;

  beforeAll(async () => {
    t = await testApp();
    a = await makeSubtree(t);
    b = await makeSubtree(t);
    street = (await loginAs(t, { role: 'street_staff', node: a.street })).token;
    otherStreet = (await loginAs(t, { role: 'street_staff', node: b.street })).token;
    community = (await loginAs(t, { role: 'community_worker', node: a.community })).token;
    reviewer = (await loginAs(t, { role: 'reviewer', node: a.city })).token;
    housingId = (await t.built.modules.tree.service.createDepartment({ code: 'housing', name: '太原市住房和城乡建设局', shortName: '住建', nodeId: a.city.id }, systemContext('test'))).id;
  });
  afterAll(() => t?.close());

  const add = (token: string, townshipId: number, body: Record<string, unknown>) => t.call('POST', `/api/duty-lists/townships/${townshipId}/items`, { token, body: { reason: '街道权责清单编制', ...body } });

  it('refuses an anonymous caller', async () => {
    expect((await t.call('GET', `/api/duty-lists/townships/${a.street.id}`)).statusCode).toBe(401);
  });

  it('keeps every change as a dated, reasoned version that can be compared with today', async () => {
    const r1 = await add(street, a.street.id, { listKind: 'basic', name: '基层党组织建设', category: '党的建设', basis: '《中国共产党章程》', carrier: '党建工作办公室', communityInvolved: true });
    expect(r1.statusCode).toBe(201);
    expect(r1.json()).toMatchObject({ version: 1, added: 1, item: { seq: 1, name: '基层党组织建设', listKind: 'basic' } });
    const r2 = await add(street, a.street.id, { listKind: 'cooperative', name: '安全生产监督检查配合', departmentName: '区住建局', cooperation: '配合开展检查，发现隐患及时报告', expectedVersion: 1 });
    expect(r2.json()).toMatchObject({ version: 2, item: { departmentId: housingId, departmentName: '区住建局' } });
    const itemId = r2.json().item.id as number;

    // A stale version, the same name again, and a change that changes nothing are refused.
    expect((await add(street, a.street.id, { listKind: 'basic', name: '社区居民自治指导', expectedVersion: 1 })).json().error.code).toBe('DUTY_STALE_VERSION');
    const dup = await add(street, a.street.id, { listKind: 'cooperative', name: ' 基层党组织 建设 ' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('DUTY_ITEM_DUPLICATE');
    expect(dup.json().error.message).toContain('基本履职事项清单');
    expect((await t.call('PATCH', `/api/duty-lists/items/${itemId}`, { token: street, body: { name: '安全生产监督检查配合', reason: '无变化' } })).json().error.code).toBe('DUTY_ITEM_UNCHANGED');
    expect((await t.call('PATCH', `/api/duty-lists/items/${itemId}`, { token: street, body: { reason: 'x' } })).statusCode).toBe(400);

    const upd = await t.call('PATCH', `/api/duty-lists/items/${itemId}`, { token: street, body: { carrier: '应急管理办公室', reason: '科室调整' } });
    expect(upd.json()).toMatchObject({ version: 3, changed: 1 });
    const mv = await t.call('POST', `/api/duty-lists/items/${r1.json().item.id}/move`, { token: street, body: { listKind: 'cooperative', reason: '按区委编办意见调整' } });
    expect(mv.json()).toMatchObject({ version: 4, changed: 1, item: { listKind: 'cooperative', seq: 2 } });
    await add(street, a.street.id, { listKind: 'taken_back', name: '违法建设拆除', departmentId: housingId });
    const rm = await t.call('POST', `/api/duty-lists/items/${itemId}/remove`, { token: street, body: { reason: '事项取消' } });
    expect(rm.json()).toMatchObject({ version: 6, removed: 1 });

    const versions = (await t.call('GET', `/api/duty-lists/townships/${a.street.id}/versions`, { token: community })).json();
    expect(versions.map((v: { versionNo: number }) => v.versionNo)).toEqual([6, 5, 4, 3, 2, 1]);
    expect(versions[0]).toMatchObject({ kind: 'remove', reason: '事项取消', summary: { removed: 1, basic: 0, cooperative: 1, takenBack: 1 } });
    expect(versions[0].createdBy.role).toBe('street_staff');

    const v2 = (await t.call('GET', `/api/duty-lists/townships/${a.street.id}/versions/2`, { token: street })).json();
    expect(v2.items.map((i: { name: string }) => i.name).sort()).toEqual(['基层党组织建设', '安全生产监督检查配合'].sort());

    const cmp = (await t.call('GET', `/api/duty-lists/townships/${a.street.id}/compare?from=2`, { token: street })).json();
    expect(cmp.to).toBeNull();
    expect(cmp.added.map((i: { name: string }) => i.name)).toEqual(['违法建设拆除']);
    expect(cmp.removed.map((i: { name: string }) => i.name)).toEqual(['安全生产监督检查配合']);
    expect(cmp.changed).toEqual([{ id: r1.json().item.id, name: '基层党组织建设', listKind: 'cooperative', fromListKind: 'basic', changes: [{ field: 'listKind', from: 'basic', to: 'cooperative' }] }]);
    const cmp23 = (await t.call('GET', `/api/duty-lists/townships/${a.street.id}/compare?from=2&to=3`, { token: street })).json();
    expect(cmp23.changed[0].changes).toEqual([{ field: 'carrier', from: null, to: '应急管理办公室' }]);
    expect((await t.call('GET', `/api/duty-lists/townships/${a.street.id}/versions/99`, { token: street })).json().error.code).toBe('DUTY_VERSION_NOT_FOUND');
  });

  it('scopes by the tree: a community reads its street’s lists, another street sees nothing, and only the street manages', async () => {
    const lists = await t.call('GET', `/api/duty-lists/townships/${a.street.id}`, { token: community });
    expect(lists.statusCode).toBe(200);
    expect(lists.json()).toMatchObject({ canManage: false, counts: { basic: 0, cooperative: 1, takenBack: 1 } });
    expect((await t.call('GET', `/api/duty-lists/townships/${a.street.id}`, { token: otherStreet })).json().error.code).toBe('DUTY_TOWNSHIP_NOT_FOUND');
    expect((await add(otherStreet, a.street.id, { listKind: 'basic', name: '越权事项' })).statusCode).toBe(404);
    expect((await add(community, a.street.id, { listKind: 'basic', name: '越权事项' })).statusCode).toBe(403);
    expect((await t.call('GET', `/api/duty-lists/townships/${a.community.id}`, { token: street })).json().error.code).toBe('DUTY_NOT_TOWNSHIP');
    const item = lists.json().items[0].id as number;
    expect((await t.call('PATCH', `/api/duty-lists/items/${item}`, { token: otherStreet, body: { carrier: 'x', reason: '越权修改' } })).statusCode).toBe(404);
    const search = (await t.call('GET', `/api/duty-lists/search?nodeId=${a.grid.id}&q=党组织`, { token: community })).json();
    expect(search.map((s: { name: string }) => s.name)).toEqual(['基层党组织建设']);
    expect((await t.call('GET', `/api/duty-lists/search?q=党组织`, { token: otherStreet })).json()).toEqual([]);
  });

  it('answers the work channel: an item is admitted for the street and the units under it, and nowhere else', async () => {
    const svc = t.built.modules.dutyLists.service;
    const [hit] = await svc.searchItems(systemContext('test'), { nodeId: a.street.id, q: '违法建设' });
    expect(await svc.admittedItem(hit!.id, a.grid.id)).toEqual({ id: hit!.id, name: '违法建设拆除', listKind: 'taken_back', townshipNodeId: a.street.id, departmentId: housingId });
    expect(await svc.admittedItem(hit!.id, a.street.id)).not.toBeNull();
    expect(await svc.admittedItem(hit!.id, b.community.id)).toBeNull();
    expect(await svc.admittedItem(hit!.id, a.district.id)).toBeNull();
    expect(await svc.admittedItem(999_999, a.grid.id)).toBeNull();
    const removed = (await t.call('GET', `/api/duty-lists/townships/${a.street.id}/compare?from=2`, { token: street })).json().removed[0].id as number;
    expect(await svc.admittedItem(removed, a.grid.id)).toBeNull();
  });

  it('adopts the city catalogue with a link to each item, and shows what was adjusted', async () => {
    const cat = [
      { listKind: 'basic', name: '社区居民自治指导', category: '基层治理', basis: '《中华人民共和国城市居民委员会组织法》' },
      { listKind: 'basic', name: '退役军人服务保障', category: '民生服务' },
      { listKind: 'cooperative', name: '城市生活垃圾分类督导配合', category: '城市管理' },
    ];
    for (const c of cat) expect((await t.call('POST', '/api/duty-catalogue', { token: reviewer, body: c })).statusCode).toBe(201);
    expect((await t.call('POST', '/api/duty-catalogue', { token: reviewer, body: cat[0] })).json().error.code).toBe('DUTY_CATALOGUE_DUPLICATE');
    expect((await t.call('POST', '/api/duty-catalogue', { token: street, body: { listKind: 'basic', name: '街道自加' } })).statusCode).toBe(403);
    const ad = await t.call('POST', `/api/duty-lists/townships/${b.street.id}/adopt`, { token: otherStreet, body: { reason: '采用市级通用目录' } });
    expect(ad.statusCode).toBe(201);
    expect(ad.json()).toMatchObject({ version: 1, added: 3 });
    expect((await t.call('POST', `/api/duty-lists/townships/${b.street.id}/adopt`, { token: otherStreet, body: { reason: '再次采用' } })).json().error.code).toBe('DUTY_NOTHING_TO_ADOPT');
    let lists = (await t.call('GET', `/api/duty-lists/townships/${b.street.id}`, { token: otherStreet })).json();
    const self = lists.items.find((i: { name: string }) => i.name === '社区居民自治指导');
    expect(self).toMatchObject({ source: 'catalogue', adjusted: false });
    expect(self.catalogueItemId).toBeGreaterThan(0);
    await t.call('PATCH', `/api/duty-lists/items/${self.id}`, { token: otherStreet, body: { carrier: '社区建设办公室', reason: '结合本街道实际' } });
    lists = (await t.call('GET', `/api/duty-lists/townships/${b.street.id}?listKind=basic`, { token: otherStreet })).json();
    expect(lists.items.find((i: { id: number }) => i.id === self.id)).toMatchObject({ adjusted: true, catalogueItemId: self.catalogueItemId });
    expect(lists.items.every((i: { listKind: string }) => i.listKind === 'basic')).toBe(true);
    const catalogue = (await t.call('GET', '/api/duty-catalogue', { token: street })).json();
    expect(catalogue.find((c: { name: string }) => c.name === '社区居民自治指导').adoptedBy).toBe(1);
  });

  it('exports the published layout and imports it back; a malformed workbook is refused whole with row numbers', async () => {
    const ex = await t.call('GET', `/api/duty-lists/townships/${b.street.id}/export`, { token: otherStreet });
    expect(ex.statusCode).toBe(200);
    expect(ex.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(ex.rawPayload as unknown as ArrayBuffer);
    const basic = wb.getWorksheet('基本履职事项清单')!;
    expect(basic.getCell('A1').value).toBe(`${b.street.name}基本履职事项清单`);
    expect((basic.getRow(2).values as unknown[]).slice(1)).toEqual(['序号', '事项名称', '事项类别', '法律政策依据', '责任主体', '对应上级部门', '配合内容', '社区是否参与']);
    expect(basic.getCell('B3').value).toBe('社区居民自治指导');

    const upload = (buf: Buffer, qs: string) => {
      const { payload, headers } = multipart('清单.xlsx', buf);
      return t.built.app.inject({ method: 'POST', url: `/api/duty-lists/townships/${b.street.id}/import?${qs}`, headers: { ...headers, authorization: `Bearer ${otherStreet}` }, payload });
    };
    const same = await upload(ex.rawPayload, 'dryRun=true');
    expect(same.json()).toMatchObject({ applied: false, added: 0, removed: 0, changed: 0, unchanged: 3 });

    // Add two rows, one with a category heading above it, and change a cell.
    basic.getCell('E3').value = '社区建设办';
    basic.addRow(['一、平安建设']);
    basic.mergeCells(basic.rowCount, 1, basic.rowCount, 8);
    basic.addRow([3, '矛盾纠纷排查化解', null, '《人民调解法》', '综治中心', '司法', null, '是']);
    const edited = Buffer.from(await wb.xlsx.writeBuffer());
    const dry = (await upload(edited, 'dryRun=true')).json();
    expect(dry).toMatchObject({ applied: false, added: 1, changed: 1, removed: 0 });
    const before = (await t.call('GET', `/api/duty-lists/townships/${b.street.id}`, { token: otherStreet })).json().version;
    const applied = await upload(edited, `reason=${encodeURIComponent('按区里印发的清单导入')}`);
    expect(applied.statusCode).toBe(200);
    expect(applied.json()).toMatchObject({ applied: true, version: before + 1, added: 1, changed: 1 });
    expect(applied.json().warnings.some((w: { message: string }) => w.message.includes('司法'))).toBe(true);
    const now = (await t.call('GET', `/api/duty-lists/townships/${b.street.id}?q=矛盾`, { token: otherStreet })).json();
    expect(now.items[0]).toMatchObject({ name: '矛盾纠纷排查化解', category: '平安建设', communityInvolved: true, source: 'import' });

    // Malformed: an empty name, a bad 是/否, a repeated name. Nothing changes.
    basic.addRow([4, null, '类别', '依据']);
    basic.addRow([5, '网格化服务管理', null, null, null, null, null, '也许']);
    basic.addRow([6, '矛盾纠纷 排查化解']);
    const bad = await upload(Buffer.from(await wb.xlsx.writeBuffer()), `reason=${encodeURIComponent('再导入')}`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('DUTY_IMPORT_INVALID');
    const rows = basic.rowCount;
    expect(bad.json().error.details.problems).toEqual([
      { sheet: '基本履职事项清单', row: rows - 2, column: '事项名称', message: '事项名称为空' },
      { sheet: '基本履职事项清单', row: rows - 1, column: '社区是否参与', message: '“也许”应填“是”或“否”' },
      { sheet: '基本履职事项清单', row: rows, column: '事项名称', message: `“矛盾纠纷 排查化解”与“基本履职事项清单”第 ${rows - 3} 行重复` },
    ]);
    expect((await t.call('GET', `/api/duty-lists/townships/${b.street.id}`, { token: otherStreet })).json().version).toBe(before + 1);
    const untitled = await upload(Buffer.from('序号,事项名称\n1,x\n'), 'dryRun=true');
    expect(untitled.json().error.code).toBe('DUTY_IMPORT_INVALID');
    expect(untitled.json().error.details.problems[0].message).toContain('没有写明是哪一类清单');
    expect((await upload(Buffer.from('姓名,电话\n张三,1\n'), 'dryRun=true')).json().error.code).toBe('DUTY_IMPORT_NO_LIST');
    expect((await upload(ex.rawPayload, '')).json().error.code).toBe('DUTY_REASON_REQUIRED');
  });

  it('counts per township and the averages, on the dashboard too', async () => {
    const o = (await t.call('GET', '/api/duty-lists/overview', { token: reviewer })).json();
    const mine = o.townships.find((x: { id: number }) => x.id === a.street.id);
    expect(mine).toMatchObject({ basic: 0, cooperative: 1, takenBack: 1, version: 6 });
    expect(o.average.townships).toBe(2);
    const other = o.townships.find((x: { id: number }) => x.id === b.street.id);
    expect(o.average.basic).toBe(Math.round(((mine.basic + other.basic) / 2) * 10) / 10);
    const d = (await t.call('GET', `/api/dashboard?nodeId=${a.street.id}`, { token: street })).json();
    const tile = d.tiles.find((x: { key: string }) => x.key === 'duty.lists');
    expect(tile.stats.map((s: { value: number }) => s.value)).toEqual([0, 1, 1, 6]);
    const city = (await t.call('GET', '/api/dashboard', { token: reviewer })).json();
    expect(city.tiles.find((x: { key: string }) => x.key === 'duty.overview').table.rows.length).toBe(2);
  });
});

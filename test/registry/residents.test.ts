import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { loginAs, makeGrid, makeSubtree, testApp, type Subtree, type TestApp } from '../support/app.js';
import { idNumber, mobile } from '../support/people.js';

let t: TestApp;
let a: Subtree;
let b: Subtree;
let worker: string;
let otherWorker: string;

/** The server's log, as its real logger writes it. */
const log: string[] = [];

beforeAll(async () => {
  t = await testApp({}, { logStream: new Writable({ write: (chunk, _enc, done) => (log.push(String(chunk)), done()) }) });
  a = await makeSubtree(t);
  b = await makeSubtree(t);
  worker = (await loginAs(t, { role: 'community_worker', node: a.community })).token;
  otherWorker = (await loginAs(t, { role: 'community_worker', node: b.community })).token;
});
afterAll(() => t.close());

async function register(body: Record<string, unknown>, token = worker) {
  return t.call('POST', '/api/residents', { token, body: { gridId: a.grid.id, ...body } });
}

describe('registering residents', () => {
  it('derives birth date, sex and address code from the ID number and masks it on the way out', async () => {
    const id = idNumber({ birth: '1948-03-02', sex: '2', address: '140181' });
    const phone = mobile();
    const res = await register({ name: '王秀英', idNumber: id, phone, ethnicity: '汉族' });
    expect(res.statusCode).toBe(201);
    const r = res.json();
    expect(r.birthDate).toBe('1948-03-02');
    expect(r.sex).toBe('2');
    expect(r.idAddressCode).toBe('140181');
    expect(r.ethnicity).toBe('01');
    expect(r.idNumber).toBe(`${id.slice(0, 3)}***********${id.slice(-4)}`);
    expect(r.phone).toBe(`${phone.slice(0, 3)}****${phone.slice(-4)}`);
    expect(r.maskedFields).toEqual(expect.arrayContaining(['idNumber', 'phone']));
    expect(r.age).toBeGreaterThanOrEqual(77);
  });

  it('converts a 15-digit number and stores the 18-digit form', async () => {
    const res = await register({ name: '李老汉', idNumber: '140109450101003' });
    expect(res.statusCode).toBe(201);
    expect(res.json().birthDate).toBe('1945-01-01');
  });

  it('refuses a wrong check digit with the field and a Chinese reason', async () => {
    const good = idNumber();
    const bad = good.slice(0, 17) + (good[17] === '1' ? '2' : '1');
    const res = await register({ name: '赵六', idNumber: bad });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('RECORD_INVALID');
    expect(res.json().error.field).toBe('idNumber');
    expect(res.json().error.message).toMatch(/校验位错误/);
  });

  it('collects every bad field of a record at once', async () => {
    const res = await register({ name: '', idNumber: '123', phone: '12', maritalStatus: '外星' });
    expect(res.statusCode).toBe(400);
    const fields = (res.json().error.details.problems as { field: string }[]).map((p) => p.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'idNumber', 'phone', 'maritalStatus']));
  });

  it('refuses unknown fields and system fields', async () => {
    expect((await register({ name: '某人', favouriteColour: 'red' })).json().error.code).toBe('VALIDATION_FAILED');
    expect((await register({ name: '某人', status: 'deceased' })).statusCode).toBe(400);
  });

  it('keeps one person one record across the city', async () => {
    const id = idNumber();
    expect((await register({ name: '钱七', idNumber: id })).statusCode).toBe(201);
    const again = await register({ name: '钱七', idNumber: id });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('RESIDENT_DUPLICATE_ID');
    // From another community: caught too, naming neither where nor the record (test/security/residency-probe.test.ts).
    const elsewhere = await t.call('POST', '/api/residents', { token: otherWorker, body: { gridId: b.grid.id, name: '钱七', idNumber: id } });
    expect(elsewhere.statusCode).toBe(409);
    expect(elsewhere.json().error.code).toBe('RESIDENT_REGISTERED_ELSEWHERE');
    expect(elsewhere.json().error.message).not.toContain(a.community.name);
    expect(elsewhere.json().error.details?.existingId).toBeUndefined();
  });

  it('stores no ID number or phone in clear anywhere in the database, the audit log or the server log, searches included', async () => {
    const id = idNumber({ birth: '1961-07-08' });
    const phone = mobile();
    const created = (await register({ name: '孙八', idNumber: id, phone })).json();
    // Searches as a counter makes them: the whole ID number, the phone, the last four of each.
    for (const q of [id, phone, id.slice(-4), phone.slice(-4)]) {
      const r = await t.call('POST', '/api/residents/search', { token: worker, body: { q } });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json().items.map((x: { id: number }) => x.id)).toContain(created.id);
    }
    // A number in a URL is refused with a pointer to the POST (and the refused URL is not logged in clear either).
    const inUrl = await t.call('GET', `/api/residents?q=${id}`, { token: worker });
    expect(inUrl.statusCode).toBe(400);
    expect(inUrl.json().error.code).toBe('RESIDENT_SEARCH_USE_POST');
    expect(inUrl.json().error.message).toContain('POST /api/residents/search');
    const exportUrl = await t.call('GET', `/api/exports/residents?q=${phone}`, { token: worker });
    expect(exportUrl.json().error.code).toBe('RESIDENT_SEARCH_USE_POST');
    // The audit rows of those searches name the blind index, not the number.
    const audit = await queryRows<{ detail: { filter: { q: Record<string, string> } } }>(t.database.db, sql`SELECT detail FROM audit_log WHERE action = 'resident.list' AND detail->'filter' ? 'q' ORDER BY id DESC LIMIT 4`);
    expect(audit.map((a) => a.detail.filter.q.by).sort()).toEqual(['idNumber', 'last4', 'last4', 'phone']);
    for (const a of audit) expect(a.detail.filter.q.index).toMatch(/^[0-9a-f]{16,64}$/);

    const tables = await queryRows<{ table_name: string }>(t.database.db, sql`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`);
    expect(tables.map((x) => x.table_name)).toContain('audit_log');
    for (const { table_name } of tables) {
      const hits = await queryRows<{ n: number }>(t.database.db, sql`SELECT count(*)::int AS n FROM ${sql.identifier(table_name)} x WHERE x::text LIKE ${`%${id}%`} OR x::text LIKE ${`%${phone}%`}`);
      expect(hits[0]!.n, `plaintext found in ${table_name}`).toBe(0);
    }
    const logged = log.join('');
    expect(logged).toContain('/api/residents');
    expect(logged).not.toContain(id);
    expect(logged).not.toContain(phone);
    // The embedded database's files, write-ahead log included.
    if (t.database.pglite) {
      const files = Buffer.from(await (await t.database.pglite.dumpDataDir('none')).arrayBuffer());
      expect(files.includes(Buffer.from(id)), 'ID number in the data folder').toBe(false);
      expect(files.includes(Buffer.from(phone)), 'phone in the data folder').toBe(false);
    }
  });
});

describe('search by the last four (后四位)', () => {
  it('finds residents by the last four of an ID number or a phone, scoped and masked', async () => {
    const id = idNumber({ birth: '1975-01-01' });
    const phone = mobile();
    const mine = (await register({ name: '尾号甲', idNumber: id, phone })).json();
    // Someone in another community with the same last four of the phone.
    const theirPhone = `137${String(Date.now()).slice(-4)}${phone.slice(-4)}`;
    const theirs = (await register({ name: '尾号乙', phone: theirPhone, gridId: b.grid.id }, otherWorker)).json();
    const byPhone = (await t.call('POST', '/api/residents/search', { token: worker, body: { q: phone.slice(-4) } })).json().items as { id: number; phone: string; idNumber: string }[];
    expect(byPhone.map((r) => r.id)).toContain(mine.id);
    expect(byPhone.map((r) => r.id)).not.toContain(theirs.id);
    const hit = byPhone.find((r) => r.id === mine.id)!;
    expect(hit.phone).toMatch(/\*{4}/);
    expect(hit.idNumber).toMatch(/\*{6,}/);
    expect((await t.call('POST', '/api/residents/search', { token: worker, body: { q: id.slice(-4).toLowerCase() } })).json().items.map((r: { id: number }) => r.id)).toContain(mine.id);
    expect((await t.call('POST', '/api/residents/search', { token: otherWorker, body: { q: phone.slice(-4) } })).json().items.map((r: { id: number }) => r.id)).toEqual([theirs.id]);
    // Filters combine with the search; names still work by POST too.
    expect((await t.call('POST', '/api/residents/search', { token: worker, body: { q: phone.slice(-4), sex: '2' } })).json().items.map((r: { id: number }) => r.id)).not.toContain(mine.id);
    expect((await t.call('POST', '/api/residents/search', { token: worker, body: { q: '尾号' } })).json().items.map((r: { id: number }) => r.id)).toContain(mine.id);
    // A number that is neither whole nor four characters is a clear error.
    const bad = await t.call('POST', '/api/residents/search', { token: worker, body: { q: '13812' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('RESIDENT_SEARCH_NUMBER_INVALID');
  });

  it('keeps the tail index in step with edits, and fills it for rows stored without one', async () => {
    const phone = mobile();
    const r = (await register({ name: '尾号丙', phone })).json();
    const next = mobile();
    await t.call('PATCH', `/api/residents/${r.id}`, { token: worker, body: { version: r.version, phone: next } });
    const find = async (q: string) => (await t.call('POST', '/api/residents/search', { token: worker, body: { q } })).json().items.map((x: { id: number }) => x.id) as number[];
    expect(await find(next.slice(-4))).toContain(r.id);
    if (next.slice(-4) !== phone.slice(-4)) expect(await find(phone.slice(-4))).not.toContain(r.id);
    // As stored before the tail indexes existed.
    await t.database.db.execute(sql`UPDATE resident SET id_number_tail_hash = NULL, phone_tail_hash = NULL WHERE id = ${r.id}`);
    expect(await find(next.slice(-4))).not.toContain(r.id);
    const version = (await queryRows<{ version: number }>(t.database.db, sql`SELECT version FROM resident WHERE id = ${r.id}`))[0]!.version;
    expect(await t.built.modules.registry.service.backfillTailIndexes(2)).toBeGreaterThanOrEqual(1);
    expect(await find(next.slice(-4))).toContain(r.id);
    expect((await queryRows<{ version: number }>(t.database.db, sql`SELECT version FROM resident WHERE id = ${r.id}`))[0]!.version).toBe(version);
    expect(await t.built.modules.registry.service.backfillTailIndexes()).toBe(0);
  });
});

describe('scope', () => {
  it('hides another community’s residents by id, in lists and in search', async () => {
    const id = idNumber();
    const created = (await register({ name: '周九', idNumber: id })).json();
    const byId = await t.call('GET', `/api/residents/${created.id}`, { token: otherWorker });
    expect(byId.statusCode).toBe(404);
    expect(byId.json().error.code).toBe('RECORD_NOT_FOUND');
    const list = await t.call('GET', '/api/residents?limit=200', { token: otherWorker });
    expect(list.json().items.map((r: { id: number }) => r.id)).not.toContain(created.id);
    const search = await t.call('POST', '/api/residents/search', { token: otherWorker, body: { q: id } });
    expect(search.json().items).toHaveLength(0);
    expect((await t.call('POST', '/api/residents/search', { token: otherWorker, body: { q: id.slice(-4) } })).json().items.map((r: { id: number }) => r.id)).not.toContain(created.id);
    const patch = await t.call('PATCH', `/api/residents/${created.id}`, { token: otherWorker, body: { version: 1, occupation: '黑客' } });
    expect(patch.statusCode).toBe(404);
  });

  it('refuses to place a record on a grid outside the caller’s area', async () => {
    const res = await t.call('POST', '/api/residents', { token: worker, body: { gridId: b.grid.id, name: '吴十' } });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('GRID_OUT_OF_SCOPE');
  });

  it('finds a resident by exact ID number and by phone through the blind index', async () => {
    const id = idNumber();
    const phone = mobile();
    const created = (await register({ name: '郑十一', idNumber: id, phone })).json();
    expect((await t.call('POST', '/api/residents/search', { token: worker, body: { q: id } })).json().items[0].id).toBe(created.id);
    expect((await t.call('POST', '/api/residents/search', { token: worker, body: { q: phone } })).json().items[0].id).toBe(created.id);
    expect((await t.call('GET', `/api/residents?q=${encodeURIComponent('郑十')}`, { token: worker })).json().items.map((r: { id: number }) => r.id)).toContain(created.id);
  });
});

describe('changes, versions and history', () => {
  it('refuses a stale version instead of overwriting', async () => {
    const created = (await register({ name: '冯十二', idNumber: idNumber() })).json();
    const first = await t.call('PATCH', `/api/residents/${created.id}`, { token: worker, body: { version: 1, occupation: '教师' } });
    expect(first.json().version).toBe(2);
    const second = await t.call('PATCH', `/api/residents/${created.id}`, { token: worker, body: { version: 1, occupation: '医生' } });
    expect(second.statusCode).toBe(409);
    expect(second.json().error.code).toBe('RECORD_VERSION_CONFLICT');
    const card = await t.call('GET', `/api/residents/${created.id}`, { token: worker });
    expect(card.json().resident.occupation).toBe('教师');
  });

  it('makes no version when nothing changes', async () => {
    const created = (await register({ name: '陈十三', occupation: '司机' })).json();
    const same = await t.call('PATCH', `/api/residents/${created.id}`, { token: worker, body: { version: 1, occupation: '司机' } });
    expect(same.json()).toEqual({ version: 1, changed: [] });
  });

  it('shows a record as it stood on a past date and lists every version', async () => {
    const created = (await register({ name: '褚十四', occupation: '工人' })).json();
    await t.call('PATCH', `/api/residents/${created.id}`, { token: worker, body: { version: 1, occupation: '退休', reason: '退休登记' } });
    // Back-date the first version to last year to see the record as it stood then.
    await t.database.db.execute(sql`UPDATE record_version SET changed_at = now() - interval '400 days' WHERE record_kind = 'resident' AND record_id = ${created.id} AND version = 1`);
    const lastYear = new Date(Date.now() - 300 * 86_400_000).toISOString().slice(0, 10);
    const then = await t.call('GET', `/api/residents/${created.id}/as-of?date=${lastYear}`, { token: worker });
    expect(then.json().occupation).toBe('工人');
    const history = (await t.call('GET', `/api/residents/${created.id}/history`, { token: worker })).json();
    expect(history.map((h: { version: number }) => h.version)).toEqual([2, 1]);
    expect(history[0]).toMatchObject({ operation: 'update', changedFields: ['occupation'], reason: '退休登记', source: 'community' });
  });

  it('deleting is a status change that keeps the history', async () => {
    const created = (await register({ name: '卫十五' })).json();
    const del = await t.call('POST', `/api/residents/${created.id}/status`, { token: worker, body: { status: 'deleted', version: 1, reason: '重复登记' } });
    expect(del.statusCode).toBe(200);
    expect((await t.call('GET', `/api/residents/${created.id}`, { token: worker })).statusCode).toBe(404);
    const versions = await queryRows<{ operation: string }>(t.database.db, sql`SELECT operation FROM record_version WHERE record_kind = 'resident' AND record_id = ${created.id} ORDER BY version`);
    expect(versions.map((v) => v.operation)).toEqual(['create', 'delete']);
  });
});

describe('unmasking and the access trail', () => {
  it('reveals one value on an explicit, logged request and shows it in the trail', async () => {
    const id = idNumber();
    const created = (await register({ name: '蒋十六', idNumber: id })).json();
    const res = await t.call('POST', `/api/residents/${created.id}/unmask`, { token: worker, body: { field: 'idNumber', reason: '办理居住证明核对身份' } });
    expect(res.json().value).toBe(id);
    const trail = (await t.call('GET', `/api/residents/${created.id}/trail`, { token: worker })).json();
    expect(trail.items.map((i: { action: string }) => i.action)).toEqual(expect.arrayContaining(['resident.unmask']));
    expect(trail.items.find((i: { action: string }) => i.action === 'resident.unmask').reason).toBe('办理居住证明核对身份');
  });

  it('does not let a grid worker unmask', async () => {
    const gw = await loginAs(t, { role: 'grid_worker', node: a.grid });
    const created = (await register({ name: '沈十七', idNumber: idNumber() })).json();
    const res = await t.call('POST', `/api/residents/${created.id}/unmask`, { token: gw.token, body: { field: 'idNumber', reason: '想看看' } });
    expect(res.statusCode).toBe(403);
  });
});

describe('duplicates and merging', () => {
  it('offers near-duplicates and merges them keeping both histories', async () => {
    const keep = (await register({ name: '韩十八', idNumber: idNumber({ birth: '1970-02-03' }), address: '兴华街3号' })).json();
    const drop = (await t.call('POST', '/api/residents', { token: worker, body: { gridId: a.grid.id, name: '韩十八', birthDate: '1970-02-03', idType: '99', address: '兴华街3号', phone: mobile() } })).json();
    const pairs = (await t.call('GET', '/api/residents/duplicates', { token: worker })).json();
    expect(pairs).toContainEqual(expect.objectContaining({ keepId: keep.id, dropId: drop.id }));
    const merged = await t.call('POST', '/api/residents/merge', { token: worker, body: { keepId: keep.id, dropId: drop.id, reason: '同一人重复登记' } });
    expect(merged.statusCode).toBe(200);
    expect(merged.json().filled).toContain('phone');
    expect((await t.call('GET', `/api/residents/${drop.id}`, { token: worker })).statusCode).toBe(404);
    expect((await t.call('GET', `/api/residents/${keep.id}`, { token: worker })).json().resident.phone).toMatch(/\*\*\*\*/);
  });

  it('never merges two different ID numbers', async () => {
    const x = (await register({ name: '杨十九', idNumber: idNumber() })).json();
    const y = (await register({ name: '杨十九', idNumber: idNumber() })).json();
    const res = await t.call('POST', '/api/residents/merge', { token: worker, body: { keepId: x.id, dropId: y.id, reason: '测试' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('MERGE_INVALID');
  });
});

describe('grids moving and splitting', () => {
  it('moves records with a moved grid and keeps the grid’s history', async () => {
    const s = await makeSubtree(t);
    const extra = await makeGrid(t, s.community, '待迁网格');
    const w = await loginAs(t, { role: 'community_worker', node: s.community });
    const r = (await t.call('POST', '/api/residents', { token: w.token, body: { gridId: extra.id, name: '朱二十' } })).json();
    const admin = await loginAs(t, { role: 'admin', node: s.city });
    const moved = await t.call('POST', `/api/tree/grids/${extra.id}/move`, { token: admin.token, body: { communityId: a.community.id, effectiveDate: new Date().toISOString().slice(0, 10), reason: '区划调整' } });
    expect(moved.statusCode).toBe(200);
    expect(moved.json().code.startsWith(a.community.code)).toBe(true);
    // Now the resident is in community A's area and gone from the old one.
    expect((await t.call('GET', `/api/residents/${r.id}`, { token: worker })).statusCode).toBe(200);
    expect((await t.call('GET', `/api/residents/${r.id}`, { token: w.token })).statusCode).toBe(404);
    const history = (await t.call('GET', `/api/tree/nodes/${extra.id}/history`, { token: admin.token })).json();
    expect(history.map((h: { change: string }) => h.change)).toEqual(['created', 'moved']);
    expect(history[0].validTo).not.toBeNull();
  });

  it('splits a grid: records follow their building, the old grid is retired', async () => {
    const s = await makeSubtree(t);
    const w = await loginAs(t, { role: 'community_worker', node: s.community });
    const b1 = (await t.call('POST', '/api/records/building', { token: w.token, body: { gridId: s.grid.id, name: '1号楼', address: '测试路1号' } })).json();
    const b2 = (await t.call('POST', '/api/records/building', { token: w.token, body: { gridId: s.grid.id, name: '2号楼', address: '测试路2号' } })).json();
    const h2 = (await t.call('POST', '/api/records/house', { token: w.token, body: { gridId: s.grid.id, buildingId: b2.id, roomNo: '101' } })).json();
    const r2 = (await t.call('POST', '/api/residents', { token: w.token, body: { gridId: s.grid.id, name: '秦二一', houseId: h2.id } })).json();
    const r0 = (await t.call('POST', '/api/residents', { token: w.token, body: { gridId: s.grid.id, name: '尤二二' } })).json();
    const admin = await loginAs(t, { role: 'admin', node: s.city });
    const split = await t.call('POST', `/api/tree/grids/${s.grid.id}/split`, { token: admin.token, body: { effectiveDate: new Date().toISOString().slice(0, 10), reason: '人口增长拆分网格', parts: [{ name: '东片', buildingIds: [b1.id] }, { name: '西片', buildingIds: [b2.id] }] } });
    expect(split.statusCode).toBe(200);
    const [east, west] = split.json();
    const card2 = (await t.call('GET', `/api/residents/${r2.id}`, { token: w.token })).json();
    expect(card2.resident.gridId).toBe(west.id);
    const card0 = (await t.call('GET', `/api/residents/${r0.id}`, { token: w.token })).json();
    expect(card0.resident.gridId).toBe(east.id);
    const children = (await t.call('GET', `/api/tree/nodes/${s.community.id}`, { token: admin.token })).json().children;
    expect(children.map((c: { id: number }) => c.id)).not.toContain(s.grid.id);
    const hist = (await t.call('GET', `/api/residents/${r2.id}/history`, { token: w.token })).json();
    expect(hist[0].operation).toBe('move');
  });
});

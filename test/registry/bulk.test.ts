// The bulk writer (imports, the demo city): the same validation, versions, review clocks and audit
// as single writes, set-wise; ids in input order; pre-allocated ids honoured; defaults kept.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { systemContext } from '../../src/platform/context.js';
import { makeSubtree, testApp, type Subtree, type TestApp } from '../support/app.js';
import { idNumber, mobile } from '../support/people.js';

let t: TestApp;
let a: Subtree;

beforeAll(async () => {
  t = await testApp();
  a = await makeSubtree(t);
});
afterAll(() => t.close());

const bulk = () => t.built.modules.registry.service.bulk;
const node = () => ({ id: a.grid.id, path: a.grid.path, districtCode: a.grid.districtCode! });

describe('bulk writes', () => {
  it('reports every bad record by its index and encodes the good ones', () => {
    const { values, rejected } = bulk().encodeAll('resident', [
      { fields: { name: '张三', idNumber: idNumber() }, node: node() },
      { fields: { name: '', idNumber: '123' }, node: node() },
      { fields: { name: '李四', phone: '12' }, node: node() },
    ]);
    expect(values).toHaveLength(1);
    expect(rejected.map((r) => r.index)).toEqual([1, 2]);
    expect(rejected[0]!.problems.map((p) => p.field).sort()).toEqual(['idNumber', 'name']);
    expect(rejected[1]!.problems[0]!.field).toBe('phone');
  });

  it('writes rows, their first versions, review clocks and one audit row per chunk, ids in input order', async () => {
    const ids = [idNumber({ birth: '1950-02-03', sex: '2' }), idNumber({ birth: '1990-07-08' }), idNumber({ birth: '2015-01-01', sex: '2' })];
    const names = ['王秀兰', '刘建国', '刘小红'];
    // The third leaves out residenceStatus and phone: its columns take their defaults, not NULL.
    const records = [
      { fields: { name: names[0], idNumber: ids[0], phone: mobile(), residenceStatus: 'floating' }, node: node() },
      { fields: { name: names[1], idNumber: ids[1], phone: null, residenceStatus: 'registered' }, node: node() },
      { fields: { name: names[2], idNumber: ids[2] }, node: node() },
    ];
    const enc = bulk().encodeAll('resident', records);
    expect(enc.rejected).toEqual([]);
    const written = await t.database.db.transaction((tx) => bulk().insertEncoded(tx, systemContext('test'), 'resident', enc.values, { source: 'import', reason: '批量导入测试', reviewedSpreadDays: 100 }));
    expect(written).toHaveLength(3);
    const rows = await queryRows<{ id: number; name: string; residence_status: string; sex: string; birth_date: string; version: number; status: string; grid_id: number; tree_path: string }>(
      t.database.db,
      sql`SELECT id, name, residence_status, sex, birth_date, version, status, grid_id, tree_path FROM resident WHERE id = ANY(${`{${written.join(',')}}`}::bigint[])`,
    );
    const byId = new Map(rows.map((r) => [Number(r.id), r]));
    expect(written.map((id) => byId.get(id)!.name)).toEqual(names);
    const third = byId.get(written[2]!)!;
    expect(third.residence_status).toBe('registered');
    expect(third.status).toBe('active');
    expect(third.version).toBe(1);
    expect(third.sex).toBe('2');
    expect(third.birth_date).toBe('2015-01-01');
    expect(third.tree_path).toBe(a.grid.path);

    const versions = await queryRows<{ record_id: number; version: number; operation: string; source: string; reason: string; data: Record<string, unknown> }>(
      t.database.db,
      sql`SELECT record_id, version, operation, source, reason, data FROM record_version WHERE record_kind = 'resident' AND record_id = ANY(${`{${written.join(',')}}`}::bigint[])`,
    );
    expect(versions).toHaveLength(3);
    for (const v of versions) {
      expect(v).toMatchObject({ version: 1, operation: 'create', source: 'import', reason: '批量导入测试' });
      expect(v.data.labels).toEqual([]);
      expect(v.data.id_number_enc).toMatch(/^s1\./);
    }
    const reviews = await queryRows<{ record_id: number; n: number; distinct_at: number; overdue_ok: boolean }>(
      t.database.db,
      sql`SELECT record_id, count(*)::int AS n, count(DISTINCT reviewed_at)::int AS distinct_at, bool_and(reviewed_at <= now() AND reviewed_at > now() - interval '101 days' AND due_at > reviewed_at) AS overdue_ok
          FROM record_review WHERE record_kind = 'resident' AND record_id = ANY(${`{${written.join(',')}}`}::bigint[]) GROUP BY record_id`,
    );
    const general = await queryRows<{ n: number }>(t.database.db, sql`SELECT count(*)::int AS n FROM field_policy WHERE record_kind = 'resident' AND label_code IS NULL`);
    expect(reviews).toHaveLength(3);
    for (const r of reviews) {
      expect(r.n).toBe(general[0]!.n);
      expect(r.overdue_ok).toBe(true);
    }
    const audit = await queryRows<{ detail: { count: number; ids: number[]; source: string }; reason: string }>(t.database.db, sql`SELECT detail, reason FROM audit_log WHERE action = 'resident.bulk_create' ORDER BY id DESC LIMIT 1`);
    expect(audit[0]!.detail).toMatchObject({ count: 3, ids: written, source: 'import' });
    expect(audit[0]!.reason).toBe('批量导入测试');
  });

  it('honours ids taken beforehand, so records can name each other before they are written', async () => {
    const got = await bulk().allocateIdsFor(t.database.db, { household: 1, resident: 2, building: 0 });
    expect(got.household).toHaveLength(1);
    expect(got.resident).toHaveLength(2);
    expect(got.building).toEqual([]);
    const [hh] = got.household!;
    const [head, child] = got.resident!;
    await t.database.db.transaction(async (tx) => {
      const h = bulk().encodeAll('household', [{ fields: { householdNo: 'HH-BULK-1', headResidentId: head }, node: node() }]);
      expect(await bulk().insertEncoded(tx, systemContext('test'), 'household', h.values, { source: 'system', ids: [hh!] })).toEqual([hh]);
      const r = bulk().encodeAll('resident', [
        { fields: { name: '赵大山', idNumber: idNumber({ birth: '1970-01-01' }), householdId: hh, relationToHead: '02' }, node: node() },
        { fields: { name: '赵小川', idNumber: idNumber({ birth: '2001-01-01' }), householdId: hh, relationToHead: '20' }, node: node() },
      ]);
      expect(await bulk().insertEncoded(tx, systemContext('test'), 'resident', r.values, { source: 'system', ids: [head!, child!] })).toEqual([head, child]);
    });
    const v = await queryRows<{ data: { head_resident_id: number } }>(t.database.db, sql`SELECT data FROM record_version WHERE record_kind = 'household' AND record_id = ${hh}`);
    expect(Number(v[0]!.data.head_resident_id)).toBe(head);
    // A later single write gets a fresh id past the ones taken.
    const more = await bulk().allocateIds(t.database.db, 'resident', 1);
    expect(more[0]).toBeGreaterThan(child!);
  });

  it('refuses a mismatched id list without writing anything', async () => {
    const before = await bulk().count('building');
    const enc = bulk().encodeAll('building', [{ fields: { name: '1号楼', address: '迎泽大街1号' }, node: node() }]);
    await expect(t.database.db.transaction((tx) => bulk().insertEncoded(tx, systemContext('test'), 'building', enc.values, { source: 'system', ids: [1, 2] }))).rejects.toThrow(/2 ids for 1 rows/);
    expect(await bulk().count('building')).toBe(before);
  });

  it('a failing chunk rolls back with the transaction: rows, versions and audit alike', async () => {
    const dup = idNumber({ birth: '1960-06-06' });
    const versionsBefore = await queryRows<{ n: number }>(t.database.db, sql`SELECT count(*)::int AS n FROM record_version`);
    const auditBefore = await queryRows<{ n: number }>(t.database.db, sql`SELECT count(*)::int AS n FROM audit_log`);
    const enc = bulk().encodeAll('resident', [
      { fields: { name: '孙一', idNumber: dup }, node: node() },
      { fields: { name: '孙二', idNumber: dup }, node: node() },
    ]);
    await expect(t.database.db.transaction((tx) => bulk().insertEncoded(tx, systemContext('test'), 'resident', enc.values, { source: 'import' }))).rejects.toThrow();
    const versionsAfter = await queryRows<{ n: number }>(t.database.db, sql`SELECT count(*)::int AS n FROM record_version`);
    const auditAfter = await queryRows<{ n: number }>(t.database.db, sql`SELECT count(*)::int AS n FROM audit_log`);
    expect(versionsAfter[0]!.n).toBe(versionsBefore[0]!.n);
    expect(auditAfter[0]!.n).toBe(auditBefore[0]!.n);
  });

  it('labels start the review clocks of label policies and are audited', async () => {
    const enc = bulk().encodeAll('resident', [{ fields: { name: '周奶奶', idNumber: idNumber({ birth: '1940-03-03', sex: '2' }) }, node: node() }]);
    const [id] = await t.database.db.transaction((tx) => bulk().insertEncoded(tx, systemContext('test'), 'resident', enc.values, { source: 'system' }));
    await t.database.db.transaction((tx) => bulk().insertLabels(tx, systemContext('test'), [{ residentId: id!, code: 'elderly_alone', since: '2024-01-01' }, { residentId: id!, code: 'elderly_80', since: '2020-01-01' }], 'system', 10));
    const labels = await queryRows<{ label_code: string; tree_path: string }>(t.database.db, sql`SELECT label_code, tree_path FROM resident_label WHERE resident_id = ${id} ORDER BY label_code`);
    expect(labels.map((l) => l.label_code)).toEqual(['elderly_80', 'elderly_alone']);
    expect(labels[0]!.tree_path).toBe(a.grid.path);
    const reviews = await queryRows<{ label_code: string }>(t.database.db, sql`SELECT p.label_code FROM record_review r JOIN field_policy p ON p.id = r.policy_id WHERE r.record_kind = 'resident' AND r.record_id = ${id} AND p.label_code IS NOT NULL`);
    expect(reviews.map((r) => r.label_code)).toEqual(['elderly_alone']);
    const audit = await queryRows<{ detail: { residentIds: number[]; count: number } }>(t.database.db, sql`SELECT detail FROM audit_log WHERE action = 'resident.bulk_label' ORDER BY id DESC LIMIT 1`);
    expect(audit[0]!.detail).toMatchObject({ count: 2, residentIds: [id] });
    const verify = await t.built.platform.audit.verify(t.database.db);
    expect(verify.ok).toBe(true);
  });
});

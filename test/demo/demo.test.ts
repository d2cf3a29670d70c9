// The demo city: real divisions, all three grid kinds, valid and consistent people, every record
// with its first version and review clocks, an intact audit chain, and demo log-ins that see
// only their own place. Generated once, small, into a fresh database.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { DEMO_PASSWORD, ensureDemoCity, type DemoLogin } from '../../src/modules/demo/index.js';
import { checkIdNumber, checkPhone } from '../../src/modules/registry/index.js';
import { testApp, type TestApp } from '../support/app.js';

let t: TestApp;
let logins: DemoLogin[];
const RESIDENTS = 1500;

beforeAll(async () => {
  t = await testApp();
  logins = (await ensureDemoCity(t.built, { residents: RESIDENTS, seed: 7 }))!;
}, 120_000);
afterAll(() => t.close());

const rows = <T>(q: ReturnType<typeof sql>) => queryRows<T>(t.database.db, q);

describe('the demo city', () => {
  it('has the real divisions of Taiyuan down to grids of all three kinds', async () => {
    const levels = await rows<{ level: string; n: number }>(sql`SELECT level, count(*)::int AS n FROM tree_node GROUP BY level`);
    const n = Object.fromEntries(levels.map((l) => [l.level, l.n]));
    expect(n.city).toBe(1);
    expect(n.district).toBeGreaterThanOrEqual(10);
    expect(n.street).toBeGreaterThan(50);
    expect(n.community).toBeGreaterThanOrEqual(40);
    expect(n.grid).toBeGreaterThanOrEqual(n.community * 2);
    const named = await rows<{ code: string; name: string }>(sql`SELECT code, name FROM tree_node WHERE code IN ('140100', '140109', '140181', '140109004')`);
    expect(Object.fromEntries(named.map((r) => [r.code, r.name]))).toMatchObject({ '140100': '太原市', '140109': '万柏林区', '140181': '古交市', '140109004': '兴华街道' });
    const kinds = await rows<{ kind: string }>(sql`SELECT DISTINCT kind FROM tree_node WHERE level = 'grid' ORDER BY kind`);
    expect(kinds.map((k) => k.kind)).toEqual(['rural', 'special', 'urban']);
    // Every grid has its party organisation and its four leaders (三级四长).
    const lacking = await rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM tree_node g WHERE g.level = 'grid' AND (NOT EXISTS (SELECT 1 FROM grid_party_org o WHERE o.grid_id = g.id) OR (SELECT count(*) FROM grid_leader l WHERE l.grid_id = g.id) < 4)`);
    expect(lacking[0]!.n).toBe(0);
  });

  it('has about the residents asked for, each with a valid ID number that agrees with the stored birth date and sex', async () => {
    const people = await rows<{ id: number; id_number_enc: string; phone_enc: string | null; birth_date: string; sex: string; id_address_code: string }>(sql`SELECT id, id_number_enc, phone_enc, birth_date, sex, id_address_code FROM resident`);
    expect(people.length).toBeGreaterThanOrEqual(RESIDENTS * 0.9);
    expect(people.length).toBeLessThanOrEqual(RESIDENTS * 1.3);
    const seen = new Set<string>();
    for (const p of people) {
      const id = t.built.platform.cipher.decrypt(p.id_number_enc);
      const r = checkIdNumber(id);
      expect(r.ok, id).toBe(true);
      if (!r.ok) continue;
      expect(r.value.birthDate).toBe(p.birth_date);
      expect(r.value.sex).toBe(p.sex);
      expect(r.value.addressCode).toBe(p.id_address_code);
      expect(seen.has(id)).toBe(false);
      seen.add(id);
      if (p.phone_enc) expect(checkPhone(t.built.platform.cipher.decrypt(p.phone_enc)).ok).toBe(true);
    }
  });

  it('links people, households, houses and buildings within one grid, each household with its head', async () => {
    const bad = await rows<{ problem: string; n: number }>(sql`
      SELECT 'resident outside its household grid' AS problem, count(*)::int AS n FROM resident r JOIN household h ON h.id = r.household_id WHERE h.tree_path <> r.tree_path
      UNION ALL SELECT 'resident without household', count(*)::int FROM resident WHERE household_id IS NULL
      UNION ALL SELECT 'house in another grid than its building', count(*)::int FROM house x JOIN building b ON b.id = x.building_id WHERE b.tree_path <> x.tree_path
      UNION ALL SELECT 'household head missing or not a member', count(*)::int FROM household h WHERE NOT EXISTS (SELECT 1 FROM resident r WHERE r.id = h.head_resident_id AND r.household_id = h.id AND r.relation_to_head = '02')
      UNION ALL SELECT 'organisation building missing', count(*)::int FROM organisation o WHERE NOT EXISTS (SELECT 1 FROM building b WHERE b.id = o.building_id)`);
    expect(bad.filter((b) => b.n > 0)).toEqual([]);
    const counts = await rows<{ households: number; buildings: number; houses: number; shops: number; facilities: number; labels: number; visits: number }>(sql`
      SELECT (SELECT count(*)::int FROM household) AS households, (SELECT count(*)::int FROM building) AS buildings, (SELECT count(*)::int FROM house) AS houses,
             (SELECT count(*)::int FROM organisation) AS shops, (SELECT count(*)::int FROM facility) AS facilities, (SELECT count(*)::int FROM resident_label) AS labels, (SELECT count(*)::int FROM visit) AS visits`);
    for (const [k, v] of Object.entries(counts[0]!)) expect(v, k).toBeGreaterThan(0);
  });

  it('gives every record exactly one first version and starts its review clocks, spread back in time', async () => {
    const v = await rows<{ kind: string; records: number; versions: number; firsts: number }>(sql`
      SELECT k.kind, k.records, coalesce(v.n, 0)::int AS versions, coalesce(v.firsts, 0)::int AS firsts FROM (
        SELECT 'resident' AS kind, count(*)::int AS records FROM resident UNION ALL SELECT 'household', count(*)::int FROM household UNION ALL SELECT 'house', count(*)::int FROM house
        UNION ALL SELECT 'building', count(*)::int FROM building UNION ALL SELECT 'organisation', count(*)::int FROM organisation UNION ALL SELECT 'facility', count(*)::int FROM facility) k
      LEFT JOIN (SELECT record_kind, count(*) AS n, count(*) FILTER (WHERE version = 1 AND operation = 'create') AS firsts FROM record_version GROUP BY record_kind) v ON v.record_kind = k.kind`);
    for (const r of v) {
      expect(r.versions, r.kind).toBe(r.records);
      expect(r.firsts, r.kind).toBe(r.records);
    }
    const missing = await rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM resident r WHERE (SELECT count(*) FROM record_review x WHERE x.record_kind = 'resident' AND x.record_id = r.id) < 3`);
    expect(missing[0]!.n).toBe(0);
    const spread = await rows<{ distinct_days: number; overdue: number; total: number }>(sql`SELECT count(DISTINCT reviewed_at::date)::int AS distinct_days, count(*) FILTER (WHERE due_at < now())::int AS overdue, count(*)::int AS total FROM record_review WHERE record_kind = 'resident'`);
    expect(spread[0]!.distinct_days).toBeGreaterThan(100);
    expect(spread[0]!.overdue).toBeGreaterThan(0);
    expect(spread[0]!.overdue).toBeLessThan(spread[0]!.total);
  });

  it('leaves an intact audit chain that names what the generator wrote', async () => {
    const r = await t.built.platform.audit.verify(t.database.db);
    expect(r.ok).toBe(true);
    const actions = await rows<{ action: string }>(sql`SELECT DISTINCT action FROM audit_log`);
    expect(actions.map((a) => a.action)).toEqual(expect.arrayContaining(['resident.bulk_create', 'household.bulk_create', 'resident.bulk_label', 'user.bulk_create']));
  });

  it('prints log-ins that work, and a community worker sees only their community', async () => {
    const community = logins.find((l) => l.username === 'community')!;
    expect(community.node).toMatch(/滨体社区/);
    expect(community.password).toBe(DEMO_PASSWORD);
    const token = await t.login('community', DEMO_PASSWORD);
    const me = await rows<{ tree_path: string }>(sql`SELECT tree_path FROM user_account WHERE username = 'community'`);
    const res = await t.call('GET', '/api/residents?limit=200', { token });
    expect(res.statusCode).toBe(200);
    const items = res.json().items as { treePath: string; idNumber: string }[];
    expect(items.length).toBeGreaterThan(0);
    for (const i of items) {
      expect(i.treePath.startsWith(me[0]!.tree_path)).toBe(true);
      expect(i.idNumber).toMatch(/\*{6,}/);
    }
    const inScope = await rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM resident WHERE tree_path LIKE ${`${me[0]!.tree_path}%`} AND status = 'active'`);
    expect(res.json().total).toBe(inScope[0]!.n);
  });

  it('comes with the certificate catalogue, and certificates and assisted-service requests in the featured community', async () => {
    const kinds = await rows<{ n: number }>(sql`SELECT count(DISTINCT kind_code)::int AS n FROM certificate_kind_version`);
    expect(kinds[0]!.n).toBeGreaterThanOrEqual(4);
    const certs = await rows<{ n: number; revoked: number }>(sql`SELECT count(*)::int AS n, count(*) FILTER (WHERE status = 'revoked')::int AS revoked FROM certificate`);
    expect(certs[0]!.n).toBeGreaterThan(0);
    expect(certs[0]!.revoked).toBeGreaterThan(0);
    const assisted = await rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM assisted_request`);
    expect(assisted[0]!.n).toBeGreaterThan(0);
  });

  it('comes with the duty lists: the catalogue, the featured street’s three lists, an application and a hand-back waiting', async () => {
    const token = await t.login('street', DEMO_PASSWORD);
    const me = (await t.call('GET', '/api/auth/me', { token })).json();
    const lists = (await t.call('GET', `/api/duty-lists/townships/${me.node.id}`, { token })).json();
    expect(lists.counts.basic).toBeGreaterThanOrEqual(30);
    expect(lists.counts.cooperative).toBeGreaterThanOrEqual(25);
    expect(lists.counts.takenBack).toBeGreaterThanOrEqual(12);
    expect(lists.version).toBe(2);
    expect(lists.items.find((i: { name: string }) => i.name === '违法建设拆除')).toMatchObject({ listKind: 'taken_back', departmentName: '区住建局' });
    expect(lists.items.find((i: { name: string }) => i.name === '违法建设拆除').departmentId).toBeGreaterThan(0);
    const reviewer = await t.login('reviewer', DEMO_PASSWORD);
    expect((await t.call('GET', '/api/duty-admissions?status=pending', { token: reviewer })).json().total).toBe(1);
    expect((await t.call('GET', '/api/duty-handbacks', { token })).json().items[0]).toMatchObject({ status: 'pending_department', item: { name: '燃气安全检查配合' } });
  });

  it('comes with asks in the community’s inbox, each citing an item of its street’s duty lists', async () => {
    const token = await t.login('community', DEMO_PASSWORD);
    const inbox = (await t.call('GET', '/api/channel/inbox', { token })).json();
    const titles = inbox.items.map((i: { title: string }) => i.title);
    expect(titles).toContain('冬季独居老人取暖安全排查');
    expect(titles).toContain('关于做好元旦期间安全生产工作的通知');
    const task = inbox.items.find((i: { title: string }) => i.title === '冬季独居老人取暖安全排查');
    expect(JSON.stringify(task)).toContain('养老服务');
  });

  it('does not generate a second city into a database that has one', async () => {
    const before = await rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM resident`);
    const again = await ensureDemoCity(t.built, { residents: 500 });
    expect(again?.map((l) => l.username)).toEqual(logins.map((l) => l.username));
    const after = await rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM resident`);
    expect(after[0]!.n).toBe(before[0]!.n);
  });
});

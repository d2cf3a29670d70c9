// The tiles every level starts with: its places (streets, communities, grids by kind), its people
// (staff and grid workers by kind), its base data (records, residents by category and by label),
// how fresh that data is (定期维护), and one row per child node so a street sees its communities
// side by side. Numbers come through the services of tree, platform auth and registry.
import type { Config } from '../../config.js';
import type { AuthService } from '../../platform/auth/service.js';
import { gridWorkerKinds, roleNames, roles } from '../../platform/auth/roles.js';
import type { AuthedContext } from '../../platform/context.js';
import type { RegistryCounts, RegistryService } from '../registry/index.js';
import { codeTables, type RecordKind } from '../registry/index.js';
import type { TreeService } from '../tree/index.js';
import type { CountCache } from './cache.js';
import { say, type DashboardScope, type Datum, type Stat, type Tile, type TileProvider } from './tiles.js';

/** What the base-data tiles show, counted in one go (and kept for wide scopes, see cache.ts). */
export interface RegistryNumbers {
  counts: RegistryCounts;
  stale: { overdue: number; dueIn7Days: number; records: number };
}

export function countRegistry(registry: RegistryService) {
  return async (path: string): Promise<RegistryNumbers> => ({
    counts: await registry.countsUnder(path, { byChild: true }),
    stale: await registry.lookups.staleCounts(path),
  });
}

const levelNames = {
  city: { zh: '市', en: 'city' },
  district: { zh: '区县', en: 'Districts' },
  street: { zh: '街道/乡镇', en: 'Streets / townships' },
  community: { zh: '社区/村', en: 'Communities / villages' },
  grid: { zh: '网格', en: 'Grids' },
} as const;
const levelOrder = ['city', 'district', 'street', 'community', 'grid'] as const;
const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

const gridKindNames: Record<string, { zh: string; en: string }> = {
  urban: { zh: '城市网格', en: 'Urban grids' },
  rural: { zh: '农村网格', en: 'Rural grids' },
  special: { zh: '专属网格', en: 'Special grids' },
};

const workerKindNames: Record<string, { zh: string; en: string }> = {
  full_time: { zh: '专职网格员', en: 'Full-time grid workers' },
  part_time: { zh: '兼职网格员', en: 'Part-time grid workers' },
  professional: { zh: '专业网格员', en: 'Professional grid workers' },
};

const recordNames: Record<RecordKind, { zh: string; en: string; link: string }> = {
  resident: { zh: '实有人口', en: 'Residents', link: '/residents' },
  household: { zh: '户', en: 'Households', link: '/records/household' },
  building: { zh: '楼栋', en: 'Buildings', link: '/records/building' },
  house: { zh: '房屋', en: 'Houses', link: '/records/house' },
  organisation: { zh: '单位/商户', en: 'Organisations', link: '/records/organisation' },
  facility: { zh: '设施', en: 'Facilities', link: '/records/facility' },
};

/** Places under the node: how many of each lower level, and grids by kind (城市/农村/专属). */
export function treeTiles(tree: TreeService): TileProvider {
  return {
    key: 'tree',
    permission: 'tree:read',
    async tiles(ctx: AuthedContext, scope: DashboardScope): Promise<Tile[]> {
      if (scope.node.level === 'grid') return [];
      const counts = await tree.countsUnder(scope.node.path);
      const below = levelOrder.slice(levelOrder.indexOf(scope.node.level) + 1);
      const sum = (level: string, kind?: string) => counts.filter((c) => c.level === level && (!kind || c.kind === kind)).reduce((a, c) => a + c.n, 0);
      const stats: Stat[] = below.map((level) => {
        const stat: Stat = { key: level, label: say(ctx, levelNames[level].zh, levelNames[level].en), value: sum(level) };
        if (level === 'community') {
          const villages = sum('community', 'villagers_committee');
          stat.hint = say(ctx, `社区 ${sum('community', 'residents_committee')}，村 ${villages}`, `${sum('community', 'residents_committee')} communities, ${villages} villages`);
        }
        if (level === 'street') {
          stat.hint = say(ctx, `街道 ${sum('street', 'subdistrict')}，镇 ${sum('street', 'town')}，乡 ${sum('street', 'township')}`, `${sum('street', 'subdistrict')} streets, ${sum('street', 'town')} towns, ${sum('street', 'township')} townships`);
        }
        return stat;
      });
      const series: Datum[] = ['urban', 'rural', 'special'].map((k) => ({ key: k, label: say(ctx, gridKindNames[k]!.zh, gridKindNames[k]!.en), value: sum('grid', k) }));
      const gridStat = stats.find((x) => x.key === 'grid')!;
      gridStat.hint = series.filter((d) => d.value).map((d) => `${d.label} ${d.value}`).join(say(ctx, '，', ', '));
      const tiles: Tile[] = [{ key: 'tree.places', title: say(ctx, '辖区', 'Area'), kind: 'stats', order: 35, width: 1, stats, link: '/map' }];
      // One community's grids are told apart in the hint; a pie pays off from a street upwards.
      if (scope.node.level !== 'community') tiles.push({ key: 'tree.gridKinds', title: say(ctx, '网格类型', 'Grids by kind'), kind: 'pie', order: 47, width: 1, series, link: '/map' });
      return tiles;
    },
  };
}

/** Staff under the node: grid workers by kind (专职/兼职/专业) and accounts by role. */
export function staffTiles(auth: AuthService): TileProvider {
  return {
    key: 'staff',
    permission: 'tree:read',
    async tiles(ctx, scope) {
      const rows = await auth.countUsersUnder(scope.node.path);
      const byRole = new Map<string, number>();
      const byKind = new Map<string, number>();
      for (const r of rows) {
        byRole.set(r.role, (byRole.get(r.role) ?? 0) + r.n);
        if (r.role === 'grid_worker') byKind.set(r.gridWorkerKind ?? 'full_time', (byKind.get(r.gridWorkerKind ?? 'full_time') ?? 0) + r.n);
      }
      const workers: Stat[] = gridWorkerKinds.map((k) => ({ key: k, label: say(ctx, workerKindNames[k]!.zh, workerKindNames[k]!.en), value: byKind.get(k) ?? 0 }));
      workers.push({ key: 'community_worker', label: say(ctx, roleNames.community_worker.zh, roleNames.community_worker.en), value: byRole.get('community_worker') ?? 0 });
      const tiles: Tile[] = [{ key: 'staff.gridWorkers', title: say(ctx, '网格员队伍', 'Grid workers'), kind: 'stats', order: 30, width: 1, stats: workers }];
      const present = roles.filter((r) => (byRole.get(r) ?? 0) > 0);
      if (present.length > 2) {
        tiles.push({
          key: 'staff.roles', title: say(ctx, '在岗账号（按角色）', 'Active accounts by role'), kind: 'stats', order: 66, width: 3,
          stats: present.map((r) => ({ key: r, label: say(ctx, roleNames[r].zh, roleNames[r].en), value: byRole.get(r) ?? 0 })),
        });
      }
      return tiles;
    },
  };
}

/**
 * Base data under the node. Counts are not personal data, but a count of 2 people with a severe
 * mental disorder in one street comes close: for callers who cannot read the register there,
 * label counts under the small-cell threshold are withheld above community level.
 */
export function registryTiles(registry: RegistryService, tree: TreeService, config: Config, cache: CountCache<RegistryNumbers>): TileProvider {
  return {
    key: 'registry',
    permission: 'dashboard:read',
    async tiles(ctx, scope) {
      const counted = await cache.get(scope.node.path, { live: scope.node.level === 'community' || scope.node.level === 'grid' });
      const { counts, stale } = counted.value;
      const asOf = counted.at.toISOString();
      const link = (to: string) => (scope.readsRegistry ? to : undefined);
      const records: Stat[] = (['resident', 'household', 'building', 'organisation', 'facility'] as RecordKind[]).map((k) => ({
        key: k, label: say(ctx, recordNames[k].zh, recordNames[k].en), value: counts.records[k] ?? 0, link: link(recordNames[k].link),
      }));
      const kinds = await registry.lookups.labelKinds(false);
      const suppress = !scope.readsRegistry && ['city', 'district', 'street'].includes(scope.node.level);
      const threshold = config.smallCellThreshold;
      // A department sees the groups its grants name, not every label kind of the city.
      const shown = await registry.labelsShownTo(ctx, scope.node.path);
      const labels: Datum[] = kinds
        .filter((k) => k.appliesTo === 'resident' && (shown === 'all' || shown.has(k.code)))
        .map((k) => {
          const n = counts.residentsByLabel[k.code] ?? 0;
          return { key: k.code, label: say(ctx, k.nameZh, capitalise(k.nameEn)), value: suppress && n > 0 && n < threshold ? null : n, link: link(`/residents?labels=${k.code}`) };
        });
      const categories: Datum[] = Object.entries(codeTables.residenceStatus).map(([code, name]) => ({
        key: code, label: say(ctx, name.zh, capitalise(name.en)), value: counts.residentsByCategory[code] ?? 0, link: link(`/residents?residenceStatus=${code}`),
      }));
      const tiles: Tile[] = [
        { key: 'registry.records', title: say(ctx, '基础数据', 'Base data'), kind: 'stats', order: 10, width: 3, stats: records, asOf },
        {
          key: 'registry.freshness', title: say(ctx, '定期维护', 'Due for review'), kind: 'stats', order: 20, width: 1, link: link('/stale'), asOf,
          stats: [
            { key: 'overdue', label: say(ctx, '已逾期', 'Overdue'), value: stale.overdue, tone: stale.overdue > 0 ? 'danger' : 'success', link: link('/stale') },
            { key: 'dueIn7Days', label: say(ctx, '7 天内到期', 'Due within 7 days'), value: stale.dueIn7Days, tone: stale.dueIn7Days > 0 ? 'warning' : 'default' },
            { key: 'records', label: say(ctx, '涉及记录', 'Records affected'), value: stale.records },
          ],
        },
        {
          key: 'registry.labels', title: say(ctx, '重点人群', 'Residents by label'), kind: 'bars', order: 50, width: 2, series: labels, asOf,
          note: suppress && labels.some((l) => l.value === null) ? say(ctx, `少于 ${threshold} 人的类别不予显示`, `Groups under ${threshold} people are not shown`) : undefined,
        },
        { key: 'registry.categories', title: say(ctx, '人口类型', 'Population categories'), kind: 'pie', order: 60, width: 1, series: categories, asOf },
      ];
      if (scope.children.length) {
        const grids = await tree.subtree(scope.node.path, ['grid']);
        const gridsPerChild = new Map<number, number>();
        for (const g of grids) {
          const childId = Number(g.path.slice(scope.node.path.length).split('/')[0]);
          gridsPerChild.set(childId, (gridsPerChild.get(childId) ?? 0) + 1);
        }
        const childLevel = scope.children[0]!.level;
        tiles.push({
          key: 'registry.children', title: say(ctx, `下辖${levelNames[childLevel].zh}`, `By ${levelNames[childLevel].en.toLowerCase()}`), kind: 'table', order: 80, width: 3, asOf,
          table: {
            columns: [
              { key: 'name', title: say(ctx, '名称', 'Name') },
              { key: 'code', title: say(ctx, '代码', 'Code') },
              ...(childLevel === 'grid' ? [] : [{ key: 'grids', title: say(ctx, '网格', 'Grids'), numeric: true }]),
              { key: 'residents', title: say(ctx, '实有人口', 'Residents'), numeric: true },
              { key: 'overdue', title: say(ctx, '逾期待维护', 'Overdue reviews'), numeric: true },
            ],
            rows: scope.children.map((c) => ({
              nodeId: c.id, name: c.name, code: c.code, grids: childLevel === 'grid' ? null : (gridsPerChild.get(c.id) ?? 0),
              residents: counts.children[c.id]?.residents ?? 0, overdue: counts.children[c.id]?.overdue ?? 0,
            })),
          },
        });
      }
      return tiles;
    },
  };
}

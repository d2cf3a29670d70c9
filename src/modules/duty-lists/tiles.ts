// The duty lists' dashboard tile: a street sees its three lists' counts; a district or the city
// sees the averages over its townships (the article: 121 / 117 / 27) and the counts per township.
import type { RequestContext } from '../../platform/context.js';
import { say, type DashboardScope, type Tile, type TileProvider } from '../dashboard/index.js';
import type { ListService } from './lists.js';

export function dutyTiles(lists: ListService): TileProvider {
  return {
    key: 'duty',
    permission: 'duty:read',
    async tiles(ctx: RequestContext, scope: DashboardScope): Promise<Tile[]> {
      const level = scope.node.level;
      if (level === 'community' || level === 'grid') return [];
      const o = await lists.countsUnder(scope.node.path);
      if (level === 'street') {
        const t = o.townships[0];
        if (!t) return [];
        const link = `/duty-lists?township=${scope.node.id}`;
        return [{
          key: 'duty.lists', title: say(ctx, '权责清单', 'Duty lists'), kind: 'stats', order: 70, width: 2, link,
          stats: [
            { key: 'basic', label: say(ctx, '基本履职事项', 'Basic duties'), value: t.basic, link: `${link}&list=basic` },
            { key: 'cooperative', label: say(ctx, '配合履职事项', 'Cooperative duties'), value: t.cooperative, link: `${link}&list=cooperative` },
            { key: 'takenBack', label: say(ctx, '上级部门收回事项', 'Taken back'), value: t.takenBack, link: `${link}&list=taken_back` },
            { key: 'version', label: say(ctx, '现行版本', 'Current version'), value: t.version, link: `/duty-lists/${scope.node.id}/versions` },
          ],
        }];
      }
      if (!o.townships.length) return [];
      return [{
        key: 'duty.overview', title: say(ctx, '街道（乡镇）权责清单', 'Township duty lists'), kind: 'table', order: 72, width: 3, link: '/duty-lists',
        note: say(ctx, `${o.average.townships} 个街道（乡镇）已建清单，平均：基本履职 ${o.average.basic} 项、配合履职 ${o.average.cooperative} 项、上级部门收回 ${o.average.takenBack} 项${o.withoutLists ? `；另有 ${o.withoutLists} 个尚未建清单` : ''}`, `${o.average.townships} townships keep lists; on average ${o.average.basic} basic, ${o.average.cooperative} cooperative and ${o.average.takenBack} taken back${o.withoutLists ? `; ${o.withoutLists} have none yet` : ''}`),
        stats: [
          { key: 'avgBasic', label: say(ctx, '平均基本履职事项', 'Average basic duties'), value: o.average.basic },
          { key: 'avgCooperative', label: say(ctx, '平均配合履职事项', 'Average cooperative duties'), value: o.average.cooperative },
          { key: 'avgTakenBack', label: say(ctx, '平均上级部门收回事项', 'Average taken back'), value: o.average.takenBack },
        ],
        table: {
          columns: [
            { key: 'name', title: say(ctx, '街道（乡镇）', 'Township') },
            { key: 'basic', title: say(ctx, '基本履职', 'Basic'), numeric: true },
            { key: 'cooperative', title: say(ctx, '配合履职', 'Cooperative'), numeric: true },
            { key: 'takenBack', title: say(ctx, '上级收回', 'Taken back'), numeric: true },
            { key: 'version', title: say(ctx, '版本', 'Version'), numeric: true },
          ],
          rows: o.townships.slice(0, 50).map((t) => ({ nodeId: t.id, name: t.name, basic: t.basic, cooperative: t.cooperative, takenBack: t.takenBack, version: t.version })),
        },
      }];
    },
  };
}

// The reports tile on the home page of every level: a unit sees what it has to report and by
// when (one click away); a street, a department or the reviewer sees how the units under it are
// doing this cycle. Registered with the dashboard by src/modules/index.ts.
import type { AuthedContext } from '../../platform/context.js';
import { say, type DashboardScope, type Tile, type TileProvider } from '../dashboard/index.js';
import type { SubmissionService } from './submissions.js';

export function reportTiles(submissions: SubmissionService): TileProvider {
  return {
    key: 'reports',
    permission: ['reports:submit', 'reports:read'],
    async tiles(ctx: AuthedContext, scope: DashboardScope): Promise<Tile[]> {
      const p = ctx.principal;
      const tiles: Tile[] = [];
      const own = await submissions.summary(ctx, scope.node.path, 'own');
      const ownUnit = p.permissions.has('reports:submit') && p.treePath === scope.node.path && (scope.node.level === 'community' || own.recent + own.pending + own.overdue > 0);
      if (ownUnit) {
        const s = own;
        tiles.push(
          {
            key: 'reports.due', title: say(ctx, '一键报表', 'One-click reports'), kind: 'stats', order: 5, width: 2, link: '/reports',
            stats: [
              { key: 'pending', label: say(ctx, '待报报表', 'Reports due'), value: s.pending, tone: s.pending ? 'warning' : 'success', link: '/reports', hint: s.nextDeadline ? say(ctx, `最近截止 ${s.nextDeadline}`, `next deadline ${s.nextDeadline}`) : undefined },
              { key: 'overdue', label: say(ctx, '逾期未报', 'Overdue'), value: s.overdue, tone: s.overdue ? 'danger' : 'default', link: '/reports' },
              { key: 'submitted', label: say(ctx, '本期已报', 'Submitted this cycle'), value: s.submitted, tone: 'success', link: '/reports?tab=submitted' },
            ],
            note: say(ctx, '数字由基础数据自动生成，点“一键生成”即可预览和报送', 'Figures come from base data: press “generate” to preview and submit'),
          },
        );
      }
      if (scope.node.level === 'grid') return tiles;
      const s = await submissions.summary(ctx, scope.node.path, 'below');
      if (!s.recent && !s.pending && !s.overdue) return tiles;
      const rate = s.recent ? Math.round((s.submitted / s.recent) * 1000) / 10 : null;
      tiles.push(
        {
          key: 'reports.progress', title: say(ctx, '报表报送情况（本期）', 'Reports this cycle'), kind: 'stats', order: 60, width: 2, link: '/reports/submissions',
          stats: [
            { key: 'submitted', label: say(ctx, '已报送', 'Submitted'), value: s.submitted, tone: 'success', link: '/reports/submissions' },
            { key: 'pending', label: say(ctx, '未到期未报', 'Not yet due'), value: s.pending },
            { key: 'overdue', label: say(ctx, '逾期未报', 'Overdue'), value: s.overdue, tone: s.overdue ? 'danger' : 'default' },
            { key: 'rate', label: say(ctx, '报送率', 'Submitted'), value: rate, suffix: '%', hint: say(ctx, `按时 ${s.onTime} 份`, `${s.onTime} on time`) },
          ],
        },
      );
      return tiles;
    },
  };
}

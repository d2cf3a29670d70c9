// The work inbox on the home page: what is open for the unit shown (and below it), overdue and
// unread, one tap from the inbox. Registered with the dashboard by src/modules/index.ts.
import { requireAuthed, type RequestContext } from '../../platform/context.js';
import type { DashboardScope, Tile, TileProvider } from '../dashboard/index.js';
import type { InboxService } from './inbox.js';

const say = (ctx: RequestContext, zh: string, en: string) => (ctx.lang === 'en' ? en : zh);

export function workChannelTiles(inbox: InboxService): TileProvider {
  return {
    key: 'workChannel',
    permission: ['channel:inbox'],
    async tiles(ctx: RequestContext, scope: DashboardScope): Promise<Tile[]> {
      const s = await inbox.summary(requireAuthed(ctx), scope.node.path);
      return [
        {
          key: 'workChannel.inbox', title: say(ctx, '工作收件箱', 'Work inbox'), kind: 'stats', order: 4, width: 2, link: '/channel/inbox',
          stats: [
            { key: 'open', label: say(ctx, '待办', 'Open'), value: s.open, tone: s.open ? 'warning' : 'success', link: '/channel/inbox' },
            { key: 'overdue', label: say(ctx, '已逾期', 'Overdue'), value: s.overdue, tone: s.overdue ? 'danger' : 'default', link: '/channel/inbox' },
            { key: 'unread', label: say(ctx, '未读', 'Unread'), value: s.unread, link: '/channel/inbox' },
            { key: 'done', label: say(ctx, '近 7 天办结', 'Done in 7 days'), value: s.done7Days, tone: 'success', link: '/channel/inbox' },
          ],
          note: say(ctx, '上级任务、待报报表和待维护数据都在这一个收件箱里', 'Tasks from above, reports due and base data to review, all in one inbox'),
        },
      ];
    },
  };
}

// Public face of the work channel (工作通道): tasks and notices from above reach a street,
// community or grid through one inbox, each citing an admitted duty item; reports due and stale
// base data arrive in the same inbox; streets summon departments (街乡吹哨、部门报到). Other modules
// use WorkChannel through this file only.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppModule } from '../../platform/module.js';
import type { Platform } from '../../platform/platform.js';
import type { TreeService } from '../tree/index.js';
import './events.js';
import { InboxService } from './inbox.js';
import type { DutyItemPort, ReportTemplatePort, StaleDataPort } from './ports.js';
import { workChannelRoutes } from './routes.js';
import { TaskService } from './tasks.js';
import { whistleRoutes } from './whistle-routes.js';
import { WhistleService } from './whistles.js';

export { WorkChannelErrors } from './errors.js';
export { workChannelTiles } from './tiles.js';
export type { AdmittedDutyItem, DutyItemPort, ReportTemplatePort, StaleDataPort } from './ports.js';
export type { InboxItem, TaskOut, WhistleOut } from './schemas.js';

export interface WorkChannel {
  readonly tasks: TaskService;
  readonly inbox: InboxService;
  readonly whistles: WhistleService;
  /** Connects the duty lists; until then every task is refused (DUTY_LISTS_UNAVAILABLE). */
  /** Connects (or, with null, disconnects) the duty lists that admit tasks. */
  connectDutyItems(port: DutyItemPort | null): void;
}

export interface WorkChannelDeps {
  tree: TreeService;
  /** The duty lists (权责清单); absent: every task is refused with DUTY_LISTS_UNAVAILABLE. */
  dutyItems?: DutyItemPort | null;
  /** The registry's base-data freshness, for stale-data to-dos. */
  staleData?: StaleDataPort | null;
  /** Approved report templates a task may link to. */
  reportTemplates?: ReportTemplatePort | null;
}

export function createWorkChannelModule(platform: Platform, deps: WorkChannelDeps): AppModule<WorkChannel> {
  const tasks = new TaskService(platform, deps.tree, { dutyItems: deps.dutyItems, reportTemplates: deps.reportTemplates });
  const inbox = new InboxService(platform, deps.tree, tasks, deps.staleData ?? null);
  const whistles = new WhistleService(platform, deps.tree);
  const service: WorkChannel = { tasks, inbox, whistles, connectDutyItems: (port) => tasks.connectDutyItems(port) };
  platform.events.on('reports.remindersRecorded', (e, tx) => inbox.onReportReminders(tx, e.reminders));
  platform.events.on('reports.dueSubmitted', (e, tx, ctx) => inbox.onReportSubmitted(tx, ctx, e.dueId));
  const routes: FastifyPluginAsyncTypebox = async (app) => {
    await app.register(workChannelRoutes(tasks, inbox));
    await app.register(whistleRoutes(whistles));
  };
  return {
    name: 'workChannel',
    service,
    routes,
    async start() {
      // Reminders before the deadline and once overdue: one job per task and kind, claimed FOR UPDATE SKIP LOCKED.
      platform.jobs.handle('workChannel.remind', async (job, db) => {
        const kind = job.payload.kind === 'soon' ? 'soon' : 'overdue';
        await tasks.remind(db, Number(job.payload.taskId), kind);
      });
      // The hourly safety net for overdue reminders, and stale base data every six hours.
      platform.jobs.every('workChannel.sweepOverdue', 60 * 60_000, async (_job, db) => {
        await tasks.sweepOverdue(db);
      });
      platform.jobs.every('workChannel.sweepStale', 6 * 60 * 60_000, async (_job, db) => {
        await inbox.sweepStale(db);
      });
    },
  };
}

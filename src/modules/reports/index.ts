// Public face of the report registry (报表备案审批制) and one-click reports (一键报表). Other
// modules use ReportService; the templates compile against the report sources the registry
// publishes (src/modules/registry/reporting.ts), never against registry tables.
import type { Platform } from '../../platform/platform.js';
import type { AppModule } from '../../platform/module.js';
import type { RegistryService } from '../registry/index.js';
import type { TreeService } from '../tree/index.js';
import './events.js';
import { reportRoutes } from './routes.js';
import { ReportService } from './service.js';

export { ReportService } from './service.js';
export { ReportErrors } from './errors.js';
export { builtinTemplates } from './builtins.js';
export { compileReport, compileDrill, resolveTemplate, MAX_CELLS } from './compiler.js';
export type { TemplateDefinition } from './definition.js';
export type { ReportResult, TemplateOut, DueOut, SubmissionOut } from './schemas.js';
export { reportTiles } from './tiles.js';
export type { ReportReminderEvent } from './events.js';

export function createReportsModule(platform: Platform, deps: { tree: TreeService; registry: RegistryService }): AppModule<ReportService> {
  const service = new ReportService(platform, deps.tree, deps.registry);
  return {
    name: 'reports',
    service,
    routes: reportRoutes(service),
    init: () => service.templates.ensureBuiltins(),
    async start() {
      // Send reports down, mark missed deadlines and remind, every hour across the cluster; and once now.
      platform.jobs.every('reports.sweep', 60 * 60_000, async () => {
        await service.submissions.sweep();
      });
      try {
        const r = await service.submissions.sweep();
        platform.log.info(r, 'reports sent down and deadlines checked');
      } catch (err) {
        platform.log.warn({ err }, 'report sweep at start failed; the hourly job will retry');
      }
    },
  };
}


// Public face of spreadsheet exchange (导入导出): importing the sheets communities keep and
// exporting any filtered list. It reaches base data only through RegistryService.
import type { Platform } from '../../app.js';
import type { AppModule } from '../../platform/module.js';
import type { RegistryService } from '../registry/index.js';
import type { TreeService } from '../tree/index.js';
import { ExportService } from './exporter.js';
import { IMPORT_JOB_KIND, ImportService } from './importer.js';
import { exchangeRoutes } from './routes.js';

export { ExchangeErrors } from './errors.js';
export { IMPORT_JOB_KIND, MAX_IMPORT_ROWS, ISSUE_RETENTION_DAYS, type ImportView, type StartInput } from './importer.js';
export { runImportCommand, runExportCommand } from './cli.js';

export class ExchangeService {
  readonly imports: ImportService;
  readonly exports: ExportService;

  constructor(platform: Platform, registry: RegistryService, tree: TreeService) {
    this.imports = new ImportService(platform, registry, tree);
    this.exports = new ExportService(platform, registry, tree);
  }
}

const PURGE_EVERY_MS = 6 * 3_600_000;

export function createExchangeModule(platform: Platform, deps: { registry: RegistryService; tree: TreeService }): AppModule<ExchangeService> {
  const service = new ExchangeService(platform, deps.registry, deps.tree);
  platform.jobs.handle(IMPORT_JOB_KIND, async (job) => {
    await service.imports.run(Number(job.payload.importId));
  });
  platform.jobs.every('exchange.purge', PURGE_EVERY_MS, async () => {
    await service.imports.purge();
  });
  return { name: 'exchange', service, routes: exchangeRoutes(service.imports, service.exports) };
}

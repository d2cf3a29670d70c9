// Public face of spreadsheet exchange (导入导出): importing the sheets communities keep and
// exporting any filtered list. It reaches base data only through RegistryService.
import type { Platform } from '../../platform/platform.js';
import type { AppModule } from '../../platform/module.js';
import type { RegistryService } from '../registry/index.js';
import type { TreeService } from '../tree/index.js';
import { ExportService } from './exporter.js';
import { IMPORT_JOB_KIND, ImportService } from './importer.js';
import { exchangeRoutes } from './routes.js';

export { ExchangeErrors } from './errors.js';
// Other modules that take uploads read them through the same isolated readers (decision 0022).
export type { SheetReaders } from './readers.js';
export type { SheetSource, SourceRow } from './sources.js';
export type { Cell } from './values.js';
export { IMPORT_JOB_KIND, MAX_IMPORT_ROWS, ISSUE_RETENTION_DAYS, kindNames, type ImportService, type ImportView, type StartInput } from './importer.js';

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
  // The queue's claim is exclusive (a previous worker's heartbeat stopped, or it is new), so the
  // import is taken over from whatever runner it names; the signal stops it between batches.
  platform.jobs.handle(IMPORT_JOB_KIND, async (job, _db, signal) => {
    await service.imports.run(Number(job.payload.importId), { signal, takeOver: true });
  });
  platform.jobs.every('exchange.purge', PURGE_EVERY_MS, async () => {
    await service.imports.purge();
  });
  return { name: 'exchange', service, routes: exchangeRoutes(service.imports, service.exports) };
}

// The modules in dependency order. Each receives the platform and the services it depends on,
// so the compiler checks the wiring; `list` is the order routes are registered and started in.
import type { Platform } from '../app.js';
import type { AppModule } from '../platform/module.js';
import { createAccountsModule } from './accounts/index.js';
import { createCertificatesModule } from './certificates/index.js';
import { createDashboardModule } from './dashboard/index.js';
import { createExchangeModule } from './exchange/index.js';
import { createRegistryModule } from './registry/index.js';
import { createReportsModule, reportTiles } from './reports/index.js';
import { createTreeModule } from './tree/index.js';

export function createModules(platform: Platform) {
  const tree = createTreeModule(platform);
  const accounts = createAccountsModule(platform, { tree: tree.service });
  const registry = createRegistryModule(platform, { tree: tree.service });
  const reports = createReportsModule(platform, { tree: tree.service, registry: registry.service });
  const certificates = createCertificatesModule(platform, { tree: tree.service, registry: registry.service });
  const exchange = createExchangeModule(platform, { registry: registry.service, tree: tree.service });
  const dashboard = createDashboardModule(platform, { tree: tree.service, registry: registry.service });
  dashboard.service.register(reportTiles(reports.service.submissions));
  const list: AppModule<unknown>[] = [tree, accounts, registry, reports, certificates, exchange, dashboard];
  return { tree, accounts, registry, reports, certificates, exchange, dashboard, list };
}

export type Modules = ReturnType<typeof createModules>;

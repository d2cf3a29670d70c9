// The modules in dependency order. Each receives the platform and the services it depends on,
// so the compiler checks the wiring; `list` is the order routes are registered and started in.
import type { Platform } from '../platform/platform.js';
import type { AppModule } from '../platform/module.js';
import { createAccountsModule } from './accounts/index.js';
import { createCertificatesModule } from './certificates/index.js';
import { createDashboardModule } from './dashboard/index.js';
import { createDutyListsModule, dutyTiles } from './duty-lists/index.js';
import { createExchangeModule } from './exchange/index.js';
import { createRegistryModule } from './registry/index.js';
import { createReportsModule, reportTiles } from './reports/index.js';
import { createTreeModule } from './tree/index.js';
import { createWorkChannelModule, workChannelTiles } from './work-channel/index.js';

export function createModules(platform: Platform) {
  const tree = createTreeModule(platform);
  const accounts = createAccountsModule(platform, { tree: tree.service });
  const registry = createRegistryModule(platform, { tree: tree.service });
  const reports = createReportsModule(platform, { tree: tree.service, registry: registry.service });
  const certificates = createCertificatesModule(platform, { tree: tree.service, registry: registry.service });
  const exchange = createExchangeModule(platform, { registry: registry.service, tree: tree.service });
  const dutyLists = createDutyListsModule(platform, { tree: tree.service, readers: exchange.service.imports.readers });
  const dashboard = createDashboardModule(platform, { tree: tree.service, registry: registry.service });
  dashboard.service.register(reportTiles(reports.service.submissions));
  dashboard.service.register(dutyTiles(dutyLists.service.lists));
  // The work channel admits a task only through the duty lists' port (admittedItem).
  const workChannel = createWorkChannelModule(platform, {
    tree: tree.service, dutyItems: dutyLists.service, staleData: registry.service.freshness, reportTemplates: reports.service.templates,
  });
  dashboard.service.register(workChannelTiles(workChannel.service.inbox));
  const list: AppModule<unknown>[] = [tree, accounts, registry, reports, certificates, exchange, dutyLists, dashboard, workChannel];
  return { tree, accounts, registry, reports, certificates, exchange, dutyLists, dashboard, workChannel, list };
}

export type Modules = ReturnType<typeof createModules>;

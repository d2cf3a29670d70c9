// Public face of the dashboard module (首页看板). Other modules add their tiles with
// `dashboard.service.register(provider)`; see tiles.ts for the shapes and README.md for an example.
import type { Platform } from '../../app.js';
import type { AppModule } from '../../platform/module.js';
import type { RegistryService } from '../registry/index.js';
import type { TreeService } from '../tree/index.js';
import { registryTiles, staffTiles, treeTiles } from './core-tiles.js';
import { dashboardRoutes } from './routes.js';
import { DashboardService } from './service.js';

export { DashboardService, type Dashboard } from './service.js';
export { say, tileKinds, type DashboardScope, type Datum, type Stat, type Tile, type TileProvider } from './tiles.js';

export function createDashboardModule(platform: Platform, deps: { tree: TreeService; registry: RegistryService }): AppModule<DashboardService> {
  const service = new DashboardService(deps.tree, platform.log);
  service.register(treeTiles(deps.tree));
  service.register(staffTiles(platform.auth));
  service.register(registryTiles(deps.registry, deps.tree, platform.config));
  return { name: 'dashboard', service, routes: dashboardRoutes(service, platform.config) };
}

// Public face of the dashboard module (首页看板). Other modules add their tiles with
// `dashboard.service.register(provider)`; see tiles.ts for the shapes and README.md for an example.
import type { Platform } from '../../platform/platform.js';
import type { AppModule } from '../../platform/module.js';
import type { RegistryService } from '../registry/index.js';
import type { TreeService } from '../tree/index.js';
import { CountCache } from './cache.js';
import { countRegistry, registryTiles, staffTiles, treeTiles, type RegistryNumbers } from './core-tiles.js';
import { dashboardRoutes } from './routes.js';
import { DashboardService } from './service.js';

export { DashboardService } from './service.js';
export { tileKinds, type DashboardOut, type Datum, type Stat, type Tile } from './schemas.js';
export { say, type DashboardScope, type TileProvider } from './tiles.js';

/** How long the numbers of a street, district or city are kept before they are counted again. */
export const WIDE_SCOPE_TTL_MS = 5 * 60_000;

export function createDashboardModule(platform: Platform, deps: { tree: TreeService; registry: RegistryService }): AppModule<DashboardService> {
  const service = new DashboardService(deps.tree, platform.log);
  let stopped = false;
  const registryNumbers = new CountCache<RegistryNumbers>(WIDE_SCOPE_TTL_MS, countRegistry(deps.registry), (path, err) => platform.log.error({ err, path }, 'dashboard count failed'));
  service.register(treeTiles(deps.tree));
  service.register(staffTiles(platform.auth));
  service.register(registryTiles(deps.registry, deps.tree, platform.config, registryNumbers));
  return {
    name: 'dashboard',
    service,
    routes: dashboardRoutes(service, platform.config),
    // Count the city and its districts once at start, in the background, so the first person to
    // open a wide dashboard does not wait for the scan; later counts happen when asked for.
    async start() {
      stopped = false;
      const wide = await deps.tree.subtree('/', ['city', 'district']);
      void (async () => {
        for (const n of wide) {
          if (stopped) return;
          await registryNumbers.refresh(n.path).catch((err) => stopped || platform.log.error({ err, path: n.path }, 'dashboard warm-up failed'));
        }
      })();
    },
    async stop() {
      stopped = true;
    },
  };
}

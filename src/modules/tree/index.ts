// Public face of the tree module: other modules use TreeService, never the tree tables.
import type { Platform } from '../../platform/platform.js';
import type { AppModule } from '../../platform/module.js';
import './events.js';
import { treeRoutes } from './routes.js';
import { TreeService } from './service.js';

export { TreeService, type TreeNode, type Department, type NodeSummary } from './service.js';
export { TreeErrors } from './errors.js';
export type { NodeOut, NodeView, GridMap, DepartmentOut } from './schemas.js';
export { treeLevels, nodeKinds, gridLeaderTiers, specialGridKinds, type TreeLevel, type NodeKind } from './tables.js';
export * as divisionCodes from './codes.js';

export function createTreeModule(platform: Platform): AppModule<TreeService> {
  const service = new TreeService(platform.db, platform.audit, platform.events, platform.auth);
  return { name: 'tree', service, routes: treeRoutes(service) };
}

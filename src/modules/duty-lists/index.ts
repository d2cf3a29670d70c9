// Public face of the duty lists module (权责清单, 准入, 动态调整). Other modules use
// DutyListsService through this file only; they never import its tables, routes or other files.
import type { Platform } from '../../platform/platform.js';
import type { AppModule } from '../../platform/module.js';
import type { SheetReaders } from '../exchange/index.js';
import type { TreeService } from '../tree/index.js';
import './events.js';
import { dutyListsRoutes } from './routes.js';
import { DutyListsService } from './service.js';

export { DutyListsService, type AdmittedItem } from './service.js';
export { DutyErrors } from './errors.js';
export { dutyTiles } from './tiles.js';
export { listKinds, type ListKind } from './tables.js';
export { compareSnapshots, type Comparison } from './compare.js';
export type { SnapshotItem } from './tables.js';
export type { DutyItemOut, NewItemIn, CatalogueIn, AdmissionIn, HandbackIn, SearchHit, Overview } from './schemas.js';

export function createDutyListsModule(platform: Platform, deps: { tree: TreeService; readers: SheetReaders }): AppModule<DutyListsService> {
  const service = new DutyListsService(platform, deps.tree, deps.readers);
  return { name: 'dutyLists', service, routes: dutyListsRoutes(service, platform.config) };
}

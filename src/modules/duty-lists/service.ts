// The duty lists' public service (权责清单): the three lists of every township with their
// versions and the catalogue (ListService), admission of new work (AdmissionService) and
// hand-backs (HandbackService). Other modules reach all of it through this class; the work
// channel asks `admittedItem` whether a task cites an item on the lists of the unit it goes to.
import type { DbOrTx } from '../../db/client.js';
import type { AuthedContext } from '../../platform/context.js';
import type { Platform } from '../../platform/platform.js';
import type { SheetReaders } from '../exchange/index.js';
import type { TreeService } from '../tree/index.js';
import { AdmissionService } from './admissions.js';
import { HandbackService } from './handbacks.js';
import { ListService } from './lists.js';
import type { Overview, SearchHit, SearchQuery } from './schemas.js';
import type { ListKind } from './tables.js';

/** An item on a township's lists, as the work channel sees it. */
export interface AdmittedItem {
  id: number;
  name: string;
  listKind: ListKind;
  townshipNodeId: number;
  departmentId: number | null;
}

export class DutyListsService {
  readonly lists: ListService;
  readonly admissions: AdmissionService;
  readonly handbacks: HandbackService;

  constructor(
    platform: Platform,
    tree: TreeService,
    readonly readers: SheetReaders,
  ) {
    this.lists = new ListService(platform, tree);
    this.admissions = new AdmissionService(platform, tree, this.lists);
    this.handbacks = new HandbackService(platform, tree, this.lists);
  }

  /**
   * The item, when it is currently on (admitted to) the lists of the township that is, or
   * contains, tree node `nodeId` (a street, or a community or grid under it); else null. Any of
   * the three lists counts; the caller decides what a taken-back item means for it. Inside a
   * transaction pass it as `db` (PGlite has one connection).
   */
  admittedItem(itemId: number, nodeId: number, db?: DbOrTx): Promise<AdmittedItem | null> {
    return this.lists.admittedItem(itemId, nodeId, db);
  }

  /** Items for pickers: on the lists of the township that is or contains `nodeId` (or every township under it), within the caller's area. */
  searchItems(ctx: AuthedContext, q: { q?: string; nodeId?: number; listKind?: ListKind; limit?: number }): Promise<SearchHit[]> {
    return this.lists.searchItems(ctx, q satisfies SearchQuery);
  }

  /** Items per list for each township under a path, and the averages (dashboards, assessment). */
  countsUnder(rootPath: string): Promise<Overview> {
    return this.lists.countsUnder(rootPath);
  }
}

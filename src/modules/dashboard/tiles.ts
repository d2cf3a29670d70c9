// What a dashboard is made of. Each module that has something to show on the home page of a level
// (基础数据, 报表, 证明 …) registers a TileProvider with the dashboard service; the service asks
// every provider the caller may use for its tiles under the chosen node and returns them in one
// answer. Tiles are plain data in a few generic shapes, so the web app draws a new module's tiles
// without new code (a feature may still register its own renderer for a tile key).
import type { Permission } from '../../platform/auth/roles.js';
import type { AuthedContext, RequestContext } from '../../platform/context.js';
import type { Tile } from './schemas.js';
import type { TreeNode } from '../tree/index.js';

export { tileKinds, tones, type Datum, type Stat, type Tile } from './schemas.js';

/** The node a dashboard is drawn for, already checked against the caller's scope. */
export interface DashboardScope {
  node: TreeNode;
  /** Names from the city down to the node. */
  trail: string[];
  /** Current children of the node (empty for a grid). */
  children: TreeNode[];
  /** True when the caller may read base data in this subtree (community, grid, street staff). */
  readsRegistry: boolean;
}

export interface TileProvider {
  /** Stable key, usually the module name; errors are reported under it. */
  readonly key: string;
  /** The caller needs any one of these; none means everyone who may see a dashboard. */
  readonly permission?: Permission | readonly Permission[];
  tiles(ctx: AuthedContext, scope: DashboardScope): Promise<Tile[]>;
}

/** Picks the caller's language from a pair. */
export function say(ctx: RequestContext, zh: string, en: string): string {
  return ctx.lang === 'en' ? en : zh;
}

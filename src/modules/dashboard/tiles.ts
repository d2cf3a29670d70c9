// What a dashboard is made of. Each module that has something to show on the home page of a level
// (基础数据, 报表, 证明 …) registers a TileProvider with the dashboard service; the service asks
// every provider the caller may use for its tiles under the chosen node and returns them in one
// answer. Tiles are plain data in a few generic shapes, so the web app draws a new module's tiles
// without new code (a feature may still register its own renderer for a tile key).
import { Type, type Static } from '@sinclair/typebox';
import type { Permission } from '../../platform/auth/roles.js';
import type { RequestContext } from '../../platform/context.js';
import type { TreeNode } from '../tree/index.js';

export const tileKinds = ['stats', 'bars', 'pie', 'table'] as const;
export const tones = ['default', 'success', 'warning', 'danger'] as const;

const Stat = Type.Object({
  key: Type.String(),
  label: Type.String(),
  /** null when the count is suppressed (small cells) or unknown. */
  value: Type.Union([Type.Number(), Type.Null()]),
  suffix: Type.Optional(Type.String()),
  tone: Type.Optional(Type.String({ enum: [...tones] })),
  /** A web route to open for the details, e.g. "/stale". */
  link: Type.Optional(Type.String()),
  hint: Type.Optional(Type.String()),
});

const Datum = Type.Object({
  key: Type.String(),
  label: Type.String(),
  value: Type.Union([Type.Number(), Type.Null()]),
  link: Type.Optional(Type.String()),
});

const TableColumn = Type.Object({ key: Type.String(), title: Type.String(), numeric: Type.Optional(Type.Boolean()) });

export const TileSchema = Type.Object(
  {
    key: Type.String({ description: 'Stable key, "<module>.<what>", e.g. registry.labels' }),
    title: Type.String({ description: "In the caller's language" }),
    kind: Type.String({ enum: [...tileKinds] }),
    /** Lower comes first. Core tiles use 10-90; later modules pick their own range. */
    order: Type.Integer(),
    /** Columns of a three-column desktop row the tile spans; phones stack every tile. */
    width: Type.Integer({ minimum: 1, maximum: 3 }),
    stats: Type.Optional(Type.Array(Stat)),
    series: Type.Optional(Type.Array(Datum)),
    table: Type.Optional(
      Type.Object({
        columns: Type.Array(TableColumn),
        /** A row with a `nodeId` lets the web app open that node's dashboard from the row. */
        rows: Type.Array(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Null()]))),
      }),
    ),
    link: Type.Optional(Type.String({ description: 'Web route for "more"' })),
    note: Type.Optional(Type.String()),
    asOf: Type.Optional(Type.String({ format: 'date-time', description: 'When the numbers were counted, for tiles kept a few minutes (wide scopes)' })),
  },
  { description: 'One dashboard tile' },
);
export type Tile = Static<typeof TileSchema>;
export type Stat = Static<typeof Stat>;
export type Datum = Static<typeof Datum>;

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
  tiles(ctx: RequestContext, scope: DashboardScope): Promise<Tile[]>;
}

/** Picks the caller's language from a pair. */
export function say(ctx: RequestContext, zh: string, en: string): string {
  return ctx.lang === 'en' ? en : zh;
}

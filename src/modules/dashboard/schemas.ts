// The dashboard's contract (首页看板): the tiles every module contributes, the dashboard of a node
// and the public UI settings. The service and the tile providers take and return these types,
// the routes validate and serialise with them, and the web's client is generated from them.
import { Type, type Static } from '@sinclair/typebox';
import { DateTime, Nullable, StrictObject, StringEnum } from '../../platform/schemas.js';
import { treeLevels } from '../tree/index.js';

export const tileKinds = ['stats', 'bars', 'pie', 'table'] as const;
export const tones = ['default', 'success', 'warning', 'danger'] as const;

export const Stat = Type.Object({
  key: Type.String(),
  label: Type.String(),
  /** null when the count is suppressed (small cells) or unknown. */
  value: Type.Union([Type.Number(), Type.Null()]),
  suffix: Type.Optional(Type.String()),
  tone: Type.Optional(StringEnum(tones)),
  /** A web route to open for the details, e.g. "/stale". */
  link: Type.Optional(Type.String()),
  hint: Type.Optional(Type.String()),
});

export const Datum = Type.Object({
  key: Type.String(),
  label: Type.String(),
  value: Type.Union([Type.Number(), Type.Null()]),
  link: Type.Optional(Type.String()),
});

const TableColumn = Type.Object({ key: Type.String(), title: Type.String(), numeric: Type.Optional(Type.Boolean()) });

export const Tile = Type.Object(
  {
    key: Type.String({ description: 'Stable key, "<module>.<what>", e.g. registry.labels' }),
    title: Type.String({ description: "In the caller's language" }),
    kind: StringEnum(tileKinds),
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
export type Tile = Static<typeof Tile>;
export type Stat = Static<typeof Stat>;
export type Datum = Static<typeof Datum>;

export const DashboardQuery = StrictObject({ nodeId: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })) });
export type DashboardQuery = Static<typeof DashboardQuery>;

/** The node a dashboard is drawn for, as answers give it. */
export const NodeBrief = Type.Object({
  id: Type.Integer(), code: Type.String(), name: Type.String(), level: StringEnum(treeLevels), kind: Type.String(), path: Type.String(), parentId: Nullable(Type.Integer()),
  centerLat: Nullable(Type.Number()), centerLng: Nullable(Type.Number()),
});
export type NodeBrief = Static<typeof NodeBrief>;

export const DashboardOut = Type.Object({
  node: NodeBrief,
  trail: Type.Array(Type.String()),
  generatedAt: DateTime,
  tiles: Type.Array(Tile),
  unavailable: Type.Array(Type.Object({ key: Type.String(), message: Type.String() })),
});
export type DashboardOut = Static<typeof DashboardOut>;

export const UiConfigOut = Type.Object({
  tileUrl: Type.String({ description: 'QC_TILE_URL; empty when no tile server is configured' }),
  passwordMinLength: Type.Integer(),
  passwordMinClasses: Type.Integer(),
  sessionIdleMinutes: Type.Integer(),
});
export type UiConfigOut = Static<typeof UiConfigOut>;

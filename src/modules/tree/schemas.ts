// The tree's contract (行政区划与网格): every shape its routes take and give. The service takes and
// returns these types, the routes validate and serialise with them, and the web's client is
// generated from the OpenAPI document they produce.
import { Type, type Static } from '@sinclair/typebox';
import { DateString, Id, Nullable, PersonOut, StrictObject, StringEnum } from '../../platform/schemas.js';
import { gridLeaderTiers, nodeKinds, specialGridKinds, treeLevels } from './tables.js';

export const NodeOut = Type.Object(
  {
    id: Type.Integer(),
    code: Type.String({ description: 'GB/T 2260 / statistics-bureau / GB/T 30428.1 code' }),
    name: Type.String(),
    level: StringEnum(treeLevels),
    kind: Type.String(),
    specialKind: Nullable(Type.String()),
    parentId: Nullable(Type.Integer()),
    path: Type.String(),
    districtCode: Nullable(Type.String()),
    centerLat: Nullable(Type.Number()),
    centerLng: Nullable(Type.Number()),
    validFrom: Type.String(),
    validTo: Nullable(Type.String()),
    hasChildren: Type.Optional(Type.Boolean()),
  },
);
export type NodeOut = Static<typeof NodeOut>;

/** A node with its breadcrumb and the children the caller may see. */
export const NodeView = Type.Object({ node: NodeOut, ancestors: Type.Array(NodeOut), children: Type.Array(NodeOut) });
export type NodeView = Static<typeof NodeView>;

export const NodeQuery = StrictObject({ includeRetired: Type.Optional(Type.Boolean()) });

export const NodeHistoryEntry = Type.Object({
  code: Type.String(),
  name: Type.String(),
  parentId: Nullable(Type.Integer()),
  path: Type.String(),
  validFrom: Type.String(),
  validTo: Nullable(Type.String()),
  change: Type.String(),
  reason: Nullable(Type.String()),
  relatedNodeIds: Nullable(Type.Array(Type.Integer())),
});
export type NodeHistoryEntry = Static<typeof NodeHistoryEntry>;

export const SearchQuery = StrictObject({ q: Type.String({ minLength: 1, maxLength: 40 }), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) });
export const SearchHit = Type.Intersect([NodeOut, Type.Object({ trail: Type.Array(Type.String()) })]);
export type SearchHit = Static<typeof SearchHit>;

export const MapLevel = StringEnum(['community', 'grid'] as const);
export const MapQuery = StrictObject({ nodeId: Type.Optional(Id), levels: Type.Optional(Type.Array(MapLevel, { maxItems: 2 })) });
export type MapQuery = Static<typeof MapQuery>;

export const GeoJsonGeometry = Type.Object(
  { type: Type.Union([Type.Literal('Polygon'), Type.Literal('MultiPolygon')]), coordinates: Type.Array(Type.Unknown()) },
  { additionalProperties: false },
);

export const GridFeature = Type.Object({
  type: Type.Literal('Feature'),
  id: Type.Integer(),
  geometry: Type.Unknown({ description: 'GeoJSON Polygon or MultiPolygon' }),
  properties: Type.Object({ id: Type.Integer(), name: Type.String(), code: Type.String(), level: Type.String(), kind: Type.String(), specialKind: Nullable(Type.String()), parentId: Nullable(Type.Integer()) }),
});
export const GridMap = Type.Object({ type: Type.Literal('FeatureCollection'), features: Type.Array(GridFeature) });
export type GridMap = Static<typeof GridMap>;

export const PartyOrgIn = StrictObject({
  name: Type.String({ minLength: 2, maxLength: 100 }),
  orgType: Type.Optional(StringEnum(['branch', 'group', 'joint_branch'] as const)),
  secretaryName: Type.Optional(Type.String({ maxLength: 40 })),
  memberCount: Type.Optional(Type.Integer({ minimum: 0, maximum: 10000 })),
  establishedOn: Type.Optional(DateString),
});
export type PartyOrgIn = Static<typeof PartyOrgIn>;

export const LeaderIn = StrictObject({
  tier: StringEnum(gridLeaderTiers),
  personName: Type.String({ minLength: 1, maxLength: 40 }),
  title: Type.Optional(Type.String({ maxLength: 60 })),
  userId: Type.Optional(Id),
  since: Type.Optional(DateString),
});
export type LeaderIn = Static<typeof LeaderIn>;
export const LeadersIn = StrictObject({ leaders: Type.Array(LeaderIn, { maxItems: 20 }) });

/** 网格党组织 and 三级四长 of one grid. */
export const GridDetail = Type.Object({
  grid: NodeOut,
  partyOrg: Nullable(Type.Object({ name: Type.String(), orgType: Type.String(), secretaryName: Nullable(Type.String()), memberCount: Type.Integer(), establishedOn: Nullable(Type.String()) })),
  leaders: Type.Array(
    Type.Object({
      tier: Type.String(),
      personName: Type.String({ description: 'The leader’s name: for a leader with an account, the account’s display name' }),
      title: Nullable(Type.String()),
      userId: Nullable(Type.Integer()),
      person: Type.Union([PersonOut, Type.Null()], { description: 'The leader’s account (name, role, unit), when the leader has one' }),
      since: Nullable(Type.String()),
    }),
  ),
});
export type GridDetail = Static<typeof GridDetail>;

export const NewNodeIn = StrictObject({
  parentId: Id,
  level: StringEnum(['street', 'community', 'grid'] as const),
  code: Type.String({ pattern: '^[0-9]{9,15}$' }),
  name: Type.String({ minLength: 2, maxLength: 60 }),
  kind: Type.Optional(StringEnum([...nodeKinds.community, ...nodeKinds.grid, ...nodeKinds.street] as const)),
  specialKind: Type.Optional(StringEnum(specialGridKinds)),
  boundary: Type.Optional(GeoJsonGeometry),
  validFrom: Type.Optional(DateString),
});
export type NewNodeIn = Static<typeof NewNodeIn>;

export const MoveGridIn = StrictObject({ communityId: Id, effectiveDate: DateString, reason: Type.String({ minLength: 2, maxLength: 500 }) });
export type MoveGridIn = Static<typeof MoveGridIn>;

export const SplitPartIn = StrictObject({
  name: Type.String({ minLength: 2, maxLength: 60 }),
  kind: Type.Optional(StringEnum(nodeKinds.grid)),
  specialKind: Type.Optional(StringEnum(specialGridKinds)),
  boundary: Type.Optional(GeoJsonGeometry),
  buildingIds: Type.Optional(Type.Array(Id, { maxItems: 5000 })),
});
export type SplitPartIn = Static<typeof SplitPartIn>;
export const SplitGridIn = StrictObject({ effectiveDate: DateString, reason: Type.String({ minLength: 2, maxLength: 500 }), parts: Type.Array(SplitPartIn, { minItems: 2, maxItems: 10 }) });
export type SplitGridIn = Static<typeof SplitGridIn>;

export const DepartmentOut = Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String(), shortName: Type.String(), nodeId: Type.Integer() });
export type DepartmentOut = Static<typeof DepartmentOut>;

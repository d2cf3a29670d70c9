// The administrative tree (行政区划与网格): city > district/county > street/township >
// community/village > grid. Every record, user and permission hangs on one of these nodes.
import { sql } from 'drizzle-orm';
import { bigserial, char, date, doublePrecision, index, integer, jsonb, pgTable, serial, smallint, text, timestamp, uniqueIndex, varchar } from 'drizzle-orm/pg-core';
import { pathIndex, pathText, timestamps } from '../../db/columns.js';

export const treeLevels = ['city', 'district', 'street', 'community', 'grid'] as const;
export type TreeLevel = (typeof treeLevels)[number];

/**
 * Node kinds by level. district: 市辖区 / 县 / 县级市; street: 街道 / 镇 / 乡 (7th digit of the
 * 9-digit code: 0 street, 1 town, 2-3 township); community: 居委会 (001-199) / 村委会 (200+);
 * grid: 城市 urban / 农村 rural / 专属 special (a school, hospital, market or industrial park).
 */
export const nodeKinds = {
  city: ['city'],
  district: ['urban_district', 'county', 'county_city', 'zone'],
  street: ['subdistrict', 'town', 'township', 'zone'],
  community: ['residents_committee', 'villagers_committee'],
  grid: ['urban', 'rural', 'special'],
} as const;
export type NodeKind = (typeof nodeKinds)[TreeLevel][number];
export const specialGridKinds = ['school', 'hospital', 'market', 'industrial_park', 'other'] as const;

export const treeNodes = pgTable(
  'tree_node',
  {
    id: serial('id').primaryKey(),
    /** GB/T 2260 (6 digits), township 9, community/village 12, grid 15 (GB/T 30428.1). */
    code: varchar('code', { length: 15 }).notNull(),
    name: text('name').notNull(),
    level: varchar('level', { length: 12 }).notNull().$type<TreeLevel>(),
    kind: varchar('kind', { length: 24 }).notNull().$type<NodeKind>(),
    /** For special grids (专属网格): school, hospital, market, industrial_park. */
    specialKind: varchar('special_kind', { length: 24 }),
    parentId: integer('parent_id'),
    /** Ids from the root, slash-delimited and closed: "/1/12/130/". */
    path: pathText('path').notNull(),
    depth: smallint('depth').notNull(),
    /** District (区县) code of this node; null only for the city. */
    districtCode: char('district_code', { length: 6 }),
    /** GeoJSON Polygon or MultiPolygon in WGS-84, for the map. */
    boundary: jsonb('boundary'),
    centerLat: doublePrecision('center_lat'),
    centerLng: doublePrecision('center_lng'),
    areaKm2: doublePrecision('area_km2'),
    sortOrder: integer('sort_order').notNull().default(0),
    /** Effective dating: a grid that is moved or split ends here and its successors begin. */
    validFrom: date('valid_from', { mode: 'string' }).notNull().default('2000-01-01'),
    validTo: date('valid_to', { mode: 'string' }),
    ...timestamps,
  },
  (t) => [
    pathIndex('tree_node_path_idx', t.path),
    index('tree_node_parent_idx').on(t.parentId),
    uniqueIndex('tree_node_code_current_uq').on(t.code).where(sql`valid_to IS NULL`),
    index('tree_node_level_idx').on(t.level),
  ],
);

/** Every state a node has had (its parent, path, name and code over time), for as-of queries. */
export const treeNodeHistory = pgTable(
  'tree_node_history',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    nodeId: integer('node_id').notNull(),
    code: varchar('code', { length: 15 }).notNull(),
    name: text('name').notNull(),
    parentId: integer('parent_id'),
    path: pathText('path').notNull(),
    validFrom: date('valid_from', { mode: 'string' }).notNull(),
    validTo: date('valid_to', { mode: 'string' }),
    /** created, renamed, moved, split_from, split_into, retired */
    change: varchar('change', { length: 16 }).notNull(),
    relatedNodeIds: jsonb('related_node_ids').$type<number[]>(),
    reason: text('reason'),
    changedBy: integer('changed_by'),
    changedAt: timestamp('changed_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
  },
  (t) => [index('tree_node_history_node_idx').on(t.nodeId, t.validFrom)],
);

/** 网格党组织: each grid's party organisation. */
export const gridPartyOrgs = pgTable('grid_party_org', {
  gridId: integer('grid_id').primaryKey(),
  name: text('name').notNull(),
  /** 党支部 branch, 党小组 group, 联合党支部 joint branch */
  orgType: varchar('org_type', { length: 16 }).notNull().default('branch'),
  secretaryName: text('secretary_name'),
  memberCount: integer('member_count').notNull().default(0),
  establishedOn: date('established_on', { mode: 'string' }),
  ...timestamps,
});

/**
 * 三级四长: the chain of responsibility over a grid. Three levels (street, community, grid)
 * and four chiefs: 街长 street chief, 社区长 community chief, 网格长 grid chief, 楼栋长 building chief.
 */
export const gridLeaderTiers = ['street_chief', 'community_chief', 'grid_chief', 'building_chief'] as const;
export const gridLeaders = pgTable(
  'grid_leader',
  {
    id: serial('id').primaryKey(),
    gridId: integer('grid_id').notNull(),
    tier: varchar('tier', { length: 20 }).notNull().$type<(typeof gridLeaderTiers)[number]>(),
    personName: text('person_name').notNull(),
    /** Job title, e.g. 街道党工委书记. */
    title: text('title'),
    userId: integer('user_id'),
    since: date('since', { mode: 'string' }),
    ...timestamps,
  },
  (t) => [index('grid_leader_grid_idx').on(t.gridId)],
);

/** Departments (民政, 公安, 卫健 …) at city or district level; their jurisdiction is a subtree. */
export const departments = pgTable(
  'department',
  {
    id: serial('id').primaryKey(),
    /** Stable short code shared across districts: civil_affairs, public_security, health … */
    code: varchar('code', { length: 32 }).notNull(),
    name: text('name').notNull(),
    shortName: text('short_name').notNull(),
    nodeId: integer('node_id').notNull(),
    treePath: pathText('tree_path').notNull(),
    ...timestamps,
  },
  (t) => [uniqueIndex('department_node_code_uq').on(t.nodeId, t.code)],
);

// What a feature (a group of pages mirroring a server module) declares to the shell: its routes,
// its menu entries, optionally what a role's home page is, and renderers for its dashboard tiles.
// See web/README.md ("Adding pages") for a worked example.
import type { ComponentType, LazyExoticComponent, ReactNode } from 'react';
import type { DashboardTile, Permission, Role } from '../api/types';

/** A bilingual label: [Chinese, English]. */
export type Text2 = readonly [string, string];

export interface FeatureRoute {
  /** Path under the app, e.g. "/residents/:id". */
  path: string;
  /** A lazily loaded page, so each feature is its own chunk: lazy(() => import('./Page')). */
  component: LazyExoticComponent<ComponentType> | ComponentType;
  /** Any one of these is enough; omitted means any logged-in user. */
  permission?: Permission | readonly Permission[];
}

export interface FeatureMenuItem {
  /** Unique key; also the test id of the menu entry (menu-<key>). */
  key: string;
  path: string;
  label: Text2;
  icon?: ReactNode;
  /** One of menuGroups' keys (unknown keys get a top-level entry of their own). */
  group: string;
  /** Lower first within the group. */
  order: number;
  permission?: Permission | readonly Permission[];
  /** Other path prefixes that also highlight this entry (e.g. sibling tabs of one page). */
  match?: readonly string[];
}

export interface FeatureHome {
  path: string;
  permission?: Permission | readonly Permission[];
  /** Only for these roles; omitted means any role with the permission. */
  roles?: readonly Role[];
  /** Higher wins when several homes fit the caller. */
  priority: number;
}

export interface TileProps {
  tile: DashboardTile;
  /** Opens another node's dashboard (table rows carrying a nodeId use it). */
  openNode(nodeId: number): void;
}

export interface Feature {
  key: string;
  routes: FeatureRoute[];
  menu?: FeatureMenuItem[];
  /** Pages anyone may open without logging in (certificate check, service guide); drawn without the app frame. */
  publicRoutes?: FeatureRoute[];
  home?: FeatureHome[];
  /** Custom drawing for dashboard tiles by tile key; other tiles use the generic renderers. */
  tiles?: Record<string, ComponentType<TileProps>>;
}

/** Menu sections, in order. */
export const menuGroups: { key: string; label: Text2; order: number }[] = [
  { key: 'overview', label: ['工作台', 'Overview'], order: 10 },
  { key: 'base', label: ['基础数据', 'Base data'], order: 20 },
  { key: 'services', label: ['业务办理', 'Services'], order: 30 },
  { key: 'department', label: ['部门协同', 'Departments'], order: 40 },
  { key: 'admin', label: ['系统管理', 'Administration'], order: 80 },
  { key: 'audit', label: ['安全审计', 'Audit'], order: 90 },
];

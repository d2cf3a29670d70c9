// The feature registry: every group of pages the app has. To add pages, create
// web/src/features/<name>/index.ts exporting a Feature (routes, menu entries with the permission
// each needs, optionally a role's home page and dashboard tile renderers) and list it below.
// The shell builds the router and the menu from this list; nothing else needs editing.
import type { Permission, Role } from '../api/types';
import { adminFeature } from './admin';
import { approvalsFeature } from './approvals';
import { auditFeature } from './audit';
import { certificatesFeature } from './certificates';
import { dashboardFeature } from './dashboard';
import { departmentFeature } from './department';
import { dutyListsFeature } from './duty-lists';
import { exchangeFeature } from './exchange';
import { profileFeature } from './profile';
import { recordsFeature } from './records';
import { reportsFeature } from './reports';
import { residentsFeature } from './residents';
import { workChannelFeature } from './work-channel';
import { menuGroups, type Feature, type FeatureMenuItem, type Text2 } from './types';

export const features: Feature[] = [dashboardFeature, residentsFeature, recordsFeature, exchangeFeature, certificatesFeature, reportsFeature, workChannelFeature, departmentFeature, dutyListsFeature, adminFeature, auditFeature, approvalsFeature, profileFeature];

/** Pages open without logging in, from every feature. */
export const publicRoutes = features.flatMap((f) => f.publicRoutes ?? []);

type Can = (p: Permission | readonly Permission[] | undefined) => boolean;

/** Menu sections with the entries the caller may use; empty sections are left out. */
export function visibleMenu(can: Can): { key: string; label: Text2; items: FeatureMenuItem[] }[] {
  const items = features.flatMap((f) => f.menu ?? []).filter((m) => can(m.permission));
  const groups = [...menuGroups];
  for (const i of items) if (!groups.some((g) => g.key === i.group)) groups.push({ key: i.group, label: i.label, order: 100 });
  return groups
    .sort((a, b) => a.order - b.order)
    .map((g) => ({ key: g.key, label: g.label, items: items.filter((i) => i.group === g.key).sort((a, b) => a.order - b.order) }))
    .filter((g) => g.items.length);
}

/** Where "/" leads for this caller: the best-fitting declared home, else the first menu entry. */
export function homePath(can: Can, role: Role | undefined): string | null {
  const homes = features
    .flatMap((f) => f.home ?? [])
    .filter((h) => can(h.permission) && (!h.roles || (role && h.roles.includes(role))))
    .sort((a, b) => b.priority - a.priority);
  if (homes[0]) return homes[0].path;
  return visibleMenu(can)[0]?.items[0]?.path ?? null;
}

export function tileRenderer(key: string) {
  for (const f of features) if (f.tiles?.[key]) return f.tiles[key];
  return undefined;
}

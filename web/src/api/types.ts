// Shapes of the server's answers the web app relies on (see /api/docs for the full contract).
import type { Permission, Role } from '../../../src/platform/auth/roles';

export type { Permission, Role };

export interface NodeSummary {
  id: number;
  name: string;
  level: TreeLevel;
  code: string;
  path: string;
  trail: string[];
}

export type TreeLevel = 'city' | 'district' | 'street' | 'community' | 'grid';

export interface Me {
  user: {
    id: number;
    username: string;
    displayName: string;
    role: Role;
    roleName: string;
    gridWorkerKind: string | null;
    departmentId: number | null;
    totpEnabled: boolean;
    mustChangePassword: boolean;
  };
  permissions: Permission[];
  node: NodeSummary | null;
  mfaPending: boolean;
}

export interface TreeNode {
  id: number;
  code: string;
  name: string;
  level: TreeLevel;
  kind: string;
  specialKind: string | null;
  parentId: number | null;
  path: string;
  districtCode: string | null;
  centerLat: number | null;
  centerLng: number | null;
  validFrom: string;
  validTo: string | null;
  hasChildren?: boolean;
}

export interface NodeView {
  node: TreeNode;
  ancestors: TreeNode[];
  children: TreeNode[];
}

export interface Page<T> {
  items: T[];
  total: number;
  totalCapped?: boolean;
  limit: number;
  offset: number;
}

export interface UiConfig {
  tileUrl: string;
  passwordMinLength: number;
  passwordMinClasses: number;
  sessionIdleMinutes: number;
}

export interface CodeName {
  zh: string;
  en: string;
}

export interface FieldInfo {
  key: string;
  zh: string;
  en: string;
  type: 'string' | 'text' | 'date' | 'integer' | 'number' | 'code' | 'reference';
  personal: boolean;
  secret: 'idNumber' | 'phone' | null;
  required: boolean;
  system: boolean;
  codes?: Record<string, CodeName>;
}

export type RecordKind = 'resident' | 'household' | 'building' | 'house' | 'organisation' | 'facility';

export interface Catalogue {
  kinds: Record<RecordKind, FieldInfo[]>;
  codeTables: Record<string, Record<string, CodeName>>;
}

export interface LabelKind {
  code: string;
  nameZh: string;
  nameEn: string;
  appliesTo: string;
  owner: string;
  reviewDays: number;
  attributeSchema: Record<string, { type: 'string' | 'number' | 'date'; zh: string; en: string; codes?: Record<string, string> }>;
  /** Plausibility rules: who the label usually fits (warned about, never refused). */
  rules: LabelRules;
  sensitive: boolean;
  active: boolean;
  sortOrder: number;
}

export interface LabelRules {
  ageMin?: number | null;
  ageMax?: number | null;
  sex?: '1' | '2' | null;
}

/** 标签提议: a label a department keeps, proposed by the community (GET /label-proposals). */
export interface LabelProposal {
  id: number;
  status: 'pending' | 'confirmed' | 'rejected' | 'withdrawn';
  statusName: string;
  label: { code: string; name: string };
  owner: string;
  ownerName: string;
  resident: { id: number; name?: string; sex?: string; age?: number; birthDate?: string; idNumber?: string; address?: string; [k: string]: unknown };
  place: string;
  source: 'import' | 'manual';
  evidence: { importId?: number; fileName?: string; rowNo?: number; column?: string; text?: string };
  note: string | null;
  since: string | null;
  proposedBy: string;
  proposedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionReason: string | null;
  warnings: string[];
}

export interface FieldPolicy {
  id: number;
  recordKind: RecordKind;
  fieldGroup: string;
  fields: string[];
  labelCode: string | null;
  owner: string;
  reviewDays: number;
  nameZh: string;
  nameEn: string;
}

export interface RecordOut {
  id: number;
  kind: RecordKind;
  version: number;
  treePath: string;
  updatedAt: string;
  maskedFields: string[];
  [field: string]: unknown;
}

export interface ResidentOut extends RecordOut {
  name?: string;
  idNumber?: string | null;
  phone?: string | null;
  sex?: string | null;
  birthDate?: string | null;
  age?: number;
  gridId?: number;
  gridName?: string;
  status?: string;
  labels?: { code: string; since: string; until: string | null; attributes?: Record<string, unknown> }[];
}

export interface ResidentCard {
  resident: ResidentOut;
  labels: { code: string; name?: string; since: string; until: string | null; attributes?: Record<string, string | number>; active: boolean }[];
  household: { id: number; householdNo: string; members: { id: number; name: string; relationToHead: string | null; age: number | null }[] } | null;
  house: { id: number; building: string; unitNo: string | null; roomNo: string; address: string; fullAddress?: string } | null;
  /** Where the resident lives: the house's address, the free text, whether they agree; null when not shown to the caller. */
  address?: { status: 'agrees' | 'mismatch' | 'house_only' | 'text_only' | 'none'; text: string | null; house: string | null; address: string | null; reviewedAt: string | null; dueAt: string | null; overdue: boolean } | null;
  visits: { id: number; visitedAt: string; kind: string; notes: string | null; visitorId: number; confirmedPolicies: number[] }[];
  reviews: { policyId: number; name: string; reviewedAt: string; dueAt: string; overdue: boolean }[];
  place: string[];
}

export interface HistoryEntry {
  version: number;
  operation: string;
  changedFields: string[];
  source: string;
  reason: string | null;
  changedBy: string | null;
  changedAt: string;
}

export interface TrailEntry {
  at: string;
  actor: string;
  role: string;
  department: string | null;
  action: string;
  reason: string | null;
  result: string;
}

export interface StaleItem {
  recordKind: RecordKind;
  recordId: number;
  label: string;
  policyId: number;
  policyName: string;
  fields: string[];
  gridId: number;
  gridName: string;
  reviewedAt: string;
  dueAt: string;
  daysOverdue: number;
  /** Not a review: the free-text address contradicts the linked house. */
  problem?: 'address_mismatch';
}

export interface Grant {
  id: number;
  departmentId: number;
  recordKind: RecordKind;
  readFields: string[];
  writeFields: string[];
  unmaskedFields: string[];
  labels: string[];
  nodeId: number;
  purpose: string;
  validFrom: string;
  validTo: string | null;
  revokedAt: string | null;
}

export interface Department {
  id: number;
  code: string;
  name: string;
  shortName: string;
  nodeId: number;
}

export interface DashboardStat {
  key: string;
  label: string;
  value: number | null;
  suffix?: string;
  tone?: 'default' | 'success' | 'warning' | 'danger';
  link?: string;
  hint?: string;
}

export interface DashboardDatum {
  key: string;
  label: string;
  value: number | null;
  link?: string;
}

export interface DashboardTile {
  key: string;
  title: string;
  kind: 'stats' | 'bars' | 'pie' | 'table';
  order: number;
  width: number;
  stats?: DashboardStat[];
  series?: DashboardDatum[];
  table?: { columns: { key: string; title: string; numeric?: boolean }[]; rows: Record<string, string | number | null>[] };
  link?: string;
  note?: string;
  /** When the numbers were counted, for tiles the server keeps a few minutes (wide scopes). */
  asOf?: string;
}

export interface DashboardOut {
  node: { id: number; code: string; name: string; level: TreeLevel; kind: string; path: string; parentId: number | null; centerLat: number | null; centerLng: number | null };
  trail: string[];
  generatedAt: string;
  tiles: DashboardTile[];
  unavailable: { key: string; message: string }[];
}

export interface GridDetail {
  grid: TreeNode;
  partyOrg: { name: string; orgType: string; secretaryName: string | null; memberCount: number; establishedOn: string | null } | null;
  leaders: { tier: string; personName: string; title: string | null; userId: number | null; since: string | null }[];
}

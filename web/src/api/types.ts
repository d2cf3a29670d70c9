// Shapes of the server's answers the web app relies on (see /api/docs for the full contract).
import type { Permission, Role } from '../../../src/platform/auth/roles';
import type { ResponseOf } from './typed';

export type { Permission, Role };

export interface NodeSummary {
  id: number;
  name: string;
  level: TreeLevel;
  code: string;
  path: string;
  trail: string[];
}

// The tree's shapes come from its schemas (src/modules/tree/schemas.ts) through the generated contract.
export type NodeView = ResponseOf<'/api/tree/nodes/{id}'>;
export type TreeNode = NodeView['node'];
export type TreeLevel = TreeNode['level'];
export type GridDetail = ResponseOf<'/api/tree/grids/{id}'>;

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

export interface Page<T> {
  items: T[];
  total: number;
  totalCapped?: boolean;
  limit: number;
  offset: number;
}

export type UiConfig = ResponseOf<'/api/ui/config'>;

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

/** A staff member as the server names them: display name, role and unit (never the log-in name). */
export interface Person {
  id: number;
  name: string;
  role: string;
  unit: string | null;
}

/** A household named as people know it (户号, 户主), for callers granted the link only. */
export interface HouseholdRef {
  id: number;
  householdNo: string;
  headName: string | null;
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
  /** For a department granted 所属户: the household by number and head, instead of its id. */
  householdRef?: HouseholdRef;
  /** For a department granted 房屋: the house by its address, instead of its id. */
  houseRef?: { id: number; address: string };
}

export interface ResidentCard {
  resident: ResidentOut;
  labels: { code: string; name?: string; since: string; until: string | null; attributes?: Record<string, string | number>; active: boolean }[];
  household: { id: number; householdNo: string; members: { id: number; name: string; relationToHead: string | null; age: number | null }[] } | null;
  house: { id: number; building: string; unitNo: string | null; roomNo: string; address: string; fullAddress?: string } | null;
  /** Where the resident lives: the house's address, the free text, whether they agree; null when not shown to the caller. */
  address?: { status: 'agrees' | 'mismatch' | 'house_only' | 'text_only' | 'none'; text: string | null; house: string | null; address: string | null; reviewedAt: string | null; dueAt: string | null; overdue: boolean } | null;
  visits: { id: number; visitedAt: string; kind: string; notes: string | null; visitorId: number; visitor: Person | null; confirmedPolicies: number[] }[];
  /** owner: "community" or the code of the department that keeps the group. */
  reviews: { policyId: number; name?: string; owner: string; reviewedAt: string; dueAt: string; overdue: boolean }[];
  place: string[];
}

export interface HistoryEntry {
  version: number;
  operation: string;
  changedFields: string[];
  source: string;
  reason: string | null;
  changedBy: string | null;
  /** Who changed it, as the account is now; null for the system. */
  by: Person | null;
  changedAt: string;
}

export interface TrailEntry {
  at: string;
  /** The viewer's display name. */
  actor: string;
  role: string;
  /** Their department, else their division or grid. */
  unit: string | null;
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

// The dashboard's shapes come from its schemas (src/modules/dashboard/schemas.ts) through the generated contract.
export type DashboardOut = ResponseOf<'/api/dashboard'>;
export type DashboardTile = DashboardOut['tiles'][number];

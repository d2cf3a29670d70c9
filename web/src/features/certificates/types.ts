// Shapes of the certificates API (see /api/docs, tags "certificates", "certificates (public)" and
// "assisted service").

export interface Precondition {
  type: string;
  text: string;
  months?: number;
  years?: number;
  labels?: string[];
  statuses?: string[];
  relations?: string[];
  referTo?: string;
}

export interface CertificateKind {
  code: string;
  version: number;
  title: string;
  basis: string;
  purpose: string;
  process: string;
  materials: string[];
  preconditions: Precondition[];
  needsRelated: boolean;
  needs: string[];
  issuerRoles: string[];
  issuers: string;
  validityDays: number;
  template: string;
  sample: string;
  active: boolean;
  changedAt: string;
  changedBy: string;
  changeNote: string | null;
}

export interface HandbookEntry {
  code: string;
  title: string;
  authority: string;
  place: string;
  contact: string;
  materials: string[];
  online: boolean;
  onlineHow: string | null;
  basis: string;
  notes: string | null;
  keywords: string[];
  sortOrder: number;
  active: boolean;
  version: number;
  updatedAt: string;
  updatedBy: string | null;
}

export interface CheckItem {
  type: string;
  ok: boolean;
  text: string;
  rule: { zh: string; en: string };
  found: { zh: string; en: string };
  handbook?: { code: string; title: string; authority: string };
}

export interface CheckOutcome {
  kind: CertificateKind;
  ok: boolean;
  checks: CheckItem[];
  missing: { placeholder: string; needs: string }[];
  preview: string | null;
}

export type CertState = 'valid' | 'expired' | 'revoked';

export interface Certificate {
  id: number;
  number: string;
  verifyCode: string;
  kind: string;
  kindVersion: number;
  title: string;
  residentId: number;
  relatedResidentId: number | null;
  subjectName: string;
  subjectIdMasked: string;
  unitNodeId: number;
  unitName: string;
  purpose: string;
  recipient: string | null;
  publicText: string;
  issuedAt: string;
  issuedOn: string;
  validUntil: string;
  issuedByName: string;
  status: 'issued' | 'revoked';
  state: CertState;
  revokedAt: string | null;
  revokedByName: string | null;
  /** The worker's note (staff only). */
  revokeReason: string | null;
  /** The category the public page shows (a code of RevokeCategory). */
  revokeCategory: string | null;
  printCount: number;
  lastPrintedAt: string | null;
  verifyCount: number;
  lastVerifiedAt: string | null;
  algorithm: string;
  kid: string;
  statement: string;
  statementFormat: 'QC1' | 'QC2';
  statementText: string;
  signature: string;
  verifyUrl: string;
  pdfUrl: string;
  assistedRequestId: number | null;
}

export type VerdictStatus = 'valid' | 'revoked' | 'expired' | 'forged' | 'not_found';

export interface Verdict {
  status: VerdictStatus;
  reason: string;
  message: string;
  checkedAt: string;
  signature: { valid: boolean; algorithm: string; kid: string; signerId: string | null; unitCode: string | null; unitName: string | null; keyStatus: string | null; cached: boolean } | null;
  certificate: {
    number: string; verifyCode: string; title: string; kind: string; unitName: string; subjectName: string; subjectIdMasked: string; issuedOn: string; validUntil: string;
    text: string; recipient: string | null; revokedAt: string | null;
    /** Why it was revoked, as a category name; the worker's note is never public. */
    revokeCategory: string | null;
  } | null;
  claimed: { number: string; title: string | null; kind: string; unitCode: string; subjectName: string; subjectIdMasked: string; issuedOn: string; validUntil: string } | null;
}

export interface AssistedRequest {
  id: number;
  residentId: number;
  subjectName: string;
  communityNodeId: number;
  category: string;
  categoryName: string;
  channel: string;
  description: string;
  helpReason: string | null;
  vulnerability: string[];
  status: 'open' | 'in_progress' | 'done' | 'cancelled';
  statusName: string;
  dueOn: string;
  overdue: boolean;
  takenByName: string;
  result: string | null;
  doneAt: string | null;
  certificateId: number | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface AssistedDetail extends AssistedRequest {
  steps: { id: number; at: string; byName: string; action: string; status: string | null; statusName: string | null; note: string | null }[];
}

export interface AssistedStats {
  items: { communityNodeId: number; communityName: string; total: number; open: number; inProgress: number; done: number; cancelled: number; overdue: number; doneOnTime: number; avgDays: number | null }[];
  totals: { total: number; open: number; inProgress: number; done: number; cancelled: number; overdue: number; doneOnTime: number };
}

export interface RevokeCategory {
  code: string;
  nameZh: string;
  nameEn: string;
  sortOrder: number;
  active: boolean;
}

export interface Meta {
  placeholders: { key: string; zh: string; en: string; source: string; needs: string }[];
  preconditionTypes: string[];
  algorithms: string[];
  defaultSignerId: string;
  assisted: {
    categories: Record<string, { zh: string; en: string }>;
    channels: Record<string, { zh: string; en: string }>;
    statuses: Record<string, { zh: string; en: string }>;
  };
}

export interface PublishedKey {
  kid: string;
  algorithm: string;
  signerId: string | null;
  unitCode: string;
  unitName: string;
  publicKeyHex: string;
  publicKeyPem: string;
  status: 'active' | 'retired';
  createdAt: string;
  retiredAt: string | null;
}

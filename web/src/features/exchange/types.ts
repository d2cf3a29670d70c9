// Shapes of the import/export answers (see /api/docs, tag import-export).

export type RecordKind = 'resident' | 'household' | 'building' | 'house' | 'organisation' | 'facility';

export const recordKindsInOrder: RecordKind[] = ['resident', 'household', 'building', 'house', 'organisation', 'facility'];

export const kindNames: Record<RecordKind, readonly [string, string]> = {
  resident: ['居民', 'Residents'],
  household: ['户', 'Households'],
  building: ['楼栋', 'Buildings'],
  house: ['房屋', 'Houses'],
  organisation: ['单位与商户', 'Organisations'],
  facility: ['设施', 'Facilities'],
};

export interface ColumnMapping {
  index: number;
  header: string;
  target: string | null;
}

export interface Target {
  key: string;
  zh: string;
  en: string;
  required: boolean;
  type: 'field' | 'special' | 'label';
}

export interface ImportCounts {
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  warned: number;
  blank: number;
  /** Department-owned labels sent to their owner as proposals. */
  proposed?: number;
  buildingsCreated?: number;
  housesCreated?: number;
}

export interface ImportView {
  id: number;
  kind: RecordKind;
  status: 'uploaded' | 'queued' | 'running' | 'cancelling' | 'done' | 'cancelled' | 'failed';
  statusName: string;
  fileName: string;
  fileSize: number;
  format: 'xlsx' | 'csv';
  encoding: string | null;
  node: { id: number; name: string };
  defaultGridId: number | null;
  preview: {
    sheets: { name: string; rows: number; hidden: boolean }[];
    sheet: string | null;
    headerRow: number;
    headers: { index: number; header: string; samples: string[] }[];
    mappingSource: 'template' | 'headers';
    templateId: number | null;
    totalRows: number;
    /** Where the default grid came from (remembered with the template, the worker's last import …). */
    defaultGridSource?: 'chosen' | 'template' | 'last' | 'only' | null;
  } | null;
  mapping: ColumnMapping[];
  targets: Target[];
  missingRequired: string[];
  options: { blankClears?: boolean; createPlaces?: boolean };
  totalRows: number;
  processedRows: number;
  progress: number;
  counts: ImportCounts;
  error: { code: string; message: string } | null;
  createdBy: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  issueCount: number;
}

export interface ImportIssue {
  rowNo: number;
  severity: 'error' | 'warning';
  reasons: { column: string; message: string; severity?: 'error' | 'warning' }[];
  cells: string[];
}

/** What creating the sheet's missing places would do (POST /imports/:id/places). */
export interface PlacePlan {
  applies: boolean;
  grid: { id: number; name: string } | null;
  buildings: {
    name: string;
    address: string | null;
    status: 'new' | 'exists' | 'ambiguous';
    buildingId: number | null;
    namesakes: number;
    grid: { id: number; name: string } | null;
    rows: number;
    newHouses: { unitNo: string; roomNo: string }[];
    existingHouses: number;
  }[];
  newBuildings: number;
  newHouses: number;
  ambiguous: number;
  rows: number;
}

export const runningStates = new Set(['queued', 'running', 'cancelling']);

/** Excel's column letters: 0 → A, 26 → AA. */
export function columnLetter(i: number): string {
  let s = '';
  let n = i + 1;
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

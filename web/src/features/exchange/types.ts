// Shapes of the import/export answers, from the generated contract (tag import-export).
import type { ResponseOf } from '../../api/typed';

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

/** An import as the server shows it (GET /api/imports/{id}); the other shapes are parts of it. */
export type ImportView = ResponseOf<'/api/imports/{id}'>;
export type ColumnMapping = ImportView['mapping'][number];
export type Target = ImportView['targets'][number];
export type ImportCounts = ImportView['counts'];
export type ImportIssue = ResponseOf<'/api/imports/{id}/issues'>['items'][number];
/** What creating the sheet's missing places would do (POST /imports/:id/places). */
export type PlacePlan = ResponseOf<'/api/imports/{id}/places', 'post'>;

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

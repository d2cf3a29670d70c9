// Small-count protection (小数抑制). A figure counting fewer than `threshold` people (but more
// than none) can point at a person once it leaves the unit that made it, so outputs seen above
// that unit show "<N" instead. Primary suppression hides the small cells; secondary suppression
// hides one more cell in any group where a single hidden cell could be recovered from its total
// by subtraction. Ratios and shares built on a hidden cell are hidden with it.
import type { Principal } from '../../platform/context.js';
import type { ReportResult, ResultRow } from './engine.js';

export interface SuppressedResult extends ReportResult {
  /** Cells hidden for privacy, as "<rowKey>::<columnKey>". */
  suppressed: string[];
  suppressionThreshold: number;
}

/**
 * Does this viewer get the figures unprotected? Only the unit that made the report and the units
 * inside it: everyone above it (the street reading a community's report, departments, reviewers)
 * sees protected outputs.
 */
export function seesUnprotected(principal: Principal, unitPath: string): boolean {
  return principal.permissions.has('registry:read') && principal.treePath.startsWith(unitPath);
}

export function cellId(rowKey: string, col: string): string {
  return `${rowKey}::${col}`;
}

/** Primary and secondary suppression, then derived columns (`refs`: ratio/share column -> the columns it uses). */
export function protect(result: ReportResult, threshold: number, refs: Map<string, string[]>): SuppressedResult {
  return suppressDerived(suppress(result, threshold), refs);
}

export function suppress(result: ReportResult, threshold: number): SuppressedResult {
  const hidden = new Set<string>();
  if (threshold <= 1) return { ...result, suppressed: [], suppressionThreshold: threshold };
  const countCols = result.columns.filter((c) => c.kind === 'count' || c.kind === 'countDistinct').map((c) => c.key);
  const measured = result.columns.filter((c) => c.computed && c.kind !== 'ratio' && c.kind !== 'share').map((c) => c.key);
  const small = (x: number | undefined) => x !== undefined && x > 0 && x < threshold;
  for (const row of result.rows) for (const k of measured) if (small(row.n[k])) hidden.add(cellId(row.key, k));

  // Secondary suppression: siblings that add up to a parent (detail rows to a subtotal or the
  // total, subtotals to the total). One hidden sibling alone would be total minus the others.
  const dims = result.dims.length;
  const groups: ResultRow[][] = [];
  if (dims === 1) groups.push(result.rows.filter((r) => r.level === 'detail'));
  if (dims === 2) {
    const byFirst = new Map<string, ResultRow[]>();
    for (const r of result.rows.filter((x) => x.level === 'detail')) byFirst.set(r.keys[0]!, [...(byFirst.get(r.keys[0]!) ?? []), r]);
    groups.push(...byFirst.values(), result.rows.filter((r) => r.level === 'subtotal'));
  }
  let changed = true;
  while (changed) {
    changed = false;
    for (const k of countCols) {
      for (const g of groups) {
        const hiddenHere = g.filter((r) => hidden.has(cellId(r.key, k)));
        if (hiddenHere.length !== 1) continue;
        const candidates = g.filter((r) => !hidden.has(cellId(r.key, k)) && (r.n[k] ?? 0) > 0).sort((a, b) => (a.n[k] ?? 0) - (b.n[k] ?? 0));
        if (candidates[0]) {
          hidden.add(cellId(candidates[0].key, k));
          changed = true;
        }
      }
    }
  }
  const rows = result.rows.map((row) => {
    const values = { ...row.values };
    for (const k of Object.keys(values)) if (hidden.has(cellId(row.key, k))) values[k] = null;
    return { ...row, values };
  });
  return { ...result, rows, suppressed: [...hidden], suppressionThreshold: threshold };
}

/** Hides ratio and share cells whose inputs are hidden (the definition says which columns they use). */
export function suppressDerived(result: SuppressedResult, refs: Map<string, string[]>): SuppressedResult {
  const hidden = new Set(result.suppressed);
  let changed = true;
  while (changed) {
    changed = false;
    for (const row of result.rows) {
      for (const [col, uses] of refs) {
        const id = cellId(row.key, col);
        if (hidden.has(id)) continue;
        // A share also depends on the total row of its column.
        if (uses.some((u) => hidden.has(cellId(row.key, u)))) {
          hidden.add(id);
          changed = true;
        }
      }
    }
  }
  const rows = result.rows.map((row) => {
    const values = { ...row.values };
    for (const k of Object.keys(values)) if (hidden.has(cellId(row.key, k))) values[k] = null;
    return { ...row, values };
  });
  return { ...result, rows, suppressed: [...hidden] };
}

// Small-count protection (小数抑制). A figure counting fewer than `threshold` people (but more
// than none) can point at a person once it leaves the unit that made it, so outputs seen above
// that unit show "<N" instead (primary suppression).
//
// Hiding a cell is not enough when the cells around it add up to a figure that is shown: the
// hidden one is then the total minus the others. Two kinds of sums hold in a report table:
// - down a column: detail rows add up to their subtotal, subtotals (or detail rows) to the total
//   row, and the units of a consolidated view to its grand total, for every additive column
//   (count, distinct count, sum);
// - across a row: columns the template declares as parts of another (`sums`: 男 + 女 = 实有人口,
//   0-17 + 18-59 + 60+ = 实有人口), on every row, the total row included.
// Secondary suppression hides more cells until no sum has exactly one hidden cell, taking the
// smallest non-zero figure available (the least information lost), and then checks the sums
// together as a linear system: a protected cell that the system still determines (two sums
// crossing at it, say) makes one more cell of its sums hidden, until none is determined.
// Cells withheld from a viewer altogether (label columns its grants do not cover) enter as
// hidden cells too, so that they cannot be worked out from the figures that remain.
// Ratios and shares built on a hidden cell are hidden with it.
import type { Principal } from '../../platform/context.js';
import type { ProtectedResult, ReportResult, ResultRow } from './schemas.js';

/** What protection works on: the columns and rows of a table (a unit's result, or the units of a consolidated view). */
export type Table = Pick<ReportResult, 'columns' | 'rows'>;
/** What protection adds to a table (schemas.ts `ProtectedResult`). */
export type Suppression = Pick<ProtectedResult, 'suppressed' | 'complementary' | 'suppressionThreshold' | 'withheldColumns'>;
export type SuppressedResult<T extends Table = ReportResult> = T & Suppression;

/** A declared sum: on every row, the parts add up to the total (or to no more than it). */
export interface SumRule {
  total: string;
  parts: string[];
}

export interface ProtectOptions {
  /** Declared sums across columns (the template's `sums`). */
  sums?: SumRule[];
  /** Columns the viewer may not see: hidden like small cells, then left out of the result. */
  withheld?: string[];
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

/** How a hidden cell is printed: "<N" for a small figure, "*" for one hidden to protect it. */
export function hiddenText(r: { suppressed?: string[]; complementary?: string[]; suppressionThreshold?: number }, id: string): string | null {
  if (!r.suppressed?.includes(id)) return null;
  return r.complementary?.includes(id) ? '*' : `<${r.suppressionThreshold ?? ''}`;
}

/** The note printed under a protected table (Excel, PDF): what "<N", "*" and missing columns mean. */
export function protectionNote(r: { suppressed?: string[]; complementary?: string[]; suppressionThreshold?: number; withheldColumns?: { title: string }[] }): string | null {
  const parts: string[] = [];
  const n = r.suppressionThreshold ?? '';
  if (r.suppressed?.length) parts.push(`小于 ${n} 的数字显示为“<${n}”`);
  if (r.complementary?.length) parts.push(`可据以推算出这些数字的数字显示为“*”`);
  if (r.withheldColumns?.length) parts.push(`数据授权未涵盖的标签列（${r.withheldColumns.map((c) => c.title).join('、')}）不予列出`);
  return parts.length ? `注：为保护个人信息，${parts.join('；')}。` : null;
}

const ADDITIVE = new Set(['count', 'countDistinct', 'sum']);

/** Primary and secondary suppression, then derived columns (`refs`: ratio/share column -> the columns it uses). */
export function protect<T extends Table>(result: T, threshold: number, refs: Map<string, string[]>, opts: ProtectOptions = {}): SuppressedResult<T> {
  const withheld = (opts.withheld ?? []).filter((k) => result.columns.some((c) => c.key === k));
  // A derived column built on a withheld one is withheld with it.
  for (let changed = true; changed; ) {
    changed = false;
    for (const [col, uses] of refs) {
      if (!withheld.includes(col) && uses.some((u) => withheld.includes(u))) {
        withheld.push(col);
        changed = true;
      }
    }
  }
  const s = suppressDerived(suppress(result, threshold, { ...opts, withheld }), refs);
  if (!withheld.length) return s;
  const drop = new Set(withheld);
  const keep = (id: string) => !drop.has(id.slice(id.lastIndexOf('::') + 2));
  return {
    ...s,
    columns: s.columns.filter((c) => !drop.has(c.key)),
    rows: s.rows.map((r) => ({ ...r, values: Object.fromEntries(Object.entries(r.values).filter(([k]) => !drop.has(k))), n: Object.fromEntries(Object.entries(r.n).filter(([k]) => !drop.has(k))) })),
    suppressed: s.suppressed.filter(keep),
    complementary: s.complementary.filter(keep),
    withheldColumns: result.columns.filter((c) => drop.has(c.key)).map((c) => ({ key: c.key, title: c.title, titleEn: c.titleEn })),
  };
}

/** The sums that hold in a table: each is [total cell, ...part cells]. */
export function sumConstraints(result: Table, sums: SumRule[] = []): string[][] {
  const out: string[][] = [];
  const cols = new Map(result.columns.map((c) => [c.key, c]));
  const additive = result.columns.filter((c) => c.computed && ADDITIVE.has(c.kind)).map((c) => c.key);
  const total = result.rows.find((r) => r.level === 'total');
  const details = result.rows.filter((r) => r.level === 'detail');
  const subtotals = result.rows.filter((r) => r.level === 'subtotal');
  const groups: { parent: ResultRow; children: ResultRow[] }[] = [];
  if (subtotals.length) {
    for (const st of subtotals) groups.push({ parent: st, children: details.filter((d) => d.keys[0] === st.keys[0]) });
    if (total) groups.push({ parent: total, children: subtotals });
  } else if (total && details.length) groups.push({ parent: total, children: details });
  for (const k of additive) {
    for (const g of groups) if (g.children.length) out.push([cellId(g.parent.key, k), ...g.children.map((c) => cellId(c.key, k))]);
  }
  for (const rule of sums) {
    if (!cols.has(rule.total) || rule.parts.some((p) => !cols.has(p))) continue;
    for (const row of result.rows) out.push([cellId(row.key, rule.total), ...rule.parts.map((p) => cellId(row.key, p))]);
  }
  return out;
}

export function suppress<T extends Table>(result: T, threshold: number, opts: ProtectOptions = {}): SuppressedResult<T> {
  const withheld = new Set(opts.withheld ?? []);
  if (threshold <= 1 && !withheld.size) return { ...result, suppressed: [], complementary: [], suppressionThreshold: threshold };
  const measured = result.columns.filter((c) => c.computed && c.kind !== 'ratio' && c.kind !== 'share').map((c) => c.key);
  const small = (x: number | undefined) => threshold > 1 && x !== undefined && x > 0 && x < threshold;
  const value = new Map<string, number>();
  const hidden = new Set<string>();
  /** Cells that must not be worked out: the small ones and the withheld ones. */
  const protectedCells = new Set<string>();
  for (const row of result.rows) {
    for (const k of measured) {
      const id = cellId(row.key, k);
      const v = row.values[k];
      value.set(id, typeof v === 'number' ? v : 0);
      if (small(row.n[k]) || withheld.has(k)) {
        hidden.add(id);
        protectedCells.add(id);
      }
    }
  }
  const constraints = sumConstraints(result, opts.sums).map((c) => c.filter((id) => value.has(id))).filter((c) => c.length >= 2);
  const byCell = new Map<string, number[]>();
  constraints.forEach((c, i) => c.forEach((id) => byCell.set(id, [...(byCell.get(id) ?? []), i])));

  /** Hides the visible cell of a sum that costs least: the smallest non-zero figure, else a zero. */
  const hideOneMore = (c: string[]): boolean => {
    const visible = c.filter((id) => !hidden.has(id));
    if (!visible.length) return false;
    visible.sort((a, b) => {
      const va = value.get(a) ?? 0;
      const vb = value.get(b) ?? 0;
      if ((va === 0) !== (vb === 0)) return va === 0 ? 1 : -1;
      return va - vb;
    });
    hidden.add(visible[0]!);
    return true;
  };

  for (let round = 0; round < 200; round++) {
    // 1. No sum may have exactly one hidden cell.
    let changed = true;
    while (changed) {
      changed = false;
      for (const c of constraints) {
        if (c.filter((id) => hidden.has(id)).length === 1 && hideOneMore(c)) changed = true;
      }
    }
    // 2. Nor may the sums taken together pin a protected cell down.
    const pinned = determinedCells(constraints, hidden, protectedCells);
    if (!pinned.length) break;
    // One more cell for each pinned one, in the nearest sum (through hidden cells) that still
    // shows a figure: that sum is what pins it.
    let added = false;
    for (const id of pinned) {
      const seenCells = new Set([id]);
      const seenSums = new Set<number>();
      let frontier = [id];
      let done = false;
      while (frontier.length && !done) {
        const next: string[] = [];
        for (const cell of frontier) {
          for (const i of byCell.get(cell) ?? []) {
            if (seenSums.has(i)) continue;
            seenSums.add(i);
            if (hideOneMore(constraints[i]!)) {
              done = true;
              break;
            }
            for (const other of constraints[i]!) {
              if (seenCells.has(other)) continue;
              seenCells.add(other);
              next.push(other);
            }
          }
          if (done) break;
        }
        frontier = next;
      }
      if (done) added = true;
    }
    if (!added) break;
  }

  const rows = result.rows.map((row) => {
    const values = { ...row.values };
    for (const k of Object.keys(values)) if (hidden.has(cellId(row.key, k))) values[k] = null;
    return { ...row, values };
  });
  return { ...result, rows, suppressed: [...hidden], complementary: [...hidden].filter((id) => !protectedCells.has(id)), suppressionThreshold: threshold };
}

/**
 * Protected hidden cells whose value follows from the sums taken together (the shown cells are
 * known, the hidden ones unknown): x is determined when its unit vector lies in the row space of
 * the sums restricted to the hidden cells. Checked per connected group of hidden cells, by
 * Gaussian elimination; groups of more than MAX_GROUP cells are left to the per-sum rule.
 */
export function determinedCells(constraints: string[][], hidden: Set<string>, targets: Set<string>): string[] {
  const MAX_GROUP = 400;
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  const rowsWithHidden: string[][] = [];
  for (const c of constraints) {
    const h = c.filter((id) => hidden.has(id));
    if (!h.length) continue;
    rowsWithHidden.push(c);
    for (const id of h) if (!parent.has(id)) parent.set(id, id);
    for (let i = 1; i < h.length; i++) parent.set(find(h[i]!), find(h[0]!));
  }
  const groups = new Map<string, { vars: string[]; eqs: string[][] }>();
  for (const id of parent.keys()) {
    const g = groups.get(find(id)) ?? { vars: [], eqs: [] };
    g.vars.push(id);
    groups.set(find(id), g);
  }
  for (const c of rowsWithHidden) groups.get(find(c.find((id) => hidden.has(id))!))!.eqs.push(c);
  const out: string[] = [];
  for (const g of groups.values()) {
    if (!g.vars.some((v) => targets.has(v)) || g.vars.length > MAX_GROUP) continue;
    const index = new Map(g.vars.map((v, i) => [v, i]));
    const m = g.eqs.map((c) => {
      const row = new Array<number>(g.vars.length).fill(0);
      c.forEach((id, i) => {
        const j = index.get(id);
        if (j !== undefined) row[j] += i === 0 ? 1 : -1;
      });
      return row;
    });
    // Reduced row echelon form.
    const pivots: number[] = [];
    let r = 0;
    for (let col = 0; col < g.vars.length && r < m.length; col++) {
      let best = r;
      for (let i = r + 1; i < m.length; i++) if (Math.abs(m[i]![col]!) > Math.abs(m[best]![col]!)) best = i;
      if (Math.abs(m[best]![col]!) < 1e-9) continue;
      [m[r], m[best]] = [m[best]!, m[r]!];
      const p = m[r]![col]!;
      for (let j = 0; j < g.vars.length; j++) m[r]![j]! /= p;
      for (let i = 0; i < m.length; i++) {
        if (i === r || Math.abs(m[i]![col]!) < 1e-12) continue;
        const f = m[i]![col]!;
        for (let j = 0; j < g.vars.length; j++) m[i]![j]! -= f * m[r]![j]!;
      }
      pivots.push(col);
      r += 1;
    }
    pivots.forEach((col, i) => {
      const v = g.vars[col]!;
      if (!targets.has(v)) return;
      const alone = m[i]!.every((x, j) => j === col || Math.abs(x) < 1e-9);
      if (alone) out.push(v);
    });
  }
  return out;
}

/** Hides ratio and share cells whose inputs are hidden (the definition says which columns they use). */
export function suppressDerived<T extends Table>(result: SuppressedResult<T>, refs: Map<string, string[]>): SuppressedResult<T> {
  const hidden = new Set(result.suppressed);
  const complementary = new Set(result.complementary);
  const total = result.rows.find((r) => r.level === 'total');
  const shares = new Set(result.columns.filter((c) => c.kind === 'share').map((c) => c.key));
  let changed = true;
  while (changed) {
    changed = false;
    for (const row of result.rows) {
      for (const [col, uses] of refs) {
        const id = cellId(row.key, col);
        if (hidden.has(id)) continue;
        // A share also depends on the total row of its column.
        const usesHidden = uses.some((u) => hidden.has(cellId(row.key, u)) || (shares.has(col) && total && hidden.has(cellId(total.key, u))));
        if (usesHidden) {
          hidden.add(id);
          complementary.add(id);
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
  return { ...result, rows, suppressed: [...hidden], complementary: [...complementary] };
}

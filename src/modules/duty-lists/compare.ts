// Comparing two states of a township's lists (a past version with today's, or two versions):
// items added, removed, and changed field by field (a move between lists is a change of
// listKind). Items are matched by id, which an item keeps through edits and moves; pure, so the
// bench and the tests call it directly.
import type { ItemFields, ListKind, SnapshotItem } from './tables.js';

export const comparedFields = ['listKind', 'name', 'category', 'basis', 'carrier', 'departmentId', 'departmentName', 'cooperation', 'communityInvolved'] as const;
export type ComparedField = (typeof comparedFields)[number];

export interface FieldChange {
  field: ComparedField;
  from: string | number | boolean | null;
  to: string | number | boolean | null;
}

export interface ChangedItem {
  id: number;
  name: string;
  listKind: ListKind;
  fromListKind: ListKind;
  changes: FieldChange[];
}

export interface Comparison {
  added: SnapshotItem[];
  removed: SnapshotItem[];
  changed: ChangedItem[];
  unchanged: number;
}

export function compareSnapshots(from: readonly SnapshotItem[], to: readonly SnapshotItem[]): Comparison {
  const before = new Map<number, SnapshotItem>();
  for (const i of from) before.set(i.id, i);
  const added: SnapshotItem[] = [];
  const changed: ChangedItem[] = [];
  let unchanged = 0;
  const seen = new Set<number>();
  for (const b of to) {
    const a = before.get(b.id);
    if (!a) {
      added.push(b);
      continue;
    }
    seen.add(b.id);
    const changes: FieldChange[] = [];
    for (const f of comparedFields) {
      const x = a[f] ?? null;
      const y = b[f] ?? null;
      if (x !== y) changes.push({ field: f, from: x, to: y });
    }
    if (changes.length) changed.push({ id: b.id, name: b.name, listKind: b.listKind, fromListKind: a.listKind, changes });
    else unchanged += 1;
  }
  const removed = from.filter((a) => !seen.has(a.id));
  return { added, removed, changed, unchanged };
}

/** Items per list in a snapshot. */
export function countByList(items: readonly { listKind: ListKind }[]): { basic: number; cooperative: number; takenBack: number } {
  let basic = 0;
  let cooperative = 0;
  let takenBack = 0;
  for (const i of items) {
    if (i.listKind === 'basic') basic += 1;
    else if (i.listKind === 'cooperative') cooperative += 1;
    else takenBack += 1;
  }
  return { basic, cooperative, takenBack };
}

// ---- names ------------------------------------------------------------------------------

/** A name folded for comparison: no spaces, punctuation or brackets, full-width letters narrowed, lower case. */
export function nameKey(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]+/gu, '');
}

function bigrams(s: string): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i < s.length - 1; i++) {
    const g = s.slice(i, i + 2);
    m.set(g, (m.get(g) ?? 0) + 1);
  }
  return m;
}

/**
 * How alike two names are, from 0 to 1: 1 for the same folded name; otherwise the Dice
 * coefficient of their character pairs, raised to 0.8 when one name holds the other whole and the
 * shorter has at least four characters (安全生产检查 in 安全生产监督检查配合 is the same work).
 */
export function similarity(a: string, b: string): number {
  const x = nameKey(a);
  const y = nameKey(b);
  if (!x || !y) return 0;
  if (x === y) return 1;
  const [short, long] = x.length <= y.length ? [x, y] : [y, x];
  const contained = short.length >= 4 && long.includes(short) ? 0.8 : 0;
  const bx = bigrams(x);
  const by = bigrams(y);
  let common = 0;
  for (const [g, n] of bx) common += Math.min(n, by.get(g) ?? 0);
  const dice = bx.size && by.size ? (2 * common) / (x.length - 1 + (y.length - 1)) : 0;
  return Math.max(contained, Math.round(dice * 100) / 100);
}

/** Names this alike are shown to the reviewer as the same work. */
export const SIMILAR = 0.6;

export type { ItemFields };

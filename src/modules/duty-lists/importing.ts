// Importing a published list workbook into a township's lists. The workbook is read in the
// platform's isolated reader and checked whole first: one malformed row and nothing changes, and
// the answer names every problem by sheet, row and column. A checked workbook is matched to the
// current items by name (an item keeps its id, so tasks citing it still resolve): names new to
// the lists are added, known ones updated and moved to the list the workbook puts them on, and in
// replace mode the items of the lists the workbook holds that it no longer names are removed.
// A dry run answers the same counts without writing.
import { eq } from 'drizzle-orm';
import type { AuthedContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import type { SheetSource } from '../exchange/index.js';
import { compareSnapshots, nameKey } from './compare.js';
import { DutyErrors } from './errors.js';
import { matchDepartment, snapshotOf, type ListService } from './lists.js';
import type { ImportOut, ImportQuery } from './schemas.js';
import { parseListsWorkbook, type Problem } from './sheets.js';
import { dutyItems, type ItemFields, type ListKind, type SnapshotItem } from './tables.js';

export const MAX_LIST_ROWS = 5000;

const say = (ctx: AuthedContext, p: Problem) => ({ sheet: p.sheet, row: p.row, column: p.column, message: ctx.lang === 'en' ? p.en : p.zh });

export async function importWorkbook(lists: ListService, ctx: AuthedContext, townshipId: number, source: SheetSource, q: ImportQuery): Promise<ImportOut> {
  const township = await lists.township(ctx.principal, townshipId, 'manage');
  const parsed = await parseListsWorkbook(source, MAX_LIST_ROWS);
  if (parsed.problems.length) {
    const first = parsed.problems[0]!;
    const where = (lang: 'zh' | 'en') => (lang === 'zh' ? `“${first.sheet}”第 ${first.row} 行${first.column ? `“${first.column}”` : ''}：${first.zh}` : `sheet "${first.sheet}" row ${first.row}${first.column ? ` (${first.column})` : ''}: ${first.en}`);
    throw new AppError(DutyErrors.DUTY_IMPORT_INVALID, { count: parsed.problems.length, first_zh: where('zh'), first_en: where('en') }, 'file', { problems: parsed.problems.map((p) => say(ctx, p)) });
  }
  if (!parsed.lists.length) throw new AppError(DutyErrors.DUTY_IMPORT_NO_LIST, {}, 'file');
  const depts = await lists.departmentsOver(township.path);
  const warnings = parsed.warnings.map((w) => say(ctx, w));
  const rows = parsed.lists.flatMap((l) => l.rows);
  for (const r of rows) {
    if (r.departmentName && !matchDepartment(depts, r.departmentName))
      warnings.push(say(ctx, { sheet: r.sheet, row: r.rowNo, column: '对应上级部门', zh: `“${r.departmentName}”没有对应到系统中的部门，按原文保存`, en: `"${r.departmentName}" matches no department of the platform; kept as written` }));
  }
  const kinds = new Set<ListKind>(parsed.lists.map((l) => l.listKind));
  const replace = (q.mode ?? 'replace') === 'replace';
  const fieldsOf = (r: (typeof rows)[number]): ItemFields => ({
    name: r.name, category: r.category, basis: r.basis, carrier: r.carrier, departmentId: r.departmentName ? (matchDepartment(depts, r.departmentName)?.id ?? null) : null, departmentName: r.departmentName, cooperation: r.cooperation, communityInvolved: r.communityInvolved,
  });

  /** What the lists become: every current item kept or updated, new ones (negative ids), removed ones left out. */
  const plan = (current: SnapshotItem[]) => {
    const byKey = new Map(current.map((c) => [nameKey(c.name), c]));
    const seqs = new Map<ListKind, number>();
    const named = new Set<number>();
    const after: SnapshotItem[] = [];
    const updates: { id: number; listKind: ListKind; seq: number; fields: ItemFields }[] = [];
    const inserts: { listKind: ListKind; seq: number; fields: ItemFields }[] = [];
    for (const r of rows) {
      const seq = (seqs.get(r.listKind) ?? 0) + 1;
      seqs.set(r.listKind, seq);
      const f = fieldsOf(r);
      const c = byKey.get(nameKey(r.name));
      if (c) {
        named.add(c.id);
        updates.push({ id: c.id, listKind: r.listKind, seq, fields: f });
        after.push({ ...c, ...f, listKind: r.listKind, seq });
      } else {
        inserts.push({ listKind: r.listKind, seq, fields: f });
        after.push({ id: -inserts.length, listKind: r.listKind, seq, catalogueItemId: null, ...f });
      }
    }
    const removals: number[] = [];
    for (const c of current) {
      if (named.has(c.id)) continue;
      if (replace && kinds.has(c.listKind)) removals.push(c.id);
      else {
        // Kept: after the workbook's items of its list.
        const seq = (seqs.get(c.listKind) ?? 0) + 1;
        seqs.set(c.listKind, seq);
        after.push({ ...c, seq });
        if (seq !== c.seq) updates.push({ id: c.id, listKind: c.listKind, seq, fields: c });
      }
    }
    return { after, updates, inserts, removals };
  };

  const listsOut = parsed.lists.map((l) => ({ sheet: l.sheet, listKind: l.listKind, rows: l.rows.length }));
  if (q.dryRun) {
    const current = (await lists.currentRows(lists.db, township.id)).map(snapshotOf);
    const c = compareSnapshots(current, plan(current).after);
    return { applied: false, version: null, lists: listsOut, added: c.added.length, removed: c.removed.length, changed: c.changed.length, unchanged: c.unchanged, warnings };
  }
  if (!q.reason || q.reason.trim().length < 2) throw new AppError(DutyErrors.DUTY_REASON_REQUIRED, {}, 'reason');
  let counts = { added: 0, removed: 0, changed: 0, unchanged: 0 };
  const out = await lists.change(ctx, township, { kind: 'import', reason: q.reason, detail: { lists: listsOut, mode: replace ? 'replace' : 'append' } }, async (tx, version) => {
    const current = (await lists.currentRows(tx, township.id)).map(snapshotOf);
    const p = plan(current);
    const c = compareSnapshots(current, p.after);
    counts = { added: c.added.length, removed: c.removed.length, changed: c.changed.length, unchanged: c.unchanged };
    // Removals first, so that a name freed and taken again never meets the unique index twice.
    for (const id of p.removals) await tx.update(dutyItems).set({ removedAt: new Date(), removedInVersion: version }).where(eq(dutyItems.id, id));
    for (const u of p.updates) await tx.update(dutyItems).set({ ...u.fields, nameKey: nameKey(u.fields.name), listKind: u.listKind, seq: u.seq, updatedAt: new Date() }).where(eq(dutyItems.id, u.id));
    const values = p.inserts.map((i) => ({ townshipNodeId: township.id, treePath: township.path, listKind: i.listKind, seq: i.seq, ...i.fields, nameKey: nameKey(i.fields.name), source: 'import', addedInVersion: version }));
    for (let i = 0; i < values.length; i += 500) await tx.insert(dutyItems).values(values.slice(i, i + 500));
    return null;
  });
  return { applied: true, version: out.version, lists: listsOut, ...counts, warnings };
}

// The burden page (减负台账) for the reviewer: approved templates and what each costs a community
// in hand entry per month before and after the platform, reports removed, merged or automated
// (the register behind a figure like the article's 192), filings by outcome, and timeliness.
import { asc, desc, eq, sql } from 'drizzle-orm';
import type { Platform } from '../../platform/platform.js';
import { queryRows } from '../../db/client.js';
import type { AuthedContext } from '../../platform/context.js';
import type { TreeService } from '../tree/index.js';
import { levelDepth } from './compiler.js';
import type { TemplateDefinition } from './definition.js';
import { fillsPerMonth } from './periods.js';
import type { BurdenOut, CleanupAction, CleanupIn, CleanupOut } from './schemas.js';
import { reportCleanups, reportTemplates } from './tables.js';
import { coverageOf, minutesAfter, type TemplateService } from './templates.js';

const round1 = (x: number) => Math.round(x * 10) / 10;

/** A register entry as answers give it. */
export function cleanupOut(row: typeof reportCleanups.$inferSelect): CleanupOut {
  return { ...row, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() };
}

export class BurdenService {
  constructor(
    private readonly platform: Platform,
    private readonly tree: TreeService,
    private readonly templates: TemplateService,
  ) {}

  async addCleanup(ctx: AuthedContext, input: CleanupIn): Promise<CleanupOut> {
    const row = await this.platform.db.transaction(async (tx) => {
      const [row] = await tx.insert(reportCleanups).values({ ...input, replacedByCode: input.replacedByCode ?? null, recordedBy: ctx.principal.userId }).returning();
      await this.platform.audit.record(tx, ctx, { category: 'write', action: 'report_cleanup.create', entityType: 'report_cleanup', entityId: row!.id, detail: input });
      return row!;
    });
    return cleanupOut(row);
  }

  async cleanups(): Promise<CleanupOut[]> {
    return (await this.platform.db.select().from(reportCleanups).orderBy(desc(reportCleanups.decidedOn), asc(reportCleanups.id))).map(cleanupOut);
  }

  /** Average rows one unit's report has (grids per community …), from the tree. */
  private async rowsPerUnit(def: TemplateDefinition, counts: Map<string, number>, submitLevel: string): Promise<number> {
    const units = counts.get(submitLevel) ?? 1;
    let rows = 1;
    for (const g of def.rows) {
      if (g.by === 'tree') rows *= levelDepth[g.level] > levelDepth[submitLevel as keyof typeof levelDepth] ? Math.max(1, (counts.get(g.level) ?? units) / Math.max(1, units)) : 1;
      else if (g.by === 'ageBand') rows *= g.bands.length + 1;
      else rows *= 4;
    }
    return rows;
  }

  async burden(_ctx: AuthedContext): Promise<BurdenOut> {
    const db = this.platform.db;
    const counts = new Map<string, number>();
    for (const c of await this.tree.countsUnder('/')) counts.set(c.level, (counts.get(c.level) ?? 0) + c.n);
    const approved = await this.templates.approved();
    const items: BurdenOut['approved'] = [];
    for (const t of approved) {
      const def = t.definition;
      const cov = coverageOf(def);
      const rows = await this.rowsPerUnit(def, counts, t.submitLevel);
      const after = minutesAfter(def, rows);
      const per = fillsPerMonth(t.cadence);
      items.push({
        id: t.id, code: t.code, title: t.title, department: t.departmentName, en: t.en ?? null, cadence: t.cadence, builtin: t.builtin, entitledDepartments: t.entitledDepartments,
        coverage: cov, minutesBeforePerFill: t.handMinutesBefore, minutesAfterPerFill: after, fillsPerMonth: round1(per),
        monthlyBefore: round1(t.handMinutesBefore * per), monthlyAfter: round1(after * per), units: counts.get(t.submitLevel) ?? 0,
      });
    }
    const statusCounts = await queryRows<{ status: string; n: number }>(db, sql`SELECT status, count(DISTINCT code)::int AS n FROM report_template GROUP BY status`);
    const byStatus = Object.fromEntries(statusCounts.map((r) => [r.status, r.n]));
    const cleanupRows = await this.cleanups();
    const merged = (await db.select({ code: reportTemplates.code, title: reportTemplates.title, department: reportTemplates.departmentName, into: reportTemplates.mergedIntoCode, at: reportTemplates.reviewedAt, note: reportTemplates.reviewNote }).from(reportTemplates).where(eq(reportTemplates.status, 'merged'))).map((m) => ({ ...m, at: m.at?.toISOString() ?? null }));
    const retired = (await db.select({ code: reportTemplates.code, title: reportTemplates.title, department: reportTemplates.departmentName, at: reportTemplates.retiredAt, reason: reportTemplates.retiredReason }).from(reportTemplates).where(eq(reportTemplates.status, 'retired'))).map((r) => ({ ...r, at: r.at?.toISOString() ?? null }));
    const byAction = { removed: 0, merged: 0, automated: 0 } as Record<CleanupAction, number>;
    for (const c of cleanupRows) byAction[c.action] += 1;
    const legacyMonthly = cleanupRows.reduce((a, c) => a + (c.timesPerYear * c.minutesPerFill) / 12, 0);
    const timeliness = await queryRows<{ total: number; submitted: number; on_time: number; overdue: number; pending: number }>(
      db,
      sql`SELECT count(*)::int AS total,
                 count(*) FILTER (WHERE status = 'submitted')::int AS submitted,
                 count(*) FILTER (WHERE status = 'submitted' AND (submitted_at AT TIME ZONE 'Asia/Shanghai')::date <= deadline)::int AS on_time,
                 count(*) FILTER (WHERE status = 'overdue')::int AS overdue,
                 count(*) FILTER (WHERE status = 'pending')::int AS pending
          FROM report_due WHERE status <> 'cancelled'`,
    );
    const monthlyBefore = items.reduce((a, i) => a + i.monthlyBefore, 0);
    const monthlyAfter = items.reduce((a, i) => a + i.monthlyAfter, 0);
    const communities = counts.get('community') ?? 0;
    const removedTotal = cleanupRows.length + merged.length + retired.length;
    return {
      headline: {
        removedTotal,
        zh: `已清理报表 ${removedTotal} 项（取消 ${byAction.removed + retired.length} 项，合并 ${byAction.merged + merged.length} 项，改由平台一键生成 ${byAction.automated} 项）；现行备案报表 ${items.length} 项`,
        en: `${removedTotal} reports taken off communities (${byAction.removed + retired.length} removed, ${byAction.merged + merged.length} merged, ${byAction.automated} now generated); ${items.length} approved templates`,
      },
      approved: items,
      totals: {
        approvedCount: items.length,
        monthlyMinutesBefore: round1(monthlyBefore + legacyMonthly),
        monthlyMinutesAfter: round1(monthlyAfter),
        savedMinutesPerCommunityPerMonth: round1(monthlyBefore + legacyMonthly - monthlyAfter),
        communities,
        savedHoursPerMonthAllCommunities: round1(((monthlyBefore + legacyMonthly - monthlyAfter) * communities) / 60),
      },
      removed: { total: removedTotal, byAction: { removed: byAction.removed + retired.length, merged: byAction.merged + merged.length, automated: byAction.automated }, register: cleanupRows, mergedTemplates: merged, retiredTemplates: retired },
      filings: { draft: byStatus.draft ?? 0, submitted: byStatus.submitted ?? 0, approved: byStatus.approved ?? 0, rejected: byStatus.rejected ?? 0, merged: byStatus.merged ?? 0, retired: byStatus.retired ?? 0 },
      timeliness: timeliness[0] ?? { total: 0, submitted: 0, on_time: 0, overdue: 0, pending: 0 },
    };
  }
}

// One click (一键报表). Approved templates are sent down as reports due from each unit; the unit
// presses one button, sees the computed preview, fills the few manual items and submits. The
// submission is frozen as computed at that moment; a correction is a new version with a reason.
// One submission serves every department entitled to the template. Every figure drills down to
// the records behind it, within the viewer's scope and grants; figures leaving the unit are
// protected against small counts.
import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Platform } from '../../platform/platform.js';
import { queryRows, type DbOrTx, type Tx } from '../../db/client.js';
import { systemContext, type AuthedContext } from '../../platform/context.js';
import { AppError, PlatformErrors } from '../../platform/errors.js';
import { scopeCondition } from '../../platform/scope.js';
import { dateParams, type DrillRow, type ReportSources } from '../registry/index.js';
import type { TreeNode, TreeService } from '../tree/index.js';
import { baseColumn, columnLabels, compileDrill } from './compiler.js';
import type { TemplateDefinition } from './definition.js';
import { filingNumber } from './filing.js';
import { resultDigest, resultTemplate, type ReportEngine } from './engine.js';
import { ReportErrors } from './errors.js';
import { validateManual, type ManualInput } from './manual.js';
import { addDays, chinaToday, deadlineOf, latestCompletedPeriod, oncePeriod, referenceDate, type Period } from './periods.js';
import { cellId, protect, seesUnprotected, type ProtectOptions, type Table } from './privacy.js';
import type { CellValue, ConsolidatedOut, DrillOut, DueListQuery, DueOut, ManualValues, PreviewOut, ResultRow, SubmissionList, SubmissionListQuery, SubmissionOut, SubmissionVersion, SubmitIn, SubmitOut, CorrectionIn, TemplateEnglish } from './schemas.js';
import { reportDues, reportSubmissions } from './tables.js';
import type { TemplateRow, TemplateService } from './templates.js';

export type DueRow = typeof reportDues.$inferSelect;
export type SubmissionRow = typeof reportSubmissions.$inferSelect;

/** ratio/share column -> the columns its value is built from. */
export function derivedRefs(def: TemplateDefinition): Map<string, string[]> {
  const refs = new Map<string, string[]>();
  for (const c of def.columns) {
    const m = c.measure;
    if (m.kind === 'ratio') refs.set(c.key, [m.numerator, ...(typeof m.denominator === 'string' ? [m.denominator] : [])]);
    if (m.kind === 'share') refs.set(c.key, [m.of]);
  }
  return refs;
}

function periodLabelOf(key: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(key);
  if (m) return `${m[1]}年${Number(m[2])}月`;
  const q = /^(\d{4})-Q(\d)$/.exec(key);
  if (q) return `${q[1]}年第${q[2]}季度`;
  if (/^\d{4}$/.test(key)) return `${key}年度`;
  return key.replace('~', ' 至 ');
}

export class SubmissionService {
  constructor(
    private readonly platform: Platform,
    private readonly tree: TreeService,
    private readonly engine: ReportEngine,
    private readonly templates: TemplateService,
    private readonly sources: ReportSources,
  ) {}

  private get db() {
    return this.platform.db;
  }

  // ---- sending down ----------------------------------------------------------------------

  /** The period an approved template is due for now. */
  currentPeriod(t: TemplateRow, today = chinaToday()): Period {
    if (t.cadence === 'once') return oncePeriod(t.onceStart!, t.onceEnd!);
    return latestCompletedPeriod(t.cadence, today);
  }

  /**
   * Creates the due reports of a period for every unit of the template's level in its target
   * (existing ones are kept). Refused for anything but an approved template. A unit is never
   * given less than `deadlineDays` from the day it is sent.
   */
  async issue(db: DbOrTx, t: TemplateRow, period: Period, today = chinaToday()): Promise<number> {
    if (t.status !== 'approved') throw new AppError(ReportErrors.REPORT_TEMPLATE_NOT_APPROVED, { status: t.status });
    const units = await this.tree.subtree(t.targetPath, [t.submitLevel], db);
    if (!units.length) return 0;
    const byRule = deadlineOf(period, t.deadlineDays);
    const atLeast = addDays(today, t.deadlineDays);
    const deadline = byRule > atLeast ? byRule : atLeast;
    let created = 0;
    for (let i = 0; i < units.length; i += 1000) {
      const chunk = units.slice(i, i + 1000);
      const rows = await db
        .insert(reportDues)
        .values(chunk.map((u) => ({ templateId: t.id, templateCode: t.code, unitNodeId: u.id, treePath: u.path, districtCode: u.districtCode ?? '000000', period: period.key, periodStart: period.start, periodEnd: period.end, deadline })))
        .onConflictDoNothing()
        .returning({ id: reportDues.id });
      created += rows.length;
    }
    return created;
  }

  /** Cancels the open due reports of a retired template (submitted ones stay). */
  async cancelOpen(tx: Tx, code: string): Promise<number> {
    const rows = await tx.update(reportDues).set({ status: 'cancelled', updatedAt: new Date() }).where(and(eq(reportDues.templateCode, code), inArray(reportDues.status, ['pending', 'overdue']))).returning({ id: reportDues.id });
    return rows.length;
  }

  /**
   * The background sweep (every hour, and once at start): sends down the current period of every
   * approved template, marks missed deadlines overdue, and records reminders three days before,
   * and after, the deadline.
   */
  async sweep(now = new Date()): Promise<{ issued: number; overdue: number; reminders: number }> {
    const today = chinaToday(now);
    let issued = 0;
    for (const t of await this.templates.approved()) {
      try {
        issued += await this.issue(this.db, t, this.currentPeriod(t, today), today);
      } catch (err) {
        this.platform.log.warn({ err, template: t.code }, 'could not send a report down');
      }
    }
    const overdue = await queryRows<{ id: number }>(this.db, sql`UPDATE report_due SET status = 'overdue', updated_at = now() WHERE status = 'pending' AND deadline < ${today}::date RETURNING id`);
    const soon = await queryRows<{ id: number }>(
      this.db,
      sql`INSERT INTO report_reminder (due_id, kind, tree_path, district_code)
          SELECT id, 'soon', tree_path, district_code FROM report_due WHERE status = 'pending' AND deadline BETWEEN ${today}::date AND ${addDays(today, 3)}::date
          ON CONFLICT DO NOTHING RETURNING due_id AS id`,
    );
    const late = await queryRows<{ id: number }>(
      this.db,
      sql`INSERT INTO report_reminder (due_id, kind, tree_path, district_code)
          SELECT id, 'overdue', tree_path, district_code FROM report_due WHERE status = 'overdue'
          ON CONFLICT DO NOTHING RETURNING due_id AS id`,
    );
    const reminded = [...soon, ...late].map((r) => r.id);
    if (reminded.length) {
      await this.db.execute(sql`UPDATE report_due d SET reminders = r.n, last_reminded_at = now() FROM (SELECT due_id, count(*)::int AS n FROM report_reminder WHERE due_id IN (${sql.join(reminded.map((i) => sql`${i}`), sql`, `)}) GROUP BY due_id) r WHERE d.id = r.due_id`);
    }
    // The work channel's inbox carries these reminders too (reports.remindersRecorded).
    if (reminded.length) await this.db.transaction((tx) => this.announceReminders(tx, [...soon.map((r) => ({ id: r.id, kind: 'soon' })), ...late.map((r) => ({ id: r.id, kind: 'overdue' }))]));
    return { issued, overdue: overdue.length, reminders: reminded.length };
  }

  /** Emits the reminders just recorded, with the template and the department that asks. */
  private async announceReminders(tx: Tx, recorded: { id: number; kind: string }[]): Promise<void> {
    const dues = new Map(
      (await queryRows<{ id: number; unit_node_id: number; tree_path: string; district_code: string; template_code: string; period: string; deadline: string; title: string; department_name: string }>(
        tx,
        sql`SELECT d.id, d.unit_node_id, d.tree_path, d.district_code, d.template_code, d.period, d.deadline::text AS deadline, t.title, t.department_name
            FROM report_due d JOIN report_template t ON t.id = d.template_id WHERE d.id IN (${sql.join(recorded.map((r) => sql`${r.id}`), sql`, `)})`,
      )).map((d) => [Number(d.id), d]),
    );
    const reminders = recorded.flatMap((r) => {
      const d = dues.get(Number(r.id));
      return d ? [{ dueId: Number(d.id), kind: r.kind, unitNodeId: d.unit_node_id, treePath: d.tree_path, districtCode: d.district_code, templateCode: d.template_code, templateTitle: d.title, departmentName: d.department_name, period: d.period, deadline: d.deadline }] : [];
    });
    await this.platform.events.emit('reports.remindersRecorded', { reminders }, tx, systemContext('reports.sweep'));
  }

  // ---- due reports -------------------------------------------------------------------------

  /** Which due reports and submissions a caller may read: its subtree, and for a department only the templates serving it. */
  private async readScope(ctx: AuthedContext, pathCol: AnyPgColumn, codeCol: AnyPgColumn): Promise<SQL> {
    const p = ctx.principal;
    const conds = [scopeCondition(p, pathCol)];
    if (p.departmentId && !p.permissions.has('reports:review')) {
      const dept = await this.tree.getDepartment(p.departmentId);
      const codes = dept ? await this.templates.entitledCodes(dept.code) : [];
      conds.push(codes.length ? inArray(codeCol, codes) : sql`false`);
    }
    return and(...conds)!;
  }

  async listDue(ctx: AuthedContext, f: DueListQuery): Promise<{ items: DueOut[]; total: number }> {
    const conds: (SQL | undefined)[] = [await this.readScope(ctx, reportDues.treePath, reportDues.templateCode)];
    conds.push(f.status?.length ? inArray(reportDues.status, f.status) : sql`${reportDues.status} <> 'cancelled'`);
    if (f.templateCode) conds.push(eq(reportDues.templateCode, f.templateCode));
    if (f.period) conds.push(eq(reportDues.period, f.period));
    if (f.nodeId) {
      const node = await this.tree.getVisibleNode(ctx.principal, f.nodeId);
      conds.push(sql`${reportDues.treePath} LIKE ${`${node.path}%`}`);
    }
    const where = and(...conds);
    const rows = await this.db.select().from(reportDues).where(where).orderBy(sql`CASE ${reportDues.status} WHEN 'overdue' THEN 0 WHEN 'pending' THEN 1 ELSE 2 END`, asc(reportDues.deadline), asc(reportDues.treePath), asc(reportDues.id)).limit(f.limit).offset(f.offset);
    const [{ n }] = (await queryRows<{ n: number }>(this.db, sql`SELECT count(*)::int AS n FROM report_due WHERE ${where}`)) as [{ n: number }];
    return { items: await this.dueViews(rows), total: n };
  }

  private async dueViews(rows: DueRow[]): Promise<DueOut[]> {
    const units = new Map((await this.tree.getNodes(rows.map((r) => r.unitNodeId))).map((n) => [n.id, n]));
    const tIds = [...new Set(rows.map((r) => r.templateId))];
    const templates = new Map<number, TemplateRow>();
    for (const id of tIds) {
      const t = await this.templates.byId(id);
      if (t) templates.set(id, t);
    }
    const today = chinaToday();
    return rows.map((r) => {
      const t = templates.get(r.templateId);
      const submittedDay = r.submittedAt ? chinaToday(r.submittedAt) : null;
      return {
        id: r.id, templateId: r.templateId, templateCode: r.templateCode, title: t?.title ?? r.templateCode, department: t?.departmentName ?? '', en: t?.en ?? null, filing: t ? filingNumber(t.filingYear, t.filingSeq) : null, cadence: t?.cadence ?? '',
        unit: { id: r.unitNodeId, name: units.get(r.unitNodeId)?.name ?? '' }, period: r.period, periodLabel: periodLabelOf(r.period), periodStart: r.periodStart, periodEnd: r.periodEnd,
        deadline: r.deadline, status: r.status, late: !!submittedDay && submittedDay > r.deadline, daysLeft: Math.round((Date.parse(r.deadline) - Date.parse(today)) / 86_400_000),
        submissionId: r.submissionId, submittedAt: r.submittedAt?.toISOString() ?? null, reminders: r.reminders, coverage: t?.coverage ?? null,
      };
    });
  }

  /** Counts for a dashboard tile: open and overdue reports and the recent cycle's submissions, of the node itself or of the units below it. */
  async summary(ctx: AuthedContext, nodePath: string, which: 'own' | 'below'): Promise<{ pending: number; overdue: number; submitted: number; onTime: number; recent: number; nextDeadline: string | null }> {
    const scope = await this.readScope(ctx, reportDues.treePath, reportDues.templateCode);
    const since = addDays(chinaToday(), -31);
    const rows = await queryRows<{ pending: number; overdue: number; submitted: number; on_time: number; recent: number; next: string | null }>(
      this.db,
      sql`SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending,
                 count(*) FILTER (WHERE status = 'overdue')::int AS overdue,
                 count(*) FILTER (WHERE status = 'submitted' AND deadline >= ${since}::date)::int AS submitted,
                 count(*) FILTER (WHERE status = 'submitted' AND deadline >= ${since}::date AND (submitted_at AT TIME ZONE 'Asia/Shanghai')::date <= deadline)::int AS on_time,
                 count(*) FILTER (WHERE status <> 'cancelled' AND deadline >= ${since}::date)::int AS recent,
                 min(deadline) FILTER (WHERE status = 'pending')::text AS next
          FROM report_due WHERE ${scope} AND ${which === 'own' ? sql`tree_path = ${nodePath}` : sql`tree_path LIKE ${`${nodePath}%`} AND tree_path <> ${nodePath}`}`,
    );
    const r = rows[0]!;
    return { pending: r.pending, overdue: r.overdue, submitted: r.submitted, onTime: r.on_time, recent: r.recent, nextDeadline: r.next };
  }

  async getDue(ctx: AuthedContext, id: number): Promise<DueOut> {
    const rows = await this.db.select().from(reportDues).where(and(eq(reportDues.id, id), await this.readScope(ctx, reportDues.treePath, reportDues.templateCode))).limit(1);
    if (!rows[0]) throw new AppError(ReportErrors.REPORT_DUE_NOT_FOUND);
    return (await this.dueViews(rows))[0]!;
  }

  /** The due report, its template and unit, for the unit's own staff only. */
  private async ownDue(ctx: AuthedContext, id: number, db: DbOrTx, lock = false): Promise<{ due: DueRow; template: TemplateRow; unit: TreeNode; period: Period }> {
    const p = ctx.principal;
    const q = db.select().from(reportDues).where(and(eq(reportDues.id, id), scopeCondition(p, reportDues.treePath)));
    const rows = lock ? await q.for('update').limit(1) : await q.limit(1);
    const due = rows[0];
    if (!due) throw new AppError(ReportErrors.REPORT_DUE_NOT_FOUND);
    const unit = (await this.tree.getNode(due.unitNodeId, db))!;
    if (p.treePath !== due.treePath) throw new AppError(ReportErrors.REPORT_NOT_YOUR_UNIT, { unit: unit.name });
    const template = (await this.templates.byId(due.templateId, db))!;
    return { due, template, unit, period: { key: due.period, start: due.periodStart, end: due.periodEnd, labelZh: periodLabelOf(due.period), labelEn: due.period } };
  }

  /** The one button: computes the report from base data for the caller's unit, without storing anything. */
  async preview(ctx: AuthedContext, id: number): Promise<PreviewOut> {
    const { due, template, unit, period } = await this.ownDue(ctx, id, this.db);
    if (due.status === 'cancelled') throw new AppError(ReportErrors.REPORT_DUE_CLOSED, { status_zh: '取消', status_en: 'cancelled' });
    const result = await this.engine.compute(this.db, template, unit, ctx.principal.treePath, period, referenceDate(period, chinaToday()), ctx.lang);
    return { due: (await this.dueViews([due]))[0]!, result, digest: resultDigest(result) };
  }

  /**
   * Submits the report, computed afresh inside the transaction (so what is frozen is what the data
   * said at that moment). Submitting again returns the submission already made.
   */
  async submit(ctx: AuthedContext, id: number, input: SubmitIn): Promise<SubmitOut> {
    const p = ctx.principal;
    const out = await this.db.transaction(async (tx) => {
      const { due, template, unit, period } = await this.ownDue(ctx, id, tx, true);
      if (due.status === 'submitted' && due.submissionId) return { id: due.submissionId, already: true };
      if (due.status === 'cancelled') throw new AppError(ReportErrors.REPORT_DUE_CLOSED, { status_zh: '取消', status_en: 'cancelled' });
      const result = await this.engine.compute(tx, template, unit, p.treePath, period, referenceDate(period, chinaToday()), 'zh');
      const digest = resultDigest(result);
      if (input.previewDigest && input.previewDigest !== digest) throw new AppError(ReportErrors.REPORT_PREVIEW_STALE, {}, 'previewDigest', { digest });
      const def = template.definition;
      const manual = validateManual(def, result.rows.filter((r) => r.level === 'detail').map((r) => r.key), input.manual, ctx.lang, new Map(result.rows.map((r) => [r.key, r.headings.join(' ')])));
      const [sub] = await tx
        .insert(reportSubmissions)
        .values({
          dueId: due.id, templateId: template.id, templateCode: template.code, unitNodeId: unit.id, treePath: due.treePath, districtCode: due.districtCode, period: due.period, version: 1, status: 'current',
          referenceDate: result.referenceDate, result, manual, digest, submittedBy: p.userId, submittedByName: p.displayName, computeMs: result.computeMs,
        })
        .returning({ id: reportSubmissions.id });
      await tx.update(reportDues).set({ status: 'submitted', submissionId: sub!.id, submittedAt: new Date(), updatedAt: new Date() }).where(eq(reportDues.id, due.id));
      await this.platform.events.emit('reports.dueSubmitted', { dueId: due.id, unitNodeId: unit.id, submissionId: sub!.id }, tx, ctx);
      await this.platform.audit.record(tx, ctx, { category: 'write', action: 'report.submit', entityType: 'report_submission', entityId: sub!.id, treePath: due.treePath, districtCode: due.districtCode, detail: { template: template.code, version: template.version, period: due.period, digest } });
      return { id: sub!.id, already: false };
    });
    return { submission: await this.get(ctx, out.id), alreadySubmitted: out.already };
  }

  /** A correction: recomputed from today's base data (and new manual values), kept as a new version with its reason. */
  async correct(ctx: AuthedContext, submissionId: number, input: CorrectionIn): Promise<SubmissionOut> {
    const p = ctx.principal;
    if (!input.reason || input.reason.trim().length < 2) throw new AppError(ReportErrors.REPORT_REASON_REQUIRED, {}, 'reason');
    const newId = await this.db.transaction(async (tx) => {
      const prevRows = await tx.select().from(reportSubmissions).where(and(eq(reportSubmissions.id, submissionId), scopeCondition(p, reportSubmissions.treePath))).limit(1);
      const prev = prevRows[0];
      if (!prev) throw new AppError(ReportErrors.REPORT_SUBMISSION_NOT_FOUND);
      const { due, template, unit, period } = await this.ownDue(ctx, prev.dueId, tx, true);
      const current = (await tx.select().from(reportSubmissions).where(and(eq(reportSubmissions.dueId, due.id), eq(reportSubmissions.status, 'current'))).limit(1))[0]!;
      if (current.id !== prev.id) throw new AppError(PlatformErrors.CONFLICT);
      const result = await this.engine.compute(tx, template, unit, p.treePath, period, referenceDate(period, chinaToday()), 'zh');
      const def = template.definition;
      const manualInput: ManualInput = input.manual ?? (prev.manual as ManualInput);
      const manual = validateManual(def, result.rows.filter((r) => r.level === 'detail').map((r) => r.key), manualInput, ctx.lang, new Map(result.rows.map((r) => [r.key, r.headings.join(' ')])));
      await tx.update(reportSubmissions).set({ status: 'superseded' }).where(eq(reportSubmissions.id, prev.id));
      const [sub] = await tx
        .insert(reportSubmissions)
        .values({
          dueId: due.id, templateId: template.id, templateCode: template.code, unitNodeId: unit.id, treePath: due.treePath, districtCode: due.districtCode, period: due.period, version: prev.version + 1, status: 'current',
          referenceDate: result.referenceDate, result, manual, digest: resultDigest(result), reason: input.reason.trim(), submittedBy: p.userId, submittedByName: p.displayName, computeMs: result.computeMs,
        })
        .returning({ id: reportSubmissions.id });
      await tx.update(reportDues).set({ submissionId: sub!.id, updatedAt: new Date() }).where(eq(reportDues.id, due.id));
      await this.platform.audit.record(tx, ctx, { category: 'write', action: 'report.correct', entityType: 'report_submission', entityId: sub!.id, treePath: due.treePath, districtCode: due.districtCode, reason: input.reason, detail: { template: template.code, period: due.period, replaces: prev.id, version: prev.version + 1 } });
      return sub!.id;
    });
    return this.get(ctx, newId);
  }

  // ---- reading submissions -----------------------------------------------------------------

  async list(ctx: AuthedContext, f: SubmissionListQuery): Promise<SubmissionList> {
    const conds: (SQL | undefined)[] = [await this.readScope(ctx, reportSubmissions.treePath, reportSubmissions.templateCode)];
    if (!f.includeSuperseded) conds.push(eq(reportSubmissions.status, 'current'));
    if (f.templateCode) conds.push(eq(reportSubmissions.templateCode, f.templateCode));
    if (f.period) conds.push(eq(reportSubmissions.period, f.period));
    if (f.nodeId) {
      const node = await this.tree.getVisibleNode(ctx.principal, f.nodeId);
      conds.push(sql`${reportSubmissions.treePath} LIKE ${`${node.path}%`}`);
    }
    const where = and(...conds);
    const rows = await this.db
      .select({ id: reportSubmissions.id, dueId: reportSubmissions.dueId, templateId: reportSubmissions.templateId, templateCode: reportSubmissions.templateCode, unitNodeId: reportSubmissions.unitNodeId, period: reportSubmissions.period, version: reportSubmissions.version, status: reportSubmissions.status, submittedAt: reportSubmissions.submittedAt, submittedByName: reportSubmissions.submittedByName, reason: reportSubmissions.reason })
      .from(reportSubmissions)
      .where(where)
      .orderBy(desc(reportSubmissions.submittedAt), desc(reportSubmissions.id))
      .limit(f.limit)
      .offset(f.offset);
    const [{ n }] = (await queryRows<{ n: number }>(this.db, sql`SELECT count(*)::int AS n FROM report_submission WHERE ${where}`)) as [{ n: number }];
    const units = new Map((await this.tree.getNodes(rows.map((r) => r.unitNodeId))).map((u) => [u.id, u.name]));
    const titles = new Map<number, { title: string; en: TemplateEnglish | null }>();
    for (const id of new Set(rows.map((r) => r.templateId))) {
      const t = await this.templates.byId(id);
      titles.set(id, { title: t?.title ?? '', en: t?.en ?? null });
    }
    return {
      items: rows.map((r) => ({ ...r, submittedAt: r.submittedAt.toISOString(), unitName: units.get(r.unitNodeId) ?? '', title: titles.get(r.templateId)?.title ?? r.templateCode, en: titles.get(r.templateId)?.en ?? null, periodLabel: periodLabelOf(r.period) })),
      total: n,
    };
  }

  private async visibleSubmission(ctx: AuthedContext, id: number): Promise<SubmissionRow> {
    const rows = await this.db.select().from(reportSubmissions).where(and(eq(reportSubmissions.id, id), await this.readScope(ctx, reportSubmissions.treePath, reportSubmissions.templateCode))).limit(1);
    if (!rows[0]) throw new AppError(ReportErrors.REPORT_SUBMISSION_NOT_FOUND);
    return rows[0];
  }

  /** A submission as this viewer may see it: protected against small counts above the unit, manual row values merged in. */
  async get(ctx: AuthedContext, id: number): Promise<SubmissionOut> {
    return this.view(ctx, await this.visibleSubmission(ctx, id));
  }

  /**
   * How a template's figures are protected for this viewer: along the sums its definition
   * declares, and without the columns that count labels the viewer's grants do not cover (a
   * department sees the figures of its own labels only, never per-grid counts of others').
   */
  private async protection(ctx: AuthedContext, def: TemplateDefinition, unitPath: string): Promise<ProtectOptions> {
    const shown = await this.sources.labelsShownTo(ctx, unitPath);
    if (shown === 'all') return { sums: def.sums };
    const r = await this.engine.resolve(def);
    const all = (await this.sources.labelKinds()).map((k) => k.code);
    return { sums: def.sums, withheld: def.columns.filter((c) => columnLabels(r, c.key, all).some((l) => !shown.has(l))).map((c) => c.key) };
  }

  private async view(ctx: AuthedContext, s: SubmissionRow): Promise<SubmissionOut> {
    const template = (await this.templates.byId(s.templateId))!;
    const raw = s.result;
    const manual = s.manual as ManualValues;
    const isProtected = !seesUnprotected(ctx.principal, s.treePath);
    const threshold = isProtected ? this.platform.config.smallCellThreshold : 0;
    const def = template.definition;
    const result = protect(raw, threshold, derivedRefs(def), await this.protection(ctx, def, s.treePath));
    const rows = result.rows.map((r) => (manual.rows?.[r.key] ? { ...r, values: { ...r.values, ...manual.rows[r.key] } } : r));
    return {
      id: s.id, dueId: s.dueId, templateId: s.templateId, templateCode: s.templateCode, version: s.version, status: s.status, period: s.period, referenceDate: s.referenceDate, reason: s.reason,
      // The figures are frozen; what is said of the template (its filing number, its English) is today's.
      submittedBy: s.submittedByName, submittedAt: s.submittedAt.toISOString(), unit: { id: s.unitNodeId, name: raw.unit.name }, result: { ...result, template: { ...raw.template, ...resultTemplate(template) }, rows }, manual: manual ?? { report: {}, rows: {} }, protected: isProtected, digest: s.digest,
    };
  }

  async versions(ctx: AuthedContext, id: number): Promise<SubmissionVersion[]> {
    const s = await this.visibleSubmission(ctx, id);
    const rows = await this.db
      .select({ id: reportSubmissions.id, version: reportSubmissions.version, status: reportSubmissions.status, reason: reportSubmissions.reason, submittedAt: reportSubmissions.submittedAt, submittedByName: reportSubmissions.submittedByName, digest: reportSubmissions.digest })
      .from(reportSubmissions)
      .where(eq(reportSubmissions.dueId, s.dueId))
      .orderBy(desc(reportSubmissions.version));
    return rows.map((r) => ({ ...r, submittedAt: r.submittedAt.toISOString() }));
  }

  /**
   * All units' reports of a template for a period side by side (the department's view): one row
   * per unit with its totals, units still to report listed with their status, and a grand total
   * recomputed from the units' figures.
   */
  async consolidated(ctx: AuthedContext, code: string, period: string): Promise<ConsolidatedOut> {
    const scope = await this.readScope(ctx, reportDues.treePath, reportDues.templateCode);
    const dues = await this.db.select().from(reportDues).where(and(scope, eq(reportDues.templateCode, code), eq(reportDues.period, period), sql`${reportDues.status} <> 'cancelled'`)).orderBy(asc(reportDues.treePath));
    const subs = dues.length
      ? await this.db.select().from(reportSubmissions).where(and(inArray(reportSubmissions.dueId, dues.map((d) => d.id)), eq(reportSubmissions.status, 'current')))
      : [];
    const template = (await this.templates.approvedByCode(code)) ?? (subs[0] ? await this.templates.byId(subs[0].templateId) : undefined) ?? (dues[0] ? await this.templates.byId(dues[0].templateId) : undefined);
    if (!template) throw new AppError(ReportErrors.REPORT_TEMPLATE_NOT_FOUND);
    const def = template.definition;
    const bySub = new Map(subs.map((s) => [s.dueId, s]));
    const units = new Map((await this.tree.getNodes(dues.map((d) => d.unitNodeId))).map((n) => [n.id, n.name]));
    const threshold = this.platform.config.smallCellThreshold;
    const refs = derivedRefs(def);
    const rawTotals: { dueId: number; values: Record<string, CellValue>; n: Record<string, number> }[] = [];
    for (const d of dues) {
      const s = bySub.get(d.id);
      if (!s) continue;
      const raw = s.result;
      const total = raw.rows.find((r) => r.level === 'total') ?? raw.rows[raw.rows.length - 1];
      if (total) rawTotals.push({ dueId: d.id, values: total.values, n: total.n });
    }
    // Grand total from the units' unprotected figures, then protected as a whole.
    const grand: Record<string, CellValue> = {};
    const grandN: Record<string, number> = {};
    for (const c of def.columns) {
      const m = c.measure;
      const vals = rawTotals.map((t) => t.values[c.key]).filter((v): v is number => typeof v === 'number');
      const ns = rawTotals.map((t) => t.n[c.key] ?? 0);
      grandN[c.key] = ns.reduce((a, b) => a + b, 0);
      if (m.kind === 'count' || m.kind === 'countDistinct' || m.kind === 'sum') grand[c.key] = vals.reduce((a, b) => a + b, 0);
      else if (m.kind === 'avg') grand[c.key] = grandN[c.key] ? Math.round((rawTotals.reduce((a, t) => a + (typeof t.values[c.key] === 'number' ? (t.values[c.key] as number) * (t.n[c.key] ?? 0) : 0), 0) / grandN[c.key]!) * 10 ** (m.decimals ?? 1)) / 10 ** (m.decimals ?? 1) : null;
      else if (m.kind === 'min' || m.kind === 'max') {
        const all = rawTotals.map((t) => t.values[c.key]).filter((v) => v !== null && v !== undefined) as (number | string)[];
        grand[c.key] = all.length ? all.reduce((a, b) => ((m.kind === 'min' ? b < a : b > a) ? b : a)) : null;
      }
    }
    for (const c of def.columns) {
      const m = c.measure;
      if (m.kind === 'ratio') {
        const num = grand[m.numerator];
        const den = typeof m.denominator === 'number' ? m.denominator : grand[m.denominator];
        grand[c.key] = typeof num === 'number' && typeof den === 'number' && den !== 0 ? Math.round(((num * (m.scale ?? 1)) / den) * 10 ** (m.decimals ?? 2)) / 10 ** (m.decimals ?? 2) : null;
      } else if (m.kind === 'share') grand[c.key] = 100;
    }
    const grandRow: ResultRow = { key: '*', keys: [], headings: ['合计'], level: 'total', values: grand, n: Object.fromEntries(def.columns.map((c) => [c.key, c.measure.kind === 'count' || c.measure.kind === 'countDistinct' ? Number(grand[c.key] ?? 0) : (grandN[c.key] ?? 0)])) };
    const wholeScope = dues.length ? dues.map((d) => d.treePath).reduce((a, b) => { let i = 0; while (i < a.length && a[i] === b[i]) i++; return a.slice(0, a.lastIndexOf('/', i - 1) + 1); }) : '/';
    // The units' totals and the grand total are one table: the grand total is the sum of the
    // units, so a small figure of one unit is protected along that column as well as along the
    // template's declared sums. Protected as a whole when any unit's figures leave it here.
    const protectedView = dues.some((d) => bySub.has(d.id) && !seesUnprotected(ctx.principal, d.treePath));
    const table: Table = {
      columns: def.columns.map((c) => ({ key: c.key, title: c.title, kind: c.measure.kind, computed: true, drillable: false })),
      rows: [...rawTotals.map((t) => ({ key: String(t.dueId), keys: [String(t.dueId)], headings: [], level: 'detail' as const, values: t.values, n: t.n })), grandRow],
    };
    const prot = protect(table, protectedView ? threshold : 0, refs, await this.protection(ctx, def, wholeScope));
    const withheld = new Set((prot.withheldColumns ?? []).map((c) => c.key));
    const columns = def.columns.filter((c) => !withheld.has(c.key)).map((c) => ({ key: c.key, title: c.title, titleEn: c.titleEn, group: c.group, groupEn: c.groupEn, unit: c.unit, kind: c.measure.kind }));
    const protRows = new Map(prot.rows.map((r) => [r.key, r]));
    const hiddenOf = (key: string) => prot.suppressed.filter((x) => x.startsWith(`${key}::`)).map((x) => x.slice(key.length + 2));
    const complementaryOf = (key: string) => prot.complementary.filter((x) => x.startsWith(`${key}::`)).map((x) => x.slice(key.length + 2));
    const rows = dues.map((d) => {
      const s = bySub.get(d.id);
      const r = protRows.get(String(d.id));
      return {
        dueId: d.id, unit: { id: d.unitNodeId, name: units.get(d.unitNodeId) ?? '' }, status: d.status, deadline: d.deadline, submissionId: s?.id ?? null, submittedAt: s?.submittedAt.toISOString() ?? null,
        values: r ? r.values : {}, suppressed: r ? hiddenOf(r.key) : [], complementary: r ? complementaryOf(r.key) : [],
      };
    });
    return {
      template: { id: template.id, code: template.code, title: template.title, version: template.version, department: template.departmentName, en: template.en ?? null, filing: filingNumber(template.filingYear, template.filingSeq) },
      period, periodLabel: periodLabelOf(period), columns, rows,
      total: protRows.get('*')!.values, totalSuppressed: hiddenOf('*'), totalComplementary: complementaryOf('*'), withheldColumns: prot.withheldColumns ?? [],
      summary: { units: dues.length, submitted: dues.filter((d) => d.status === 'submitted').length, overdue: dues.filter((d) => d.status === 'overdue').length, pending: dues.filter((d) => d.status === 'pending').length },
    };
  }

  // ---- drill-down ----------------------------------------------------------------------------

  /**
   * The records behind one figure, as the viewer may see them. For a submission the figure is
   * the frozen one; the list is today's records under the same conditions on the same reference
   * date, and any difference is said plainly. Small protected figures cannot be listed.
   */
  async drill(ctx: AuthedContext, target: { dueId?: number; submissionId?: number }, rowKey: string, column: string, opts: { reason?: string | null; limit: number; offset: number }): Promise<DrillOut> {
    const p = ctx.principal;
    let template: TemplateRow;
    let unitPath: string;
    let period: Period;
    let ref: string;
    let frozen: { value: CellValue; protected: boolean; suppressed: boolean } | null = null;
    if (target.submissionId) {
      const s = await this.visibleSubmission(ctx, target.submissionId);
      template = (await this.templates.byId(s.templateId))!;
      const due = (await this.db.select().from(reportDues).where(eq(reportDues.id, s.dueId)).limit(1))[0]!;
      unitPath = s.treePath;
      period = { key: due.period, start: due.periodStart, end: due.periodEnd, labelZh: '', labelEn: '' };
      ref = s.referenceDate;
      const view = await this.view(ctx, s);
      if (view.result.withheldColumns?.some((c) => c.key === column)) throw new AppError(ReportErrors.REPORT_COLUMN_WITHHELD, {}, 'column');
      const row = view.result.rows.find((r) => r.key === rowKey);
      if (!row || !(column in row.values)) throw new AppError(ReportErrors.REPORT_CELL_UNKNOWN, { cell: `${rowKey} / ${column}` }, 'row');
      const suppressed = view.result.suppressed.includes(cellId(rowKey, column));
      if (suppressed) throw new AppError(ReportErrors.REPORT_CELL_SUPPRESSED, { threshold: view.result.suppressionThreshold });
      frozen = { value: row.values[column] ?? null, protected: view.protected, suppressed };
    } else {
      const own = await this.ownDue(ctx, target.dueId!, this.db);
      template = own.template;
      unitPath = own.due.treePath;
      period = own.period;
      ref = referenceDate(period, chinaToday());
    }
    if (!p.permissions.has('registry:read') && !p.permissions.has('registry:lookup')) throw new AppError(ReportErrors.REPORT_DRILL_NOT_ALLOWED);
    if (!p.permissions.has('registry:read') && !(opts.reason && opts.reason.trim().length >= 2)) throw new AppError(ReportErrors.REPORT_REASON_REQUIRED, {}, 'reason');
    const def = template.definition;
    const r = await this.engine.resolve(def);
    const col = r.columns.get(column);
    if (!col) throw new AppError(ReportErrors.REPORT_CELL_UNKNOWN, { cell: column }, 'column');
    const keys = def.rows.length === 0 ? [] : rowKey.split('|');
    if (keys.length !== def.rows.length) throw new AppError(ReportErrors.REPORT_CELL_UNKNOWN, { cell: rowKey }, 'row');
    const base = baseColumn(r, column);
    const rs = r.byKey.get(('from' in base.measure && base.measure.from) || def.sources[0]!.key)!;
    const visibility = await this.sources.visibility(ctx, rs.src);
    const d = dateParams({ ref, periodStart: period.start, periodEnd: period.end });
    const q = compileDrill(r, { keys, column }, { d, scopes: [p.treePath, unitPath] }, visibility, (codes, path, dp) => this.sources.labelFacts(codes, path, dp), { limit: opts.limit, offset: opts.offset });
    const [{ n }] = (await queryRows<{ n: number }>(this.db, q.count)) as [{ n: number }];
    const ids = (await queryRows<{ id: number | string }>(this.db, q.ids)).map((x) => x.id);
    const items: DrillRow[] = await this.sources.drillRows(ctx, q.drill, ids, { reason: opts.reason ?? null, report: `${template.code}/${period.key}/${rowKey}/${column}` });
    let note: { zh: string; en: string } | null = null;
    const countLike = base.measure.kind === 'count' || base.measure.kind === 'countDistinct';
    if (frozen && countLike && base.key === column && typeof frozen.value === 'number' && frozen.value !== n) {
      note = p.permissions.has('registry:read')
        ? { zh: `报送时为 ${frozen.value}，按当前基础数据为 ${n}（报送后数据有变化，报表数字保持报送时的值）`, en: `${frozen.value} when submitted, ${n} in today's base data (the report keeps the submitted figure)` }
        : { zh: `报送数为 ${frozen.value}，您的授权范围内可查看 ${n} 条`, en: `${frozen.value} were reported; your grants show ${n}` };
    }
    return { column: { key: column, title: col.title, basedOn: base.key === column ? null : base.title }, rowKey, value: frozen?.value ?? null, total: n, items, drill: q.drill, note, limit: opts.limit, offset: opts.offset };
  }
}

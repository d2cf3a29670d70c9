// Filing and approval (备案审批). A department drafts a template with its legal basis, purpose,
// cadence and deadline rule and submits it; the platform computes how much of it base data
// answers, checks the department's grants and the size of the table, and names any approved
// template it overlaps. The reviewer approves, rejects with a reason, or merges it into the
// approved template it duplicates (the department is then served by that one). Approved
// templates can be retired; every version stays in history.
import { and, asc, desc, eq, inArray, isNull, max, sql, type SQL } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import type { Platform } from '../../platform/platform.js';
import type { DbOrTx, Tx } from '../../db/client.js';
import type { AuthedContext } from '../../platform/context.js';
import { AppError, PlatformErrors } from '../../platform/errors.js';
import type { RecordKind, ReportSources } from '../registry/index.js';
import type { TreeService } from '../tree/index.js';
import { BUILTIN_DEPARTMENT, builtinTemplates } from './builtins.js';
import { columnSignatures, estimateRows, grantNeeds, levelDepth, MAX_CELLS, type Resolved } from './compiler.js';
import type { Grouping, TemplateDefinition } from './definition.js';
import type { ReportEngine } from './engine.js';
import { ReportErrors } from './errors.js';
import { assignFilingNumber, filingNumber } from './filing.js';
import { fillsPerMonth, periodDays } from './periods.js';
import type { Cadence, Coverage, Overlap, Problem, RetireOut, ReviewIn, ReviewOut, SubmitLevel, SubmitTemplateOut, TemplateCheck, TemplateInput, TemplateListQuery, TemplateOut, TemplateStatus } from './schemas.js';
import { reportTemplates } from './tables.js';

export type TemplateRow = typeof reportTemplates.$inferSelect;

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** A template row as answers give it: its filing number, moments as ISO strings. */
export function templateOut(t: TemplateRow): TemplateOut {
  const { filingYear, filingSeq, createdBy: _by, reviewedBy: _rb, ...rest } = t;
  return {
    ...rest, filing: filingNumber(filingYear, filingSeq), en: t.en ?? null,
    submittedAt: iso(t.submittedAt), reviewedAt: iso(t.reviewedAt), retiredAt: iso(t.retiredAt), createdAt: t.createdAt.toISOString(), updatedAt: t.updatedAt.toISOString(),
  };
}

const statusZh: Record<TemplateStatus, string> = { draft: '草稿', submitted: '待审核', approved: '已批准', rejected: '已退回', retired: '已停用', superseded: '已被新版本取代', merged: '已合并' };
const statusEn: Record<TemplateStatus, string> = { draft: 'a draft', submitted: 'awaiting review', approved: 'approved', rejected: 'rejected', retired: 'retired', superseded: 'superseded', merged: 'merged' };

function stateError(status: TemplateStatus, actionZh: string, actionEn: string): AppError {
  return new AppError(ReportErrors.REPORT_TEMPLATE_STATE, { status_zh: statusZh[status], status_en: statusEn[status], action_zh: actionZh, action_en: actionEn });
}

export function coverageOf(def: TemplateDefinition): Coverage {
  const computed = def.columns.length;
  const manual = def.manualFields.length;
  const total = computed + manual;
  return {
    computed, manual, total,
    zh: manual ? `共 ${total} 项，其中 ${computed} 项由基础数据自动生成，${manual} 项需手工填写` : `共 ${total} 项，全部由基础数据自动生成`,
    en: manual ? `${computed} of ${total} items computed, ${manual} entered by hand` : `all ${total} items computed from base data`,
  };
}

/** Minutes of hand work per filling after the platform: opening, checking and submitting, plus the manual items. */
export function minutesAfter(def: TemplateDefinition, rowsPerReport: number): number {
  const report = def.manualFields.filter((m) => m.scope === 'report').length;
  const row = def.manualFields.filter((m) => m.scope === 'row').length;
  return Math.round((2 + report * 2 + row * 0.5 * Math.max(1, rowsPerReport)) * 10) / 10;
}

export class TemplateService {
  constructor(
    private readonly platform: Platform,
    private readonly tree: TreeService,
    private readonly engine: ReportEngine,
    private readonly sources: ReportSources,
    /** Called inside the approval transaction to send the report down (set by the module). */
    private readonly onApproved: (tx: Tx, ctx: AuthedContext, t: TemplateRow) => Promise<number>,
  ) {}

  private get db() {
    return this.platform.db;
  }

  // ---- reading ---------------------------------------------------------------------------

  /** Who sees which templates: departments their own and those serving them; the reviewer all; others the approved ones. */
  private visibleTo(ctx: AuthedContext): SQL | undefined {
    const p = ctx.principal;
    if (p.permissions.has('reports:review')) return undefined;
    if (p.permissions.has('reports:draft') && p.departmentId) {
      return sql`(${reportTemplates.departmentId} = ${p.departmentId} OR (${reportTemplates.status} IN ('approved', 'retired', 'superseded')))`;
    }
    return sql`${reportTemplates.status} IN ('approved', 'retired', 'superseded')`;
  }

  async list(ctx: AuthedContext, f: Pick<TemplateListQuery, 'status' | 'code' | 'mine'>): Promise<TemplateOut[]> {
    const conds: (SQL | undefined)[] = [this.visibleTo(ctx)];
    if (f.status?.length) conds.push(inArray(reportTemplates.status, f.status));
    if (f.code) conds.push(eq(reportTemplates.code, f.code));
    if (f.mine && ctx.principal.departmentId) conds.push(eq(reportTemplates.departmentId, ctx.principal.departmentId));
    return (await this.db.select().from(reportTemplates).where(and(...conds)).orderBy(asc(reportTemplates.code), desc(reportTemplates.version))).map(templateOut);
  }

  async get(ctx: AuthedContext, id: number, db: DbOrTx = this.db): Promise<TemplateRow> {
    const rows = await db.select().from(reportTemplates).where(and(eq(reportTemplates.id, id), this.visibleTo(ctx))).limit(1);
    if (!rows[0]) throw new AppError(ReportErrors.REPORT_TEMPLATE_NOT_FOUND);
    return rows[0];
  }

  /** One template version as the routes answer it. */
  async view(ctx: AuthedContext, id: number): Promise<TemplateOut> {
    return templateOut(await this.get(ctx, id));
  }

  async byId(id: number, db: DbOrTx = this.db): Promise<TemplateRow | undefined> {
    return (await db.select().from(reportTemplates).where(eq(reportTemplates.id, id)).limit(1))[0];
  }

  async approvedByCode(code: string, db: DbOrTx = this.db): Promise<TemplateRow | undefined> {
    return (await db.select().from(reportTemplates).where(and(eq(reportTemplates.code, code), eq(reportTemplates.status, 'approved'))).limit(1))[0];
  }

  async approved(db: DbOrTx = this.db): Promise<TemplateRow[]> {
    return db.select().from(reportTemplates).where(eq(reportTemplates.status, 'approved')).orderBy(asc(reportTemplates.code));
  }

  async history(ctx: AuthedContext, id: number): Promise<TemplateOut[]> {
    const t = await this.get(ctx, id);
    return (await this.db.select().from(reportTemplates).where(and(eq(reportTemplates.code, t.code), this.visibleTo(ctx))).orderBy(desc(reportTemplates.version))).map(templateOut);
  }

  /** Codes whose submissions a department is served by (any version that named it). */
  async entitledCodes(departmentCode: string, db: DbOrTx = this.db): Promise<string[]> {
    const rows = await db
      .selectDistinct({ code: reportTemplates.code })
      .from(reportTemplates)
      .where(and(inArray(reportTemplates.status, ['approved', 'retired', 'superseded']), sql`${reportTemplates.entitledDepartments} @> ${JSON.stringify([departmentCode])}::jsonb`));
    return rows.map((r) => r.code);
  }

  // ---- checking ----------------------------------------------------------------------------

  private async department(ctx: AuthedContext) {
    const p = ctx.principal;
    if (!p.departmentId) return null;
    const d = await this.tree.getDepartment(p.departmentId);
    if (!d) throw new AppError(PlatformErrors.FORBIDDEN, { permission: 'reports:draft' });
    return d;
  }

  /** Rows of the largest report the template produces for one unit of its target, and the average. */
  private async rowsPerUnit(def: TemplateDefinition, cadence: Cadence, targetPath: string, submitLevel: SubmitLevel, once?: { start: string; end: string }) {
    const units = await this.tree.subtree(targetPath, [submitLevel]);
    const unitDepth = levelDepth[submitLevel];
    const perUnit = async (g: Grouping): Promise<{ max: number; avg: number }> => {
      if (g.by === 'tree') {
        if (levelDepth[g.level] <= unitDepth) return { max: 1, avg: 1 };
        const nodes = await this.tree.subtree(targetPath, [g.level]);
        const counts = new Map<string, number>();
        for (const n of nodes) {
          const unitKey = n.path.split('/').slice(0, unitDepth + 3).join('/');
          counts.set(unitKey, (counts.get(unitKey) ?? 0) + 1);
        }
        const vals = [...counts.values()];
        return { max: Math.max(1, ...vals), avg: vals.length ? vals.reduce((a, b) => a + b, 0) / Math.max(1, units.length) : 1 };
      }
      if (g.by === 'period') {
        const days = periodDays(cadence, once);
        const n = g.unit === 'day' ? days : g.unit === 'month' ? Math.ceil(days / 28) + 1 : g.unit === 'quarter' ? Math.ceil(days / 90) + 1 : Math.ceil(days / 365) + 1;
        return { max: n, avg: n };
      }
      if (g.by === 'ageBand') return { max: g.bands.length + 1, avg: g.bands.length + 1 };
      const srcs = await this.sources.sources();
      const src = srcs.find((s) => s.key === def.sources[0]?.source);
      const fd = src?.fields.find((f) => f.key === g.field);
      const n = (fd?.type === 'boolean' ? 2 : Object.keys(fd?.codes ?? {}).length) + 1;
      return { max: n, avg: n };
    };
    const cards = await Promise.all(def.rows.map(perUnit));
    const maxRows = estimateRows(def, (g) => cards[def.rows.indexOf(g)]!.max);
    const avgRows = estimateRows(def, (g) => cards[def.rows.indexOf(g)]!.avg);
    return { maxRows, avgRows, units: units.length };
  }

  private async checkOverlaps(resolved: Resolved, exceptCode: string | null): Promise<Overlap[]> {
    const mine = columnSignatures(resolved);
    const out: Overlap[] = [];
    for (const other of await this.approved()) {
      if (other.code === exceptCode) continue;
      let theirs: ReturnType<typeof columnSignatures>;
      try {
        theirs = columnSignatures(await this.engine.resolve(other.definition));
      } catch {
        continue; // a template that no longer resolves cannot be compared
      }
      const bySig = new Map(theirs.map((c) => [c.signature, c]));
      const cols = mine.filter((c) => bySig.has(c.signature)).map((c) => ({ key: c.key, title: c.title, theirTitle: bySig.get(c.signature)!.title }));
      if (!cols.length) continue;
      const share = Math.round((cols.length / Math.max(1, mine.length)) * 100) / 100;
      out.push({
        code: other.code, title: other.title, department: other.departmentName, columns: cols, share,
        zh: `与已批准的《${other.title}》（${other.departmentName}）重叠 ${cols.length} 项：${cols.map((c) => (c.title === c.theirTitle ? c.title : `${c.title}（对方为“${c.theirTitle}”）`)).join('、')}`,
        en: `overlaps ${cols.length} item(s) of the approved "${other.title}" (${other.departmentName}): ${cols.map((c) => c.title).join(', ')}`,
      });
    }
    return out.sort((a, b) => b.share - a.share);
  }

  /**
   * Everything the platform says about a template before it is sent: problems, coverage, the
   * cell estimate, grants the filer lacks, overlaps with approved templates, and the burden.
   */
  async check(ctx: AuthedContext, input: TemplateInput, opts: { exceptCode?: string | null } = {}): Promise<TemplateCheck> {
    const problems: Problem[] = [];
    const dept = await this.department(ctx);
    const coverage = coverageOf(input.definition);
    let resolved: Resolved | undefined;
    try {
      resolved = await this.engine.resolve(input.definition);
    } catch (err) {
      const details = (err as AppError).details as { problems?: { field: string; zh: string; en: string }[] } | undefined;
      if (!(err instanceof AppError) || !details?.problems) throw err;
      problems.push(...details.problems);
    }
    problems.push(...this.metaProblems(input));
    let targetPath = '/';
    try {
      targetPath = (await this.target(ctx, input, dept)).path;
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      problems.push({ field: 'targetNodeId', zh: err.messageIn('zh'), en: err.messageIn('en') });
    }
    const once = input.onceStart && input.onceEnd ? { start: input.onceStart, end: input.onceEnd } : undefined;
    const size = await this.rowsPerUnit(input.definition, input.cadence, targetPath, input.submitLevel, once);
    const width = input.definition.columns.length + input.definition.manualFields.filter((m) => m.scope === 'row').length;
    const cells = size.maxRows * width;
    if (cells > MAX_CELLS) problems.push({ field: 'definition.rows', zh: `分组过细：每份报表约 ${cells} 个单元格，超过上限 ${MAX_CELLS}`, en: `the grouping is too fine: about ${cells} cells per report, above the limit of ${MAX_CELLS}` });
    const tooDeep = input.definition.rows.find((g) => g.by === 'tree' && levelDepth[g.level] < levelDepth[input.submitLevel]);
    if (tooDeep) problems.push({ field: 'definition.rows', zh: '按树分组的层级须在报送单位之下（社区报送只能按网格分组）', en: 'a tree grouping must be below the submitting unit (a community groups by grid)' });
    let missing: TemplateCheck['missingGrants'] = [];
    if (resolved && dept) {
      const needs = grantNeeds(resolved);
      const byKind = new Map<RecordKind, { fields: Set<string>; confinedTo: string[] | null }>();
      for (const n of needs) {
        for (const g of n.needs) {
          const e = byKind.get(g.kind) ?? { fields: new Set<string>(), confinedTo: n.confinedTo };
          e.fields.add(g.field);
          // Rows are confined only if every source reading this kind is confined.
          e.confinedTo = e.confinedTo && n.confinedTo ? [...new Set([...e.confinedTo, ...n.confinedTo])] : null;
          byKind.set(g.kind, e);
        }
      }
      missing = await this.sources.missingGrants(ctx, [...byKind].map(([kind, e]) => ({ kind, fields: [...e.fields], confinedTo: e.confinedTo })));
    }
    const overlaps = resolved ? await this.checkOverlaps(resolved, opts.exceptCode ?? input.code ?? null) : [];
    return {
      ok: problems.length === 0 && missing.length === 0, problems, coverage, overlaps, cells, maxCells: MAX_CELLS, missingGrants: missing,
      burden: { minutesBefore: input.handMinutesBefore, minutesAfter: minutesAfter(input.definition, size.avgRows), fillsPerMonth: fillsPerMonth(input.cadence) },
    };
  }

  private metaProblems(input: TemplateInput): Problem[] {
    const out: Problem[] = [];
    if (input.cadence === 'once') {
      if (!input.onceStart || !input.onceEnd) out.push({ field: 'onceStart', zh: '一次性报表须填写统计期起止日期', en: 'a one-off report needs its period (start and end)' });
      else if (input.onceStart > input.onceEnd) out.push({ field: 'onceEnd', zh: '统计期结束早于开始', en: 'the period ends before it starts' });
    } else if (input.onceStart || input.onceEnd) out.push({ field: 'onceStart', zh: '只有一次性报表填写统计期', en: 'only a one-off report has a fixed period' });
    if (input.code !== undefined && !/^[a-z][a-z0-9_]{2,39}$/.test(input.code)) out.push({ field: 'code', zh: '报表编号须为 3-40 位小写字母、数字或下划线，以字母开头', en: 'a report code has 3-40 lower-case letters, digits or _, starting with a letter' });
    return out;
  }

  private async target(ctx: AuthedContext, input: TemplateInput, dept: Awaited<ReturnType<TemplateService['department']>>): Promise<{ id: number; path: string }> {
    const p = ctx.principal;
    const root = dept ? { id: dept.nodeId, path: dept.treePath } : { id: p.nodeId, path: p.treePath };
    if (!input.targetNodeId) return root;
    const node = await this.tree.getNode(input.targetNodeId);
    if (!node || !node.path.startsWith(root.path) || node.validTo) throw new AppError(PlatformErrors.OUT_OF_SCOPE, {}, 'targetNodeId');
    return { id: node.id, path: node.path };
  }

  private throwProblems(problems: Problem[]): never {
    const first = problems[0]!;
    throw new AppError(ReportErrors.REPORT_TEMPLATE_INVALID, { reason_zh: problems.map((p) => p.zh).join('；'), reason_en: problems.map((p) => p.en).join('; ') }, first.field, { problems });
  }

  // ---- writing -----------------------------------------------------------------------------

  private async writable(ctx: AuthedContext, id: number, tx: Tx): Promise<TemplateRow> {
    const p = ctx.principal;
    const rows = await tx.select().from(reportTemplates).where(eq(reportTemplates.id, id)).for('update').limit(1);
    const t = rows[0];
    const mine = t && ((p.departmentId && t.departmentId === p.departmentId) || (!t.departmentId && p.permissions.has('reports:review')));
    if (!t || !mine) throw new AppError(ReportErrors.REPORT_TEMPLATE_NOT_FOUND);
    return t;
  }

  /** A department drafts a template. The definition must already be sound; grants are checked on submission. */
  async create(ctx: AuthedContext, input: TemplateInput): Promise<TemplateOut> {
    const p = ctx.principal;
    const dept = await this.department(ctx);
    if (!dept) throw new AppError(PlatformErrors.FORBIDDEN, { permission: 'reports:draft' });
    const chk = await this.check(ctx, input);
    if (chk.problems.length) this.throwProblems(chk.problems);
    const target = await this.target(ctx, input, dept);
    const code = input.code ?? `${dept.code}_${randomBytes(3).toString('hex')}`;
    return templateOut(await this.db.transaction(async (tx) => {
      const taken = await tx.select({ id: reportTemplates.id }).from(reportTemplates).where(eq(reportTemplates.code, code)).limit(1);
      if (taken.length) throw new AppError(ReportErrors.REPORT_TEMPLATE_CODE_TAKEN, { code }, 'code');
      const [row] = await tx
        .insert(reportTemplates)
        .values({
          code, version: 1, status: 'draft', title: input.title, departmentId: dept.id, departmentCode: dept.code, departmentName: dept.name, legalBasis: input.legalBasis, purpose: input.purpose,
          cadence: input.cadence, deadlineDays: input.deadlineDays, onceStart: input.onceStart ?? null, onceEnd: input.onceEnd ?? null, submitLevel: input.submitLevel,
          targetNodeId: target.id, targetPath: target.path, entitledDepartments: [...new Set([dept.code, ...(input.entitledDepartments ?? [])])], definition: input.definition,
          handMinutesBefore: input.handMinutesBefore, coverage: chk.coverage, createdBy: p.userId, createdByName: p.displayName,
        })
        .returning();
      await this.platform.audit.record(tx, ctx, { category: 'write', action: 'report_template.create', entityType: 'report_template', entityId: row!.id, treePath: target.path, detail: { code, title: input.title } });
      return row!;
    }));
  }

  /** Changes a draft (or a rejected template, which goes back to draft). */
  async update(ctx: AuthedContext, id: number, input: TemplateInput): Promise<TemplateOut> {
    const dept = await this.department(ctx);
    const chk = await this.check(ctx, input, { exceptCode: (await this.byId(id))?.code ?? null });
    if (chk.problems.length) this.throwProblems(chk.problems);
    const target = await this.target(ctx, input, dept);
    return templateOut(await this.db.transaction(async (tx) => {
      const t = await this.writable(ctx, id, tx);
      if (t.status !== 'draft' && t.status !== 'rejected') throw stateError(t.status, '修改', 'edited');
      if (input.code && input.code !== t.code) throw new AppError(ReportErrors.REPORT_TEMPLATE_INVALID, { reason_zh: '报表编号不能修改', reason_en: 'the report code cannot change' }, 'code');
      const [row] = await tx
        .update(reportTemplates)
        .set({
          status: 'draft', title: input.title, legalBasis: input.legalBasis, purpose: input.purpose, cadence: input.cadence, deadlineDays: input.deadlineDays, onceStart: input.onceStart ?? null, onceEnd: input.onceEnd ?? null,
          submitLevel: input.submitLevel, targetNodeId: target.id, targetPath: target.path, entitledDepartments: [...new Set([...(t.departmentCode ? [t.departmentCode] : []), ...(input.entitledDepartments ?? [])])],
          definition: input.definition, handMinutesBefore: input.handMinutesBefore, coverage: chk.coverage, updatedAt: new Date(),
        })
        .where(eq(reportTemplates.id, id))
        .returning();
      await this.platform.audit.record(tx, ctx, { category: 'write', action: 'report_template.update', entityType: 'report_template', entityId: id, treePath: target.path, detail: { code: t.code, version: t.version } });
      return row!;
    }));
  }

  /** Files the draft for approval: refused unless it is sound, within the department's grants and not too large. */
  async submit(ctx: AuthedContext, id: number): Promise<SubmitTemplateOut> {
    const current = await this.byId(id);
    if (!current) throw new AppError(ReportErrors.REPORT_TEMPLATE_NOT_FOUND);
    const chk = await this.check(ctx, this.inputOf(current), { exceptCode: current.code });
    if (chk.problems.length) this.throwProblems(chk.problems);
    if (chk.missingGrants.length) {
      const labelsOnly = chk.missingGrants.every((m) => m.why === 'labels');
      throw new AppError(
        ReportErrors.REPORT_FIELD_NOT_GRANTED,
        { fields_zh: chk.missingGrants.map((m) => m.zh).join('、') + (labelsOnly ? '（本部门授权仅限特定标签人员，模板须限定为这些人员）' : ''), fields_en: chk.missingGrants.map((m) => m.en).join(', ') + (labelsOnly ? ' (your grants cover labelled people only; confine the template to them)' : '') },
        'definition',
        { missing: chk.missingGrants },
      );
    }
    const template = await this.db.transaction(async (tx) => {
      const t = await this.writable(ctx, id, tx);
      if (t.status !== 'draft' && t.status !== 'rejected') throw stateError(t.status, '提交审核', 'submitted for review');
      const [row] = await tx.update(reportTemplates).set({ status: 'submitted', submittedAt: new Date(), coverage: chk.coverage, overlaps: chk.overlaps, reviewNote: null, updatedAt: new Date() }).where(eq(reportTemplates.id, id)).returning();
      await this.platform.audit.record(tx, ctx, { category: 'write', action: 'report_template.submit', entityType: 'report_template', entityId: id, treePath: t.targetPath, detail: { code: t.code, version: t.version, coverage: chk.coverage, overlaps: chk.overlaps.map((o) => o.code) } });
      return row!;
    });
    return { template: templateOut(template), check: chk };
  }

  inputOf(t: TemplateRow): TemplateInput {
    return {
      code: t.code, title: t.title, legalBasis: t.legalBasis, purpose: t.purpose, cadence: t.cadence, deadlineDays: t.deadlineDays, onceStart: t.onceStart, onceEnd: t.onceEnd,
      submitLevel: t.submitLevel, targetNodeId: t.targetNodeId || undefined, entitledDepartments: t.entitledDepartments, handMinutesBefore: t.handMinutesBefore, definition: t.definition,
    };
  }

  /** The reviewer's decision. Approving sends the report down at once; merging serves the filer by an approved template instead. */
  async review(ctx: AuthedContext, id: number, decision: ReviewIn): Promise<ReviewOut> {
    const p = ctx.principal;
    const note = decision.note?.trim() ?? '';
    if ((decision.decision === 'reject' || decision.decision === 'merge') && note.length < 2) throw new AppError(ReportErrors.REPORT_REASON_REQUIRED, {}, 'note');
    return this.db.transaction(async (tx) => {
      const rows = await tx.select().from(reportTemplates).where(eq(reportTemplates.id, id)).for('update').limit(1);
      const t = rows[0];
      if (!t) throw new AppError(ReportErrors.REPORT_TEMPLATE_NOT_FOUND);
      if (t.status !== 'submitted') throw stateError(t.status, '审核', 'reviewed');
      const reviewed = { reviewedAt: new Date(), reviewedBy: p.userId, reviewedByName: p.displayName, reviewNote: note || null, updatedAt: new Date() };
      let issued = 0;
      let row: TemplateRow;
      if (decision.decision === 'approve') {
        await tx.update(reportTemplates).set({ status: 'superseded', updatedAt: new Date() }).where(and(eq(reportTemplates.code, t.code), eq(reportTemplates.status, 'approved')));
        await tx.update(reportTemplates).set({ status: 'approved', ...reviewed }).where(eq(reportTemplates.id, id));
        // Approval files the template: it gets the filing number every copy of the report carries.
        await assignFilingNumber(tx, id);
        [row] = (await tx.select().from(reportTemplates).where(eq(reportTemplates.id, id)).limit(1)) as [TemplateRow];
        issued = await this.onApproved(tx, ctx, row);
      } else if (decision.decision === 'reject') {
        [row] = (await tx.update(reportTemplates).set({ status: 'rejected', ...reviewed }).where(eq(reportTemplates.id, id)).returning()) as [TemplateRow];
      } else {
        const target = decision.mergeInto ? (await tx.select().from(reportTemplates).where(and(eq(reportTemplates.code, decision.mergeInto), eq(reportTemplates.status, 'approved'))).for('update').limit(1))[0] : undefined;
        if (!target || target.code === t.code) throw new AppError(ReportErrors.REPORT_MERGE_TARGET, {}, 'mergeInto');
        const entitled = [...new Set([...target.entitledDepartments, ...t.entitledDepartments])];
        await tx.update(reportTemplates).set({ entitledDepartments: entitled, updatedAt: new Date() }).where(eq(reportTemplates.id, target.id));
        [row] = (await tx.update(reportTemplates).set({ status: 'merged', mergedIntoCode: target.code, ...reviewed }).where(eq(reportTemplates.id, id)).returning()) as [TemplateRow];
      }
      await this.platform.audit.record(tx, ctx, { category: 'write', action: `report_template.${decision.decision}`, entityType: 'report_template', entityId: id, treePath: t.targetPath, reason: note || null, detail: { code: t.code, version: t.version, mergeInto: decision.mergeInto ?? null, issued } });
      return { template: templateOut(row), issued };
    });
  }

  /** Stops an approved template: nothing more is sent down, open due reports are cancelled, history stays. */
  async retire(ctx: AuthedContext, id: number, reason: string, cancelDues: (tx: Tx, code: string) => Promise<number>): Promise<RetireOut> {
    const p = ctx.principal;
    if (reason.trim().length < 2) throw new AppError(ReportErrors.REPORT_REASON_REQUIRED, {}, 'reason');
    return this.db.transaction(async (tx) => {
      const rows = await tx.select().from(reportTemplates).where(eq(reportTemplates.id, id)).for('update').limit(1);
      const t = rows[0];
      const allowed = t && (p.permissions.has('reports:review') || (p.departmentId && t.departmentId === p.departmentId));
      if (!t || !allowed) throw new AppError(ReportErrors.REPORT_TEMPLATE_NOT_FOUND);
      if (t.status !== 'approved') throw stateError(t.status, '停用', 'retired');
      const [row] = await tx.update(reportTemplates).set({ status: 'retired', retiredAt: new Date(), retiredReason: reason.trim(), updatedAt: new Date() }).where(eq(reportTemplates.id, id)).returning();
      const cancelled = await cancelDues(tx, t.code);
      await this.platform.audit.record(tx, ctx, { category: 'write', action: 'report_template.retire', entityType: 'report_template', entityId: id, treePath: t.targetPath, reason, detail: { code: t.code, cancelled } });
      return { template: templateOut(row!), cancelled };
    });
  }

  /** A new draft version of an approved (or retired) template; the approved one serves until the new one is approved. */
  async newVersion(ctx: AuthedContext, id: number): Promise<TemplateOut> {
    return templateOut(await this.db.transaction(async (tx) => {
      const t = await this.writable(ctx, id, tx);
      if (!['approved', 'retired', 'superseded'].includes(t.status)) throw stateError(t.status, '新建版本', 'given a new version');
      const open = await tx.select({ id: reportTemplates.id }).from(reportTemplates).where(and(eq(reportTemplates.code, t.code), inArray(reportTemplates.status, ['draft', 'submitted', 'rejected']))).limit(1);
      if (open.length) throw new AppError(ReportErrors.REPORT_TEMPLATE_STATE, { status_zh: '已有未完成的新版本', status_en: 'already has an open new version', action_zh: '再新建版本', action_en: 'given another one' });
      const [{ v }] = (await tx.select({ v: max(reportTemplates.version) }).from(reportTemplates).where(eq(reportTemplates.code, t.code))) as [{ v: number | null }];
      const { id: _id, status: _s, createdAt: _c, updatedAt: _u, submittedAt: _sa, reviewedAt: _ra, reviewedBy: _rb, reviewedByName: _rn, reviewNote: _note, retiredAt: _rt, retiredReason: _rr, overlaps: _o, mergedIntoCode: _m, filingYear: _fy, filingSeq: _fs, ...rest } = t;
      const [row] = await tx.insert(reportTemplates).values({ ...rest, version: (v ?? t.version) + 1, status: 'draft', builtin: false, createdBy: ctx.principal.userId, createdByName: ctx.principal.displayName }).returning();
      await this.platform.audit.record(tx, ctx, { category: 'write', action: 'report_template.new_version', entityType: 'report_template', entityId: row!.id, treePath: t.targetPath, detail: { code: t.code, from: t.version, to: row!.version } });
      return row!;
    }));
  }

  /** The platform's own templates, approved from day one (idempotent; an existing code keeps its figures). */
  async ensureBuiltins(): Promise<void> {
    const have = new Set((await this.db.selectDistinct({ code: reportTemplates.code }).from(reportTemplates)).map((r) => r.code));
    // Declared sums guide small-count protection only (no figure changes): templates shipped
    // before they were declared take them over.
    for (const b of builtinTemplates) {
      if (!b.definition.sums || !have.has(b.code)) continue;
      await this.db.execute(sql`UPDATE report_template SET definition = jsonb_set(definition, '{sums}', ${JSON.stringify(b.definition.sums)}::jsonb)
        WHERE code = ${b.code} AND builtin AND NOT (definition ? 'sums')`);
    }
    // English names change no figure either: built-in templates stored before they had English get it.
    const stored = await this.db.select({ id: reportTemplates.id, code: reportTemplates.code, definition: reportTemplates.definition }).from(reportTemplates).where(and(eq(reportTemplates.builtin, true), sql`${reportTemplates.en} IS NULL`));
    for (const row of stored) {
      const b = builtinTemplates.find((x) => x.code === row.code);
      if (!b) continue;
      await this.db.update(reportTemplates).set({ en: { ...b.en, departmentName: BUILTIN_DEPARTMENT.en }, definition: withEnglishOf(row.definition, b.definition) }).where(eq(reportTemplates.id, row.id));
    }
    const missing = builtinTemplates.filter((b) => !have.has(b.code));
    if (missing.length) {
      await this.db
        .insert(reportTemplates)
        .values(
          missing.map((b) => ({
            code: b.code, version: 1, status: 'approved' as const, title: b.title, departmentId: null, departmentCode: null, departmentName: BUILTIN_DEPARTMENT.zh, legalBasis: b.legalBasis, purpose: b.purpose,
            cadence: b.cadence, deadlineDays: b.deadlineDays, submitLevel: 'community' as const, targetNodeId: 0, targetPath: '/', entitledDepartments: b.entitledDepartments, definition: b.definition,
            handMinutesBefore: b.handMinutesBefore, coverage: coverageOf(b.definition), builtin: true, createdByName: '平台内置', reviewedAt: new Date(), reviewedByName: '平台内置（随系统发布）',
            en: { ...b.en, departmentName: BUILTIN_DEPARTMENT.en },
          })),
        )
        .onConflictDoNothing();
    }
    // Every approved template carries a filing number; those approved before numbers were given
    // get theirs now, in the order they were approved.
    const unnumbered = await this.db
      .select({ id: reportTemplates.id, reviewedAt: reportTemplates.reviewedAt })
      .from(reportTemplates)
      .where(and(eq(reportTemplates.status, 'approved'), isNull(reportTemplates.filingSeq)))
      .orderBy(asc(reportTemplates.reviewedAt), asc(reportTemplates.id));
    for (const u of unnumbered) await this.db.transaction((tx) => assignFilingNumber(tx, u.id, u.reviewedAt ?? new Date()));
  }
}

/** A stored definition with the English headings, notes and hints of the shipped one (figures untouched). */
function withEnglishOf(stored: TemplateDefinition, shipped: TemplateDefinition): TemplateDefinition {
  return {
    ...stored,
    columns: stored.columns.map((c) => {
      const s = shipped.columns.find((x) => x.key === c.key);
      return s ? { ...c, titleEn: c.titleEn ?? s.titleEn, groupEn: c.groupEn ?? s.groupEn } : c;
    }),
    manualFields: stored.manualFields.map((m) => {
      const s = shipped.manualFields.find((x) => x.key === m.key);
      return s ? { ...m, titleEn: m.titleEn ?? s.titleEn, hintEn: m.hintEn ?? s.hintEn, hint: m.hint ?? s.hint } : m;
    }),
    notesEn: stored.notesEn ?? shipped.notesEn,
  };
}

export { statusZh as templateStatusZh };

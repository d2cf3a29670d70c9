// The report services together (报表备案, 一键报表): what index.ts hands to the routes and to
// other modules.
import { Value } from '@sinclair/typebox/value';
import { desc, eq, inArray } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Platform } from '../../platform/platform.js';
import type { AuthedContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { dateParams, ReportSources, type RegistryService } from '../registry/index.js';
import type { TreeService } from '../tree/index.js';
import { BurdenService } from './burden.js';
import { compileReport, MAX_CELLS } from './compiler.js';
import { filterOps, measureKinds } from './definition.js';
import { ReportEngine, resultTemplate } from './engine.js';
import { ReportErrors } from './errors.js';
import { fillForm, mappingProblems, parseForm } from './forms.js';
import { toCsv, toPdf, toXlsx, type OutputInput } from './outputs.js';
import { chinaToday, periodFromKey, referenceDate } from './periods.js';
import { SubmissionService } from './submissions.js';
import { reportForms, reportTemplates } from './tables.js';
import { FormMapping, type CatalogueOut, type ExportFormat, type FormOut, type FormUploaded, type IssueOut, type RetireOut, type SqlOut } from './schemas.js';
import { TemplateService, type TemplateRow } from './templates.js';

/** A stored form mapping (saved only after validation; an empty one before any is saved). */
function storedMapping(m: Record<string, unknown>): FormMapping {
  return Value.Check(FormMapping, m) ? m : { cells: {} };
}

export class ReportService {
  readonly sources: ReportSources;
  readonly engine: ReportEngine;
  readonly templates: TemplateService;
  readonly submissions: SubmissionService;
  readonly burden: BurdenService;

  constructor(
    readonly platform: Platform,
    private readonly tree: TreeService,
    registry: RegistryService,
  ) {
    this.sources = new ReportSources(registry);
    this.engine = new ReportEngine(this.sources, tree);
    this.templates = new TemplateService(platform, tree, this.engine, this.sources, (tx, _ctx, t) => this.submissions.issue(tx, t, this.submissions.currentPeriod(t)));
    this.submissions = new SubmissionService(platform, tree, this.engine, this.templates, this.sources);
    this.burden = new BurdenService(platform, tree, this.templates);
  }

  /** What a template may name, for the template editor. */
  async catalogue(): Promise<CatalogueOut> {
    const sources = await this.sources.sources();
    const labels = await this.sources.labelKinds();
    return {
      sources: sources.map((s) => ({
        key: s.key, zh: s.zh, en: s.en, personal: !!s.personId, periodField: s.periodField ?? null,
        fields: s.fields.map((f) => ({ key: f.key, zh: f.zh, en: f.en, type: f.type, codes: f.codes ?? null, groupable: f.groupable, numeric: f.numeric, grant: f.grant })),
      })),
      labels: labels.map((l) => ({ code: l.code, zh: l.nameZh, en: l.nameEn, owner: l.owner })),
      operators: [...filterOps],
      measures: [...measureKinds],
      treeLevels: ['district', 'street', 'community', 'grid'],
      maxCells: MAX_CELLS,
    };
  }

  async retire(ctx: AuthedContext, id: number, reason: string): Promise<RetireOut> {
    return this.templates.retire(ctx, id, reason, (tx, code) => this.submissions.cancelOpen(tx, code));
  }

  /** Sends an approved template down for a period now (the API refuses anything not approved). */
  async issue(ctx: AuthedContext, id: number, periodKey?: string): Promise<IssueOut> {
    const t = await this.templates.get(ctx, id);
    const p = ctx.principal;
    if (!p.permissions.has('reports:review') && t.departmentId !== p.departmentId) throw new AppError(ReportErrors.REPORT_TEMPLATE_NOT_FOUND);
    if (t.status !== 'approved') throw new AppError(ReportErrors.REPORT_TEMPLATE_NOT_APPROVED, { status: t.status });
    const period = periodKey ? periodFromKey(t.cadence, periodKey, t.onceStart && t.onceEnd ? { start: t.onceStart, end: t.onceEnd } : undefined) : this.submissions.currentPeriod(t);
    if (!period) throw new AppError(ReportErrors.REPORT_TEMPLATE_INVALID, { reason_zh: `报告期“${periodKey}”与报送频次不符`, reason_en: `period "${periodKey}" does not fit the cadence` }, 'period');
    if (period.start > chinaToday()) throw new AppError(ReportErrors.REPORT_TEMPLATE_INVALID, { reason_zh: '报告期尚未开始', reason_en: 'the period has not started' }, 'period');
    const issued = await this.platform.db.transaction(async (tx) => {
      const n = await this.submissions.issue(tx, t, period);
      await this.platform.audit.record(tx, ctx, { category: 'write', action: 'report_template.issue', entityType: 'report_template', entityId: t.id, treePath: t.targetPath, detail: { code: t.code, period: period.key, issued: n } });
      return n;
    });
    return { issued, period: period.key };
  }

  /** The compiled SQL of a template for a sample unit and the current period (transparency for reviewers). */
  async sqlOf(ctx: AuthedContext, id: number): Promise<SqlOut> {
    const t = await this.templates.get(ctx, id);
    const p = ctx.principal;
    const root = t.targetPath.startsWith(p.treePath) ? t.targetPath : p.treePath;
    const unit = (await this.tree.subtree(root, [t.submitLevel]))[0];
    const r = await this.engine.resolve(t.definition);
    const period = t.cadence === 'once' && t.onceStart && t.onceEnd ? { key: 'once', start: t.onceStart, end: t.onceEnd, labelZh: '', labelEn: '' } : this.submissions.currentPeriod({ ...t, status: 'approved' } as TemplateRow);
    const d = dateParams({ ref: referenceDate(period, chinaToday()), periodStart: period.start, periodEnd: period.end });
    const compiled = compileReport(r, { d, scopes: [p.treePath, unit?.path ?? root] }, (codes, path, dp) => this.sources.labelFacts(codes, path, dp));
    const q = new PgDialect().sqlToQuery(compiled.sql);
    return { sql: q.sql, params: q.params, unit: unit?.name ?? '', period: period.key };
  }

  // ---- official forms --------------------------------------------------------------------

  private async ownTemplate(ctx: AuthedContext, id: number): Promise<TemplateRow> {
    const t = await this.templates.get(ctx, id);
    const p = ctx.principal;
    if (!p.permissions.has('reports:review') && t.departmentId !== p.departmentId) throw new AppError(ReportErrors.REPORT_TEMPLATE_NOT_FOUND);
    return t;
  }

  /** The form of a template: its own, or the latest one uploaded for an earlier version of the same report. */
  private async formOf(t: TemplateRow) {
    const ids = (await this.platform.db.select({ id: reportTemplates.id }).from(reportTemplates).where(eq(reportTemplates.code, t.code))).map((r) => r.id);
    const rows = await this.platform.db.select().from(reportForms).where(inArray(reportForms.templateId, ids)).orderBy(desc(reportForms.updatedAt)).limit(1);
    return rows[0];
  }

  async uploadForm(ctx: AuthedContext, id: number, fileName: string, content: Buffer): Promise<FormUploaded> {
    const t = await this.ownTemplate(ctx, id);
    if (!/\.xlsx$/i.test(fileName)) throw new AppError(ReportErrors.REPORT_FORM_INVALID, { reason_zh: '只接受 .xlsx 格式的表样', reason_en: 'only .xlsx forms are accepted' }, 'file');
    const parsed = await parseForm(content);
    await this.platform.db.transaction(async (tx) => {
      await tx
        .insert(reportForms)
        .values({ templateId: t.id, fileName, content: content.toString('base64'), sheetName: parsed.sheetName, mapping: { cells: {} }, uploadedBy: ctx.principal.userId })
        .onConflictDoUpdate({ target: reportForms.templateId, set: { fileName, content: content.toString('base64'), sheetName: parsed.sheetName, mapping: { cells: {} }, updatedAt: new Date() } });
      await this.platform.audit.record(tx, ctx, { category: 'write', action: 'report_form.upload', entityType: 'report_template', entityId: t.id, detail: { fileName, cells: parsed.cells.length } });
    });
    return { fileName, ...parsed, mapping: { cells: {} } };
  }

  async getForm(ctx: AuthedContext, id: number): Promise<FormOut> {
    const t = await this.templates.get(ctx, id);
    const form = await this.formOf(t);
    if (!form) throw new AppError(ReportErrors.REPORT_NO_FORM);
    const parsed = await parseForm(Buffer.from(form.content, 'base64'));
    return { fileName: form.fileName, ...parsed, mapping: storedMapping(form.mapping), ownVersion: form.templateId === t.id };
  }

  async setFormMapping(ctx: AuthedContext, id: number, mapping: FormMapping): Promise<FormMapping> {
    const t = await this.ownTemplate(ctx, id);
    const form = await this.formOf(t);
    if (!form) throw new AppError(ReportErrors.REPORT_NO_FORM);
    const problems = mappingProblems(mapping, t.definition);
    if (problems.length) throw new AppError(ReportErrors.REPORT_FORM_INVALID, { reason_zh: problems.join('；'), reason_en: problems.join('; ') }, 'cells', { problems });
    await this.platform.db.transaction(async (tx) => {
      await tx.update(reportForms).set({ mapping, updatedAt: new Date() }).where(eq(reportForms.id, form.id));
      await this.platform.audit.record(tx, ctx, { category: 'write', action: 'report_form.map', entityType: 'report_template', entityId: t.id, detail: { cells: Object.keys(mapping.cells).length, rows: !!mapping.rows } });
    });
    return mapping;
  }

  // ---- exports ----------------------------------------------------------------------------

  private async render(input: OutputInput, format: ExportFormat, base: string, form?: { content: string; mapping: Record<string, unknown> }) {
    const safe = base.replace(/[\\/:*?"<>|\s]+/g, '_');
    if (format === 'json') return { body: JSON.stringify(input, null, 1), type: 'application/json; charset=utf-8', name: `${safe}.json` };
    if (format === 'csv') return { body: toCsv(input), type: 'text/csv; charset=utf-8', name: `${safe}.csv` };
    if (format === 'pdf') return { body: await toPdf(input), type: 'application/pdf', name: `${safe}.pdf` };
    const mapping = form ? storedMapping(form.mapping) : undefined;
    const body = form && mapping && (Object.keys(mapping.cells).length || mapping.rows) ? await fillForm(Buffer.from(form.content, 'base64'), mapping, input) : await toXlsx(input);
    return { body, type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', name: `${safe}.xlsx` };
  }

  async exportSubmission(ctx: AuthedContext, id: number, format: ExportFormat, layout: 'form' | 'standard' = 'form') {
    const view = await this.submissions.get(ctx, id);
    const t = (await this.templates.byId(view.templateId))!;
    const form = format === 'xlsx' && layout === 'form' ? await this.formOf(t) : undefined;
    const input: OutputInput = { result: view.result, manual: view.manual, submittedBy: view.submittedBy, submittedAt: view.submittedAt, version: view.version, status: view.status };
    const file = await this.render(input, format, `${t.title}-${view.unit.name}-${view.result.period.labelZh || view.period}`, form);
    await this.platform.audit.recordNow(this.platform.db, ctx, { category: 'export', action: 'report.export', entityType: 'report_submission', entityId: id, treePath: ctx.principal.treePath, detail: { format, layout: form ? 'form' : 'standard', protected: view.protected } });
    return file;
  }

  async exportPreview(ctx: AuthedContext, dueId: number, format: ExportFormat) {
    const p = await this.submissions.preview(ctx, dueId);
    const file = await this.render({ result: p.result, draft: true }, format, `${p.result.template.title}-${p.result.unit.name}-${p.result.period.labelZh}-预览`);
    await this.platform.audit.recordNow(this.platform.db, ctx, { category: 'export', action: 'report.export_preview', entityType: 'report_due', entityId: dueId, treePath: ctx.principal.treePath, detail: { format } });
    return file;
  }

  async exportConsolidated(ctx: AuthedContext, code: string, period: string, format: 'xlsx' | 'csv') {
    const c = await this.submissions.consolidated(ctx, code, period);
    const t = (await this.templates.byId(c.template.id))!;
    const statusZh: Record<string, string> = { pending: '未报', overdue: '逾期未报', submitted: '' };
    const result: OutputInput['result'] = {
      template: { ...resultTemplate(t), title: `${t.title}（汇总）` },
      unit: { id: 0, name: '各报送单位', level: 'all', code: '', trail: [] },
      period: { key: period, start: '', end: '', labelZh: c.periodLabel, labelEn: period },
      referenceDate: '', dims: [{ by: 'unit', title: '填报单位' }],
      columns: c.columns.map((col) => ({ key: col.key, title: col.title, group: col.group, unit: col.unit, kind: col.kind, computed: true, drillable: false })),
      rows: [
        ...c.rows.map((r) => ({ key: String(r.dueId), keys: [String(r.dueId)], headings: [`${r.unit.name}${statusZh[r.status] ? `（${statusZh[r.status]}）` : ''}`], level: 'detail' as const, values: r.values, n: {} })),
        { key: '*', keys: ['*'], headings: ['合计'], level: 'total' as const, values: c.total, n: {} },
      ],
      manualFields: [], computedAt: new Date().toISOString(), computeMs: 0,
      suppressed: [...c.rows.flatMap((r) => r.suppressed.map((col) => `${r.dueId}::${col}`)), ...c.totalSuppressed.map((col) => `*::${col}`)],
      complementary: [...c.rows.flatMap((r) => r.complementary.map((col) => `${r.dueId}::${col}`)), ...c.totalComplementary.map((col) => `*::${col}`)],
      suppressionThreshold: this.platform.config.smallCellThreshold,
    };
    const file = await this.render({ result }, format, `${t.title}-汇总-${c.periodLabel}`);
    await this.platform.audit.recordNow(this.platform.db, ctx, { category: 'export', action: 'report.export_consolidated', entityType: 'report_template', entityId: t.id, treePath: ctx.principal.treePath, detail: { code, period, format } });
    return file;
  }
}

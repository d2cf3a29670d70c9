// HTTP for the report registry and one-click reports: the source catalogue (what a template may
// name), templates (draft, check, submit, review, retire, versions, send down, official form),
// due reports (preview with one button, submit, drill down), submissions (read, correct, export,
// drill down), the consolidated view per period, and the reviewer's burden page.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppError } from '../../platform/errors.js';
import { errorResponses, IdParam, StrictObject } from '../../platform/http.js';
import { auditRefusals } from '../../platform/refusals.js';
import { TemplateDefinition } from './definition.js';
import { ReportErrors } from './errors.js';
import { FormMapping } from './forms.js';
import type { ReportService } from './index.js';
import { cadences, cleanupActions, dueStatuses, submitLevels, templateStatuses } from './tables.js';
import type { TemplateRow } from './templates.js';

const Lang = Type.Optional(Type.String({ enum: ['zh', 'en'], description: 'Language of messages and headings' }));
const DateString = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const Open = (description: string) => Type.Object({}, { additionalProperties: true, description });

export const TemplateInputBody = StrictObject({
  code: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_]{2,39}$', description: 'Report code shared by its versions (generated when omitted)' })),
  title: Type.String({ minLength: 2, maxLength: 80 }),
  legalBasis: Type.String({ minLength: 2, maxLength: 500, description: '制表依据: the law, regulation or document requiring it' }),
  purpose: Type.String({ minLength: 2, maxLength: 500 }),
  cadence: Type.String({ enum: [...cadences] }),
  deadlineDays: Type.Integer({ minimum: 1, maximum: 60, description: 'Due this many days after the period ends' }),
  onceStart: Type.Optional(Type.Union([DateString, Type.Null()])),
  onceEnd: Type.Optional(Type.Union([DateString, Type.Null()])),
  submitLevel: Type.String({ enum: [...submitLevels] }),
  targetNodeId: Type.Optional(Type.Integer({ minimum: 1, description: 'Send to units under this node (default: the whole jurisdiction)' })),
  entitledDepartments: Type.Optional(Type.Array(Type.String({ maxLength: 32 }), { maxItems: 20, description: 'Other department codes served by the same submission' })),
  handMinutesBefore: Type.Integer({ minimum: 0, maximum: 100_000, description: 'Minutes a community spent on the old form per filling' }),
  definition: TemplateDefinition,
});
type TemplateInputBody = Static<typeof TemplateInputBody>;

const TemplateOut = Type.Object(
  {
    id: Type.Integer(), code: Type.String(), version: Type.Integer(), status: Type.String({ enum: [...templateStatuses] }), title: Type.String(), departmentId: Type.Union([Type.Integer(), Type.Null()]), departmentName: Type.String(),
    departmentCode: Type.Union([Type.String(), Type.Null()]), legalBasis: Type.String(), purpose: Type.String(), cadence: Type.String(), deadlineDays: Type.Integer(),
    onceStart: Type.Union([Type.String(), Type.Null()]), onceEnd: Type.Union([Type.String(), Type.Null()]), submitLevel: Type.String(), targetNodeId: Type.Integer(), targetPath: Type.String(),
    entitledDepartments: Type.Array(Type.String()), definition: Type.Unknown(), handMinutesBefore: Type.Integer(), coverage: Type.Unknown(), overlaps: Type.Unknown(), builtin: Type.Boolean(),
    createdByName: Type.Union([Type.String(), Type.Null()]), submittedAt: Type.Union([Type.String(), Type.Null()]), reviewedAt: Type.Union([Type.String(), Type.Null()]),
    reviewedByName: Type.Union([Type.String(), Type.Null()]), reviewNote: Type.Union([Type.String(), Type.Null()]), mergedIntoCode: Type.Union([Type.String(), Type.Null()]),
    retiredAt: Type.Union([Type.String(), Type.Null()]), retiredReason: Type.Union([Type.String(), Type.Null()]), createdAt: Type.String(), updatedAt: Type.String(),
  },
  { description: 'A report template version' },
);

const CheckOut = Type.Object(
  {
    ok: Type.Boolean(), problems: Type.Array(Type.Object({ field: Type.String(), zh: Type.String(), en: Type.String() })),
    coverage: Type.Object({ computed: Type.Integer(), manual: Type.Integer(), total: Type.Integer(), zh: Type.String(), en: Type.String() }),
    overlaps: Type.Array(Open('An approved template answering some of the same items, with the items named')),
    cells: Type.Integer(), maxCells: Type.Integer(), missingGrants: Type.Array(Open('A field the department is not granted')),
    burden: Type.Object({ minutesBefore: Type.Number(), minutesAfter: Type.Number(), fillsPerMonth: Type.Number() }),
  },
  { description: 'What the platform says about a template: problems, coverage ("18 of 20 computed"), overlaps, cells, missing grants' },
);

const DueOut = Type.Object(
  {
    id: Type.Integer(), templateId: Type.Integer(), templateCode: Type.String(), title: Type.String(), department: Type.String(), cadence: Type.String(),
    unit: Type.Object({ id: Type.Integer(), name: Type.String() }), period: Type.String(), periodLabel: Type.String(), periodStart: Type.String(), periodEnd: Type.String(), deadline: Type.String(),
    status: Type.String({ enum: [...dueStatuses] }), late: Type.Boolean(), daysLeft: Type.Integer(), submissionId: Type.Union([Type.Integer(), Type.Null()]), submittedAt: Type.Union([Type.String(), Type.Null()]),
    reminders: Type.Integer(), coverage: Type.Unknown(),
  },
  { description: 'A report due from one unit for one period' },
);

const ResultOut = Open('The computed table: template, unit, period, reference date, dims, columns, rows (key, headings, level, values), manual fields; for a protected view also the suppressed cells');
const SubmissionOut = Type.Object(
  {
    id: Type.Integer(), dueId: Type.Integer(), templateId: Type.Integer(), templateCode: Type.String(), version: Type.Integer(), status: Type.String(), period: Type.String(), referenceDate: Type.String(),
    reason: Type.Union([Type.String(), Type.Null()]), submittedBy: Type.String(), submittedAt: Type.String(), unit: Type.Object({ id: Type.Integer(), name: Type.String() }),
    result: ResultOut, manual: Open('Hand-entered values: report and rows'), protected: Type.Boolean({ description: 'Small counts are suppressed for this viewer' }), digest: Type.String(),
  },
  { description: 'A submitted report, frozen as computed when submitted' },
);

const ManualBody = Type.Optional(
  StrictObject({
    report: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String({ maxLength: 2000 }), Type.Number(), Type.Null()]))),
    rows: Type.Optional(Type.Record(Type.String(), Type.Record(Type.String(), Type.Union([Type.String({ maxLength: 2000 }), Type.Number(), Type.Null()])))),
  }),
);

const DrillQuery = StrictObject({
  row: Type.String({ maxLength: 200, description: 'Row key ("*" the total; "123" a grid; "123|*" a subtotal)' }),
  column: Type.String({ maxLength: 32 }),
  reason: Type.Optional(Type.String({ maxLength: 500, description: 'Purpose (required for departments)' })),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
  lang: Lang,
});
const DrillOut = Type.Object({
  column: Type.Object({ key: Type.String(), title: Type.String(), basedOn: Type.Union([Type.String(), Type.Null()]) }), rowKey: Type.String(), value: Type.Union([Type.Number(), Type.String(), Type.Null()]),
  total: Type.Integer(), items: Type.Array(Open('A record behind the figure, masked as the viewer may see it')), drill: Type.String(), note: Type.Union([Type.Object({ zh: Type.String(), en: Type.String() }), Type.Null()]),
  limit: Type.Integer(), offset: Type.Integer(),
});

const ExportQuery = StrictObject({
  format: Type.String({ enum: ['xlsx', 'pdf', 'csv', 'json'], default: 'xlsx' }),
  layout: Type.Optional(Type.String({ enum: ['form', 'standard'], description: 'xlsx: the department’s uploaded form when there is one (form), or the standard layout' })),
  lang: Lang,
});

function iso(d: Date | null | undefined): string | null {
  return d ? d.toISOString() : null;
}

function templateOut(t: TemplateRow): Static<typeof TemplateOut> {
  return { ...t, submittedAt: iso(t.submittedAt), reviewedAt: iso(t.reviewedAt), retiredAt: iso(t.retiredAt), createdAt: iso(t.createdAt)!, updatedAt: iso(t.updatedAt)! } as unknown as Static<typeof TemplateOut>;
}

function sendFile(reply: FastifyReply, file: { body: Buffer | string; type: string; name: string }) {
  return reply
    .header('content-type', file.type)
    .header('content-disposition', `attachment; filename="report.${file.name.split('.').pop()}"; filename*=UTF-8''${encodeURIComponent(file.name)}`)
    .send(file.body);
}

export function reportRoutes(svc: ReportService): FastifyPluginAsyncTypebox {
  return async (app) => {
    // Schemas are used inline, not added with addSchema: a schema added inside a plugin gives that
    // plugin Fastify's default validator (which coerces and drops unknown fields) instead of the app's strict one.
    const tags = ['reports'];
    // A refused drill-down (a protected figure, a department without a purpose …) is audited.
    auditRefusals(app as unknown as FastifyInstance, { audit: svc.platform.audit, db: svc.platform.db });
    const Tpl = TemplateOut;
    const anyReports = ['reports:read', 'reports:draft', 'reports:review', 'reports:submit'] as const;

    app.get(
      '/reports/sources',
      {
        config: { permission: anyReports },
        schema: {
          tags, summary: 'What a template may read: the report sources of base data with their fields (type, code table, the grant a department needs), the label kinds, filter operators and limits',
          querystring: StrictObject({ lang: Lang }),
          response: { 200: Open('sources, labels, operators, maxCells'), ...errorResponses },
        },
      },
      async () => svc.catalogue(),
    );

    // ---- templates ------------------------------------------------------------------------

    app.get(
      '/reports/templates',
      {
        config: { permission: anyReports },
        schema: {
          tags, summary: 'Templates the caller may see: a department its own (every state) and the approved ones; the reviewer all',
          querystring: StrictObject({ status: Type.Optional(Type.Array(Type.String({ enum: [...templateStatuses] }), { maxItems: 7 })), code: Type.Optional(Type.String({ maxLength: 40 })), mine: Type.Optional(Type.Boolean()), lang: Lang }),
          response: { 200: Type.Array(Tpl), ...errorResponses },
        },
      },
      async (req) => (await svc.templates.list(req.ctx, { status: req.query.status as never, code: req.query.code, mine: req.query.mine })).map(templateOut),
    );

    app.post(
      '/reports/templates/check',
      {
        config: { permission: ['reports:draft', 'reports:review'] },
        schema: { tags, summary: 'Check a template without saving it: problems, coverage, overlaps with approved templates, cell count, grants the department lacks, burden', body: TemplateInputBody, response: { 200: CheckOut, ...errorResponses } },
      },
      async (req) => svc.templates.check(req.ctx, req.body as TemplateInputBody as never),
    );

    app.post(
      '/reports/templates',
      {
        config: { permission: 'reports:draft' },
        schema: { tags, summary: 'Draft a template (department staff). The definition must be sound; grants are checked when it is submitted for approval.', body: TemplateInputBody, response: { 201: Tpl, ...errorResponses } },
      },
      async (req, reply) => reply.code(201).send(templateOut(await svc.templates.create(req.ctx, req.body as never))),
    );

    app.get(
      '/reports/templates/:id',
      { config: { permission: anyReports }, schema: { tags, summary: 'One template version', params: IdParam, querystring: StrictObject({ lang: Lang }), response: { 200: Tpl, ...errorResponses } } },
      async (req) => templateOut(await svc.templates.get(req.ctx, req.params.id)),
    );

    app.put(
      '/reports/templates/:id',
      { config: { permission: 'reports:draft' }, schema: { tags, summary: 'Change a draft (a rejected template becomes a draft again)', params: IdParam, body: TemplateInputBody, response: { 200: Tpl, ...errorResponses } } },
      async (req) => templateOut(await svc.templates.update(req.ctx, req.params.id, req.body as never)),
    );

    app.get(
      '/reports/templates/:id/history',
      { config: { permission: anyReports }, schema: { tags, summary: 'Every version of the template’s report code', params: IdParam, response: { 200: Type.Array(Tpl), ...errorResponses } } },
      async (req) => (await svc.templates.history(req.ctx, req.params.id)).map(templateOut),
    );

    app.post(
      '/reports/templates/:id/submit',
      {
        config: { permission: 'reports:draft' },
        schema: {
          tags, summary: 'File the template for approval (备案). Refused when it names fields the department is not granted, an unknown field, divides by zero or would make too many cells. Answers with the coverage and the overlaps found.',
          params: IdParam, response: { 200: Type.Object({ template: Tpl, check: CheckOut }), ...errorResponses },
        },
      },
      async (req) => {
        const r = await svc.templates.submit(req.ctx, req.params.id);
        return { template: templateOut(r.template), check: r.check };
      },
    );

    app.post(
      '/reports/templates/:id/review',
      {
        config: { permission: 'reports:review' },
        schema: {
          tags, summary: 'The reviewer’s decision: approve (sends it down at once), reject with a reason, or merge it into an approved template that answers it (the department is then served by that one)',
          params: IdParam,
          body: StrictObject({ decision: Type.String({ enum: ['approve', 'reject', 'merge'] }), note: Type.Optional(Type.String({ maxLength: 1000 })), mergeInto: Type.Optional(Type.String({ maxLength: 40 })) }),
          response: { 200: Type.Object({ template: Tpl, issued: Type.Integer({ description: 'Due reports created' }) }), ...errorResponses },
        },
      },
      async (req) => {
        const r = await svc.templates.review(req.ctx, req.params.id, req.body as never);
        return { template: templateOut(r.template), issued: r.issued };
      },
    );

    app.post(
      '/reports/templates/:id/retire',
      {
        config: { permission: ['reports:review', 'reports:draft'] },
        schema: { tags, summary: 'Stop an approved template; open due reports are cancelled, history stays', params: IdParam, body: StrictObject({ reason: Type.String({ minLength: 2, maxLength: 500 }) }), response: { 200: Type.Object({ template: Tpl, cancelled: Type.Integer() }), ...errorResponses } },
      },
      async (req) => {
        const r = await svc.retire(req.ctx, req.params.id, req.body.reason);
        return { template: templateOut(r.template), cancelled: r.cancelled };
      },
    );

    app.post(
      '/reports/templates/:id/versions',
      { config: { permission: ['reports:draft', 'reports:review'] }, schema: { tags, summary: 'Start a new draft version of an approved template', params: IdParam, response: { 201: Tpl, ...errorResponses } } },
      async (req, reply) => reply.code(201).send(templateOut(await svc.templates.newVersion(req.ctx, req.params.id))),
    );

    app.post(
      '/reports/templates/:id/issue',
      {
        config: { permission: ['reports:draft', 'reports:review'] },
        schema: {
          tags, summary: 'Send the report down for a period (default: the current one). Refused for anything but an approved template.',
          params: IdParam, body: StrictObject({ period: Type.Optional(Type.String({ maxLength: 24, description: '2025-10, 2025-Q4, 2025' })) }), response: { 200: Type.Object({ issued: Type.Integer(), period: Type.String() }), ...errorResponses },
        },
      },
      async (req) => svc.issue(req.ctx, req.params.id, req.body.period),
    );

    app.get(
      '/reports/templates/:id/sql',
      {
        config: { permission: ['reports:draft', 'reports:review'] },
        schema: { tags, summary: 'The one SQL query the template compiles to (with its bound parameters), for a sample unit and the current period', params: IdParam, response: { 200: Type.Object({ sql: Type.String(), params: Type.Array(Type.Unknown()), unit: Type.String(), period: Type.String() }), ...errorResponses } },
      },
      async (req) => svc.sqlOf(req.ctx, req.params.id),
    );

    app.post(
      '/reports/templates/:id/form',
      {
        config: { permission: ['reports:draft', 'reports:review'] },
        preValidation: async (req) => {
          if (req.body === undefined || req.body === null) (req as { body: unknown }).body = {};
        },
        schema: {
          tags, summary: 'Upload the department’s own Excel form (表样, .xlsx) as multipart field "file"; answers with its non-empty cells for mapping', params: IdParam, consumes: ['multipart/form-data'],
          body: Type.Object({ file: Type.Optional(Type.String({ format: 'binary' })) }), response: { 201: Open('sheetName, rowCount, columnCount, cells, mapping'), 413: Type.Ref('ErrorBody'), ...errorResponses },
        },
      },
      async (req, reply) => {
        if (!req.isMultipart()) throw new AppError(ReportErrors.REPORT_FORM_INVALID, { reason_zh: '请以 multipart 字段 file 上传 .xlsx 文件', reason_en: 'upload the .xlsx as multipart field "file"' }, 'file');
        const part = await req.file();
        if (!part) throw new AppError(ReportErrors.REPORT_FORM_INVALID, { reason_zh: '没有收到文件', reason_en: 'no file received' }, 'file');
        const buf = await part.toBuffer();
        return reply.code(201).send(await svc.uploadForm(req.ctx, req.params.id, part.filename, buf));
      },
    );

    app.get(
      '/reports/templates/:id/form',
      { config: { permission: anyReports }, schema: { tags, summary: 'The uploaded form: its cells and the current mapping', params: IdParam, response: { 200: Open('fileName, sheetName, cells, mapping'), ...errorResponses } } },
      async (req) => svc.getForm(req.ctx, req.params.id),
    );

    app.put(
      '/reports/templates/:id/form/mapping',
      { config: { permission: ['reports:draft', 'reports:review'] }, schema: { tags, summary: 'Say where each figure goes on the uploaded form', params: IdParam, body: FormMapping, response: { 200: Open('the saved mapping'), ...errorResponses } } },
      async (req) => svc.setFormMapping(req.ctx, req.params.id, req.body),
    );

    // ---- due reports ----------------------------------------------------------------------

    app.get(
      '/reports/due',
      {
        config: { permission: ['reports:submit', 'reports:read'] },
        schema: {
          tags, summary: 'Reports due in the caller’s area (a community: its own), overdue first, with deadlines, status and reminders',
          querystring: StrictObject({
            status: Type.Optional(Type.Array(Type.String({ enum: [...dueStatuses] }), { maxItems: 4 })), templateCode: Type.Optional(Type.String({ maxLength: 40 })), period: Type.Optional(Type.String({ maxLength: 24 })),
            nodeId: Type.Optional(Type.Integer({ minimum: 1 })), limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }), offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }), lang: Lang,
          }),
          response: { 200: Type.Object({ items: Type.Array(DueOut), total: Type.Integer() }), ...errorResponses },
        },
      },
      async (req) => svc.submissions.listDue(req.ctx, { ...req.query, status: req.query.status as never }),
    );

    app.get(
      '/reports/due/:id',
      { config: { permission: ['reports:submit', 'reports:read'] }, schema: { tags, summary: 'One due report', params: IdParam, response: { 200: DueOut, ...errorResponses } } },
      async (req) => svc.submissions.getDue(req.ctx, req.params.id),
    );

    app.post(
      '/reports/due/:id/preview',
      {
        config: { permission: 'reports:submit' },
        schema: {
          tags, summary: 'The one button: compute the report from base data for the caller’s unit (nothing is stored). The digest lets the submission confirm the figures did not change.',
          params: IdParam, querystring: StrictObject({ lang: Lang }), response: { 200: Type.Object({ due: DueOut, result: ResultOut, digest: Type.String() }), ...errorResponses },
        },
      },
      async (req) => svc.submissions.preview(req.ctx, req.params.id),
    );

    app.post(
      '/reports/due/:id/submit',
      {
        config: { permission: 'reports:submit' },
        schema: {
          tags, summary: 'Submit: recomputed and frozen at this moment, with the hand-entered items. Submitting again answers with the same submission.',
          params: IdParam, body: StrictObject({ manual: ManualBody, previewDigest: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$', description: 'The preview’s digest: refused (409) if the figures changed since' })) }),
          response: { 200: Type.Object({ submission: SubmissionOut, alreadySubmitted: Type.Boolean() }), 201: Type.Object({ submission: SubmissionOut, alreadySubmitted: Type.Boolean() }), ...errorResponses },
        },
      },
      async (req, reply) => {
        const r = await svc.submissions.submit(req.ctx, req.params.id, { manual: req.body.manual as never, previewDigest: req.body.previewDigest });
        return reply.code(r.alreadySubmitted ? 200 : 201).send(r);
      },
    );

    app.get(
      '/reports/due/:id/drill',
      { config: { permission: 'reports:submit', personalData: { action: 'report.drill', entityType: 'report_due' } }, schema: { tags, summary: 'The records behind a figure of the preview', params: IdParam, querystring: DrillQuery, response: { 200: DrillOut, ...errorResponses } } },
      async (req) => svc.submissions.drill(req.ctx, { dueId: req.params.id }, req.query.row, req.query.column, req.query),
    );

    app.get(
      '/reports/due/:id/export',
      { config: { permission: 'reports:submit' }, schema: { tags, summary: 'The preview as Excel, PDF, CSV or JSON (marked as not submitted)', params: IdParam, querystring: ExportQuery, response: { 200: Type.Unknown(), ...errorResponses } } },
      async (req, reply) => sendFile(reply, await svc.exportPreview(req.ctx, req.params.id, req.query.format as never)),
    );

    // ---- submissions ----------------------------------------------------------------------

    app.get(
      '/reports/submissions',
      {
        config: { permission: 'reports:read' },
        schema: {
          tags, summary: 'Submitted reports the caller may read (a department: those of templates serving it, within its jurisdiction)',
          querystring: StrictObject({
            templateCode: Type.Optional(Type.String({ maxLength: 40 })), period: Type.Optional(Type.String({ maxLength: 24 })), nodeId: Type.Optional(Type.Integer({ minimum: 1 })),
            includeSuperseded: Type.Optional(Type.Boolean()), limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }), offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }), lang: Lang,
          }),
          response: { 200: Type.Object({ items: Type.Array(Open('submission summary')), total: Type.Integer() }), ...errorResponses },
        },
      },
      async (req) => svc.submissions.list(req.ctx, req.query),
    );

    app.get(
      '/reports/submissions/:id',
      { config: { permission: 'reports:read' }, schema: { tags, summary: 'One submission (small counts suppressed above the unit)', params: IdParam, querystring: StrictObject({ lang: Lang }), response: { 200: SubmissionOut, ...errorResponses } } },
      async (req) => svc.submissions.get(req.ctx, req.params.id),
    );

    app.get(
      '/reports/submissions/:id/versions',
      { config: { permission: 'reports:read' }, schema: { tags, summary: 'Every version of this report (corrections with their reasons)', params: IdParam, response: { 200: Type.Array(Open('version')), ...errorResponses } } },
      async (req) => svc.submissions.versions(req.ctx, req.params.id),
    );

    app.post(
      '/reports/submissions/:id/corrections',
      {
        config: { permission: 'reports:submit' },
        schema: { tags, summary: 'Correct a submission: recomputed from today’s base data (and new hand-entered items) as a new version with a reason; the earlier version stays', params: IdParam, body: StrictObject({ manual: ManualBody, reason: Type.String({ minLength: 2, maxLength: 500 }) }), response: { 201: SubmissionOut, ...errorResponses } },
      },
      async (req, reply) => reply.code(201).send(await svc.submissions.correct(req.ctx, req.params.id, { manual: req.body.manual as never, reason: req.body.reason })),
    );

    app.get(
      '/reports/submissions/:id/drill',
      { config: { permission: 'reports:read', personalData: { action: 'report.drill', entityType: 'report_submission' } }, schema: { tags, summary: 'The records behind a submitted figure, as the viewer may see them (departments give a reason; every read is logged)', params: IdParam, querystring: DrillQuery, response: { 200: DrillOut, ...errorResponses } } },
      async (req) => svc.submissions.drill(req.ctx, { submissionId: req.params.id }, req.query.row, req.query.column, req.query),
    );

    app.get(
      '/reports/submissions/:id/export',
      { config: { permission: 'reports:read' }, schema: { tags, summary: 'Download as Excel (official layout, or the department’s uploaded form), PDF, CSV or JSON', params: IdParam, querystring: ExportQuery, response: { 200: Type.Unknown(), ...errorResponses } } },
      async (req, reply) => sendFile(reply, await svc.exportSubmission(req.ctx, req.params.id, req.query.format as never, req.query.layout as never)),
    );

    app.get(
      '/reports/consolidated',
      {
        config: { permission: 'reports:read' },
        schema: {
          tags, summary: 'Every unit’s report of a template for a period side by side, with who has not reported and a grand total',
          querystring: StrictObject({ templateCode: Type.String({ maxLength: 40 }), period: Type.String({ maxLength: 24 }), format: Type.Optional(Type.String({ enum: ['json', 'xlsx', 'csv'] })), lang: Lang }),
          response: { 200: Open('template, period, columns, rows (unit, status, values), total, summary'), ...errorResponses },
        },
      },
      async (req, reply) => {
        const fmt = req.query.format ?? 'json';
        if (fmt === 'json') return svc.submissions.consolidated(req.ctx, req.query.templateCode, req.query.period);
        return sendFile(reply, await svc.exportConsolidated(req.ctx, req.query.templateCode, req.query.period, fmt as 'xlsx' | 'csv'));
      },
    );

    // ---- burden ---------------------------------------------------------------------------

    app.get(
      '/reports/burden',
      { config: { permission: 'reports:burden' }, schema: { tags, summary: 'The burden page: approved templates and their hand-entry minutes before and after, reports removed or merged, filings and timeliness', querystring: StrictObject({ lang: Lang }), response: { 200: Open('headline, approved, totals, removed, filings, timeliness'), ...errorResponses } } },
      async (req) => svc.burden.burden(req.ctx),
    );

    app.get(
      '/reports/cleanups',
      { config: { permission: ['reports:burden', 'reports:review'] }, schema: { tags, summary: 'The register of reports taken off communities (removed, merged, now generated)', response: { 200: Type.Array(Open('cleanup entry')), ...errorResponses } } },
      async () => (await svc.burden.cleanups()).map((c) => ({ ...c, createdAt: c.createdAt.toISOString(), updatedAt: c.updatedAt.toISOString() })),
    );

    app.post(
      '/reports/cleanups',
      {
        config: { permission: 'reports:review' },
        schema: {
          tags, summary: 'Record a report taken off communities (取消, 合并, 改由平台生成)',
          body: StrictObject({
            title: Type.String({ minLength: 2, maxLength: 120 }), departmentName: Type.String({ minLength: 1, maxLength: 80 }), action: Type.String({ enum: [...cleanupActions] }),
            replacedByCode: Type.Optional(Type.Union([Type.String({ maxLength: 40 }), Type.Null()])), reason: Type.String({ minLength: 2, maxLength: 500 }),
            timesPerYear: Type.Integer({ minimum: 0, maximum: 365 }), minutesPerFill: Type.Integer({ minimum: 0, maximum: 10_000 }), decidedOn: DateString,
          }),
          response: { 201: Open('cleanup entry'), ...errorResponses },
        },
      },
      async (req, reply) => {
        const row = await svc.burden.addCleanup(req.ctx, req.body as never);
        return reply.code(201).send({ ...row, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() });
      },
    );
  };
}

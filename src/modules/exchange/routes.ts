// HTTP for spreadsheet exchange: upload a sheet, confirm its column mapping, follow the run,
// read the refused rows and download the Excel error report; remembered templates; blank sheets
// to fill in; and exports of any filtered list as xlsx.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError } from '../../platform/errors.js';
import { errorResponses, IdParam, StrictObject } from '../../platform/http.js';
import { StringEnum } from '../../platform/schemas.js';
import { assertNoNumberInUrl, codeTables, recordKinds, type RecordKind } from '../registry/index.js';
import { ExchangeErrors } from './errors.js';
import type { ExportService } from './exporter.js';
import type { ImportService } from './importer.js';
import { XLSX_TYPE } from '../../platform/documents/http.js';

const Kind = Type.String({ enum: [...recordKinds], description: 'resident, household, building, house, organisation or facility' });
const Lang = Type.Optional(Type.String({ enum: ['zh', 'en'] }));

const Mapping = Type.Object({ index: Type.Integer(), header: Type.String(), target: Type.Union([Type.String(), Type.Null()]) });
const Counts = Type.Object({
  created: Type.Integer(), updated: Type.Integer(), unchanged: Type.Integer(), failed: Type.Integer(), warned: Type.Integer(), blank: Type.Integer(),
  proposed: Type.Optional(Type.Integer({ description: 'Department-owned labels sent to their owner as proposals' })),
  buildingsCreated: Type.Optional(Type.Integer({ description: 'Buildings created because the sheet named them (createPlaces)' })),
  housesCreated: Type.Optional(Type.Integer()),
});
const MappingIn = Type.Array(StrictObject({ index: Type.Integer({ minimum: 0, maximum: 999 }), target: Type.Union([Type.String({ maxLength: 48 }), Type.Null()]) }), { maxItems: 1000, description: 'Column index → target; columns left out are not imported' });
const PlacePlanOut = Type.Object({
  applies: Type.Boolean({ description: 'The mapping names places (楼栋, and 房号 for residents and households)' }),
  grid: Type.Union([Type.Object({ id: Type.Integer(), name: Type.String() }), Type.Null()], { description: 'The default grid new places go to (rows naming a grid take theirs)' }),
  buildings: Type.Array(
    Type.Object({
      name: Type.String(), address: Type.Union([Type.String(), Type.Null()]),
      status: Type.String({ description: 'new (created when agreed), exists, ambiguous (several share the name: add a 楼栋地址 column)' }),
      buildingId: Type.Union([Type.Integer(), Type.Null()]), namesakes: Type.Integer(),
      grid: Type.Union([Type.Object({ id: Type.Integer(), name: Type.String() }), Type.Null()]),
      rows: Type.Integer(), newHouses: Type.Array(Type.Object({ unitNo: Type.String(), roomNo: Type.String() })), existingHouses: Type.Integer(),
    }),
  ),
  newBuildings: Type.Integer(), newHouses: Type.Integer(), ambiguous: Type.Integer(), rows: Type.Integer(),
});
const ImportOut = Type.Object(
  {
    id: Type.Integer(),
    kind: StringEnum(recordKinds),
    status: Type.String({ description: 'uploaded, queued, running, cancelling, done, cancelled, failed' }),
    statusName: Type.String(),
    fileName: Type.String(),
    fileSize: Type.Integer(),
    format: Type.String({ description: 'xlsx or csv' }),
    encoding: Type.Union([Type.String(), Type.Null()], { description: 'CSV text encoding as detected' }),
    node: Type.Object({ id: Type.Integer(), name: Type.String() }),
    defaultGridId: Type.Union([Type.Integer(), Type.Null()]),
    preview: Type.Union([
      Type.Object({
        sheets: Type.Array(Type.Object({ name: Type.String(), rows: Type.Integer(), hidden: Type.Boolean() })),
        sheet: Type.Union([Type.String(), Type.Null()]),
        headerRow: Type.Integer(),
        headers: Type.Array(Type.Object({ index: Type.Integer(), header: Type.String(), samples: Type.Array(Type.String(), { description: 'First rows, ID numbers and phones masked' }) })),
        mappingSource: Type.String({ description: 'template (remembered for this sheet layout) or headers (from the header names)' }),
        templateId: Type.Union([Type.Integer(), Type.Null()]),
        totalRows: Type.Integer(),
        defaultGridSource: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'Where the default grid came from: chosen, template (remembered with this layout), last (the worker’s last import), only (the community’s only grid)' })),
      }),
      Type.Null(),
    ]),
    mapping: Type.Array(Mapping),
    targets: Type.Array(Type.Object({ key: Type.String(), zh: Type.String(), en: Type.String(), required: Type.Boolean(), type: Type.String() }), { description: 'What a column can feed: fields, @grid, @householdNo, @labels, label:<code> (yes/no) …' }),
    missingRequired: Type.Array(Type.String()),
    options: Type.Object({ blankClears: Type.Optional(Type.Boolean()), createPlaces: Type.Optional(Type.Boolean()) }),
    totalRows: Type.Integer(),
    processedRows: Type.Integer(),
    progress: Type.Number({ description: '0 to 1' }),
    counts: Counts,
    error: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]),
    createdBy: Type.String(),
    createdAt: Type.String(),
    startedAt: Type.Union([Type.String(), Type.Null()]),
    finishedAt: Type.Union([Type.String(), Type.Null()]),
    issueCount: Type.Integer({ description: 'Rows in the error report' }),
  },
  { $id: 'ImportOut' },
);

const ResidentFilterQuery = {
  nodeId: Type.Optional(Type.Integer({ minimum: 1, description: 'Limit to the subtree of this node' })),
  gridId: Type.Optional(Type.Integer({ minimum: 1 })),
  status: Type.Optional(Type.Array(Type.String({ enum: ['active', 'moved_out', 'deceased', 'closed'] }), { maxItems: 4 })),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'Name prefix (no digits: a URL is logged)' })),
  labels: Type.Optional(Type.Array(Type.String({ maxLength: 32 }), { maxItems: 10 })),
  labelMatch: Type.Optional(Type.String({ enum: ['any', 'all'] })),
  sex: Type.Optional(Type.String({ enum: ['0', '1', '2', '9'] })),
  ageMin: Type.Optional(Type.Integer({ minimum: 0, maximum: 150 })),
  ageMax: Type.Optional(Type.Integer({ minimum: 0, maximum: 150 })),
  residenceStatus: Type.Optional(Type.String({ enum: Object.keys(codeTables.residenceStatus) })),
  householdId: Type.Optional(Type.Integer({ minimum: 1 })),
  stale: Type.Optional(Type.Boolean({ description: 'Only records with an overdue review' })),
  lang: Lang,
};

const Xlsx = { 200: Type.Unknown({ description: 'An .xlsx workbook (streamed)' }), ...errorResponses };

export function exchangeRoutes(imports: ImportService, exports: ExportService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addSchema(ImportOut);
    const ImportRef = Type.Ref(ImportOut);
    const tags = ['import-export'];

    app.post(
      '/imports',
      {
        config: { permission: 'registry:import' },
        // The body is a multipart stream read by the handler (never buffered); this only lets validation pass.
        preValidation: async (req) => {
          if (req.body === undefined || req.body === null) (req as { body: unknown }).body = {};
        },
        schema: {
          tags,
          summary: 'Upload a sheet (xlsx, or CSV in UTF-8/GBK) as multipart field "file"; answers with the header row found and the proposed column mapping. Nothing is imported until /start. A file past a read limit (unpacked size, string table, rows, columns, time, memory) is refused with 413 IMPORT_TOO_LARGE naming it (details.limit).',
          consumes: ['multipart/form-data'],
          querystring: StrictObject({
            kind: Kind,
            nodeId: Type.Optional(Type.Integer({ minimum: 1, description: 'The community (or a grid of it) to import into; defaults to the caller’s node' })),
            defaultGridId: Type.Optional(Type.Integer({ minimum: 1, description: 'Grid for rows that name none' })),
            lang: Lang,
          }),
          body: Type.Object({ file: Type.Optional(Type.String({ format: 'binary', description: 'The sheet' })) }),
          response: { 201: ImportRef, 413: Type.Ref('ErrorBody'), ...errorResponses },
        },
      },
      async (req, reply) => {
        if (!req.isMultipart()) throw new AppError(ExchangeErrors.IMPORT_FILE_MISSING, {}, 'file');
        const part = await req.file();
        if (!part) throw new AppError(ExchangeErrors.IMPORT_FILE_MISSING, {}, 'file');
        const view = await imports.upload(req.ctx, { filename: part.filename, stream: part.file }, { kind: req.query.kind as RecordKind, nodeId: req.query.nodeId, defaultGridId: req.query.defaultGridId });
        return reply.code(201).send(view);
      },
    );

    app.get(
      '/imports',
      {
        config: { permission: 'registry:import' },
        schema: {
          tags, summary: 'Imports in the caller’s area, newest first',
          querystring: StrictObject({ kind: Type.Optional(Kind), status: Type.Optional(Type.String({ maxLength: 12 })), limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }), offset: Type.Integer({ minimum: 0, default: 0 }), lang: Lang }),
          response: { 200: Type.Object({ items: Type.Array(ImportRef), total: Type.Integer() }), ...errorResponses },
        },
      },
      async (req) => imports.list(req.ctx, req.query),
    );

    app.get(
      '/imports/blank-sheet',
      {
        config: { permission: 'registry:import' },
        schema: { tags, summary: 'A blank sheet to fill in for a record kind, with the accepted values of coded columns', produces: [XLSX_TYPE], querystring: StrictObject({ kind: Kind, lang: Lang }), response: Xlsx },
      },
      async (req, reply) => {
        const f = await exports.blankTemplate(req.query.kind as RecordKind);
        return reply.header('content-type', XLSX_TYPE).header('content-disposition', f.disposition).send(f.stream);
      },
    );

    app.get(
      '/imports/:id',
      { config: { permission: 'registry:import' }, schema: { tags, summary: 'One import: its preview and mapping, its status and progress (poll this), its counts', params: IdParam, querystring: StrictObject({ lang: Lang }), response: { 200: ImportRef, ...errorResponses } } },
      async (req) => imports.get(req.ctx, req.params.id),
    );

    app.post(
      '/imports/:id/preview',
      {
        config: { permission: 'registry:import' },
        schema: {
          tags, summary: 'Read the header from another sheet of the workbook or another row (before the import starts)', params: IdParam,
          body: StrictObject({ sheet: Type.Optional(Type.String({ maxLength: 100 })), headerRow: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }),
          response: { 200: ImportRef, 413: Type.Ref('ErrorBody'), ...errorResponses },
        },
      },
      async (req) => imports.repreview(req.ctx, req.params.id, req.body),
    );

    app.post(
      '/imports/:id/start',
      {
        config: { permission: 'registry:import' },
        schema: {
          tags, summary: 'Confirm the column mapping and start the import in the background (the mapping is remembered for this sheet layout)', params: IdParam,
          body: StrictObject({
            mapping: Type.Optional(MappingIn),
            defaultGridId: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
            blankClears: Type.Optional(Type.Boolean({ description: 'An empty cell erases the stored value (default: empty cells change nothing)' })),
            remember: Type.Optional(Type.Boolean({ default: true, description: 'Remember the mapping and the default grid for this sheet layout in this community' })),
            createPlaces: Type.Optional(Type.Boolean({ description: 'Create the buildings and houses the sheet names that the community lacks (see POST /imports/:id/places), in the rows’ grid; default: rows naming them are refused' })),
          }),
          response: { 202: ImportRef, ...errorResponses },
        },
      },
      async (req, reply) => reply.code(202).send(await imports.start(req.ctx, req.params.id, req.body)),
    );

    app.post(
      '/imports/:id/places',
      {
        config: { permission: 'registry:import' },
        schema: {
          tags, summary: 'The buildings and houses the sheet names, for a mapping and default grid not yet saved: which are not registered (offered for creation with createPlaces) and which names several buildings share. Nothing is written.', params: IdParam,
          body: StrictObject({ mapping: Type.Optional(MappingIn), defaultGridId: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])) }),
          response: { 200: PlacePlanOut, 413: Type.Ref('ErrorBody'), ...errorResponses },
        },
      },
      async (req) => imports.placePlan(req.ctx, req.params.id, req.body),
    );

    app.post(
      '/imports/:id/cancel',
      { config: { permission: 'registry:import' }, schema: { tags, summary: 'Cancel an import (rows already committed stay)', params: IdParam, response: { 200: ImportRef, ...errorResponses } } },
      async (req) => imports.cancel(req.ctx, req.params.id),
    );

    app.get(
      '/imports/:id/issues',
      {
        config: { permission: 'registry:import' },
        schema: {
          tags, summary: 'Rows refused (error) or taken in part (warning), with the reasons; ID numbers and phones masked', params: IdParam,
          querystring: StrictObject({ severity: Type.Optional(Type.String({ enum: ['error', 'warning'] })), limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }), offset: Type.Integer({ minimum: 0, default: 0 }), lang: Lang }),
          response: {
            200: Type.Object({ items: Type.Array(Type.Object({ rowNo: Type.Integer(), severity: Type.String(), reasons: Type.Array(Type.Object({ column: Type.String(), message: Type.String(), severity: Type.String({ description: 'error (the row was refused for it) or warning (noted; the rest was imported)' }) })), cells: Type.Array(Type.String()) })), total: Type.Integer() }),
            ...errorResponses,
          },
        },
      },
      async (req) => imports.issues(req.ctx, req.params.id, { ...req.query, severity: req.query.severity as 'error' | 'warning' | undefined }),
    );

    app.get(
      '/imports/:id/report',
      {
        config: { permission: 'registry:import' },
        schema: { tags, summary: 'The Excel error report: each refused row as uploaded, with the reason in Chinese (logged as an export)', produces: [XLSX_TYPE], params: IdParam, querystring: StrictObject({ lang: Lang }), response: { ...Xlsx, 410: Type.Ref('ErrorBody') } },
      },
      async (req, reply) => {
        const r = await imports.errorReport(req.ctx, req.params.id);
        return reply.header('content-type', XLSX_TYPE).header('content-disposition', r.disposition).send(r.stream);
      },
    );

    app.get(
      '/import-templates',
      {
        config: { permission: 'registry:import' },
        schema: {
          tags, summary: 'Column mappings remembered per sheet layout in the caller’s area', querystring: StrictObject({ kind: Type.Optional(Kind) }),
          response: { 200: Type.Array(Type.Object({ id: Type.Integer(), kind: Type.String(), name: Type.String(), nodeId: Type.Integer(), headers: Type.Array(Type.String()), mapping: Type.Array(Mapping), useCount: Type.Integer(), lastUsedAt: Type.String() })), ...errorResponses },
        },
      },
      async (req) => imports.templates(req.ctx, req.query.kind),
    );

    app.delete(
      '/import-templates/:id',
      { config: { permission: 'registry:import' }, schema: { tags, summary: 'Forget a remembered mapping', params: IdParam, response: { 204: Type.Null(), ...errorResponses } } },
      async (req, reply) => {
        await imports.deleteTemplate(req.ctx, req.params.id);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/exports/residents',
      {
        config: { permission: 'registry:export' },
        schema: {
          tags, summary: 'Residents as xlsx, filtered as GET /residents filters them; masked unless the caller’s grant says otherwise; each page sent is logged as an export', produces: [XLSX_TYPE],
          querystring: StrictObject(ResidentFilterQuery), response: Xlsx,
        },
      },
      async (req, reply) => {
        const { lang: _lang, ...f } = req.query;
        // Numbers never travel in a URL (it is logged): an export is filtered by name only.
        assertNoNumberInUrl(f.q);
        const r = await exports.residents(req.ctx, { ...f, labelMatch: f.labelMatch as 'any' | 'all' | undefined });
        return reply.header('content-type', XLSX_TYPE).header('content-disposition', r.disposition).send(r.stream);
      },
    );

    app.get(
      '/exports/records/:kind',
      {
        config: { permission: 'registry:export' },
        schema: {
          tags, summary: 'Households, buildings, houses, organisations or facilities as xlsx, filtered as GET /records/:kind filters them (logged as an export)', produces: [XLSX_TYPE],
          params: StrictObject({ kind: Type.String({ enum: recordKinds.filter((k) => k !== 'resident') }) }),
          querystring: StrictObject({
            nodeId: Type.Optional(Type.Integer({ minimum: 1 })),
            gridId: Type.Optional(Type.Integer({ minimum: 1 })),
            status: Type.Optional(Type.Array(Type.String({ enum: ['active', 'moved_out', 'deceased', 'closed'] }), { maxItems: 4 })),
            q: Type.Optional(Type.String({ maxLength: 40 })),
            buildingId: Type.Optional(Type.Integer({ minimum: 1 })),
            lang: Lang,
          }),
          response: Xlsx,
        },
      },
      async (req, reply) => {
        const { lang: _lang, ...f } = req.query;
        const r = await exports.records(req.ctx, req.params.kind as RecordKind, f);
        return reply.header('content-type', XLSX_TYPE).header('content-disposition', r.disposition).send(r.stream);
      },
    );
  };
}

// HTTP for the duty lists (权责清单): a township's lists, their versions and comparisons, Excel in
// and out, the pickers' search, the overview of counts and the city catalogue. Admission and
// hand-back requests have their own files. Thin: each route names its permission and schemas
// and hands the typed context to the service.
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Config } from '../../config.js';
import { AppError } from '../../platform/errors.js';
import { errorResponses } from '../../platform/http.js';
import { Id, IdParam, StrictObject } from '../../platform/schemas.js';
import { attachmentHeader, XLSX_TYPE } from '../../platform/documents/http.js';
import { ExchangeErrors } from '../exchange/index.js';
import { admissionRoutes } from './admission-routes.js';
import { DutyErrors } from './errors.js';
import { handbackRoutes } from './handback-routes.js';
import { importWorkbook } from './importing.js';
import * as S from './schemas.js';
import type { DutyListsService } from './service.js';
import { listsWorkbook } from './sheets.js';

const read = { permission: 'duty:read' } as const;
const manage = { permission: 'duty:manage' } as const;
const catalog = { permission: 'duty:catalog' } as const;
const TownshipParam = StrictObject({ id: Id });

/** Streams an upload to a private temporary file; the caller removes it. */
async function saveUpload(config: Config, stream: Readable): Promise<{ path: string; size: number }> {
  const dir = join(config.dataDir, 'uploads');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${randomUUID()}.duty.part`);
  let size = 0;
  try {
    await pipeline(stream, new Transform({ transform(chunk: Buffer, _e, cb) { size += chunk.length; cb(null, chunk); } }), createWriteStream(path, { mode: 0o600 }));
    if ((stream as Readable & { truncated?: boolean }).truncated) throw Object.assign(new Error('truncated'), { code: 'FST_REQ_FILE_TOO_LARGE' });
  } catch (err) {
    await rm(path, { force: true });
    if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new AppError(ExchangeErrors.IMPORT_FILE_TOO_LARGE, { limitMb: Math.round(config.uploadLimitBytes / 1048576) }, 'file');
    throw err;
  }
  return { path, size };
}

export function dutyListsRoutes(service: DutyListsService, config: Config): FastifyPluginAsyncTypebox {
  const lists = service.lists;
  return async (app) => {
    const tags = ['duty-lists'];

    app.get('/duty-lists/overview', {
      config: read,
      schema: { tags, summary: 'Items per list for each township in the caller’s area (or under nodeId), with the averages over the townships keeping lists', querystring: StrictObject({ nodeId: Type.Optional(Id) }), response: { 200: S.Overview, ...errorResponses } },
    }, async (req) => lists.overview(req.authed, req.query.nodeId));

    app.get('/duty-lists/search', {
      config: read,
      schema: { tags, summary: 'Items for pickers: on the lists of the township that is or contains nodeId (or every township under it), within the caller’s area', querystring: S.SearchQuery, response: { 200: Type.Array(S.SearchHit), ...errorResponses } },
    }, async (req) => service.searchItems(req.authed, req.query));

    app.get('/duty-lists/townships/:id', {
      config: read,
      schema: { tags, summary: 'A street/township’s three lists as they are today (filter by list or words)', params: TownshipParam, querystring: S.ListQuery, response: { 200: S.TownshipLists, ...errorResponses } },
    }, async (req) => lists.lists(req.authed, req.params.id, req.query));

    app.post('/duty-lists/townships/:id/items', {
      config: manage,
      schema: { tags, summary: 'Add an item to one of the township’s lists (a new version)', params: TownshipParam, body: S.NewItemIn, response: { 201: S.ChangeOut, ...errorResponses } },
    }, async (req, reply) => reply.code(201).send(await lists.addItem(req.authed, req.params.id, req.body)));

    app.post('/duty-lists/townships/:id/adopt', {
      config: manage,
      schema: { tags, summary: 'Adopt items of the city catalogue into the lists, each keeping its link (a new version)', params: TownshipParam, body: S.AdoptIn, response: { 201: S.ChangeOut, ...errorResponses } },
    }, async (req, reply) => reply.code(201).send(await lists.adopt(req.authed, req.params.id, req.body)));

    app.patch('/duty-lists/items/:id', {
      config: manage,
      schema: { tags, summary: 'Adjust an item’s fields (a new version)', params: IdParam, body: S.ItemPatchIn, response: { 200: S.ChangeOut, ...errorResponses } },
    }, async (req) => lists.updateItem(req.authed, req.params.id, req.body));

    app.post('/duty-lists/items/:id/move', {
      config: manage,
      schema: { tags, summary: 'Move an item to another of the three lists (a new version)', params: IdParam, body: S.MoveIn, response: { 200: S.ChangeOut, ...errorResponses } },
    }, async (req) => lists.moveItem(req.authed, req.params.id, req.body));

    app.post('/duty-lists/items/:id/remove', {
      config: manage,
      schema: { tags, summary: 'Take an item off the lists (a new version; the item stays in past versions)', params: IdParam, body: S.RemoveIn, response: { 200: S.ChangeOut, ...errorResponses } },
    }, async (req) => lists.removeItem(req.authed, req.params.id, req.body));

    app.get('/duty-lists/townships/:id/versions', {
      config: read,
      schema: { tags, summary: 'Every version of the township’s lists, newest first: number, date, reason, who, and what changed', params: TownshipParam, response: { 200: Type.Array(S.VersionOut), ...errorResponses } },
    }, async (req) => lists.versions(req.authed, req.params.id));

    app.get('/duty-lists/townships/:id/versions/:no', {
      config: read,
      schema: { tags, summary: 'The lists as they were in one version', params: S.VersionNoParams, response: { 200: S.VersionView, ...errorResponses } },
    }, async (req) => lists.version(req.authed, req.params.id, req.params.no));

    app.get('/duty-lists/townships/:id/compare', {
      config: read,
      schema: { tags, summary: 'A past version compared with a later one or with today’s lists: items added, removed, and changed field by field', params: TownshipParam, querystring: S.CompareQuery, response: { 200: S.ComparisonOut, ...errorResponses } },
    }, async (req) => lists.compare(req.authed, req.params.id, req.query));

    app.get('/duty-lists/townships/:id/export', {
      config: read,
      schema: { tags, summary: 'The three lists (today’s, or a past version) as an .xlsx in the published layout: title row, 序号 … 社区是否参与', produces: [XLSX_TYPE], params: TownshipParam, querystring: S.ExportQuery, response: { 200: Type.Unknown({ description: 'An .xlsx workbook' }), ...errorResponses } },
    }, async (req, reply) => {
      const s = await lists.snapshot(req.authed, req.params.id, req.query.version);
      const lang = req.query.lang ?? req.ctx.lang;
      const buf = await listsWorkbook(s.township.name, s.items, { version: s.version, date: s.date, lang });
      const name = lang === 'en' ? `${s.township.name} duty lists v${s.version}.xlsx` : `${s.township.name}权责清单（第${s.version}版）.xlsx`;
      return reply.header('content-type', XLSX_TYPE).header('content-disposition', attachmentHeader(name)).send(buf);
    });

    app.post('/duty-lists/townships/:id/import', {
      config: manage,
      preValidation: async (req) => {
        if (req.body === undefined || req.body === null) (req as { body: unknown }).body = {};
      },
      schema: {
        tags, summary: 'Import the lists from an .xlsx in the published layout (multipart field "file"). Every row is checked first: one malformed row and nothing changes (DUTY_IMPORT_INVALID, details.problems by sheet, row and column). dryRun=true says what would change.',
        consumes: ['multipart/form-data'], params: TownshipParam, querystring: S.ImportQuery,
        body: Type.Object({ file: Type.Optional(Type.String({ format: 'binary' })) }), response: { 200: S.ImportOut, 413: Type.Ref('ErrorBody'), ...errorResponses },
      },
    }, async (req) => {
      // The township is checked before the upload is read.
      await lists.township(req.authed.principal, req.params.id, 'manage');
      if (!req.isMultipart()) throw new AppError(DutyErrors.DUTY_IMPORT_FILE_MISSING, {}, 'file');
      const part = await req.file();
      if (!part) throw new AppError(DutyErrors.DUTY_IMPORT_FILE_MISSING, {}, 'file');
      const { path, size } = await saveUpload(config, part.file);
      try {
        const source = await service.readers.open(path, size);
        try {
          return await importWorkbook(lists, req.authed, req.params.id, source, req.query);
        } finally {
          await source.close();
        }
      } finally {
        await rm(path, { force: true });
      }
    });

    // ---- catalogue ------------------------------------------------------------------------

    app.get('/duty-catalogue', {
      config: read,
      schema: { tags, summary: 'The city catalogue of common items, with how many townships hold each', querystring: S.CatalogueQuery, response: { 200: Type.Array(S.CatalogueItemOut), ...errorResponses } },
    }, async (req) => lists.catalogue(req.query));

    app.post('/duty-catalogue', {
      config: catalog,
      schema: { tags, summary: 'Add an item to the catalogue', body: S.CatalogueIn, response: { 201: S.CatalogueItemOut, ...errorResponses } },
    }, async (req, reply) => reply.code(201).send(await lists.addCatalogueItem(req.authed, req.body)));

    app.patch('/duty-catalogue/:id', {
      config: catalog,
      schema: { tags, summary: 'Change or retire a catalogue item (townships keep their copies)', params: IdParam, body: S.CataloguePatchIn, response: { 200: S.CatalogueItemOut, ...errorResponses } },
    }, async (req) => lists.updateCatalogueItem(req.authed, req.params.id, req.body));

    await app.register(admissionRoutes(service));
    await app.register(handbackRoutes(service));
  };
}

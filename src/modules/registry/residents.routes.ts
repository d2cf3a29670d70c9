// HTTP for residents (居民): the list and the number search, the card, writes, status and moves,
// history, the record as it stood, unmasking, the access trail, duplicates and merging.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../../platform/http.js';
import { IdParam } from '../../platform/schemas.js';
import type { RecordService } from './records.js';
import type { ResidentService } from './residents.js';
import * as S from './schemas.js';
import type { RegistryStore } from './store.js';

export function residentRoutes(residents: ResidentService, records: RecordService, store: RegistryStore): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['residents'];

    app.get('/residents', {
      config: { permission: 'registry:read', personalData: { action: 'resident.list', entityType: 'resident' } },
      schema: {
        tags, summary: 'Residents in the caller’s subtree, filtered by place, name, labels, age, sex, category and staleness (ID numbers and phones masked)',
        description: 'Search by ID number or phone (whole, or the last four) with POST /api/residents/search: a search term holding digits is refused here (RESIDENT_SEARCH_USE_POST), because URLs end up in logs.',
        querystring: S.ResidentListQuery, response: { 200: S.ResidentListOut, ...errorResponses },
      },
    }, async (req) => residents.listPage(req.authed, req.query));

    app.post('/residents/search', {
      config: { permission: 'registry:read', personalData: { action: 'resident.list', entityType: 'resident' } },
      schema: {
        tags, summary: 'Find residents by a whole ID number, document number or phone, by the last four characters of either, or by name, with the list filters; the term travels in the body and is audited only as its keyed blind index',
        body: S.ResidentSearchIn, response: { 200: S.ResidentListOut, ...errorResponses },
      },
    }, async (req) => residents.search(req.authed, req.body));

    app.post('/residents', {
      config: { permission: 'registry:write' },
      schema: { tags, summary: 'Register a resident on a grid (ID number checked, birth date and sex derived, one person one record)', body: S.ResidentCreateIn, response: { 201: S.ResidentOut, ...errorResponses } },
    }, async (req, reply) => reply.code(201).send(await records.create(req.authed, 'resident', req.body)));

    app.get('/residents/:id', {
      config: { permission: ['registry:read', 'registry:lookup'], personalData: { action: 'resident.read', entityType: 'resident' } },
      schema: { tags, summary: 'The resident card: record, labels, household, house, recent visits and review state. Departments must give a reason.', params: IdParam, querystring: S.CardQuery, response: { 200: S.CardOut, ...errorResponses } },
    }, async (req) => residents.card(req.authed, req.params.id, req.query.reason));

    app.patch('/residents/:id', {
      config: { permission: ['registry:write', 'registry:supplement'] },
      schema: {
        tags, summary: 'Change fields of a resident. Send the version you read; if someone saved since, the answer is 409 and nothing is overwritten. Departments may change only the fields they own.', params: IdParam,
        body: S.ResidentPatchIn, response: { 200: S.Written, ...errorResponses },
      },
    }, async (req) => records.update(req.authed, 'resident', req.params.id, req.body));

    app.post('/residents/:id/status', {
      config: { permission: 'registry:write' },
      schema: { tags, summary: 'Mark a resident moved out, deceased or deleted (the record and its history stay)', params: IdParam, body: S.ResidentStatusIn, response: { 200: S.VersionOut, ...errorResponses } },
    }, async (req) => records.setStatus(req.authed, 'resident', req.params.id, req.body));

    app.post('/residents/:id/move', {
      config: { permission: 'registry:write' },
      schema: { tags, summary: 'Move a resident to another grid in the caller’s area', params: IdParam, body: S.MoveIn, response: { 200: S.VersionOut, ...errorResponses } },
    }, async (req) => records.move(req.authed, 'resident', req.params.id, req.body));

    app.get('/residents/:id/history', {
      config: { permission: ['registry:read', 'registry:lookup'], personalData: { action: 'resident.history', entityType: 'resident' } },
      schema: { tags, summary: 'Every version: what changed, who, when, why and from which source (community and street staff; a department’s grant does not cover it: HISTORY_NOT_GRANTED)', params: IdParam, response: { 200: S.HistoryOut, ...errorResponses } },
    }, async (req) => records.history(req.authed, 'resident', req.params.id));

    app.get('/residents/:id/as-of', {
      config: { permission: 'registry:read', personalData: { action: 'resident.read_as_of', entityType: 'resident' } },
      schema: { tags, summary: 'The resident as the record stood at the end of a date', params: IdParam, querystring: S.AsOfQuery, response: { 200: Type.Union([S.ResidentOut, Type.Null()]), ...errorResponses } },
    }, async (req) => store.asOf(req.authed, 'resident', req.params.id, req.query.date));

    app.post('/residents/:id/unmask', {
      config: { permission: ['registry:unmask', 'registry:lookup'], personalData: { action: 'resident.unmask', entityType: 'resident' } },
      schema: { tags, summary: 'Reveal one masked value (ID number or phone) in clear: explicit and logged with its reason', params: IdParam, body: S.UnmaskIn, response: { 200: S.UnmaskOut, ...errorResponses } },
    }, async (req) => ({ field: req.body.field, value: await store.unmask(req.authed, 'resident', req.params.id, req.body.field, req.body.reason) }));

    app.get('/residents/:id/trail', {
      config: { permission: 'registry:trail', personalData: { action: 'resident.trail', entityType: 'resident' } },
      schema: { tags, summary: 'Who read this resident’s personal data, when and why (access trail)', params: IdParam, response: { 200: S.TrailOut, ...errorResponses } },
    }, async (req) => residents.trail(req.authed, req.params.id));

    app.get('/residents/duplicates', {
      config: { permission: 'registry:merge' },
      schema: { tags, summary: 'Pairs that look like one person entered twice (same name and birth date, and same address or household, or one without an ID number)', querystring: S.NodeFilterQuery, response: { 200: S.DuplicatesOut, ...errorResponses } },
    }, async (req) => residents.nearDuplicates(req.authed, req.query.nodeId));

    app.post('/residents/merge', {
      config: { permission: 'registry:merge' },
      schema: { tags, summary: 'Merge a duplicate into the record kept; histories of both stay', body: S.MergeIn, response: { 200: S.MergeOut, ...errorResponses } },
    }, async (req) => residents.merge(req.authed, req.body.keepId, req.body.dropId, req.body.reason));
  };
}

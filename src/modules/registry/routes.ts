// HTTP for base data: residents (list, card, write, labels, history, unmask, trail, duplicates),
// the other record kinds, visits and the stale to-do list, label kinds and field policies,
// department look-up and grants. Bodies and answers are built from the field catalogue.
import { Type, type TObject, type TSchema } from '@sinclair/typebox';
import { sql } from 'drizzle-orm';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { auditRefusals } from '../../platform/refusals.js';
import { approvalOut, PendingOut } from '../../platform/approvals.routes.js';
import { errorResponses, IdParam, StrictObject } from '../../platform/http.js';
import { codeTables } from './codes.js';
import { fieldsOf, recordFields, type FieldDef } from './fields.js';
import type { RegistryService } from './index.js';
import { assertNoNumberInUrl } from './residents.js';
import { proposalRoutes } from './proposal-routes.js';
import { recordKinds, type RecordKind } from './tables.js';

const DateString = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const Reason = Type.String({ minLength: 2, maxLength: 500, description: 'Why (recorded in the history and the audit log)' });

function inputType(def: FieldDef): TSchema {
  const nullable = (s: TSchema) => Type.Union([s, Type.Null()]);
  switch (def.type) {
    case 'integer':
    case 'reference':
      return nullable(Type.Integer({ minimum: 0, description: def.zh }));
    case 'number':
      return nullable(Type.Number({ description: def.zh }));
    case 'date':
      return nullable(Type.String({ maxLength: 20, description: `${def.zh} (YYYY-MM-DD)` }));
    case 'code':
      return nullable(Type.String({ maxLength: 40, description: `${def.zh}: ${Object.entries(def.codes ?? {}).slice(0, 12).map(([k, v]) => `${k}=${v.zh}`).join(', ')}` }));
    default:
      return nullable(Type.String({ maxLength: (def.maxLength ?? 200) + 20, description: def.zh }));
  }
}

/** Writable fields of a kind as an optional-properties body schema (unknown fields are refused). */
function fieldsBody(kind: RecordKind, extra: Record<string, TSchema> = {}): TObject {
  const props: Record<string, TSchema> = { ...extra };
  for (const def of fieldsOf(kind)) if (!def.system && !def.derived) props[def.key] = Type.Optional(inputType(def));
  return StrictObject(props);
}

function recordOut(kind: RecordKind, extra: Record<string, TSchema> = {}): TObject {
  const props: Record<string, TSchema> = {
    id: Type.Integer(), kind: Type.String(), version: Type.Integer({ description: 'Send back on update: a stale version is refused (409)' }), treePath: Type.String(), updatedAt: Type.String(),
    maskedFields: Type.Array(Type.String(), { description: 'Fields shown masked; reveal one with the unmask action' }), ...extra,
  };
  for (const def of fieldsOf(kind)) props[def.key] = Type.Optional(Type.Union([Type.String(), Type.Number(), Type.Null()], { description: def.zh }));
  if (kind === 'resident') props.age = Type.Optional(Type.Integer());
  return Type.Object(props, { additionalProperties: true });
}

const LabelOut = Type.Object({ code: Type.String(), since: Type.String(), until: Type.Union([Type.String(), Type.Null()]), attributes: Type.Optional(Type.Unknown()) });
const ResidentOut = recordOut('resident', { labels: Type.Optional(Type.Array(LabelOut)), gridName: Type.Optional(Type.String()) });
const ListQuery = {
  nodeId: Type.Optional(Type.Integer({ minimum: 1, description: 'Limit to the subtree of this node' })),
  gridId: Type.Optional(Type.Integer({ minimum: 1 })),
  status: Type.Optional(Type.Array(Type.String({ enum: ['active', 'moved_out', 'deceased', 'closed'] }), { maxItems: 4 })),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
};
const ListOut = (item: TSchema) => Type.Object({ items: Type.Array(item), total: Type.Integer(), totalCapped: Type.Boolean({ description: 'The total is a lower bound: rows were counted only as far as twenty pages past this one (at least 1,000); page on and the count goes further' }), limit: Type.Integer(), offset: Type.Integer() });
const KindParam = StrictObject({ kind: Type.String({ enum: recordKinds.filter((k) => k !== 'resident') }) });
const KindIdParam = StrictObject({ kind: Type.String({ enum: recordKinds.filter((k) => k !== 'resident') }), id: Type.Integer({ minimum: 1 }) });
const HistoryOut = Type.Array(Type.Object({ version: Type.Integer(), operation: Type.String(), changedFields: Type.Array(Type.String()), source: Type.String(), reason: Type.Union([Type.String(), Type.Null()]), changedBy: Type.Union([Type.String(), Type.Null()]), changedAt: Type.String() }));

export function registryRoutes(registry: RegistryService): FastifyPluginAsyncTypebox {
  const { store, residents, labels, freshness, grants } = registry;
  return async (app) => {
    const tags = ['residents'];
    // Refused reads of personal data (403, 404) leave a denied audit row (routes declare personalData).
    auditRefusals(app as unknown as FastifyInstance, { audit: store.platform.audit, db: store.db });

    app.get(
      '/registry/catalogue',
      {
        config: { authenticated: true },
        schema: {
          tags: ['registry'], summary: 'The field catalogue of every record kind and the national code tables (for forms, grants, imports and report templates)',
          response: { 200: Type.Object({ kinds: Type.Record(Type.String(), Type.Array(Type.Object({ key: Type.String(), zh: Type.String(), en: Type.String(), type: Type.String(), personal: Type.Boolean(), secret: Type.Union([Type.String(), Type.Null()]), required: Type.Boolean(), system: Type.Boolean(), codes: Type.Optional(Type.Record(Type.String(), Type.Object({ zh: Type.String(), en: Type.String() }))) }))), codeTables: Type.Record(Type.String(), Type.Record(Type.String(), Type.Object({ zh: Type.String(), en: Type.String() }))) }) },
        },
      },
      async () => ({
        kinds: Object.fromEntries(
          Object.entries(recordFields).map(([k, defs]) => [k, defs.map((d) => ({ key: d.key, zh: d.zh, en: d.en, type: d.type, personal: Boolean(d.personal), secret: d.secret ?? null, required: Boolean(d.required), system: Boolean(d.system || d.derived), codes: d.codes }))]),
        ),
        codeTables,
      }),
    );

    // ---- residents ----------------------------------------------------------------------

    const residentFilters = {
      labels: Type.Optional(Type.Array(Type.String({ maxLength: 32 }), { maxItems: 10 })),
      labelMatch: Type.Optional(Type.String({ enum: ['any', 'all'] })),
      sex: Type.Optional(Type.String({ enum: ['0', '1', '2', '9'] })),
      ageMin: Type.Optional(Type.Integer({ minimum: 0, maximum: 150 })),
      ageMax: Type.Optional(Type.Integer({ minimum: 0, maximum: 150 })),
      residenceStatus: Type.Optional(Type.String({ enum: Object.keys(codeTables.residenceStatus) })),
      householdId: Type.Optional(Type.Integer({ minimum: 1 })),
      stale: Type.Optional(Type.Boolean({ description: 'Only records with an overdue review' })),
    };
    app.get(
      '/residents',
      {
        config: { permission: 'registry:read', personalData: { action: 'resident.list', entityType: 'resident' } },
        schema: {
          tags, summary: 'Residents in the caller’s subtree, filtered by place, name, labels, age, sex, category and staleness (ID numbers and phones masked)',
          description: 'Search by ID number or phone (whole, or the last four) with POST /api/residents/search: a search term holding digits is refused here (RESIDENT_SEARCH_USE_POST), because URLs end up in logs.',
          querystring: StrictObject({
            ...ListQuery,
            q: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'Name prefix (no digits: numbers go to POST /api/residents/search)' })),
            ...residentFilters,
          }),
          response: { 200: ListOut(ResidentOut), ...errorResponses },
        },
      },
      async (req) => {
        assertNoNumberInUrl(req.query.q);
        const r = await residents.list(req.ctx, { ...req.query, labelMatch: req.query.labelMatch as 'any' | 'all' | undefined });
        return { ...r, limit: req.query.limit, offset: req.query.offset };
      },
    );

    app.post(
      '/residents/search',
      {
        config: { permission: 'registry:read', personalData: { action: 'resident.list', entityType: 'resident' } },
        schema: {
          tags, summary: 'Find residents by a whole ID number, document number or phone, by the last four characters of either, or by name, with the list filters; the term travels in the body and is audited only as its keyed blind index',
          body: StrictObject({
            q: Type.String({ minLength: 1, maxLength: 40, description: 'A whole ID number / document number / phone, its last four characters (身份证或手机后四位), or a name prefix' }),
            nodeId: ListQuery.nodeId, gridId: ListQuery.gridId, status: ListQuery.status,
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })), offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
            ...residentFilters,
          }),
          response: { 200: ListOut(ResidentOut), ...errorResponses },
        },
      },
      async (req) => {
        const b = req.body;
        const page = { limit: b.limit ?? 50, offset: b.offset ?? 0 };
        const r = await residents.list(req.ctx, { ...b, ...page, labelMatch: b.labelMatch as 'any' | 'all' | undefined });
        return { ...r, ...page };
      },
    );

    app.post(
      '/residents',
      {
        config: { permission: 'registry:write' },
        schema: {
          tags, summary: 'Register a resident on a grid (ID number checked, birth date and sex derived, one person one record)',
          body: fieldsBody('resident', { gridId: Type.Integer({ minimum: 1 }), reason: Type.Optional(Type.String({ maxLength: 500 })) }),
          response: { 201: ResidentOut, ...errorResponses },
        },
      },
      async (req, reply) => {
        const { reason, ...input } = req.body as Record<string, unknown> & { reason?: string };
        const id = await store.create(req.ctx, 'resident', input, { source: 'community', reason });
        return reply.code(201).send(await store.get(req.ctx, 'resident', id));
      },
    );

    app.get(
      '/residents/:id',
      {
        config: { permission: ['registry:read', 'registry:lookup'], personalData: { action: 'resident.read', entityType: 'resident' } },
        schema: {
          tags, summary: 'The resident card: record, labels, household, house, recent visits and review state. Departments must give a reason.', params: IdParam,
          querystring: StrictObject({ reason: Type.Optional(Type.String({ maxLength: 500 })) }),
          response: { 200: Type.Object({ resident: ResidentOut, labels: Type.Array(Type.Unknown()), household: Type.Unknown(), house: Type.Unknown(), address: Type.Unknown({ description: 'Where the resident lives: the linked house’s address, the free text, whether they agree (agrees, mismatch, house_only, text_only, none), and the review of the address' }), visits: Type.Array(Type.Unknown()), reviews: Type.Array(Type.Unknown()), place: Type.Array(Type.String()) }), ...errorResponses },
        },
      },
      async (req) => residents.card(req.ctx, req.params.id, req.query.reason),
    );

    app.patch(
      '/residents/:id',
      {
        config: { permission: ['registry:write', 'registry:supplement'] },
        schema: {
          tags, summary: 'Change fields of a resident. Send the version you read; if someone saved since, the answer is 409 and nothing is overwritten. Departments may change only the fields they own.', params: IdParam,
          body: fieldsBody('resident', { version: Type.Integer({ minimum: 1 }), reason: Type.Optional(Type.String({ maxLength: 500 })) }),
          response: { 200: Type.Object({ version: Type.Integer(), changed: Type.Array(Type.String()) }), ...errorResponses },
        },
      },
      async (req) => {
        const { version, reason, ...patch } = req.body as Record<string, unknown> & { version: number; reason?: string };
        const source = req.ctx.principal!.permissions.has('registry:write') ? 'community' : 'department';
        return store.update(req.ctx, 'resident', req.params.id, patch, { expectedVersion: version, source, reason });
      },
    );

    app.post(
      '/residents/:id/status',
      {
        config: { permission: 'registry:write' },
        schema: {
          tags, summary: 'Mark a resident moved out, deceased or deleted (the record and its history stay)', params: IdParam,
          body: StrictObject({ status: Type.String({ enum: ['active', 'moved_out', 'deceased', 'deleted'] }), version: Type.Integer({ minimum: 1 }), reason: Reason }),
          response: { 200: Type.Object({ version: Type.Integer() }), ...errorResponses },
        },
      },
      async (req) => ({ version: await store.setStatus(req.ctx, 'resident', req.params.id, req.body.status, { expectedVersion: req.body.version, reason: req.body.reason }) }),
    );

    app.post(
      '/residents/:id/move',
      {
        config: { permission: 'registry:write' },
        schema: { tags, summary: 'Move a resident to another grid in the caller’s area', params: IdParam, body: StrictObject({ gridId: Type.Integer({ minimum: 1 }), version: Type.Integer({ minimum: 1 }), reason: Reason }), response: { 200: Type.Object({ version: Type.Integer() }), ...errorResponses } },
      },
      async (req) => ({ version: await store.moveToGrid(req.ctx, 'resident', req.params.id, req.body.gridId, { expectedVersion: req.body.version, reason: req.body.reason }) }),
    );

    app.get(
      '/residents/:id/history',
      { config: { permission: ['registry:read', 'registry:lookup'], personalData: { action: 'resident.history', entityType: 'resident' } }, schema: { tags, summary: 'Every version: what changed, who, when, why and from which source', params: IdParam, response: { 200: HistoryOut, ...errorResponses } } },
      async (req) => store.history(req.ctx, 'resident', req.params.id),
    );

    app.get(
      '/residents/:id/as-of',
      {
        config: { permission: 'registry:read', personalData: { action: 'resident.read_as_of', entityType: 'resident' } },
        schema: { tags, summary: 'The resident as the record stood at the end of a date', params: IdParam, querystring: StrictObject({ date: DateString }), response: { 200: Type.Union([ResidentOut, Type.Null()]), ...errorResponses } },
      },
      async (req) => store.asOf(req.ctx, 'resident', req.params.id, req.query.date),
    );

    app.post(
      '/residents/:id/unmask',
      {
        config: { permission: ['registry:unmask', 'registry:lookup'], personalData: { action: 'resident.unmask', entityType: 'resident' } },
        schema: { tags, summary: 'Reveal one masked value (ID number or phone) in clear: explicit and logged with its reason', params: IdParam, body: StrictObject({ field: Type.String({ enum: ['idNumber', 'phone'] }), reason: Reason }), response: { 200: Type.Object({ field: Type.String(), value: Type.Union([Type.String(), Type.Null()]) }), ...errorResponses } },
      },
      async (req) => ({ field: req.body.field, value: await store.unmask(req.ctx, 'resident', req.params.id, req.body.field, req.body.reason) }),
    );

    app.get(
      '/residents/:id/trail',
      {
        config: { permission: 'registry:trail', personalData: { action: 'resident.trail', entityType: 'resident' } },
        schema: {
          tags, summary: 'Who read this resident’s personal data, when and why (access trail)', params: IdParam,
          response: { 200: Type.Object({ items: Type.Array(Type.Object({ at: Type.String(), actor: Type.String(), role: Type.String(), department: Type.Union([Type.String(), Type.Null()]), action: Type.String(), reason: Type.Union([Type.String(), Type.Null()]), result: Type.String() })), total: Type.Integer() }), ...errorResponses },
        },
      },
      async (req) => residents.trail(req.ctx, req.params.id),
    );

    app.put(
      '/residents/:id/labels/:code',
      {
        config: { permission: ['registry:write', 'registry:supplement'] },
        schema: {
          tags, summary: 'Give a resident a label (or update the open one): only the label’s owner may', params: StrictObject({ id: Type.Integer({ minimum: 1 }), code: Type.String({ maxLength: 32 }) }),
          body: StrictObject({ since: DateString, until: Type.Optional(Type.Union([DateString, Type.Null()])), attributes: Type.Optional(Type.Record(Type.String(), Type.Union([Type.Number(), Type.String()]), { description: "Label attributes (numbers stay numbers)" })), reason: Type.Optional(Type.String({ maxLength: 500 })) }),
          response: { 200: Type.Object({ ...LabelOut.properties, warnings: Type.Array(Type.String(), { description: 'What the label kind’s plausibility rules say of this person (age, sex): the label is written; someone should check' }) }), ...errorResponses },
        },
      },
      async (req) => {
        const l = await labels.set(req.ctx, req.params.id, { code: req.params.code, since: req.body.since, until: req.body.until ?? null, attributes: req.body.attributes }, { reason: req.body.reason });
        return { code: l.labelCode, since: l.since, until: l.until, attributes: l.attributes, warnings: l.warnings.map((w) => w[req.ctx.lang]) };
      },
    );

    app.delete(
      '/residents/:id/labels/:code',
      {
        config: { permission: ['registry:write', 'registry:supplement'] },
        schema: { tags, summary: 'End a resident’s label on a date (kept in history)', params: StrictObject({ id: Type.Integer({ minimum: 1 }), code: Type.String({ maxLength: 32 }) }), querystring: StrictObject({ until: Type.Optional(DateString), reason: Type.Optional(Type.String({ maxLength: 500 })) }), response: { 204: Type.Null(), ...errorResponses } },
      },
      async (req, reply) => {
        await labels.end(req.ctx, req.params.id, req.params.code, req.query.until ?? new Date().toISOString().slice(0, 10), req.query.reason ?? null);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/residents/duplicates',
      {
        config: { permission: 'registry:merge' },
        schema: { tags, summary: 'Pairs that look like one person entered twice (same name and birth date, and same address or household, or one without an ID number)', querystring: StrictObject({ nodeId: Type.Optional(Type.Integer({ minimum: 1 })) }), response: { 200: Type.Array(Type.Object({ keepId: Type.Integer(), dropId: Type.Integer(), name: Type.String(), birthDate: Type.String(), reason: Type.String() })), ...errorResponses } },
      },
      async (req) => residents.nearDuplicates(req.ctx, req.query.nodeId),
    );

    app.post(
      '/residents/merge',
      {
        config: { permission: 'registry:merge' },
        schema: { tags, summary: 'Merge a duplicate into the record kept; histories of both stay', body: StrictObject({ keepId: Type.Integer({ minimum: 1 }), dropId: Type.Integer({ minimum: 1 }), reason: Reason }), response: { 200: Type.Object({ keepId: Type.Integer(), dropId: Type.Integer(), filled: Type.Array(Type.String()) }), ...errorResponses } },
      },
      async (req) => residents.merge(req.ctx, req.body.keepId, req.body.dropId, req.body.reason),
    );

    app.post(
      '/lookup/residents',
      {
        config: { permission: 'registry:lookup', personalData: { action: 'resident.lookup', entityType: 'resident' } },
        schema: {
          tags: ['departments'], summary: '实时调阅: a department finds a person by ID number or full name within its grants; each hit is logged with the purpose',
          body: StrictObject({ idNumber: Type.Optional(Type.String({ maxLength: 32 })), name: Type.Optional(Type.String({ maxLength: 40 })), reason: Reason }),
          response: { 200: Type.Array(ResidentOut), ...errorResponses },
        },
      },
      async (req) => residents.lookup(req.ctx, req.body),
    );

    // ---- visits and freshness -----------------------------------------------------------

    app.post(
      '/visits',
      {
        config: { permission: 'visits:write' },
        schema: {
          tags: ['freshness'], summary: 'Record a visit; with confirm, the person’s record counts as checked and leaves the to-do list',
          body: StrictObject({ residentId: Type.Optional(Type.Integer({ minimum: 1 })), householdId: Type.Optional(Type.Integer({ minimum: 1 })), kind: Type.String({ enum: Object.keys(codeTables.visitKind) }), notes: Type.Optional(Type.String({ maxLength: 2000 })), visitedAt: Type.Optional(Type.String({ format: 'date-time' })), confirm: Type.Boolean({ default: true }) }),
          response: { 201: Type.Object({ id: Type.Integer(), visitedAt: Type.String(), confirmedPolicies: Type.Array(Type.Integer()) }), ...errorResponses },
        },
      },
      async (req, reply) => reply.code(201).send(await freshness.recordVisit(req.ctx, req.body)),
    );

    app.get(
      '/stale',
      {
        config: { permission: 'registry:read' },
        schema: {
          tags: ['freshness'], summary: 'The to-do list of records due for review (定期维护), most overdue first',
          querystring: StrictObject({ nodeId: Type.Optional(Type.Integer({ minimum: 1 })), gridId: Type.Optional(Type.Integer({ minimum: 1 })), kind: Type.Optional(Type.String({ enum: [...recordKinds] })), limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }), offset: Type.Integer({ minimum: 0, default: 0 }) }),
          response: { 200: Type.Object({ items: Type.Array(Type.Object({ recordKind: Type.String(), recordId: Type.Integer(), label: Type.String(), policyId: Type.Integer(), policyName: Type.String(), fields: Type.Array(Type.String()), gridId: Type.Integer(), gridName: Type.String(), reviewedAt: Type.String(), dueAt: Type.String(), daysOverdue: Type.Integer(), problem: Type.Optional(Type.String({ enum: ['address_mismatch'], description: 'Not a review: the free-text address contradicts the linked house' })) })), total: Type.Integer(), addressMismatches: Type.Integer({ description: 'How many of the items are address mismatches (listed first)' }) }), ...errorResponses },
        },
      },
      async (req) => {
        const nodePath = req.query.nodeId ? (await store.tree.getVisibleNode(req.ctx.principal!, req.query.nodeId)).path : undefined;
        return freshness.staleList(req.ctx, { ...req.query, kind: req.query.kind as RecordKind | undefined, nodePath });
      },
    );

    app.get(
      '/stale/summary',
      {
        config: { permission: ['registry:read', 'dashboard:read'] },
        schema: { tags: ['freshness'], summary: 'Overdue and due-soon reviews under a node (dashboard counts)', querystring: StrictObject({ nodeId: Type.Optional(Type.Integer({ minimum: 1 })) }), response: { 200: Type.Object({ overdue: Type.Integer(), dueIn7Days: Type.Integer(), records: Type.Integer() }), ...errorResponses } },
      },
      async (req) => {
        const p = req.ctx.principal!;
        const node = await store.tree.getVisibleNode(p, req.query.nodeId ?? p.nodeId);
        return freshness.staleCounts(store.db, node.path.startsWith(p.treePath) ? node.path : p.treePath);
      },
    );

    app.post(
      '/records/:kind/:id/confirm',
      {
        config: { permission: 'registry:write' },
        schema: { tags: ['freshness'], summary: 'Confirm a record is still right without changing it (restarts its review clocks)', params: KindIdParam, response: { 200: Type.Object({ confirmedPolicies: Type.Array(Type.Integer()) }), ...errorResponses } },
      },
      async (req) => {
        const kind = req.params.kind as RecordKind;
        const access = await store.access(req.ctx, kind);
        await store.getRow(req.ctx, kind, req.params.id, access);
        const ids = await store.db.transaction((tx) => freshness.confirm(tx, req.ctx, kind, req.params.id));
        await store.platform.audit.recordNow(store.db, req.ctx, { category: 'write', action: `${kind}.confirm`, entityType: kind, entityId: req.params.id });
        return { confirmedPolicies: ids };
      },
    );

    // ---- other record kinds -------------------------------------------------------------

    for (const kind of recordKinds.filter((k) => k !== 'resident')) {
      const placement: Record<string, TSchema> = kind === 'facility' ? { nodeId: Type.Integer({ minimum: 1 }) } : { gridId: Type.Integer({ minimum: 1 }) };
      app.post(
        `/records/${kind}`,
        {
          config: { permission: 'registry:write' },
          schema: { tags: ['records'], summary: `Create a ${kind}`, body: fieldsBody(kind, { ...placement, reason: Type.Optional(Type.String({ maxLength: 500 })) }), response: { 201: recordOut(kind), ...errorResponses } },
        },
        async (req, reply) => {
          const { reason, ...input } = req.body as Record<string, unknown> & { reason?: string };
          const id = await store.create(req.ctx, kind, input, { source: 'community', reason });
          return reply.code(201).send(await store.get(req.ctx, kind, id));
        },
      );
      app.patch(
        `/records/${kind}/:id`,
        {
          config: { permission: ['registry:write', 'registry:supplement'] },
          schema: { tags: ['records'], summary: `Change a ${kind} (send the version you read)`, params: IdParam, body: fieldsBody(kind, { version: Type.Integer({ minimum: 1 }), reason: Type.Optional(Type.String({ maxLength: 500 })) }), response: { 200: Type.Object({ version: Type.Integer(), changed: Type.Array(Type.String()) }), ...errorResponses } },
        },
        async (req) => {
          const { version, reason, ...patch } = req.body as Record<string, unknown> & { version: number; reason?: string };
          return store.update(req.ctx, kind, req.params.id, patch, { expectedVersion: version, source: req.ctx.principal!.permissions.has('registry:write') ? 'community' : 'department', reason });
        },
      );
    }

    app.get(
      '/records/:kind',
      {
        config: { permission: ['registry:read', 'registry:lookup'] },
        schema: { tags: ['records'], summary: 'Households, buildings, houses, organisations or facilities in the caller’s scope', params: KindParam, querystring: StrictObject({ ...ListQuery, q: Type.Optional(Type.String({ maxLength: 40 })), buildingId: Type.Optional(Type.Integer({ minimum: 1 })) }), response: { 200: ListOut(Type.Object({}, { additionalProperties: true })), ...errorResponses } },
      },
      async (req) => {
        const kind = req.params.kind as RecordKind;
        const access = await store.access(req.ctx, kind);
        const nodePath = req.query.nodeId ? (await store.tree.getVisibleNode(req.ctx.principal!, req.query.nodeId)).path : undefined;
        const conds = store.listConditions(req.ctx, kind, access, { nodePath, status: req.query.status, gridId: req.query.gridId });
        if (req.query.q) {
          const col = kind === 'household' ? sql`household_no` : kind === 'house' ? sql`room_no` : sql`name`;
          conds.push(sql`${col} LIKE ${`${req.query.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`}`);
        }
        if (req.query.buildingId && (kind === 'house' || kind === 'organisation')) conds.push(sql`building_id = ${req.query.buildingId}`);
        const { rows, total, totalCapped } = await store.listRows(kind, conds, req.query.limit, req.query.offset);
        const items = await store.decodeMany(req.ctx, kind, rows, access);
        await store.logListRead(req.ctx, kind, items.map((i) => i.id), req.query);
        return { items, total, totalCapped, limit: req.query.limit, offset: req.query.offset };
      },
    );

    app.get(
      '/records/:kind/:id',
      { config: { permission: ['registry:read', 'registry:lookup'], personalData: { action: '{kind}.read', entityType: '{kind}', kinds: ['organisation'] } }, schema: { tags: ['records'], summary: 'One record', params: KindIdParam, response: { 200: Type.Object({}, { additionalProperties: true }), ...errorResponses } } },
      async (req) => store.get(req.ctx, req.params.kind as RecordKind, req.params.id),
    );

    app.get(
      '/records/:kind/:id/history',
      { config: { permission: ['registry:read', 'registry:lookup'], personalData: { action: '{kind}.history', entityType: '{kind}', kinds: ['organisation'] } }, schema: { tags: ['records'], summary: 'Versions of one record', params: KindIdParam, response: { 200: HistoryOut, ...errorResponses } } },
      async (req) => store.history(req.ctx, req.params.kind as RecordKind, req.params.id),
    );

    app.post(
      '/records/:kind/:id/status',
      {
        config: { permission: 'registry:write' },
        schema: { tags: ['records'], summary: 'Close or delete a record (kept with its history)', params: KindIdParam, body: StrictObject({ status: Type.String({ enum: ['active', 'closed', 'deleted'] }), version: Type.Integer({ minimum: 1 }), reason: Reason }), response: { 200: Type.Object({ version: Type.Integer() }), ...errorResponses } },
      },
      async (req) => ({ version: await store.setStatus(req.ctx, req.params.kind as RecordKind, req.params.id, req.body.status, { expectedVersion: req.body.version, reason: req.body.reason }) }),
    );

    // ---- labels and policies ------------------------------------------------------------

    const Rules = Type.Object(
      {
        ageMin: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 150 }), Type.Null()], { description: 'Youngest age (whole years, inclusive) the label usually fits' })),
        ageMax: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 150 }), Type.Null()], { description: 'Oldest age (inclusive): 15 for "under 16"' })),
        sex: Type.Optional(Type.Union([Type.Literal('1'), Type.Literal('2'), Type.Null()], { description: '1 male, 2 female' })),
      },
      { additionalProperties: false, description: 'Plausibility rules: a label write that breaks one is kept with a warning (import rows, the label write’s answer)' },
    );
    const LabelKindOut = Type.Object({ code: Type.String(), nameZh: Type.String(), nameEn: Type.String(), appliesTo: Type.String(), owner: Type.String(), reviewDays: Type.Integer(), attributeSchema: Type.Unknown(), rules: Rules, sensitive: Type.Boolean(), active: Type.Boolean(), sortOrder: Type.Integer() });
    app.get('/labels', { config: { authenticated: true }, schema: { tags: ['labels'], summary: 'Label kinds (重点人群 …) with owners and review periods', response: { 200: Type.Array(LabelKindOut) } } }, async () => labels.kinds(true));
    app.post(
      '/labels',
      {
        config: { permission: 'labels:manage' },
        schema: {
          tags: ['labels'], summary: 'Add a label kind (data, not code)',
          body: StrictObject({ code: Type.String({ pattern: '^[a-z][a-z0-9_]{1,31}$' }), nameZh: Type.String({ minLength: 1, maxLength: 40 }), nameEn: Type.String({ minLength: 1, maxLength: 80 }), owner: Type.String({ enum: ['community', ...Object.keys(codeTables.department)] }), reviewDays: Type.Integer({ minimum: 1, maximum: 3650 }), appliesTo: Type.Optional(Type.String({ enum: ['resident', 'household'] })), rules: Type.Optional(Rules) }),
          response: { 201: LabelKindOut, ...errorResponses },
        },
      },
      async (req, reply) => reply.code(201).send(await labels.createKind(req.ctx, req.body)),
    );
    app.patch(
      '/labels/:code',
      {
        config: { permission: 'labels:manage' },
        schema: { tags: ['labels'], summary: 'Rename, re-own, change the review period or plausibility rules of, or retire a label kind', params: StrictObject({ code: Type.String({ maxLength: 32 }) }), body: StrictObject({ nameZh: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })), nameEn: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })), owner: Type.Optional(Type.String({ enum: ['community', ...Object.keys(codeTables.department)] })), reviewDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })), active: Type.Optional(Type.Boolean()), rules: Type.Optional(Rules) }), response: { 200: LabelKindOut, ...errorResponses } },
      },
      async (req) => labels.updateKind(req.ctx, req.params.code, req.body),
    );
    const PolicyOut = Type.Object({ id: Type.Integer(), recordKind: Type.String(), fieldGroup: Type.String(), fields: Type.Array(Type.String()), labelCode: Type.Union([Type.String(), Type.Null()]), owner: Type.String(), reviewDays: Type.Integer(), nameZh: Type.String(), nameEn: Type.String() });
    app.get('/field-policies', { config: { authenticated: true }, schema: { tags: ['labels'], summary: 'Field owners and review cycles (字段权属与维护周期)', response: { 200: Type.Array(PolicyOut) } } }, async () => freshness.policies());
    app.patch(
      '/field-policies/:id',
      { config: { permission: 'labels:manage' }, schema: { tags: ['labels'], summary: 'Change a field group’s owner or review period (due dates follow)', params: IdParam, body: StrictObject({ reviewDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })), owner: Type.Optional(Type.String({ enum: ['community', ...Object.keys(codeTables.department)] })) }), response: { 200: PolicyOut, ...errorResponses } } },
      async (req) => freshness.setPolicy(req.ctx, req.params.id, req.body),
    );

    // ---- grants ---------------------------------------------------------------------------

    const GrantOut = Type.Object({ id: Type.Integer(), departmentId: Type.Integer(), recordKind: Type.String(), readFields: Type.Array(Type.String()), writeFields: Type.Array(Type.String()), unmaskedFields: Type.Array(Type.String()), labels: Type.Array(Type.String()), nodeId: Type.Integer(), purpose: Type.String(), validFrom: Type.String(), validTo: Type.Union([Type.String(), Type.Null()]), revokedAt: Type.Union([Type.String(), Type.Null()]) });
    const grantOut = (g: Awaited<ReturnType<typeof grants.create>>) => ({ ...g, revokedAt: g.revokedAt?.toISOString() ?? null });
    app.get(
      '/admin/grants',
      { config: { permission: 'grants:manage' }, schema: { tags: ['grants'], summary: 'Department grants on base data', querystring: StrictObject({ departmentId: Type.Optional(Type.Integer({ minimum: 1 })), includeRevoked: Type.Optional(Type.Boolean()) }), response: { 200: Type.Array(GrantOut), ...errorResponses } } },
      async (req) => (await store.platform.grants.list(store.db, req.query)).map(grantOut),
    );
    app.post(
      '/admin/grants',
      {
        config: { permission: 'grants:manage' },
        schema: {
          tags: ['grants'], summary: 'Grant a department named fields of a record kind (optionally only for residents with given labels) over a subtree, for a purpose',
          body: StrictObject({ departmentId: Type.Integer({ minimum: 1 }), recordKind: Type.String({ enum: [...recordKinds] }), readFields: Type.Array(Type.String({ maxLength: 48 }), { minItems: 1, maxItems: 60, uniqueItems: true }), writeFields: Type.Optional(Type.Array(Type.String({ maxLength: 48 }), { maxItems: 60, uniqueItems: true })), unmaskedFields: Type.Optional(Type.Array(Type.String({ enum: ['idNumber', 'phone'] }), { uniqueItems: true })), labels: Type.Optional(Type.Array(Type.String({ maxLength: 32 }), { maxItems: 20, uniqueItems: true })), nodeId: Type.Integer({ minimum: 1 }), purpose: Type.String({ minLength: 4, maxLength: 500 }), validFrom: Type.Optional(DateString), validTo: Type.Optional(DateString) }),
          description: 'A grant that shows ID numbers or phones unmasked is not made at once: it goes to a security officer for approval (202 with the request; separation of duties, decision 0015).',
          response: { 201: GrantOut, 202: PendingOut, ...errorResponses },
        },
      },
      async (req, reply) => {
        const input = { ...req.body, recordKind: req.body.recordKind as RecordKind };
        if (!input.unmaskedFields?.length) return reply.code(201).send(grantOut(await grants.create(req.ctx, input)));
        const { treePath, departmentName } = await grants.check(req.ctx, input);
        const approval = await store.platform.approvals.request(req.ctx, {
          kind: 'grant.unmask', payload: { grant: input }, treePath, reason: input.purpose, decidedWith: 'approvals:data',
          summary: `${departmentName}：${input.recordKind} ${input.readFields.join('、')}（不遮蔽 ${input.unmaskedFields.join('、')}）`,
        });
        return reply.code(202).send({ approval: approvalOut(approval) });
      },
    );
    app.delete(
      '/admin/grants/:id',
      { config: { permission: 'grants:manage' }, schema: { tags: ['grants'], summary: 'Revoke a grant (effective at once)', params: IdParam, response: { 204: Type.Null(), ...errorResponses } } },
      async (req, reply) => {
        await grants.revoke(req.ctx, req.params.id);
        return reply.code(204).send(null);
      },
    );
    app.get(
      '/grants/mine',
      { config: { permission: ['registry:lookup', 'registry:supplement'] }, schema: { tags: ['grants'], summary: 'The caller’s department grants: what it may read, write and see unmasked', response: { 200: Type.Array(GrantOut), ...errorResponses } } },
      async (req) => {
        const p = req.ctx.principal!;
        if (!p.departmentId) return [];
        return (await store.platform.grants.activeGrants(store.db, p.departmentId)).map(grantOut);
      },
    );

    await app.register(proposalRoutes(registry.proposals));
  };
}

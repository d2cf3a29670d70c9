// HTTP for certificates: the public face (catalogue, handbook, published keys, verification) and
// the staff face (checking and issuing, the issued list, revocation, printing, editing the
// catalogue and handbook, key rotation, assisted service).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import { AppError } from '../../platform/errors.js';
import { errorResponses, IdParam, StrictObject } from '../../platform/http.js';
import { assistedCategories, assistedChannels, assistedStatuses, type AssistedCategory } from './assisted.js';
import { CertificateErrors } from './errors.js';
import type { HandbookEntry } from './handbook.js';
import type { CertificatesService } from './index.js';
import { PreconditionSchema } from './preconditions.js';
import { renderHandbook } from './render.js';
import { DEFAULT_SIGNER_ID, algorithms } from './signing.js';
import { STATEMENT_FORMAT } from './statement.js';
import { templateVariables } from './template.js';
import { verdictReasons, verdictStatuses } from './verify.js';

const Nullable = <T extends TSchema>(s: T) => Type.Union([s, Type.Null()]);
const DateString = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const CodeParam = StrictObject({ code: Type.String({ minLength: 1, maxLength: 40 }) });
const ReadPerms = ['certificates:read', 'certificates:issue', 'certificates:catalog'] as const;

const PreconditionOut = Type.Object({
  type: Type.String(), text: Type.String({ description: 'The rule in plain words' }), months: Type.Optional(Type.Integer()), years: Type.Optional(Type.Integer()),
  labels: Type.Optional(Type.Array(Type.String())), statuses: Type.Optional(Type.Array(Type.String())), relations: Type.Optional(Type.Array(Type.String())), referTo: Type.Optional(Type.String()),
});
const KindOut = Type.Object(
  {
    code: Type.String(), version: Type.Integer(), title: Type.String(), basis: Type.String({ description: '设定依据' }), purpose: Type.String({ description: '办理用途' }), process: Type.String({ description: '办理流程' }),
    materials: Type.Array(Type.String()), preconditions: Type.Array(PreconditionOut), needsRelated: Type.Boolean(), needs: Type.Array(Type.String(), { description: 'Base data the template draws on' }),
    issuerRoles: Type.Array(Type.String()), issuers: Type.String(), validityDays: Type.Integer(), template: Type.String(), sample: Type.String({ description: 'The template with placeholders shown by name' }), active: Type.Boolean(), changedAt: Type.String(), changedBy: Type.String(), changeNote: Nullable(Type.String()),
  },
  { title: 'CertificateKind' },
);
const KindBody = {
  title: Type.String({ minLength: 1, maxLength: 60 }),
  basis: Type.String({ minLength: 1, maxLength: 2000 }),
  purpose: Type.String({ minLength: 1, maxLength: 2000 }),
  process: Type.String({ minLength: 1, maxLength: 2000 }),
  materials: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 20 }),
  preconditions: Type.Array(PreconditionSchema, { maxItems: 10 }),
  needsRelated: Type.Boolean({ default: false }),
  issuerRoles: Type.Array(Type.String({ maxLength: 32 }), { minItems: 1, maxItems: 5 }),
  validityDays: Type.Integer({ minimum: 1, maximum: 3650 }),
  template: Type.String({ minLength: 1, maxLength: 1500, description: 'Body text with {placeholders}; see GET /certificates/meta' }),
  active: Type.Boolean({ default: true }),
  sortOrder: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
  changeNote: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
};
const HandbookOut = Type.Object(
  {
    code: Type.String(), title: Type.String(), authority: Type.String({ description: 'Who issues it now' }), place: Type.String({ description: 'Where to go' }), contact: Type.String({ description: 'Whom to ask' }),
    materials: Type.Array(Type.String()), online: Type.Boolean(), onlineHow: Nullable(Type.String()), basis: Type.String(), notes: Nullable(Type.String()), keywords: Type.Array(Type.String()),
    sortOrder: Type.Integer(), active: Type.Boolean(), version: Type.Integer(), updatedAt: Type.String(), updatedBy: Nullable(Type.String()),
  },
  { title: 'HandbookEntry' },
);
const HandbookBody = {
  title: Type.String({ minLength: 1, maxLength: 80 }),
  authority: Type.String({ minLength: 1, maxLength: 300 }),
  place: Type.String({ minLength: 1, maxLength: 300 }),
  contact: Type.String({ minLength: 1, maxLength: 300 }),
  materials: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 20 }),
  online: Type.Boolean(),
  onlineHow: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
  basis: Type.String({ minLength: 1, maxLength: 1000 }),
  notes: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
  keywords: Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { maxItems: 30, default: [] }),
  sortOrder: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
  active: Type.Optional(Type.Boolean()),
};
const CertificateOut = Type.Object(
  {
    id: Type.Integer(), number: Type.String(), verifyCode: Type.String({ description: 'Short code for the verification page (K7QM9-XRT2B)' }), kind: Type.String(), kindVersion: Type.Integer(), title: Type.String(),
    residentId: Type.Integer(), relatedResidentId: Nullable(Type.Integer()), subjectName: Type.String(), subjectIdMasked: Type.String(), unitNodeId: Type.Integer(), unitName: Type.String(),
    purpose: Type.String(), recipient: Nullable(Type.String()), publicText: Type.String({ description: 'The text with ID numbers masked' }), issuedAt: Type.String(), issuedOn: Type.String(), validUntil: Type.String(),
    issuedByName: Type.String(), status: Type.String({ enum: ['issued', 'revoked'] }), state: Type.String({ enum: ['valid', 'expired', 'revoked'] }), revokedAt: Nullable(Type.String()), revokedByName: Nullable(Type.String()),
    revokeReason: Nullable(Type.String({ description: 'The worker’s note (staff only)' })), revokeCategory: Nullable(Type.String({ description: 'Revocation category code; the public page shows its name' })), printCount: Type.Integer(), lastPrintedAt: Nullable(Type.String()), verifyCount: Type.Integer(), lastVerifiedAt: Nullable(Type.String()),
    algorithm: Type.String(), kid: Type.String(), statement: Type.String({ description: 'The signed statement as stored: QC1 text, or "QC2:" followed by the compact statement in base64url' }),
    statementFormat: Type.String({ enum: ['QC1', 'QC2'] }), statementText: Type.String({ description: 'The statement’s fields on one line' }), signature: Type.String({ description: 'base64url' }),
    verifyUrl: Type.String({ description: 'What the QR code holds' }), pdfUrl: Type.String(), assistedRequestId: Nullable(Type.Integer()),
  },
  { title: 'Certificate' },
);
const CheckOut = Type.Object({
  kind: KindOut,
  ok: Type.Boolean(),
  checks: Type.Array(Type.Object({
    type: Type.String(), ok: Type.Boolean(), text: Type.String({ description: 'Rule and finding in plain words' }), rule: Type.Object({ zh: Type.String(), en: Type.String() }), found: Type.Object({ zh: Type.String(), en: Type.String() }),
    referTo: Type.Optional(Type.String()), handbook: Type.Optional(Type.Object({ code: Type.String(), title: Type.String(), authority: Type.String() })),
  })),
  missing: Type.Array(Type.Object({ placeholder: Type.String(), needs: Type.String() })),
  preview: Nullable(Type.String()),
});
const IssueBody = StrictObject({
  residentId: Type.Integer({ minimum: 1 }),
  kind: Type.String({ minLength: 1, maxLength: 40 }),
  purpose: Type.String({ minLength: 2, maxLength: 200, description: '用途, printed on the certificate' }),
  recipient: Type.Optional(Nullable(Type.String({ maxLength: 100, description: 'Addressee (抬头), e.g. the school or bank' }))),
  relatedResidentId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
  assistedRequestId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
});
const CheckBody = StrictObject({
  residentId: Type.Integer({ minimum: 1 }),
  kind: Type.String({ minLength: 1, maxLength: 40 }),
  purpose: Type.Optional(Type.String({ maxLength: 200 })),
  relatedResidentId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
});
const SignatureOut = Nullable(Type.Object({ valid: Type.Boolean(), algorithm: Type.String(), kid: Type.String(), signerId: Nullable(Type.String()), unitCode: Nullable(Type.String()), unitName: Nullable(Type.String()), keyStatus: Nullable(Type.String()), cached: Type.Boolean() }));
const Verdict = Type.Object(
  {
    status: Type.String({ enum: [...verdictStatuses] }), reason: Type.String({ enum: [...verdictReasons] }), message: Type.String(), checkedAt: Type.String(), signature: SignatureOut,
    certificate: Nullable(Type.Object({
      number: Type.String(), verifyCode: Type.String(), title: Type.String(), kind: Type.String(), unitName: Type.String(), subjectName: Type.String(), subjectIdMasked: Type.String(), issuedOn: Type.String(),
      validUntil: Type.String(), text: Type.String(), recipient: Nullable(Type.String()), revokedAt: Nullable(Type.String()),
      revokeCategory: Nullable(Type.String({ description: 'Why it was revoked, as a category (信息变更, 误开, 迁出 …); the worker’s note is not public' })),
    })),
    claimed: Nullable(Type.Object({ number: Type.String(), title: Nullable(Type.String()), kind: Type.String(), unitCode: Type.String(), subjectName: Type.String(), subjectIdMasked: Type.String(), issuedOn: Type.String(), validUntil: Type.String() })),
  },
  { title: 'CertificateVerdict' },
);
const VerifyInput = {
  code: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'The short verification code printed on the certificate' })),
  payload: Type.Optional(Type.String({ minLength: 1, maxLength: 4000, description: 'What the QR code holds (the address or just its p= part)' })),
};
const PublishedKey = Type.Object({
  kid: Type.String(), algorithm: Type.String({ enum: [...algorithms] }), signerId: Nullable(Type.String()), unitCode: Type.String(), unitName: Type.String(), publicKeyHex: Type.String(), publicKeyPem: Type.String(),
  status: Type.String({ enum: ['active', 'retired'] }), createdAt: Type.String(), retiredAt: Nullable(Type.String()),
});
const AssistedOut = Type.Object({
  id: Type.Integer(), residentId: Type.Integer(), subjectName: Type.String(), communityNodeId: Type.Integer(), category: Type.String(), categoryName: Type.String(), channel: Type.String(), description: Type.String(),
  helpReason: Nullable(Type.String()), vulnerability: Type.Array(Type.String()), status: Type.String(), statusName: Type.String(), dueOn: Type.String(), overdue: Type.Boolean(), takenByName: Type.String(),
  result: Nullable(Type.String()), doneAt: Nullable(Type.String()), certificateId: Nullable(Type.Integer()), version: Type.Integer(), createdAt: Type.String(), updatedAt: Type.String(),
});
const StatsQuery = StrictObject({ nodeId: Type.Optional(Type.Integer({ minimum: 1 })), from: Type.Optional(DateString), to: Type.Optional(DateString) });

function handbookOut(e: HandbookEntry) {
  return { ...e, updatedAt: e.updatedAt.toISOString() };
}

/**
 * Verdicts are built by this module alone and always have the documented shape; sending them as
 * ready JSON skips the schema serializer, whose nullable objects cost more than the check itself.
 */
function json(reply: FastifyReply, body: unknown) {
  return reply.type('application/json; charset=utf-8').send(JSON.stringify(body));
}

function pdfHeaders(filename: string) {
  return { 'content-type': 'application/pdf', 'content-disposition': `inline; filename="certificate.pdf"; filename*=UTF-8''${encodeURIComponent(filename)}`, 'cache-control': 'no-store' };
}

export function certificateRoutes(s: CertificatesService): FastifyPluginAsyncTypebox {
  return async (app) => {
    // Without a configured public address, QR codes point at the address the server listens on.
    s.certificates.listening = () => {
      const a = app.server.address();
      if (!a || typeof a === 'string') return null;
      const host = a.address === '0.0.0.0' || a.address === '::' ? '127.0.0.1' : a.family === 'IPv6' ? `[${a.address}]` : a.address;
      return `http://${host}:${a.port}`;
    };
    const pub = ['certificates (public)'];
    const tags = ['certificates'];

    // ---- public ---------------------------------------------------------------------------

    app.get('/public/certificates/kinds', {
      config: { public: true },
      schema: { tags: pub, summary: 'The catalogue: certificates a community may issue, each with basis, purpose, process, materials, conditions and template (证明事项清单)', response: { 200: Type.Array(KindOut) } },
    }, async (req) => {
      const names = await s.catalogue.labelNames();
      return (await s.catalogue.current(false)).map((k) => s.catalogue.present(k, names, req.ctx.lang));
    });

    app.get('/public/certificates/search', {
      config: { public: true },
      schema: {
        tags: pub, summary: 'What a resident asks for, matched against the catalogue (can be issued here) and the handbook (issued elsewhere: where to go)',
        querystring: StrictObject({ q: Type.String({ minLength: 1, maxLength: 40 }) }),
        response: { 200: Type.Object({ kinds: Type.Array(KindOut), handbook: Type.Array(HandbookOut) }), ...errorResponses },
      },
    }, async (req) => {
      const words = req.query.q.trim().toLowerCase().split(/[\s,，、]+/).filter(Boolean);
      const names = await s.catalogue.labelNames();
      const kinds = (await s.catalogue.current(false)).filter((k) => words.every((w) => `${k.title} ${k.purpose} ${k.kindCode}`.toLowerCase().includes(w)));
      return { kinds: kinds.map((k) => s.catalogue.present(k, names, req.ctx.lang)), handbook: (await s.handbook.search(req.query.q, { limit: 20 })).map(handbookOut) };
    });

    app.get('/public/handbook', {
      config: { public: true },
      schema: {
        tags: pub, summary: '减证便民 handbook: certificates communities no longer issue, with where to go, whom to ask, what to bring and whether it can be done online',
        querystring: StrictObject({ q: Type.Optional(Type.String({ maxLength: 40 })), online: Type.Optional(Type.Boolean()) }),
        response: { 200: Type.Array(HandbookOut), ...errorResponses },
      },
    }, async (req) => (await s.handbook.search(req.query.q, { online: req.query.online })).map(handbookOut));

    app.get('/public/handbook.pdf', {
      config: { public: true },
      schema: { tags: pub, summary: 'The handbook as a printable PDF (for the counter and the notice board)', response: { 200: Type.Unknown({ description: 'application/pdf' }) } },
    }, async (_req, reply) => {
      const bytes = await renderHandbook(await s.handbook.search(undefined), '');
      return reply.headers(pdfHeaders('减证便民服务指南.pdf')).send(Buffer.from(bytes));
    });

    app.get('/public/handbook/:code', {
      config: { public: true },
      schema: { tags: pub, summary: 'One handbook entry', params: CodeParam, response: { 200: HandbookOut, ...errorResponses } },
    }, async (req) => {
      const e = await s.handbook.get(req.params.code);
      if (!e.active) throw new AppError(CertificateErrors.HANDBOOK_NOT_FOUND, { code: req.params.code }, 'code');
      return handbookOut(e);
    });

    app.get('/public/certificates/keys', {
      config: { public: true },
      schema: {
        tags: pub,
        summary: 'Published verification keys of every issuing unit (current and retired), so that anyone can verify a certificate offline',
        description: `A QR code holds the verification address with p=<payload>. Certificates issued now (format ${STATEMENT_FORMAT}): the payload is base32 (RFC 4648, no padding) of the compact binary statement followed by the signature; byte 1 of the statement is its length, bytes 2-5 the key id; the layout is in docs/certificates.md. Older ones (QC1): base64url(statement) "." base64url(signature), the statement being "QC1|alg|signerId|kid|number|verifyCode|kind|unitCode|name|maskedId|issuedOn|validUntil|digest". Verify the statement's bytes with the key named by its kid: SM2 with SM3 and the key's signer ID (GB/T 32918; default ${DEFAULT_SIGNER_ID}), DER signature; or Ed25519.`,
        querystring: StrictObject({ unitCode: Type.Optional(Type.String({ pattern: '^\\d{6,15}$' })) }),
        response: { 200: Type.Object({ format: Type.String({ description: 'The format of certificates issued now' }), formats: Type.Array(Type.String(), { description: 'Every format that is still verified' }), defaultSignerId: Type.String(), keys: Type.Array(PublishedKey) }), ...errorResponses },
      },
    }, async (req, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return { format: STATEMENT_FORMAT, formats: ['QC2', 'QC1'], defaultSignerId: DEFAULT_SIGNER_ID, keys: await s.keys.published({ unitCode: req.query.unitCode }) };
    });

    const verifyOne = async (lang: 'zh' | 'en', input: { code?: string; payload?: string }) => {
      if ((input.code ? 1 : 0) + (input.payload ? 1 : 0) !== 1) throw new AppError(CertificateErrors.CERT_VERIFY_INPUT, {}, 'code');
      return input.payload ? s.verification.verifyPayload(input.payload, lang) : s.verification.verifyCode(input.code!, lang);
    };
    app.get('/public/certificates/verify', {
      config: { public: true, rateLimits: ['verify', 'verifyCode', 'verifyCodePrefix'] },
      schema: { tags: pub, summary: 'Check a certificate by its short code or its QR content: valid, revoked, expired, forged or not found', querystring: StrictObject(VerifyInput), response: { 200: Verdict, ...errorResponses } },
    }, async (req, reply) => json(reply, await verifyOne(req.ctx.lang, req.query)));
    app.post('/public/certificates/verify', {
      config: { public: true, rateLimits: ['verify', 'verifyCode', 'verifyCodePrefix'] },
      schema: { tags: pub, summary: 'Check a certificate (the same as GET, with the QR content in the body)', body: StrictObject(VerifyInput), response: { 200: Verdict, ...errorResponses } },
    }, async (req, reply) => json(reply, await verifyOne(req.ctx.lang, req.body)));
    app.post('/public/certificates/verify/batch', {
      config: { public: true, rateLimits: ['verify', 'verifyCode', 'verifyCodePrefix'] },
      schema: {
        tags: pub, summary: 'Check up to 100 certificates at once (e.g. a school or bank checking a pile); each gets its own verdict or error',
        body: StrictObject({ items: Type.Array(StrictObject(VerifyInput), { minItems: 1, maxItems: 100 }) }),
        response: { 200: Type.Object({ results: Type.Array(Type.Object({ verdict: Type.Optional(Verdict), error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String(), field: Type.String() })) })) }), ...errorResponses },
      },
    }, async (req, reply) => {
      const items = req.body.items.map((it, i) => {
        if ((it.code ? 1 : 0) + (it.payload ? 1 : 0) !== 1) throw new AppError(CertificateErrors.CERT_VERIFY_INPUT, {}, `items.${i}`);
        return it.payload ? { payload: it.payload } : { code: it.code! };
      });
      return json(reply, { results: await s.verification.verifyMany(items, req.ctx.lang) });
    });

    // ---- catalogue ------------------------------------------------------------------------

    app.get('/certificates/meta', {
      config: { authenticated: true },
      schema: {
        tags, summary: 'Template placeholders, precondition kinds, signature algorithms and the assisted-service code tables (for the editors and forms)',
        response: { 200: Type.Object({
          placeholders: Type.Array(Type.Object({ key: Type.String(), zh: Type.String(), en: Type.String(), source: Type.String(), needs: Type.String() })),
          preconditionTypes: Type.Array(Type.String()), algorithms: Type.Array(Type.String()), defaultSignerId: Type.String(),
          assisted: Type.Object({ categories: Type.Record(Type.String(), Type.Object({ zh: Type.String(), en: Type.String() })), channels: Type.Record(Type.String(), Type.Object({ zh: Type.String(), en: Type.String() })), statuses: Type.Record(Type.String(), Type.Object({ zh: Type.String(), en: Type.String() })) }),
        }) },
      },
    }, async (req) => ({
      placeholders: Object.entries(templateVariables).map(([key, v]) => ({ key, zh: v.zh, en: v.en, source: v.source, needs: v.needs[req.ctx.lang] })),
      preconditionTypes: ['resident_months', 'age_min', 'labels_any', 'lives_alone', 'residence_status', 'related_in_household'],
      algorithms: [...algorithms], defaultSignerId: DEFAULT_SIGNER_ID,
      assisted: { categories: assistedCategories, channels: assistedChannels, statuses: assistedStatuses },
    }));

    app.get('/certificates/kinds', {
      config: { permission: [...ReadPerms] },
      schema: { tags, summary: 'The catalogue as staff see it (withdrawn kinds too, when asked)', querystring: StrictObject({ includeInactive: Type.Optional(Type.Boolean()) }), response: { 200: Type.Array(KindOut), ...errorResponses } },
    }, async (req) => {
      const names = await s.catalogue.labelNames();
      return (await s.catalogue.current(Boolean(req.query.includeInactive))).map((k) => s.catalogue.present(k, names, req.ctx.lang));
    });

    app.get('/certificates/kinds/:code', {
      config: { permission: [...ReadPerms] },
      schema: { tags, summary: 'One kind with every version it has had', params: CodeParam, response: { 200: Type.Object({ current: KindOut, versions: Type.Array(KindOut) }), ...errorResponses } },
    }, async (req) => {
      const names = await s.catalogue.labelNames();
      const current = await s.catalogue.get(req.params.code);
      const versions = await s.catalogue.versions(req.params.code);
      return { current: s.catalogue.present(current, names, req.ctx.lang), versions: versions.map((v) => s.catalogue.present(v, names, req.ctx.lang)) };
    });

    app.post('/certificates/kinds', {
      config: { permission: 'certificates:catalog' },
      schema: { tags, summary: 'Add a kind to the catalogue (version 1)', body: StrictObject({ code: Type.String({ minLength: 2, maxLength: 40 }), ...KindBody }), response: { 201: KindOut, ...errorResponses } },
    }, async (req, reply) => {
      const row = await s.catalogue.create(req.ctx, req.body, await s.handbook.codes());
      return reply.code(201).send(s.catalogue.present(row, await s.catalogue.labelNames(), req.ctx.lang));
    });

    app.put('/certificates/kinds/:code', {
      config: { permission: 'certificates:catalog' },
      schema: {
        tags, summary: 'Edit a kind: saved as a new version (send the version you edited; a stale one is refused). Set active=false to withdraw it from issue.',
        params: CodeParam, body: StrictObject({ version: Type.Integer({ minimum: 1 }), ...KindBody }), response: { 200: KindOut, ...errorResponses },
      },
    }, async (req) => {
      const { version, ...input } = req.body;
      const row = await s.catalogue.update(req.ctx, req.params.code, input, version, await s.handbook.codes());
      return s.catalogue.present(row, await s.catalogue.labelNames(), req.ctx.lang);
    });

    // ---- handbook editing -----------------------------------------------------------------

    app.get('/certificates/handbook', {
      config: { permission: [...ReadPerms] },
      schema: { tags, summary: 'The handbook as staff see it (withdrawn entries too, when asked)', querystring: StrictObject({ q: Type.Optional(Type.String({ maxLength: 40 })), includeInactive: Type.Optional(Type.Boolean()) }), response: { 200: Type.Array(HandbookOut), ...errorResponses } },
    }, async (req) => (await s.handbook.search(req.query.q, { includeInactive: req.query.includeInactive })).map(handbookOut));

    app.post('/certificates/handbook', {
      config: { permission: 'certificates:catalog' },
      schema: { tags, summary: 'Add a handbook entry', body: StrictObject({ code: Type.String({ minLength: 2, maxLength: 40 }), ...HandbookBody }), response: { 201: HandbookOut, ...errorResponses } },
    }, async (req, reply) => reply.code(201).send(handbookOut(await s.handbook.create(req.ctx, { ...req.body, onlineHow: req.body.onlineHow ?? null, notes: req.body.notes ?? null }))));

    app.put('/certificates/handbook/:code', {
      config: { permission: 'certificates:catalog' },
      schema: { tags, summary: 'Edit a handbook entry (send the version you edited); active=false withdraws it', params: CodeParam, body: StrictObject({ version: Type.Integer({ minimum: 1 }), ...HandbookBody }), response: { 200: HandbookOut, ...errorResponses } },
    }, async (req) => {
      const { version, ...input } = req.body;
      return handbookOut(await s.handbook.update(req.ctx, req.params.code, { ...input, code: req.params.code, onlineHow: input.onlineHow ?? null, notes: input.notes ?? null }, version));
    });

    // ---- keys -----------------------------------------------------------------------------

    app.post('/certificates/keys/rotate', {
      config: { permission: 'certificates:catalog' },
      schema: {
        tags, summary: 'Give a community a new signing key (the old one is retired and still verifies what it signed)',
        body: StrictObject({ unitNodeId: Type.Integer({ minimum: 1 }), algorithm: Type.String({ enum: [...algorithms], default: 'SM2' }), signerId: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 64 }))), reason: Type.String({ minLength: 2, maxLength: 500 }) }),
        response: { 201: PublishedKey, ...errorResponses },
      },
    }, async (req, reply) => {
      const node = await s.tree.getVisibleNode(req.ctx.principal!, req.body.unitNodeId);
      if (node.level !== 'community') throw new AppError(CertificateErrors.CERT_KEY_UNIT_INVALID, {}, 'unitNodeId');
      const unit = await s.certificates.unitOf(node.path);
      const alg = req.body.algorithm as (typeof algorithms)[number];
      const k = await s.keys.rotate(req.ctx, unit, alg, alg === 'SM2' ? (req.body.signerId ?? DEFAULT_SIGNER_ID) : null, req.body.reason);
      const published = (await s.keys.published({ unitCode: unit.code })).find((p) => p.kid === k.kid)!;
      return reply.code(201).send(published);
    });

    // ---- issuing --------------------------------------------------------------------------

    app.post('/certificates/check', {
      config: { permission: 'certificates:issue' },
      schema: { tags, summary: 'Before issuing: which conditions hold (in plain words), which base data is missing, and the text it would issue', body: CheckBody, response: { 200: CheckOut, ...errorResponses } },
    }, async (req) => s.certificates.check(req.ctx, { ...req.body, purpose: req.body.purpose ?? '' }));

    app.post('/certificates', {
      config: { permission: 'certificates:issue' },
      schema: {
        tags, summary: 'Issue a certificate in one step: fill from base data, check conditions, number, sign with the unit’s key (SM2 by default). A failed condition or missing base data is refused with the reason.',
        body: IssueBody, response: { 201: CertificateOut, 422: errorResponses[400], ...errorResponses },
      },
    }, async (req, reply) => reply.code(201).send(await s.certificates.issue(req.ctx, req.body)));

    app.get('/certificates', {
      config: { permission: ['certificates:read', 'certificates:issue'] },
      schema: {
        tags, summary: 'Issued certificates in the caller’s area, newest first; search by number, verification code or name',
        querystring: StrictObject({
          q: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })), kind: Type.Optional(Type.String({ maxLength: 40 })), state: Type.Optional(Type.String({ enum: ['valid', 'expired', 'revoked'] })),
          from: Type.Optional(DateString), to: Type.Optional(DateString), residentId: Type.Optional(Type.Integer({ minimum: 1 })), nodeId: Type.Optional(Type.Integer({ minimum: 1 })),
          limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }), offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
        }),
        response: { 200: Type.Object({ items: Type.Array(CertificateOut), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() }), ...errorResponses },
      },
    }, async (req) => ({ ...(await s.certificates.list(req.ctx, { ...req.query, state: req.query.state as 'valid' | 'expired' | 'revoked' | undefined })), limit: req.query.limit, offset: req.query.offset }));

    app.get('/certificates/stats', {
      config: { permission: ['certificates:read', 'certificates:issue'] },
      schema: {
        tags, summary: 'Certificates issued per community and kind (revoked and assisted counted apart)', querystring: StatsQuery,
        response: { 200: Type.Array(Type.Object({ unitNodeId: Type.Integer(), unitName: Type.String(), kind: Type.String(), title: Type.String(), issued: Type.Integer(), revoked: Type.Integer(), assisted: Type.Integer() })), ...errorResponses },
      },
    }, async (req) => s.certificates.stats(req.ctx, req.query));

    app.get('/certificates/:id', {
      config: { permission: ['certificates:read', 'certificates:issue'] },
      schema: { tags, summary: 'One issued certificate (the read is logged)', params: IdParam, response: { 200: CertificateOut, ...errorResponses } },
    }, async (req) => s.certificates.get(req.ctx, req.params.id));

    app.get('/certificates/:id/pdf', {
      config: { permission: 'certificates:issue' },
      schema: { tags, summary: 'Print: the PDF with heading, seal, QR code and verification code (every print is logged; a revoked certificate is refused)', params: IdParam, response: { 200: Type.Unknown({ description: 'application/pdf' }), ...errorResponses } },
    }, async (req, reply) => {
      const { bytes, filename } = await s.certificates.pdf(req.ctx, req.params.id);
      return reply.headers(pdfHeaders(filename)).send(Buffer.from(bytes));
    });

    app.post('/certificates/:id/revoke', {
      config: { permission: 'certificates:revoke' },
      schema: {
        tags, summary: 'Revoke (作废) with a category and a note; the verification page shows the category at once, the note stays with staff', params: IdParam,
        body: StrictObject({ category: Type.String({ minLength: 1, maxLength: 32, description: 'A code from GET /certificates/revoke-categories' }), reason: Type.String({ minLength: 2, maxLength: 500, description: 'The worker’s note (never public)' }) }),
        response: { 200: CertificateOut, ...errorResponses },
      },
    }, async (req) => s.certificates.revoke(req.ctx, req.params.id, req.body));

    const RevokeCategoryOut = Type.Object({ code: Type.String(), nameZh: Type.String(), nameEn: Type.String(), sortOrder: Type.Integer(), active: Type.Boolean() }, { title: 'RevokeCategory' });
    const categoryOut = (c: { code: string; nameZh: string; nameEn: string; sortOrder: number; active: boolean }) => ({ code: c.code, nameZh: c.nameZh, nameEn: c.nameEn, sortOrder: c.sortOrder, active: c.active });
    app.get('/certificates/revoke-categories', {
      config: { authenticated: true },
      schema: { tags, summary: 'Revocation categories (what the public page shows instead of the note)', querystring: StrictObject({ includeInactive: Type.Optional(Type.Boolean()) }), response: { 200: Type.Array(RevokeCategoryOut) } },
    }, async (req) => (await s.revocation.list(Boolean(req.query.includeInactive))).map(categoryOut));
    app.put('/certificates/revoke-categories/:code', {
      config: { permission: 'certificates:catalog' },
      schema: {
        tags, summary: 'Add or edit a revocation category; active=false withdraws it (certificates revoked under it keep it)', params: StrictObject({ code: Type.String({ minLength: 2, maxLength: 32 }) }),
        body: StrictObject({ nameZh: Type.String({ minLength: 1, maxLength: 20 }), nameEn: Type.String({ minLength: 1, maxLength: 60 }), sortOrder: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })), active: Type.Optional(Type.Boolean()) }),
        response: { 200: RevokeCategoryOut, ...errorResponses },
      },
    }, async (req) => categoryOut(await s.revocation.save(req.ctx, req.params.code, req.body)));

    // ---- assisted service (帮办代办) ---------------------------------------------------------

    const atags = ['assisted service'];
    app.post('/assisted', {
      config: { permission: 'assisted:write' },
      schema: {
        tags: atags, summary: 'Take a request on behalf of an elderly or vulnerable resident (60+, or a label such as 独居, 残疾, 低保; otherwise state why help is needed)',
        body: StrictObject({
          residentId: Type.Integer({ minimum: 1 }), category: Type.String({ enum: Object.keys(assistedCategories) }), channel: Type.String({ enum: Object.keys(assistedChannels) }),
          description: Type.String({ minLength: 2, maxLength: 1000 }), helpReason: Type.Optional(Nullable(Type.String({ maxLength: 300 }))), dueOn: Type.Optional(Nullable(DateString)),
        }),
        response: { 201: AssistedOut, ...errorResponses },
      },
    }, async (req, reply) => reply.code(201).send(await s.assisted.create(req.ctx, req.body as Parameters<typeof s.assisted.create>[1])));

    app.get('/assisted', {
      config: { permission: ['assisted:write', 'certificates:read'] },
      schema: {
        tags: atags, summary: 'Assisted-service requests in the caller’s area',
        querystring: StrictObject({
          status: Type.Optional(Type.Array(Type.String({ enum: Object.keys(assistedStatuses) }), { maxItems: 4 })), category: Type.Optional(Type.String({ enum: Object.keys(assistedCategories) })),
          nodeId: Type.Optional(Type.Integer({ minimum: 1 })), residentId: Type.Optional(Type.Integer({ minimum: 1 })), q: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })), overdue: Type.Optional(Type.Boolean()),
          limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }), offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
        }),
        response: { 200: Type.Object({ items: Type.Array(AssistedOut), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() }), ...errorResponses },
      },
    }, async (req) => ({ ...(await s.assisted.list(req.ctx, { ...req.query, status: req.query.status as never, category: req.query.category as AssistedCategory | undefined })), limit: req.query.limit, offset: req.query.offset }));

    app.get('/assisted/stats', {
      config: { permission: ['assisted:write', 'certificates:read'] },
      schema: {
        tags: atags, summary: 'Per community: requests taken, open, in progress, done, cancelled, overdue, done on time, average days to done', querystring: StatsQuery,
        response: { 200: Type.Object({
          items: Type.Array(Type.Object({ communityNodeId: Type.Integer(), communityName: Type.String(), total: Type.Integer(), open: Type.Integer(), inProgress: Type.Integer(), done: Type.Integer(), cancelled: Type.Integer(), overdue: Type.Integer(), doneOnTime: Type.Integer(), avgDays: Nullable(Type.Number()) })),
          totals: Type.Object({ total: Type.Integer(), open: Type.Integer(), inProgress: Type.Integer(), done: Type.Integer(), cancelled: Type.Integer(), overdue: Type.Integer(), doneOnTime: Type.Integer() }),
        }), ...errorResponses },
      },
    }, async (req) => s.assisted.stats(req.ctx, req.query));

    app.get('/assisted/:id', {
      config: { permission: ['assisted:write', 'certificates:read'] },
      schema: {
        tags: atags, summary: 'One request with every step', params: IdParam,
        response: { 200: Type.Intersect([AssistedOut, Type.Object({ steps: Type.Array(Type.Object({ id: Type.Integer(), at: Type.String(), byName: Type.String(), action: Type.String(), status: Nullable(Type.String()), statusName: Nullable(Type.String()), note: Nullable(Type.String()) })) })]), ...errorResponses },
      },
    }, async (req) => s.assisted.get(req.ctx, req.params.id));

    app.post('/assisted/:id/steps', {
      config: { permission: 'assisted:write' },
      schema: {
        tags: atags, summary: 'Record a step: a note and/or a new status (in_progress, done with its result, cancelled with a note); send the version you saw',
        params: IdParam,
        body: StrictObject({ version: Type.Integer({ minimum: 1 }), note: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))), status: Type.Optional(Type.String({ enum: ['in_progress', 'done', 'cancelled'] })), result: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))) }),
        response: { 200: AssistedOut, ...errorResponses },
      },
    }, async (req) => s.assisted.step(req.ctx, req.params.id, { note: req.body.note, status: req.body.status as 'in_progress' | 'done' | 'cancelled' | undefined, result: req.body.result, expectedVersion: req.body.version }));
  };
}

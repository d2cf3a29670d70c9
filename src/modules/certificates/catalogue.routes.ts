// Editing what certificates exist: the forms' code tables, the catalogue (every edit a new
// version), the handbook and the units' signing keys.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { errorResponses } from '../../platform/http.js';
import * as S from './schemas.js';
import type { CertificatesService } from './services.js';

/** Who may read the catalogue and handbook as staff. */
export const catalogueReaders = ['certificates:read', 'certificates:issue', 'certificates:catalog'] as const;

export function catalogueRoutes(s: CertificatesService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['certificates'];
    const read = { permission: [...catalogueReaders] };
    const edit = { permission: 'certificates:catalog' } as const;

    app.get('/certificates/meta', {
      config: { authenticated: true },
      schema: { tags, summary: 'Template placeholders, precondition kinds, signature algorithms and the assisted-service code tables (for the editors and forms)', response: { 200: S.MetaOut } },
    }, async (req) => s.meta(req.ctx.lang));

    app.get('/certificates/kinds', {
      config: read,
      schema: { tags, summary: 'The catalogue as staff see it (withdrawn kinds too, when asked)', querystring: S.IncludeInactiveQuery, response: { 200: Type.Array(S.KindOut), ...errorResponses } },
    }, async (req) => s.catalogue.kinds(req.ctx.lang, Boolean(req.query.includeInactive)));

    app.get('/certificates/kinds/:code', {
      config: read,
      schema: { tags, summary: 'One kind with every version it has had', params: S.CodeParam, response: { 200: S.KindHistory, ...errorResponses } },
    }, async (req) => s.catalogue.history(req.params.code, req.ctx.lang));

    app.post('/certificates/kinds', {
      config: edit,
      schema: { tags, summary: 'Add a kind to the catalogue (version 1)', body: S.NewKindIn, response: { 201: S.KindOut, ...errorResponses } },
    }, async (req, reply) => reply.code(201).send(await s.catalogue.add(req.authed, req.body)));

    app.put('/certificates/kinds/:code', {
      config: edit,
      schema: {
        tags, summary: 'Edit a kind: saved as a new version (send the version you edited; a stale one is refused). Set active=false to withdraw it from issue.',
        params: S.CodeParam, body: S.KindEditIn, response: { 200: S.KindOut, ...errorResponses },
      },
    }, async (req) => s.catalogue.edit(req.authed, req.params.code, req.body));

    app.get('/certificates/handbook', {
      config: read,
      schema: { tags, summary: 'The handbook as staff see it (withdrawn entries too, when asked)', querystring: S.HandbookQuery, response: { 200: Type.Array(S.HandbookOut), ...errorResponses } },
    }, async (req) => s.handbook.list(req.query.q, { includeInactive: req.query.includeInactive }));

    app.post('/certificates/handbook', {
      config: edit,
      schema: { tags, summary: 'Add a handbook entry', body: S.NewHandbookIn, response: { 201: S.HandbookOut, ...errorResponses } },
    }, async (req, reply) => reply.code(201).send(await s.handbook.add(req.authed, req.body)));

    app.put('/certificates/handbook/:code', {
      config: edit,
      schema: { tags, summary: 'Edit a handbook entry (send the version you edited); active=false withdraws it', params: S.CodeParam, body: S.HandbookEditIn, response: { 200: S.HandbookOut, ...errorResponses } },
    }, async (req) => s.handbook.edit(req.authed, req.params.code, req.body));

    app.post('/certificates/keys/rotate', {
      config: edit,
      schema: {
        tags, summary: 'Give a community a new signing key (the old one is retired and still verifies what it signed)',
        body: S.RotateKeyIn, response: { 201: S.PublishedKey, ...errorResponses },
      },
    }, async (req, reply) => reply.code(201).send(await s.certificates.rotateKey(req.authed, req.body)));
  };
}

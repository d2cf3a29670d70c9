// Issuing (一键证明) and what follows: the check before issuing, the issued list and counts, one
// certificate, printing, revocation and the revocation categories.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { inlinePdfHeaders } from '../../platform/documents/http.js';
import { errorResponses, IdParam } from '../../platform/http.js';
import * as S from './schemas.js';
import type { CertificatesService } from './services.js';

export function issueRoutes(s: CertificatesService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['certificates'];
    const issuer = { permission: 'certificates:issue' } as const;
    const reader = { permission: ['certificates:read', 'certificates:issue'] } as const;

    app.post('/certificates/check', {
      config: issuer,
      schema: { tags, summary: 'Before issuing: which conditions hold (in plain words), which base data is missing, and the text it would issue', body: S.CheckIn, response: { 200: S.CheckOut, ...errorResponses } },
    }, async (req) => s.certificates.check(req.authed, req.body));

    app.post('/certificates', {
      config: issuer,
      schema: {
        tags, summary: 'Issue a certificate in one step: fill from base data, check conditions, number, sign with the unit’s key (SM2 by default). A failed condition or missing base data is refused with the reason.',
        body: S.IssueIn, response: { 201: S.CertificateOut, 422: errorResponses[400], ...errorResponses },
      },
    }, async (req, reply) => reply.code(201).send(await s.certificates.issue(req.authed, req.body)));

    app.get('/certificates', {
      config: { permission: [...reader.permission] },
      schema: {
        tags, summary: 'Issued certificates in the caller’s area, newest first; search by number, verification code or name',
        querystring: S.CertificateQuery, response: { 200: S.CertificatePage, ...errorResponses },
      },
    }, async (req) => s.certificates.list(req.authed, req.query));

    app.get('/certificates/stats', {
      config: { permission: [...reader.permission] },
      schema: { tags, summary: 'Certificates issued per community and kind (revoked and assisted counted apart)', querystring: S.StatsQuery, response: { 200: S.CertificateStats, ...errorResponses } },
    }, async (req) => s.certificates.stats(req.authed, req.query));

    app.get('/certificates/:id', {
      config: { permission: [...reader.permission] },
      schema: { tags, summary: 'One issued certificate (the read is logged)', params: IdParam, response: { 200: S.CertificateOut, ...errorResponses } },
    }, async (req) => s.certificates.get(req.authed, req.params.id));

    app.get('/certificates/:id/pdf', {
      config: issuer,
      schema: { tags, summary: 'Print: the PDF with heading, seal, QR code and verification code (every print is logged; a revoked certificate is refused)', params: IdParam, response: { 200: Type.Unknown({ description: 'application/pdf' }), ...errorResponses } },
    }, async (req, reply) => {
      const { bytes, filename } = await s.certificates.pdf(req.authed, req.params.id);
      return reply.headers(inlinePdfHeaders(filename, 'certificate.pdf')).send(Buffer.from(bytes));
    });

    app.post('/certificates/:id/revoke', {
      config: { permission: 'certificates:revoke' },
      schema: {
        tags, summary: 'Revoke (作废) with a category and a note; the verification page shows the category at once, the note stays with staff', params: IdParam,
        body: S.RevokeIn, response: { 200: S.CertificateOut, ...errorResponses },
      },
    }, async (req) => s.certificates.revoke(req.authed, req.params.id, req.body));

    app.get('/certificates/revoke-categories', {
      config: { authenticated: true },
      schema: { tags, summary: 'Revocation categories (what the public page shows instead of the note)', querystring: S.IncludeInactiveQuery, response: { 200: Type.Array(S.RevokeCategoryOut) } },
    }, async (req) => s.revocation.listOut(Boolean(req.query.includeInactive)));

    app.put('/certificates/revoke-categories/:code', {
      config: { permission: 'certificates:catalog' },
      schema: {
        tags, summary: 'Add or edit a revocation category; active=false withdraws it (certificates revoked under it keep it)', params: S.RevokeCategoryParam,
        body: S.RevokeCategoryIn, response: { 200: S.RevokeCategoryOut, ...errorResponses },
      },
    }, async (req) => s.revocation.saveOut(req.authed, req.params.code, req.body));
  };
}

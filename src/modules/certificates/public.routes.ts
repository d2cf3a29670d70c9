// The public face of certificates, open to anyone: the catalogue, the 减证便民 handbook, the
// published verification keys and verification itself.
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { inlinePdfHeaders } from '../../platform/documents/http.js';
import { errorResponses } from '../../platform/http.js';
import * as S from './schemas.js';
import type { CertificatesService } from './services.js';
import { DEFAULT_SIGNER_ID } from './signing.js';
import { STATEMENT_FORMAT } from './statement.js';

/**
 * Verdicts are built by this module alone and always have the documented shape; sending them as
 * ready JSON skips the schema serializer, whose nullable objects cost more than the check itself.
 */
function json(reply: FastifyReply, body: S.Verdict | S.VerifyBatchOut) {
  return reply.type('application/json; charset=utf-8').send(JSON.stringify(body));
}

export function publicRoutes(s: CertificatesService): FastifyPluginAsyncTypebox {
  return async (app) => {
  const tags = ['certificates (public)'];
  const open = { public: true } as const;
  const verifyLimits = { public: true, rateLimits: ['verify', 'verifyCode', 'verifyCodePrefix'] } as const;

  app.get('/public/certificates/kinds', {
    config: open,
    schema: { tags, summary: 'The catalogue: certificates a community may issue, each with basis, purpose, process, materials, conditions and template (证明事项清单)', response: { 200: Type.Array(S.KindOut) } },
  }, async (req) => s.catalogue.kinds(req.ctx.lang));

  app.get('/public/certificates/search', {
    config: open,
    schema: {
      tags, summary: 'What a resident asks for, matched against the catalogue (can be issued here) and the handbook (issued elsewhere: where to go)',
      querystring: S.PublicSearchQuery, response: { 200: S.PublicSearchOut, ...errorResponses },
    },
  }, async (req) => s.catalogue.search(req.query.q, req.ctx.lang));

  app.get('/public/handbook', {
    config: open,
    schema: {
      tags, summary: '减证便民 handbook: certificates communities no longer issue, with where to go, whom to ask, what to bring and whether it can be done online',
      querystring: S.PublicHandbookQuery, response: { 200: Type.Array(S.HandbookOut), ...errorResponses },
    },
  }, async (req) => s.handbook.list(req.query.q, { online: req.query.online }));

  app.get('/public/handbook.pdf', {
    config: open,
    schema: { tags, summary: 'The handbook as a printable PDF (for the counter and the notice board)', response: { 200: Type.Unknown({ description: 'application/pdf' }) } },
  }, async (_req, reply) => reply.headers(inlinePdfHeaders('减证便民服务指南.pdf', 'certificate.pdf')).send(Buffer.from(await s.handbook.pdf())));

  app.get('/public/handbook/:code', {
    config: open,
    schema: { tags, summary: 'One handbook entry', params: S.CodeParam, response: { 200: S.HandbookOut, ...errorResponses } },
  }, async (req) => s.handbook.publicEntry(req.params.code));

  app.get('/public/certificates/keys', {
    config: open,
    schema: {
      tags,
      summary: 'Published verification keys of every issuing unit (current and retired), so that anyone can verify a certificate offline',
      description: `A QR code holds the verification address with p=<payload>. Certificates issued now (format ${STATEMENT_FORMAT}): the payload is base32 (RFC 4648, no padding) of the compact binary statement followed by the signature; byte 1 of the statement is its length, bytes 2-5 the key id; the layout is in docs/certificates.md. Older ones (QC1): base64url(statement) "." base64url(signature), the statement being "QC1|alg|signerId|kid|number|verifyCode|kind|unitCode|name|maskedId|issuedOn|validUntil|digest". Verify the statement's bytes with the key named by its kid: SM2 with SM3 and the key's signer ID (GB/T 32918; default ${DEFAULT_SIGNER_ID}), DER signature; or Ed25519.`,
      querystring: S.KeysQuery,
      response: { 200: S.PublishedKeys, ...errorResponses },
    },
  }, async (req, reply) => {
    reply.header('cache-control', 'public, max-age=300');
    return s.keys.publishedSet(req.query.unitCode);
  });

  app.get('/public/certificates/verify', {
    config: verifyLimits,
    schema: { tags, summary: 'Check a certificate by its short code or its QR content: valid, revoked, expired, forged or not found', querystring: S.VerifyIn, response: { 200: S.Verdict, ...errorResponses } },
  }, async (req, reply) => json(reply, await s.verification.verify(req.query, req.ctx.lang)));

  app.post('/public/certificates/verify', {
    config: verifyLimits,
    schema: { tags, summary: 'Check a certificate (the same as GET, with the QR content in the body)', body: S.VerifyIn, response: { 200: S.Verdict, ...errorResponses } },
  }, async (req, reply) => json(reply, await s.verification.verify(req.body, req.ctx.lang)));

  app.post('/public/certificates/verify/batch', {
    config: verifyLimits,
    schema: {
      tags, summary: 'Check up to 100 certificates at once (e.g. a school or bank checking a pile); each gets its own verdict or error',
      body: S.VerifyBatchIn, response: { 200: S.VerifyBatchOut, ...errorResponses },
    },
  }, async (req, reply) => json(reply, await s.verification.verifyBatch(req.body, req.ctx.lang)));
  };
}

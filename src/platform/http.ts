// HTTP conventions shared by every route: the one error shape, language negotiation, request ids,
// strict body schemas (unknown fields are refused, not silently dropped) and paging.
import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ErrorBody, formatMessage, PlatformErrors, type Lang } from './errors.js';

// The shared schema blocks live in schemas.ts; re-exported here for routes that import them from http.
export { StrictObject, Paging, Page, IdParam, PersonOut, type Person } from './schemas.js';

/** Standard error responses to add to a route's schema so that OpenAPI lists them. */
export const errorResponses = {
  400: Type.Ref(ErrorBody),
  401: Type.Ref(ErrorBody),
  403: Type.Ref(ErrorBody),
  404: Type.Ref(ErrorBody),
  409: Type.Ref(ErrorBody),
};

export function detectLang(req: FastifyRequest): Lang {
  const q = (req.query as Record<string, unknown> | undefined)?.lang;
  if (q === 'en' || q === 'zh') return q;
  const c = req.cookies?.qc_lang;
  if (c === 'en' || c === 'zh') return c;
  const h = req.headers['accept-language'];
  if (typeof h === 'string') {
    const first = h.split(',')[0]?.trim().toLowerCase() ?? '';
    if (first.startsWith('en')) return 'en';
  }
  return 'zh';
}

/**
 * Every request gets an id made here. An X-Request-Id sent by the client is never taken: audit
 * rows name the request id, and a caller must not be able to choose what they say.
 */
export function newRequestId(): string {
  return randomUUID();
}

interface AjvIssue {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

function fieldOf(issue: AjvIssue): string {
  const base = issue.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const extra = (issue.params.missingProperty ?? issue.params.additionalProperty) as string | undefined;
  return [base, extra].filter(Boolean).join('.') || '(body)';
}

function describeIssue(issue: AjvIssue, lang: Lang): string {
  const f = fieldOf(issue);
  const p = issue.params;
  const zh: Record<string, string> = {
    required: `缺少必填字段 ${f}`,
    additionalProperties: `不允许的字段 ${f}`,
    type: `${f} 类型应为 ${String(p.type)}`,
    format: `${f} 格式应为 ${String(p.format)}`,
    minLength: `${f} 至少 ${String(p.limit)} 个字符`,
    maxLength: `${f} 最多 ${String(p.limit)} 个字符`,
    minimum: `${f} 不能小于 ${String(p.limit)}`,
    maximum: `${f} 不能大于 ${String(p.limit)}`,
    pattern: `${f} 格式不正确`,
    enum: `${f} 取值不在允许范围内`,
    anyOf: `${f} 取值不在允许范围内`,
    const: `${f} 取值不在允许范围内`,
    minItems: `${f} 至少 ${String(p.limit)} 项`,
    maxItems: `${f} 最多 ${String(p.limit)} 项`,
  };
  const en: Record<string, string> = {
    required: `missing required field ${f}`,
    additionalProperties: `unknown field ${f}`,
    type: `${f} must be ${String(p.type)}`,
    format: `${f} must be a valid ${String(p.format)}`,
    minLength: `${f} must have at least ${String(p.limit)} characters`,
    maxLength: `${f} must have at most ${String(p.limit)} characters`,
    minimum: `${f} must be at least ${String(p.limit)}`,
    maximum: `${f} must be at most ${String(p.limit)}`,
    pattern: `${f} has the wrong format`,
    enum: `${f} is not one of the allowed values`,
    anyOf: `${f} is not one of the allowed values`,
    const: `${f} is not one of the allowed values`,
    minItems: `${f} needs at least ${String(p.limit)} items`,
    maxItems: `${f} allows at most ${String(p.limit)} items`,
  };
  return (lang === 'zh' ? zh : en)[issue.keyword] ?? `${f}: ${issue.message ?? issue.keyword}`;
}

export function sendError(reply: FastifyReply, lang: Lang, status: number, body: ErrorBody): FastifyReply {
  return reply.code(status).header('content-type', 'application/json; charset=utf-8').send(body);
}

/** Installs the error and not-found handlers that give every failure the same JSON shape. */
export function installErrorHandling(app: FastifyInstance, opts: { bodyLimit: number; spaIndex?: () => string | null }): void {
  app.setErrorHandler((err: FastifyError | AppError, req, reply) => {
    const lang = req.ctx?.lang ?? detectLang(req);
    const requestId = String(req.id);
    if (err instanceof AppError) {
      if (err.status >= 500) req.log.error({ err }, 'server error');
      return sendError(reply, lang, err.status, { error: { code: err.code, message: err.messageIn(lang), field: err.field, details: err.details, requestId } });
    }
    const fe = err as FastifyError & { validation?: AjvIssue[]; validationContext?: string };
    if (fe.validation) {
      const issues = fe.validation.map((i) => ({ field: fieldOf(i), message: describeIssue(i, lang) }));
      const reason = issues.map((i) => i.message).join(lang === 'zh' ? '；' : '; ');
      const msg = formatMessage(lang === 'zh' ? PlatformErrors.VALIDATION_FAILED.zh : PlatformErrors.VALIDATION_FAILED.en, { reason }, lang);
      return sendError(reply, lang, 400, { error: { code: 'VALIDATION_FAILED', message: msg, field: issues[0]?.field, details: { in: fe.validationContext, issues }, requestId } });
    }
    const code = fe.code ?? '';
    const simple = (def: (typeof PlatformErrors)[keyof typeof PlatformErrors], status: number, params: Record<string, string | number> = {}) =>
      sendError(reply, lang, status, { error: { code: def.code, message: formatMessage(lang === 'zh' ? def.zh : def.en, params, lang), requestId } });
    if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || (fe.statusCode === 400 && err instanceof SyntaxError)) {
      return simple(PlatformErrors.MALFORMED_JSON, 400);
    }
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE' || code === 'FST_REQ_FILE_TOO_LARGE' || code === 'FST_FILES_LIMIT' || fe.statusCode === 413) {
      return simple(PlatformErrors.PAYLOAD_TOO_LARGE, 413, { limit: opts.bodyLimit });
    }
    if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || fe.statusCode === 415) {
      return simple(PlatformErrors.UNSUPPORTED_MEDIA_TYPE, 415, { type: String(req.headers['content-type'] ?? '') });
    }
    if (fe.statusCode === 429) return simple(PlatformErrors.RATE_LIMITED, 429);
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      return sendError(reply, lang, fe.statusCode, { error: { code: code || 'BAD_REQUEST', message: fe.message, requestId } });
    }
    req.log.error({ err }, 'unhandled error');
    return simple(PlatformErrors.INTERNAL, 500, { requestId });
  });

  app.setNotFoundHandler((req, reply) => {
    const lang = detectLang(req);
    const path = req.url.split('?')[0] ?? '';
    if (req.method === 'GET' && !path.startsWith('/api/') && opts.spaIndex) {
      const html = opts.spaIndex();
      if (html) return reply.type('text/html; charset=utf-8').send(html);
    }
    const def = PlatformErrors.ROUTE_NOT_FOUND;
    return sendError(reply, lang, 404, {
      error: { code: def.code, message: formatMessage(lang === 'zh' ? def.zh : def.en, { method: req.method, url: path }, lang), requestId: String(req.id) },
    });
  });
}

// Domain errors with stable codes. Each module declares its codes with `defineErrors`, which makes
// the compiler demand an HTTP status and a Chinese and an English message for every code; the
// error handler turns an AppError into the one JSON error shape the API speaks.
import { Type, type Static } from '@sinclair/typebox';
import { AppError, defineErrors } from './app-error.js';

export * from './app-error.js';

/** The one error shape every route answers with; used in OpenAPI as the default response. */
export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable machine-readable code, e.g. RESIDENT_NOT_FOUND' }),
      message: Type.String({ description: "Human message in the caller's language (zh by default)" }),
      field: Type.Optional(Type.String({ description: 'The failing field, as a JSON path or column name' })),
      details: Type.Optional(Type.Unknown()),
      requestId: Type.Optional(Type.String()),
    }),
  },
  { $id: 'ErrorBody', description: 'Error' },
);
export type ErrorBody = Static<typeof ErrorBody>;

export const PlatformErrors = defineErrors({
  VALIDATION_FAILED: { status: 400, zh: '请求数据不合规：{reason}', en: 'Invalid request: {reason}' },
  MALFORMED_JSON: { status: 400, zh: '请求体不是合法的 JSON', en: 'The request body is not valid JSON' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, zh: '不支持的内容类型：{type}', en: 'Unsupported content type: {type}' },
  PAYLOAD_TOO_LARGE: { status: 413, zh: '请求内容过大（上限 {limit} 字节）', en: 'Request too large (limit {limit} bytes)' },
  NOT_FOUND: { status: 404, zh: '未找到', en: 'Not found' },
  ROUTE_NOT_FOUND: { status: 404, zh: '没有这个接口：{method} {url}', en: 'No such endpoint: {method} {url}' },
  UNAUTHENTICATED: { status: 401, zh: '请先登录', en: 'Please log in' },
  SESSION_EXPIRED: { status: 401, zh: '登录已过期，请重新登录', en: 'Your session has expired; please log in again' },
  INVALID_TOKEN: { status: 401, zh: '凭证无效', en: 'Invalid credentials token' },
  FORBIDDEN: { status: 403, zh: '当前角色无权执行此操作（需要权限 {permission}）', en: 'Your role may not do this (needs {permission})' },
  OUT_OF_SCOPE: { status: 404, zh: '未找到，或不在您的管辖范围内', en: 'Not found, or outside your area' },
  CONFLICT: { status: 409, zh: '数据已被他人修改，请刷新后重试', en: 'Someone else changed this record; reload and try again' },
  RATE_LIMITED: { status: 429, zh: '操作过于频繁，请稍后再试', en: 'Too many requests; try again later' },
  INTERNAL: { status: 500, zh: '服务器内部错误（请求编号 {requestId}）', en: 'Internal server error (request {requestId})' },
  SERVICE_UNAVAILABLE: { status: 503, zh: '服务暂不可用：{reason}', en: 'Service unavailable: {reason}' },
});

export function notFound(): AppError {
  return new AppError(PlatformErrors.NOT_FOUND);
}
export function outOfScope(): AppError {
  return new AppError(PlatformErrors.OUT_OF_SCOPE);
}
/** A validation failure with its reason in both languages. */
export function validationError(reason: { zh: string; en: string }, field?: string, details?: unknown): AppError {
  return new AppError(PlatformErrors.VALIDATION_FAILED, { reason_zh: reason.zh, reason_en: reason.en }, field, details);
}

// The one way the web app talks to the server: JSON over fetch with the session cookie, the
// user's language sent along (so server messages come back in it), and every failure turned into
// an ApiError carrying the server's stable code, message, failing field and request id.

export type Lang = 'zh' | 'en';

export interface ErrorBody {
  error: { code: string; message: string; field?: string; details?: unknown; requestId?: string };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly details?: unknown,
    readonly requestId?: string,
  ) {
    super(message);
  }

  /** Field-level problems of a VALIDATION_FAILED answer ({ field, message } each). */
  get issues(): { field: string; message: string }[] {
    const d = this.details as { issues?: { field: string; message: string }[] } | undefined;
    if (Array.isArray(d?.issues)) return d.issues;
    return this.field ? [{ field: this.field, message: this.message }] : [];
  }
}

let lang: Lang = 'zh';
let onSessionLost: ((err: ApiError) => void) | null = null;

export function setApiLang(l: Lang): void {
  lang = l;
}

/** Called when the server says the session is gone (expired, revoked, never there). */
export function setSessionLostHandler(fn: ((err: ApiError) => void) | null): void {
  onSessionLost = fn;
}

const SESSION_CODES = new Set(['UNAUTHENTICATED', 'SESSION_EXPIRED', 'INVALID_TOKEN']);

type Query = Record<string, string | number | boolean | null | undefined | (string | number)[]>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) for (const x of v) qs.append(k, String(x));
    else qs.append(k, String(v));
  }
  const s = qs.toString();
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path;
}

async function request<T>(method: string, path: string, body?: unknown, opts: { query?: Query; signal?: AbortSignal; quiet401?: boolean } = {}): Promise<T> {
  const headers: Record<string, string> = { 'accept-language': lang === 'en' ? 'en' : 'zh-CN', accept: 'application/json' };
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(withQuery(`/api${path}`, opts.query), { method, headers, body: payload, credentials: 'same-origin', signal: opts.signal });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK', lang === 'en' ? 'Cannot reach the server. Check the network and try again.' : '无法连接服务器，请检查网络后重试');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }
  if (!res.ok) {
    const e = (data as ErrorBody | undefined)?.error;
    const err = e
      ? new ApiError(res.status, e.code, e.message, e.field, e.details, e.requestId)
      : new ApiError(res.status, `HTTP_${res.status}`, lang === 'en' ? `The server answered ${res.status}` : `服务器返回错误（${res.status}）`);
    if (res.status === 401 && SESSION_CODES.has(err.code) && !opts.quiet401) onSessionLost?.(err);
    throw err;
  }
  return data as T;
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', path, undefined, { query, signal }),
  post: <T>(path: string, body?: unknown, query?: Query, signal?: AbortSignal) => request<T>('POST', path, body, { query, signal }),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, body),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, body),
  del: <T>(path: string, query?: Query) => request<T>('DELETE', path, undefined, { query }),
  /** For log-in and "who am I" on start: a 401 there is an answer, not a lost session. */
  quiet: {
    get: <T>(path: string) => request<T>('GET', path, undefined, { quiet401: true }),
    post: <T>(path: string, body?: unknown) => request<T>('POST', path, body, { quiet401: true }),
  },
};

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
    // The request id from the body, else from the header every answer carries (a proxy's error
    // page has no JSON body, but the server's header still names the request in its log).
    const headerId = res.headers.get('x-request-id') ?? undefined;
    const err = e
      ? new ApiError(res.status, e.code, e.message, e.field, e.details, e.requestId ?? headerId)
      : new ApiError(res.status, `HTTP_${res.status}`, lang === 'en' ? `The server could not answer (${res.status}). Try again in a moment.` : `服务器暂时无法处理（${res.status}），请稍后重试`, undefined, undefined, headerId);
    if (res.status === 401 && SESSION_CODES.has(err.code) && !opts.quiet401) onSessionLost?.(err);
    throw err;
  }
  return data as T;
}

/**
 * A problem in the page itself (not an answer from the server): it gets an id of its own, shown
 * to the user in place of the browser's message and sent to the server's log under that id, so
 * that a support call can find what broke. Returns the id.
 */
export function reportClientError(error: unknown): string {
  const id = `C-${Date.now().toString(36).toUpperCase()}${Math.floor(Math.random() * 36 ** 4).toString(36).toUpperCase().padStart(4, '0')}`;
  const e = error instanceof Error ? error : new Error(String(error));
  console.error(`client error ${id}:`, e);
  try {
    void fetch('/api/client-errors', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      credentials: 'same-origin',
      keepalive: true,
      // The page's path only: a query string may hold a stated purpose or a search term.
      body: JSON.stringify({ id, message: e.message.slice(0, 500), stack: e.stack?.slice(0, 4000), path: window.location.pathname.slice(0, 300) }),
    }).catch(() => undefined);
  } catch {
    /* reporting is best effort: the id is still shown */
  }
  return id;
}

/** An ApiError for a problem that happened in the page: a plain message in the user's language and an id. */
export function clientError(error: unknown): ApiError {
  const id = reportClientError(error);
  return new ApiError(0, 'CLIENT', lang === 'en' ? 'Something went wrong on this page. Reload it, and if it happens again give this id to support.' : '页面出现问题，请重新加载；如再次出现，请把下面的编号告诉技术支持。', undefined, undefined, id);
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

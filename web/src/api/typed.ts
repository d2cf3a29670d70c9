// The typed face of the API client: paths, parameters, bodies and answers all come from the
// contract generated from the server's schemas (openapi.gen.ts, `npm run gen:api`), so a page
// cannot ask for a field the server does not send, or send one it does not take.
//
//   const view = await call.get('/api/tree/nodes/{id}', { path: { id }, query: { includeRetired: true } });
//   type Node = ResponseOf<'/api/tree/nodes/{id}'>['node'];
import { api } from './client';
import type { paths } from './openapi.gen';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Op<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;

/** The API paths that answer a method. */
export type PathsWith<M extends Method> = { [P in keyof paths]: paths[P][M] extends { responses: unknown } ? P : never }[keyof paths];

type Json<R> = R extends { content: { 'application/json': infer J } } ? J : R extends { content?: never } ? undefined : unknown;
type Success<Rs> = Rs extends Record<200, infer R> ? Json<R> : Rs extends Record<201, infer R> ? Json<R> : Rs extends Record<202, infer R> ? Json<R> : Rs extends Record<204, unknown> ? undefined : unknown;

/** What a route answers on success. */
export type ResponseOf<P extends keyof paths, M extends Method = 'get'> = Op<P, M> extends { responses: infer Rs } ? Success<Rs> : never;
/** The query string a route takes. */
export type QueryOf<P extends keyof paths, M extends Method = 'get'> = Op<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;
/** The path parameters a route takes. */
export type PathOf<P extends keyof paths, M extends Method = 'get'> = Op<P, M> extends { parameters: { path: infer X } } ? X : never;
/** The JSON body a route takes (never for a route that takes none: `requestBody?: never`, or not JSON). */
export type BodyOf<P extends keyof paths, M extends Method = 'post'> = Op<P, M> extends { requestBody?: infer RB }
  ? [NonNullable<RB>] extends [never] ? never : NonNullable<RB> extends { content: { 'application/json': infer B } } ? B : never
  : never;

type Opts<P extends keyof paths, M extends Method> = ([PathOf<P, M>] extends [never] ? { path?: never } : { path: PathOf<P, M> }) & { query?: QueryOf<P, M>; signal?: AbortSignal };
type WithBody<P extends keyof paths, M extends Method> = Opts<P, M> & ([BodyOf<P, M>] extends [never] ? { body?: never } : { body: BodyOf<P, M> });

/** Fills `{id}` style segments and drops the /api prefix the raw client adds itself. */
function url(path: string, params?: Record<string, unknown>): string {
  const filled = path.replace(/\{(\w+)\}/g, (_, k: string) => {
    const v = params?.[k];
    if (v === undefined || v === null) throw new Error(`missing path parameter ${k} for ${path}`);
    return encodeURIComponent(String(v));
  });
  return filled.replace(/^\/api/, '');
}

type RawQuery = Parameters<typeof api.get>[1];

export const call = {
  get: <P extends PathsWith<'get'>>(path: P, ...[o]: keyof PathOf<P, 'get'> extends never ? [Opts<P, 'get'>?] : [Opts<P, 'get'>]) =>
    api.get<ResponseOf<P, 'get'>>(url(path, o?.path as Record<string, unknown>), o?.query as RawQuery, o?.signal),
  post: <P extends PathsWith<'post'>>(path: P, o: WithBody<P, 'post'>) =>
    api.post<ResponseOf<P, 'post'>>(url(path, o.path as Record<string, unknown>), o.body, o.query as RawQuery, o.signal),
  put: <P extends PathsWith<'put'>>(path: P, o: WithBody<P, 'put'>) => api.put<ResponseOf<P, 'put'>>(url(path, o.path as Record<string, unknown>), o.body),
  patch: <P extends PathsWith<'patch'>>(path: P, o: WithBody<P, 'patch'>) => api.patch<ResponseOf<P, 'patch'>>(url(path, o.path as Record<string, unknown>), o.body),
  del: <P extends PathsWith<'delete'>>(path: P, o: Opts<P, 'delete'>) => api.del<ResponseOf<P, 'delete'>>(url(path, o.path as Record<string, unknown>), o.query as RawQuery),
};

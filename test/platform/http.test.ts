// The API's conventions: one error shape, strict bodies, limits, scope by id guessing, health and OpenAPI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, makeSubtree, testApp, type Subtree, type TestApp } from '../support/app.js';

let t: TestApp;
let a: Subtree;
let b: Subtree;
let tokenA: string;

beforeAll(async () => {
  t = await testApp({ bodyLimitBytes: 4096 });
  a = await makeSubtree(t);
  b = await makeSubtree(t);
  tokenA = (await loginAs(t, { role: 'community_worker', node: a.community })).token;
});
afterAll(() => t.close());

describe('errors have one shape', () => {
  it('malformed JSON', async () => {
    const res = await t.built.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"username": "x", ' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'MALFORMED_JSON', message: '请求体不是合法的 JSON' });
    expect(res.json().error.requestId).toBe(res.headers['x-request-id']);
  });

  it('unknown fields are refused, not dropped, and the field is named', async () => {
    const res = await t.call('POST', '/api/auth/login', { body: { username: 'x', password: 'y', isAdmin: true } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
    expect(res.json().error.field).toBe('isAdmin');
    expect(res.json().error.message).toContain('不允许的字段 isAdmin');
  });

  it('missing and wrongly typed fields name the field, in the caller’s language', async () => {
    const res = await t.call('POST', '/api/auth/login', { body: { username: 42 }, headers: { 'accept-language': 'en' } });
    expect(res.statusCode).toBe(400);
    const issues = res.json().error.details.issues as { field: string; message: string }[];
    expect(issues.map((i) => i.field)).toEqual(expect.arrayContaining(['password', 'username']));
    expect(res.json().error.message).toMatch(/missing required field password/);
  });

  it('oversized bodies get 413', async () => {
    const res = await t.call('POST', '/api/auth/login', { body: { username: 'x'.repeat(10_000), password: 'y' } });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('unsupported content types get 415', async () => {
    const res = await t.built.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/xml' }, payload: '<x/>' });
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('unknown API routes get a JSON 404, other paths the web app', async () => {
    const api = await t.call('GET', '/api/no-such-thing');
    expect(api.statusCode).toBe(404);
    expect(api.json().error.code).toBe('ROUTE_NOT_FOUND');
    const page = await t.call('GET', '/residents/123');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
  });

  it('a role without the permission gets 403 naming it', async () => {
    const res = await t.call('GET', '/api/admin/users', { token: tokenA });
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toMatchObject({ code: 'FORBIDDEN' });
    expect(res.json().error.message).toContain('users:manage');
  });
});

describe('scope by id guessing', () => {
  it('answers 404 for another community’s tree nodes and grids, and lists only the caller’s branch', async () => {
    for (const url of [`/api/tree/nodes/${b.community.id}`, `/api/tree/nodes/${b.grid.id}`, `/api/tree/grids/${b.grid.id}`, `/api/tree/nodes/${b.grid.id}/history`, `/api/tree/map?nodeId=${b.street.id}`]) {
      const res = await t.call('GET', url, { token: tokenA });
      expect(res.statusCode, url).toBe(404);
      expect(JSON.stringify(res.json())).not.toContain(b.community.name);
    }
    // Ancestors are visible (names for the breadcrumb) but show only the branch leading to the caller.
    const street = await t.call('GET', `/api/tree/nodes/${a.district.id}`, { token: tokenA });
    expect(street.statusCode).toBe(200);
    const childIds = street.json().children.map((c: { id: number }) => c.id);
    expect(childIds).toEqual([a.street.id]);
    const search = await t.call('GET', `/api/tree/search?q=${encodeURIComponent('测试社区')}`, { token: tokenA });
    expect(search.json().map((n: { id: number }) => n.id)).toEqual([a.community.id]);
  });
});

describe('health and OpenAPI', () => {
  it('reports the database and the broker', async () => {
    const res = await t.call('GET', '/api/health');
    expect(res.statusCode).toBe(200);
    expect(res.json().database).toMatchObject({ ok: true });
    expect(res.json().broker).toHaveProperty('mode', 'embedded');
  });

  it('serves OpenAPI generated from the route schemas, with every route tagged and secured', async () => {
    const res = await t.call('GET', '/api/openapi.json');
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/residents', '/api/tree/home', '/api/auth/login', '/api/audit']));
    expect(doc.paths['/api/residents'].get.parameters.map((p: { name: string }) => p.name)).toContain('labels');
    expect(doc.components.schemas.ErrorBody).toBeDefined();
    const docs = await t.call('GET', '/api/docs');
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toMatch(/swagger/i);
  });
});

// A page that broke in the browser: the web app shows an id and sends the browser's message here
// under it; the server's log has the line a support call can find, and nothing else is kept.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../support/app.js';

let t: TestApp;
const log: string[] = [];
beforeAll(async () => {
  t = await testApp({}, { logStream: new Writable({ write: (chunk, _enc, done) => (log.push(String(chunk)), done()) }) });
}, 120_000);
afterAll(() => t.close());

describe('client errors', () => {
  it('logs the report under the id the user saw', async () => {
    const res = await t.call('POST', '/api/client-errors', { body: { id: 'C-MB2X7K9QZ1', message: "Cannot read properties of undefined (reading 'length')", stack: 'TypeError: …\n    at ResidentCardPage', path: '/residents/42' } });
    expect(res.statusCode, res.body).toBe(204);
    const line = log.find((l) => l.includes('C-MB2X7K9QZ1'));
    expect(line).toBeDefined();
    expect(JSON.parse(line!)).toMatchObject({ clientErrorId: 'C-MB2X7K9QZ1', path: '/residents/42', message: "Cannot read properties of undefined (reading 'length')" });
  });

  it('refuses a path with a query string (it may hold a purpose or a search term) and odd ids', async () => {
    const withQuery = await t.call('POST', '/api/client-errors', { body: { id: 'C-MB2X7K9QZ2', message: 'x', path: '/residents/42?reason=低保年审' } });
    expect(withQuery.statusCode).toBe(400);
    expect(withQuery.json().error.code).toBe('VALIDATION_FAILED');
    const badId = await t.call('POST', '/api/client-errors', { body: { id: '<script>', message: 'x', path: '/' } });
    expect(badId.statusCode).toBe(400);
    expect(log.some((l) => l.includes('低保年审'))).toBe(false);
  });
});

// The __title__ module end to end through HTTP, on the real database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../support/app.js';

describe('__title__', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(() => t?.close());

  it('refuses an anonymous caller', async () => {
    const r = await t.call('GET', '/api/__kebab__');
    expect(r.statusCode).toBe(401);
  });
});

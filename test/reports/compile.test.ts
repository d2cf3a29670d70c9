// What each built-in template compiles to: one statement, every value a bound parameter, every
// source scoped by the caller's subtree and the unit's. The snapshot shows the SQL for review.
import { PgDialect } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinTemplates, compileReport } from '../../src/modules/reports/index.js';
import { dateParams } from '../../src/modules/registry/index.js';
import { yearsBefore } from '../../src/modules/reports/compiler.js';
import { testApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

const dates = dateParams({ ref: '2025-10-31', periodStart: '2025-10-01', periodEnd: '2025-10-31' });
const callerPath = '/1/12/';
const unitPath = '/1/12/130/1400/';

describe('compiled SQL of the built-in templates', () => {
  for (const b of builtinTemplates) {
    it(`${b.code} compiles to one scoped, parameterised statement`, async () => {
      const svc = t.built.modules.reports.service;
      const r = await svc.engine.resolve(b.definition);
      const compiled = compileReport(r, { d: dates, scopes: [callerPath, unitPath] }, (codes, path, d) => svc.sources.labelFacts(codes, path, d));
      const q = new PgDialect().sqlToQuery(compiled.sql);
      // One statement.
      expect(q.sql.split(';').length).toBe(1);
      // Every source CTE carries both scopes; values never appear in the text.
      const ctes = q.sql.split(/\), s\d+ AS \(/);
      expect(ctes.length).toBe(r.sources.length + (r.labels.length ? 1 : 0));
      for (const scope of [`${callerPath}%`, `${unitPath}%`]) expect(q.params).toContain(scope);
      expect(q.sql.match(/tree_path LIKE \$\d+/g)!.length).toBeGreaterThanOrEqual(2 * r.sources.length);
      for (const p of q.params) if (typeof p === 'string') expect(q.sql).not.toContain(`'${p}'`);
      expect({ sql: q.sql.replace(/\s+/g, ' '), params: q.params }).toMatchSnapshot();
    });
  }

  it('takes whole years on the reference date, 29 February included', () => {
    expect(yearsBefore('2025-10-31', 60)).toBe('1965-10-31');
    expect(yearsBefore('2024-02-29', 61)).toBe('1963-02-28');
    expect(yearsBefore('2024-02-29', 4)).toBe('2020-02-29');
  });
});

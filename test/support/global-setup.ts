// Migrates one database image per test run: a PGlite dump loaded by every test file, and, when
// TEST_DATABASE_URL is set, a PostgreSQL template database each file clones.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase, runMigrations } from '../../src/db/client.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteImage: string;
    pgTemplate: string;
    runId: string;
  }
}

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'qingche-test-'));
  const runId = String(process.pid);
  project.provide('runId', runId);
  if (process.env.QC_TEST_ENGINE === 'postgres') {
    const url = process.env.TEST_DATABASE_URL;
    if (!url) throw new Error('QC_TEST_ENGINE=postgres needs TEST_DATABASE_URL');
    const template = `qingche_tpl_${runId}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${template}`);
    await admin.query(`CREATE DATABASE ${template}`);
    const u = new URL(url);
    u.pathname = `/${template}`;
    const db = await openDatabase({ url: u.toString(), poolSize: 2 });
    await runMigrations(db);
    await db.close();
    project.provide('pgTemplate', template);
    project.provide('pgliteImage', '');
    return async () => {
      // Clean up databases left by crashed files, then the template.
      const left = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE 'qingche_t_${runId}_%' OR datname = $1`, [template]);
      for (const r of left.rows as { datname: string }[]) await admin.query(`DROP DATABASE IF EXISTS ${r.datname} WITH (FORCE)`);
      await admin.end();
      rmSync(dir, { recursive: true, force: true });
    };
  }
  const db = await openDatabase({ dataDir: 'memory://' });
  await runMigrations(db);
  const blob = await db.pglite!.dumpDataDir('none');
  const file = join(dir, 'migrated.tar');
  writeFileSync(file, Buffer.from(await blob.arrayBuffer()));
  await db.close();
  project.provide('pgliteImage', file);
  project.provide('pgTemplate', '');
  return async () => rmSync(dir, { recursive: true, force: true });
}

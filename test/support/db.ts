// A fresh, migrated database for one test file: PGlite from the run's image, or a PostgreSQL
// database cloned from the run's template when the suite runs against a server.
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';

export const testEngine: 'pglite' | 'postgres' = process.env.QC_TEST_ENGINE === 'postgres' ? 'postgres' : 'pglite';

export async function freshDatabase(): Promise<Database> {
  if (testEngine === 'postgres') {
    const url = process.env.TEST_DATABASE_URL!;
    const name = `qingche_t_${inject('runId')}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${inject('pgTemplate')}`);
    await admin.end();
    const u = new URL(url);
    u.pathname = `/${name}`;
    const db = await openDatabase({ url: u.toString(), poolSize: 5 });
    return {
      ...db,
      async close() {
        await db.close();
        const a = new pg.Client({ connectionString: url });
        await a.connect();
        await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await a.end();
      },
    };
  }
  const image = inject('pgliteImage');
  if (!image) throw new Error('the test global setup did not run');
  return openDatabase({ loadDataDir: new Blob([readFileSync(image)]) });
}

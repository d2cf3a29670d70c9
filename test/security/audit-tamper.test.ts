// Tampering with the audit log behind the application's back, as a probe did: the server stopped,
// direct access to the database, the append-only triggers disabled. Three edits used to pass
// `qingche audit-verify`:
//   1. deleting the newest rows;
//   2. deleting the oldest rows and inserting a retention checkpoint by hand;
//   3. editing a row and re-chaining every row after it with the MAC key from keys.json, which
//      sits in the data folder beside the database.
// Each is done here on a copy of a real data folder with plain SQL, and `audit-verify` (the real
// command, in a child process) must now report it. The signing key that signs anchors and
// checkpoints is kept outside the data folder, as production requires.
import { execFile } from 'node:child_process';
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { openDatabase, queryRows, type Database } from '../../src/db/client.js';
import { canonicalJson } from '../../src/platform/audit.js';
import { systemContext } from '../../src/platform/context.js';
import { KeyPlacementError, loadDataKeys } from '../../src/platform/crypto.js';
import { newestAnchor } from '../../src/platform/audit-anchor.js';
import { ensureCity, makeUser, testApp, type TestApp } from '../support/app.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'qingche-tamper-'));
const keyDir = mkdtempSync(join(tmpdir(), 'qingche-tamper-keys-'));
const signingKeyFile = join(keyDir, 'audit-signing-key.pem');
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(keyDir, { recursive: true, force: true });
});

/** The `qingche` command on a data folder; resolves with its exit code and output. */
function qingche(dataDir: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((ok) => {
    execFile(
      process.execPath,
      ['bin/qingche.mjs', ...args],
      {
        cwd: ROOT,
        timeout: 240_000,
        env: { ...process.env, NODE_ENV: 'development', QC_DATA_DIR: dataDir, QC_AUDIT_SIGNING_KEY_FILE: signingKeyFile, DATABASE_URL: '', MQTT_URL: '', MQTT_PORT: '0', QC_LOG_LEVEL: 'warn', QC_JOBS: 'false' },
      },
      (err, stdout, stderr) => ok({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: `${stdout}\n${stderr}` }),
    );
  });
}

/** A copy of the prepared data folder, opened directly (as a superuser would with psql). */
async function tamperedCopy(name: string, edit: (db: Database['db'], dir: string) => Promise<void>): Promise<string> {
  const dir = join(work, name);
  cpSync(join(work, 'data'), dir, { recursive: true });
  const database = await openDatabase({ dataDir: join(dir, 'pglite') });
  try {
    await edit(database.db, dir);
  } finally {
    await database.close();
  }
  return dir;
}

/** Runs `fn` with the user triggers of the audit tables off, as the probe did. */
async function triggersOff(db: Database['db'], fn: () => Promise<void>): Promise<void> {
  await db.execute(sql`ALTER TABLE audit_log DISABLE TRIGGER USER`);
  await db.execute(sql`ALTER TABLE audit_checkpoint DISABLE TRIGGER USER`);
  await fn();
  await db.execute(sql`ALTER TABLE audit_log ENABLE TRIGGER USER`);
  await db.execute(sql`ALTER TABLE audit_checkpoint ENABLE TRIGGER USER`);
}

interface Row {
  id: number; at: Date; actor_id: number | null; actor_name: string; actor_role: string; department_id: number | null; category: string; action: string;
  entity_type: string | null; entity_id: string | null; subject_id: number | null; tree_path: string | null; district_code: string | null; ip: string | null;
  request_id: string | null; reason: string | null; result: string; detail: unknown; prev_hash: string; hash: string;
}

/** What an attacker holding keys.json computes: the chain's HMAC-SM3 over each row, from the code anyone can read. */
function attackerLink(macKeyHex: string, prev: string, r: Row): string {
  const chainKey = createHmac('sm3', Buffer.from(macKeyHex, 'hex')).update('qingche-audit-chain-v1').digest();
  const content = canonicalJson([
    new Date(r.at).toISOString(), r.actor_id, r.actor_name, r.actor_role, r.department_id, r.category, r.action, r.entity_type, r.entity_id, r.subject_id,
    r.tree_path, r.district_code, r.ip, r.request_id, r.reason, r.result, r.detail,
  ]);
  return createHmac('sm3', chainKey).update(prev).update('|').update(content).digest('hex');
}

describe('tampering with the stopped server’s database', () => {
  beforeAll(async () => {
    // A real data folder: the demo city seeded by the command, which leaves an anchor behind.
    const seeded = await qingche(join(work, 'data'), ['seed-demo', '--residents', '60']);
    expect(seeded.code, seeded.out).toBe(0);
    expect(existsSync(join(work, 'data', 'keys.json'))).toBe(true);
    const intact = await qingche(join(work, 'data'), ['audit-verify']);
    expect(intact.code, intact.out).toBe(0);
    expect(intact.out).toMatch(/audit chain intact/);
  }, 600_000);

  it('finds the newest rows deleted', { timeout: 300_000 }, async () => {
    const dir = await tamperedCopy('newest', async (db) => {
      await triggersOff(db, async () => {
        await db.execute(sql`DELETE FROM audit_log WHERE id > (SELECT max(id) - 5 FROM audit_log)`);
      });
    });
    const r = await qingche(dir, ['audit-verify']);
    expect(r.out).toMatch(/AUDIT CHAIN BROKEN/);
    expect(r.out).toMatch(/removed from its end/);
    expect(r.code).toBe(3);
  });

  it('finds the oldest rows deleted behind a checkpoint made by hand', { timeout: 300_000 }, async () => {
    const dir = await tamperedCopy('oldest', async (db) => {
      const rows = await queryRows<{ id: number; hash: string }>(db, sql`SELECT id, hash FROM audit_log ORDER BY id LIMIT 10`);
      const last = rows[rows.length - 1]!;
      await triggersOff(db, async () => {
        await db.execute(sql`DELETE FROM audit_log WHERE id <= ${last.id}`);
        await db.execute(sql`INSERT INTO audit_checkpoint (first_kept_id, last_hash, purged_before) VALUES (${last.id + 1}, ${last.hash}, now())`);
      });
    });
    const r = await qingche(dir, ['audit-verify']);
    expect(r.out).toMatch(/AUDIT CHAIN BROKEN/);
    expect(r.out).toMatch(/checkpoint \d+ is not signed/);
    expect(r.code).toBe(3);
  });

  it('finds a row edited and re-chained with the MAC key from keys.json', { timeout: 300_000 }, async () => {
    const dir = await tamperedCopy('rechained', async (db, d) => {
      const macKey = (JSON.parse(readFileSync(join(d, 'keys.json'), 'utf8')) as { macKey: string }).macKey;
      const rows = await queryRows<Row>(db, sql`SELECT * FROM audit_log ORDER BY id`);
      const target = Math.floor(rows.length / 2);
      await triggersOff(db, async () => {
        let prev = rows[target - 1]!.hash;
        for (let i = target; i < rows.length; i++) {
          const r = { ...rows[i]!, prev_hash: prev };
          if (i === target) r.reason = '无';
          r.hash = attackerLink(macKey, prev, r);
          await db.execute(sql`UPDATE audit_log SET reason = ${r.reason}, prev_hash = ${r.prev_hash}, hash = ${r.hash} WHERE id = ${r.id}`);
          prev = r.hash;
        }
      });
    });
    const r = await qingche(dir, ['audit-verify']);
    expect(r.out).toMatch(/AUDIT CHAIN BROKEN/);
    expect(r.out).toMatch(/differs from the signed anchor/);
    expect(r.code).toBe(3);
  });
});

describe('anchors and checkpoints in the running app', () => {
  let t: TestApp;
  const ctx = systemContext('tamper-test');
  const anchors = () => t.built.platform.auditAnchors;
  const audit = () => t.built.platform.audit;
  const newest = async () => newestAnchor(anchors().file);

  beforeAll(async () => {
    t = await testApp();
  }, 120_000);
  afterAll(() => t.close());

  it('verifies a legitimate retention purge and the anchors on both sides of it', async () => {
    // Rows from 200 days ago, then today's.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(Date.now() - 200 * 86_400_000));
    for (let i = 0; i < 5; i++) await audit().recordNow(t.database.db, ctx, { category: 'admin', action: 'old.row', entityId: i });
    vi.useRealTimers();
    for (let i = 0; i < 5; i++) await audit().recordNow(t.database.db, ctx, { category: 'read', action: 'new.row', entityId: i });
    const before = await anchors().write();
    expect(before).toHaveProperty('written');
    const purged = await audit().purge(t.database.db, 180);
    expect(purged).toBeGreaterThanOrEqual(5);
    // The anchor taken before the purge still agrees with what is left.
    expect(await audit().verify(t.database.db, { anchor: await newest() })).toMatchObject({ ok: true });
    await audit().recordNow(t.database.db, ctx, { category: 'read', action: 'after.purge' });
    expect(await anchors().write()).toHaveProperty('written');
    const a = (await newest())!;
    const all = await queryRows<{ n: number }>(t.database.db, sql`SELECT count(*)::int AS n FROM audit_log`);
    expect(a.rows).toBe(all[0]!.n + purged);
    expect(await audit().verify(t.database.db, { anchor: a })).toMatchObject({ ok: true, anchor: { rows: a.rows } });
    // Through the auditor's API too.
    const auditor = await t.login((await makeUser(t, { role: 'auditor', node: await ensureCity(t) })).username);
    const res = await t.call('POST', '/api/audit/verify', { token: auditor });
    expect(res.json()).toMatchObject({ ok: true, anchor: { rows: expect.any(Number) } });
  });

  it('refuses a checkpoint inserted outside a purge, and finds one signed with another key', async () => {
    const head = (await queryRows<{ id: number; hash: string }>(t.database.db, sql`SELECT id, hash FROM audit_log ORDER BY id LIMIT 1`))[0]!;
    await expect(t.database.db.execute(sql`INSERT INTO audit_checkpoint (first_kept_id, last_hash, purged_before) VALUES (${head.id}, ${head.hash}, now())`)).rejects.toThrow();
    const foreign = generateKeyPairSync('ed25519').privateKey;
    const cp = (await queryRows<{ first_kept_id: number; last_hash: string; purged_rows: number; purged_before: Date }>(t.database.db, sql`SELECT * FROM audit_checkpoint ORDER BY id DESC LIMIT 1`))[0]!;
    const payload = `qingche-audit-checkpoint-v1|${cp.first_kept_id}|${cp.last_hash}|${cp.purged_rows + 1}|${new Date(cp.purged_before).toISOString()}`;
    await t.database.db.transaction(async (tx) => {
      await tx.execute(sql`ALTER TABLE audit_checkpoint DISABLE TRIGGER USER`);
      await tx.execute(sql`INSERT INTO audit_checkpoint (first_kept_id, last_hash, purged_before, purged_rows, signature) VALUES (${cp.first_kept_id}, ${cp.last_hash}, ${cp.purged_before}, ${cp.purged_rows + 1}, ${sign(null, Buffer.from(payload), foreign).toString('base64url')})`);
      await tx.execute(sql`ALTER TABLE audit_checkpoint ENABLE TRIGGER USER`);
    });
    const r = await audit().verify(t.database.db, { anchor: await newest() });
    expect(r).toMatchObject({ ok: false });
    expect(r.problem).toMatch(/does not carry a valid signature/);
    await t.database.db.transaction(async (tx) => {
      await tx.execute(sql`ALTER TABLE audit_checkpoint DISABLE TRIGGER USER`);
      await tx.execute(sql`DELETE FROM audit_checkpoint WHERE id = (SELECT max(id) FROM audit_checkpoint)`);
      await tx.execute(sql`ALTER TABLE audit_checkpoint ENABLE TRIGGER USER`);
    });
    expect(await audit().verify(t.database.db, { anchor: await newest() })).toMatchObject({ ok: true });
  });

  it('finds an edited anchor line, and stops anchoring a database that disagrees with its anchor', async () => {
    const a = (await newest())!;
    const forged = { ...a, rows: a.rows - 1 };
    const file = join(work, 'forged.jsonl');
    writeFileSync(file, `${JSON.stringify(forged)}\n`);
    const r = await audit().verify(t.database.db, { anchor: newestAnchor(file) });
    expect(r.problem).toMatch(/valid signature/);

    // Rows removed from the end: the next anchor is refused, so the file keeps the evidence.
    await audit().recordNow(t.database.db, ctx, { category: 'read', action: 'soon.gone' });
    expect(await anchors().write()).toHaveProperty('written');
    await t.database.db.transaction(async (tx) => {
      await tx.execute(sql`ALTER TABLE audit_log DISABLE TRIGGER USER`);
      await tx.execute(sql`DELETE FROM audit_log WHERE action = 'soon.gone'`);
      await tx.execute(sql`ALTER TABLE audit_log ENABLE TRIGGER USER`);
    });
    await audit().recordNow(t.database.db, ctx, { category: 'read', action: 'after.the.edit' });
    const refused = await anchors().write();
    expect(refused).toMatchObject({ refused: expect.stringMatching(/missing/) });
    const v = await audit().verify(t.database.db, { anchor: await newest() });
    expect(v.ok).toBe(false);
  });

  it('reads the newest anchor from a copy of the log output, past lines in Chinese and a torn last line', async () => {
    const a = (await newest())!;
    const file = join(work, 'server.log');
    const filler = `{"level":30,"msg":"演示城市：太原市，${'社区'.repeat(40)}"}\n`;
    writeFileSync(file, `${JSON.stringify({ level: 30, auditAnchor: { ...a, rows: 1 }, msg: 'audit anchor' })}\n`);
    appendFileSync(file, `${JSON.stringify({ level: 30, auditAnchor: a, msg: 'audit anchor' })}\n`);
    for (let i = 0; i < 2000; i++) appendFileSync(file, filler);
    appendFileSync(file, '{"level":30,"auditAnchor":{"v":1,"at":"20');
    expect(newestAnchor(file)).toEqual(a);
  });
});

describe('keys in production', () => {
  const prodEnv = (dataDir: string, extra: Record<string, string> = {}) =>
    loadConfig({ NODE_ENV: 'production', QC_DATA_DIR: dataDir, QC_DATA_KEY: '11'.repeat(16), QC_MAC_KEY: '22'.repeat(16), QC_INDEX_KEY: '33'.repeat(16), ...extra });

  it('refuses to start with the MAC key kept beside the database', () => {
    const dataDir = mkdtempSync(join(work, 'prod-'));
    const outside = mkdtempSync(join(work, 'prod-keys-'));
    const signing = join(outside, 'signing.pem');
    writeFileSync(signing, generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }));
    // Keys from the environment and a signing key elsewhere: starts.
    expect(loadDataKeys(prodEnv(dataDir, { QC_AUDIT_SIGNING_KEY_FILE: signing })).source).toBe('environment');
    // A keys.json left in the data folder: refused, even with the keys in the environment.
    writeFileSync(join(dataDir, 'keys.json'), JSON.stringify({ dataKey: '11'.repeat(16), macKey: '22'.repeat(16), indexKey: '33'.repeat(16) }));
    expect(() => loadDataKeys(prodEnv(dataDir, { QC_AUDIT_SIGNING_KEY_FILE: signing }))).toThrow(KeyPlacementError);
    rmSync(join(dataDir, 'keys.json'));
    // A key file named in the configuration but inside the data folder: refused; outside: accepted.
    const inside = join(dataDir, 'secrets', 'keys.json');
    cpSync(signing, join(dataDir, 'signing.pem'));
    writeFileSync(join(outside, 'keys.json'), JSON.stringify({ dataKey: '11'.repeat(16), macKey: '22'.repeat(16), indexKey: '33'.repeat(16) }));
    const noEnvKeys = (extra: Record<string, string>) => loadConfig({ NODE_ENV: 'production', QC_DATA_DIR: dataDir, ...extra });
    expect(() => loadDataKeys(noEnvKeys({ QC_KEYS_FILE: inside, QC_AUDIT_SIGNING_KEY_FILE: signing }))).toThrow(/inside the data folder/);
    expect(loadDataKeys(noEnvKeys({ QC_KEYS_FILE: join(outside, 'keys.json'), QC_AUDIT_SIGNING_KEY_FILE: signing })).source).toBe('key-file');
    // The signing key inside the data folder: refused.
    expect(() => loadDataKeys(prodEnv(dataDir, { QC_AUDIT_SIGNING_KEY_FILE: join(dataDir, 'signing.pem') }))).toThrow(/inside the data folder/);
    // No signing key at all: the configuration itself is refused.
    expect(() => prodEnv(dataDir)).toThrow(/QC_AUDIT_SIGNING_KEY/);
    // Outside production the demo still runs without any setup.
    const dev = loadDataKeys(loadConfig({ NODE_ENV: 'development', QC_DATA_DIR: mkdtempSync(join(work, 'dev-')) }));
    expect(dev.source).toBe('generated-file');
  });
});

// The `qingche` command: serve, migrate, seed the demo city, manage users, verify the audit log,
// and the commands later modules add. Each command calls services directly.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildApp } from '../app.js';
import { ConfigError, describeConfig, loadConfig } from '../config.js';
import { DatabaseOpenError, runMigrations } from '../db/client.js';
import { DataDirLockedError } from '../db/lock.js';
import { openConfiguredDatabase, serve } from '../main.js';
import { systemContext } from '../platform/context.js';
import { newestAnchor } from '../platform/audit-anchor.js';
import { loadDataKeys, parsePublicKey } from '../platform/crypto.js';
import { AppError } from '../platform/errors.js';
import { roles, type Role } from '../platform/auth/roles.js';
import { progressBar } from './progress.js';

const usage = `Usage: qingche <command> [options]

Commands:
  serve [--demo] [--residents N]   start the server (with --demo, load the demo city on first start)
  migrate                          apply database migrations
  seed-demo [--residents N]        generate the demo city into an empty database
  user-create --username U --role R --node CODE --password P [--name N] [--department ID]
  audit-verify [--anchors FILE] [--public-key FILE]
                                   walk the audit hash chain, report the first altered row, check the
                                   signed retention checkpoint and the newest signed anchor (by
                                   default from the anchor log; FILE may be a copy of the log output)
  audit-public-key                 print the public key that verifies audit anchors and checkpoints
  audit-purge                      remove audit rows older than QC_AUDIT_RETENTION_DAYS (>= 180)
  config                           print every configuration variable and its current value
  import <file> --community CODE [--kind K] [--grid CODE] …   import an xlsx/csv sheet (import --help)
  export --node CODE [--kind K] [--labels a,b] [--out FILE]   export a list as xlsx (export --help)
  backup [FILE|FOLDER] [--with-keys]  consistent copy of the embedded database, running or not (PostgreSQL: pg_dump)
  restore FILE [--replace]         restore a backup into the empty embedded data folder (server stopped)
  doctor [DATA_DIR]                what is wrong with a data folder that will not open, and how to restore it
`;

/** Runs a command over the app; `anchor`: a command that writes audit rows anchors the chain's new head when it is done. */
async function withApp<T>(command: string, fn: (built: Awaited<ReturnType<typeof buildApp>>) => Promise<T>, opts: { anchor?: boolean } = {}): Promise<T> {
  const config = loadConfig();
  const database = await openConfiguredDatabase(config, { command });
  await runMigrations(database);
  const built = await buildApp({ config, database, keys: loadDataKeys(config), logger: { level: 'warn' } });
  try {
    const out = await fn(built);
    if (opts.anchor) await built.platform.auditAnchors.write();
    return out;
  } finally {
    await built.close();
    await database.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      demo: { type: 'boolean' },
      residents: { type: 'string' },
      username: { type: 'string' },
      role: { type: 'string' },
      node: { type: 'string' },
      password: { type: 'string' },
      name: { type: 'string' },
      department: { type: 'string' },
      anchors: { type: 'string' },
      'public-key': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: false,
  });
  const residents = values.residents !== undefined ? Number(values.residents) : undefined;
  if (residents !== undefined && (!Number.isInteger(residents) || residents < 0)) throw new Error('--residents takes a whole number');

  switch (command) {
    case 'serve':
      await serve({ demo: Boolean(values.demo), demoResidents: residents });
      return -1; // keep running
    case 'migrate': {
      const config = loadConfig();
      const database = await openConfiguredDatabase(config, { command: 'migrate', initialise: runMigrations });
      await runMigrations(database);
      await database.close();
      console.log(`migrations applied (${database.engine})`);
      return 0;
    }
    case 'seed-demo':
      return withApp('seed-demo', async (built) => {
        const { ensureDemoCity } = await import('../modules/demo/index.js');
        const logins = await ensureDemoCity(built, { residents: residents ?? built.platform.config.demoResidents, log: (m) => console.log(m), progress: progressBar });
        if (!logins) console.log('the database already holds a city; nothing generated');
        return 0;
      }, { anchor: true });
    case 'user-create':
      return withApp('user-create', async (built) => {
        const role = String(values.role ?? '') as Role;
        if (!roles.includes(role)) throw new Error(`--role must be one of ${roles.join(', ')}`);
        const node = await built.modules.tree.service.findByCode(String(values.node ?? ''));
        if (!node) throw new Error(`no tree node with code ${String(values.node)}`);
        const u = await built.platform.auth.createUser(
          { username: String(values.username ?? ''), displayName: String(values.name ?? values.username ?? ''), role, nodeId: node.id, treePath: node.path, departmentId: values.department ? Number(values.department) : null, password: String(values.password ?? '') },
          systemContext('cli'),
        );
        console.log(`created ${u.username} (${u.role}) on ${node.name}`);
        return 0;
      }, { anchor: true });
    case 'audit-verify':
      return withApp('audit-verify', async (built) => {
        const file = typeof values.anchors === 'string' ? resolve(values.anchors) : built.platform.auditAnchors.file;
        const anchor = newestAnchor(file);
        const publicKey = typeof values['public-key'] === 'string' ? parsePublicKey(readFileSync(values['public-key'], 'utf8'), values['public-key']) : undefined;
        const bar = progressBar('verifying', 0);
        const r = await built.platform.audit.verify(built.platform.db, { anchor, publicKey, onProgress: (n) => bar.update(n, n) });
        bar.stop();
        if (!r.ok) {
          console.log(`AUDIT CHAIN BROKEN${r.firstBrokenId === undefined ? '' : ` at row ${r.firstBrokenId}`}: ${r.problem} (${r.checked} rows verified before it)`);
          return 3;
        }
        if (anchor) {
          console.log(`audit chain intact: ${r.checked} rows checked; it holds the ${anchor.rows} rows of the signed anchor of ${anchor.at} (${file})`);
          return 0;
        }
        console.log(`audit chain intact: ${r.checked} rows checked`);
        if (r.checked === 0) return 0;
        console.log(`WARNING: no signed anchor in ${file}: rows removed from the end of the chain cannot be seen. Give a copy of the anchor log or of the server's log output with --anchors FILE.`);
        return 4;
      });
    case 'audit-public-key':
      return withApp('audit-public-key', async (built) => {
        const signer = built.platform.audit.signer!;
        process.stdout.write(String(signer.publicKey.export({ format: 'pem', type: 'spki' })));
        console.error(`fingerprint ${signer.fingerprint}`);
        return 0;
      });
    case 'audit-purge':
      return withApp('audit-purge', async (built) => {
        const n = await built.platform.audit.purge(built.platform.db, built.platform.config.auditRetentionDays);
        console.log(`purged ${n} audit rows older than ${built.platform.config.auditRetentionDays} days`);
        return 0;
      }, { anchor: true });
    case 'import':
    case 'export':
      return withApp(command, async (built) => {
        const { runImportCommand, runExportCommand } = await import('./exchange.js');
        const io = { log: (m: string) => console.log(m), progress: progressBar };
        return command === 'import' ? runImportCommand(built, rest, io) : runExportCommand(built, rest, io);
      }, { anchor: true });
    case 'backup':
    case 'restore':
    case 'doctor': {
      const ops = await import('./ops.js');
      const run = { backup: ops.runBackupCommand, restore: ops.runRestoreCommand, doctor: ops.runDoctorCommand }[command];
      return run(loadConfig(), rest, (m) => console.log(m));
    }
    case 'config': {
      const config = loadConfig();
      console.log(describeConfig(config).join('\n'));
      return 0;
    }
    default:
      console.log(usage);
      return command && command !== 'help' && !values.help ? 2 : 0;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    if (err instanceof ConfigError) console.error(err.message);
    else if (err instanceof DataDirLockedError) {
      console.error(`数据目录正被另一个进程使用 / ${err.message}`);
      process.exit(3);
    } else if (err instanceof DatabaseOpenError) console.error(`数据库无法打开 / ${err.message}`);
    else if (err instanceof AppError) console.error(`${err.code}: ${err.messageIn('zh')} / ${err.message}`);
    else console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);

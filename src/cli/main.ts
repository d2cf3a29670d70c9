// The `qingche` command: serve, migrate, seed the demo city, manage users, verify the audit log,
// and the commands later modules add. Each command calls services directly.
import { parseArgs } from 'node:util';
import { buildApp } from '../app.js';
import { ConfigError, describeConfig, loadConfig } from '../config.js';
import { runMigrations } from '../db/client.js';
import { openConfiguredDatabase, serve } from '../main.js';
import { systemContext } from '../platform/context.js';
import { loadDataKeys } from '../platform/crypto.js';
import { AppError } from '../platform/errors.js';
import { roles, type Role } from '../platform/auth/roles.js';
import { progressBar } from './progress.js';

const usage = `Usage: qingche <command> [options]

Commands:
  serve [--demo] [--residents N]   start the server (with --demo, load the demo city on first start)
  migrate                          apply database migrations
  seed-demo [--residents N]        generate the demo city into an empty database
  user-create --username U --role R --node CODE --password P [--name N] [--department ID]
  audit-verify                     walk the audit hash chain and report the first altered row
  audit-purge                      remove audit rows older than QC_AUDIT_RETENTION_DAYS (>= 180)
  config                           print every configuration variable and its current value
  import <file> --community CODE [--kind K] [--grid CODE] …   import an xlsx/csv sheet (import --help)
  export --node CODE [--kind K] [--labels a,b] [--out FILE]   export a list as xlsx (export --help)
`;

async function withApp<T>(fn: (built: Awaited<ReturnType<typeof buildApp>>) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const database = await openConfiguredDatabase(config);
  await runMigrations(database);
  const built = await buildApp({ config, database, keys: loadDataKeys(config), logger: { level: 'warn' } });
  try {
    return await fn(built);
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
      const database = await openConfiguredDatabase(config);
      await runMigrations(database);
      await database.close();
      console.log(`migrations applied (${database.engine})`);
      return 0;
    }
    case 'seed-demo':
      return withApp(async (built) => {
        const { ensureDemoCity } = await import('../modules/demo/index.js');
        const logins = await ensureDemoCity(built, { residents: residents ?? built.platform.config.demoResidents, log: (m) => console.log(m), progress: progressBar });
        if (!logins) console.log('the database already holds a city; nothing generated');
        return 0;
      });
    case 'user-create':
      return withApp(async (built) => {
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
      });
    case 'audit-verify':
      return withApp(async (built) => {
        const bar = progressBar('verifying', 0);
        const r = await built.platform.audit.verify(built.platform.db, (n) => bar.update(n, n));
        bar.stop();
        if (r.ok) console.log(`audit chain intact: ${r.checked} rows checked`);
        else console.log(`AUDIT CHAIN BROKEN at row ${r.firstBrokenId}: ${r.problem} (${r.checked} rows verified before it)`);
        return r.ok ? 0 : 3;
      });
    case 'audit-purge':
      return withApp(async (built) => {
        const n = await built.platform.audit.purge(built.platform.db, built.platform.config.auditRetentionDays);
        console.log(`purged ${n} audit rows older than ${built.platform.config.auditRetentionDays} days`);
        return 0;
      });
    case 'import':
    case 'export':
      return withApp(async (built) => {
        const { runImportCommand, runExportCommand } = await import('../modules/exchange/index.js');
        const io = { log: (m: string) => console.log(m), progress: progressBar };
        return command === 'import' ? runImportCommand(built, rest, io) : runExportCommand(built, rest, io);
      });
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
    else if (err instanceof AppError) console.error(`${err.code}: ${err.messageIn('zh')} / ${err.message}`);
    else console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);

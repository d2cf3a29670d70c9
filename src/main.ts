// Starting and stopping the server: configuration, database, migrations, (demo city on first
// start), the app, background work, and a graceful shutdown on SIGINT/SIGTERM.
import { buildApp, type BuiltApp } from './app.js';
import { loadConfig, type Config } from './config.js';
import { openDatabase, runMigrations, type Database } from './db/client.js';
import { publicAddressWarning } from './modules/certificates/index.js';
import { loadDataKeys } from './platform/crypto.js';

export interface ServeOptions {
  /** Load the demo city when the database has no tree yet. */
  demo?: boolean;
  demoResidents?: number;
  config?: Config;
}

export async function openConfiguredDatabase(config: Config): Promise<Database> {
  return openDatabase({ url: config.databaseUrl || undefined, dataDir: `${config.dataDir}/pglite`, poolSize: config.databasePoolSize });
}

export async function serve(opts: ServeOptions = {}): Promise<BuiltApp> {
  const config = opts.config ?? loadConfig();
  const keys = loadDataKeys(config);
  const database = await openConfiguredDatabase(config);
  await runMigrations(database);
  const built = await buildApp({ config, database, keys });
  const log = built.platform.log;
  log.info({ engine: database.engine, keys: keys.source }, 'database ready');

  let demoLogins: { username: string; password: string; role: string; node: string }[] | null = null;
  if (opts.demo) {
    const { ensureDemoCity } = await import('./modules/demo/index.js');
    demoLogins = await ensureDemoCity(built, { residents: opts.demoResidents ?? config.demoResidents, log: (m) => log.info(m) });
  }

  await built.startBackground();
  const address = await built.app.listen({ port: config.port, host: config.host });
  const url = config.publicBaseUrl || address.replace('0.0.0.0', '127.0.0.1');
  const lines = [``, `  轻车 Qingche is running at ${url}`, `  API docs: ${url}/api/docs`];
  const publicWarning = publicAddressWarning(config.publicBaseUrl);
  if (publicWarning) lines.push('', `  ! ${publicWarning.zh}`, `  ! ${publicWarning.en}`);
  if (demoLogins?.length) {
    lines.push('', '  Demo log-ins (演示账号):');
    for (const d of demoLogins) lines.push(`    ${d.role.padEnd(18)} ${d.username.padEnd(16)} ${d.password}   ${d.node}`);
  }
  lines.push('');
  process.stdout.write(`${lines.join('\n')}\n`);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    try {
      await built.close();
      await database.close();
    } finally {
      process.exit(0);
    }
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  return built;
}

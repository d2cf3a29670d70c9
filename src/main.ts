// Starting and stopping the server: configuration, database, migrations, (demo city on first
// start), the app, background work, and a clean shutdown on SIGINT, SIGTERM and SIGHUP at any
// point, start-up included. On the embedded database a new folder is made and prepared (migrated,
// the demo city loaded) beside its place and renamed into it only when complete, so a start killed
// half-way leaves nothing half-made; the folder is locked to this process (src/db/lock.ts).
import { buildApp, type BuiltApp } from './app.js';
import { loadConfig, type Config } from './config.js';
import { openDatabase, runMigrations, type Database, type OpenOptions } from './db/client.js';
import { publicAddressWarning } from './modules/certificates/index.js';
import { loadDataKeys, type DataKeys } from './platform/crypto.js';

export interface ServeOptions {
  /** Load the demo city when the database has no tree yet. */
  demo?: boolean;
  demoResidents?: number;
  config?: Config;
}

export function pgliteDir(config: Config): string {
  return `${config.dataDir}/pglite`;
}

export async function openConfiguredDatabase(config: Config, opts: Pick<OpenOptions, 'command' | 'initialise'> = {}): Promise<Database> {
  return openDatabase({ url: config.databaseUrl || undefined, dataDir: pgliteDir(config), poolSize: config.databasePoolSize, fsync: config.pgliteFsync, ...opts });
}

/** Prepares a database for use: migrations, then (with --demo) the demo city if it has none. */
async function prepare(database: Database, config: Config, keys: DataKeys, opts: ServeOptions, log: (m: string) => void): Promise<void> {
  await runMigrations(database);
  if (!opts.demo) return;
  const built = await buildApp({ config, database, keys, logger: { level: 'warn' } });
  try {
    const { ensureDemoCity } = await import('./modules/demo/index.js');
    await ensureDemoCity(built, { residents: opts.demoResidents ?? config.demoResidents, log });
  } finally {
    await built.close();
  }
}

export async function serve(opts: ServeOptions = {}): Promise<BuiltApp> {
  const config = opts.config ?? loadConfig();
  const keys = loadDataKeys(config);

  // Signals are handled from the first moment: during start-up the open database is closed
  // (PGlite finishes the statement in hand) and the process ends; a new folder being prepared
  // is left unfinished beside its place and made again at the next start.
  let database: Database | null = null;
  let built: BuiltApp | null = null;
  let closing = false;
  const say = (m: string) => (built ? built.platform.log.info(m) : process.stderr.write(`${m}\n`));
  const shutdown = async (signal: string) => {
    if (closing) {
      say(`${signal} again: still closing the database, please wait (it ends by itself within 30 s)`);
      return;
    }
    closing = true;
    say(`${signal}: shutting down`);
    const force = setTimeout(() => {
      say('shutdown took more than 30 s: exiting without a clean close (the next start recovers)');
      process.exit(1);
    }, 30_000);
    force.unref();
    try {
      if (built) await built.close();
      if (database) await database.close();
    } catch (err) {
      say(`error while shutting down: ${(err as Error).message}`);
    } finally {
      process.exit(0);
    }
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const s of signals) process.on(s, () => void shutdown(s));

  try {
    database = await openConfiguredDatabase(config, {
      command: 'serve',
      initialise: async (fresh) => {
        database = fresh;
        process.stderr.write('new data folder: creating the database\n');
        await prepare(fresh, config, keys, opts, (m) => process.stderr.write(`${m}\n`));
      },
    });
    await runMigrations(database);
    built = await buildApp({ config, database, keys });
    const log = built.platform.log;
    log.info({ engine: database.engine, keys: keys.source, dataDir: database.dataDir }, 'database ready');
    if (database.lock?.tookOver && database.lock.tookOver.state === 'stale') log.warn({ lock: database.lock.file }, `took over a stale lock: ${database.lock.tookOver.reason}`);
    if (database.recovery) log.warn({ postgres: database.recovery.slice(-6) }, 'the last run did not close the database (it was killed or crashed): recovered from the write-ahead log');

    let demoLogins: { username: string; password: string; role: string; node: string }[] | null = null;
    if (opts.demo) {
      const { ensureDemoCity } = await import('./modules/demo/index.js');
      demoLogins = await ensureDemoCity(built, { residents: opts.demoResidents ?? config.demoResidents, log: (m) => log.info(m) });
    }

    await built.startBackground();
    const address = await built.app.listen({ port: config.port, host: config.host });
    const local = address.replace('0.0.0.0', '127.0.0.1').replace('[::]', '[::1]');
    database.lock?.update({ url: local });
    const url = config.publicBaseUrl || local;
    const lines = [``, `  轻车 Qingche is running at ${url}`, `  API docs: ${url}/api/docs`];
    const publicWarning = publicAddressWarning(config.publicBaseUrl);
    if (publicWarning) lines.push('', `  ! ${publicWarning.zh}`, `  ! ${publicWarning.en}`);
    if (demoLogins?.length) {
      lines.push('', '  Demo log-ins (演示账号):');
      for (const d of demoLogins) lines.push(`    ${d.role.padEnd(18)} ${d.username.padEnd(16)} ${d.password}   ${d.node}`);
    }
    lines.push('');
    process.stdout.write(`${lines.join('\n')}\n`);
  } catch (err) {
    // A signal closed the database under the start-up: shutdown() ends the process.
    if (closing) return new Promise<never>(() => undefined);
    throw err;
  }
  return built;
}

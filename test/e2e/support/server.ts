// Starting the real server for browser tests: `qingche serve --demo` in a child process, on a
// fresh temporary data folder (embedded database), a small demo city, the embedded MQTT broker on
// a free port. The address is read from the server's own start-up line.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..', '..');
export const DEMO_PASSWORD = 'Qingche#2026';

export interface E2eServer {
  url: string;
  dataDir: string;
  /** The server's output so far (for failure messages). */
  output(): string;
  /** Stops it (SIGTERM, a clean close) and removes its data folder unless `keep`. */
  stop(opts?: { keep?: boolean }): Promise<void>;
}

export interface ServerOptions {
  /** Residents in the demo city (default 3000: seeds in seconds, still a real city). */
  residents?: number;
  /** Fixed port; by default a free one. */
  port?: number;
  /** Extra environment (e.g. QC_TILE_URL). */
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Seed a city of its own instead of starting from a copy of the run's seeded city. */
  fresh?: boolean;
}

/**
 * The demo city seeded once per run (a cleanly closed data folder, set by the global setup): a
 * server that wants a city of its own starts on a copy of it instead of seeding 3,000 people again.
 */
export const TEMPLATE_ENV = 'QC_E2E_TEMPLATE';

/** Builds web/dist when its sources are newer than the last build (scripts/ensure-web.mjs). */
export function ensureWebBuilt(): void {
  const r = spawnSync(process.execPath, ['scripts/ensure-web.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('building the web app failed');
}

export async function startServer(opts: ServerOptions = {}): Promise<E2eServer> {
  // A folder the caller names stays the caller's (it may open the database after the stop).
  const ownsDir = !opts.env?.QC_DATA_DIR;
  const dataDir = opts.env?.QC_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'qingche-e2e-'));
  const template = process.env[TEMPLATE_ENV];
  if (template && !opts.fresh) cpSync(template, dataDir, { recursive: true });
  const port = opts.port ?? 0;
  const child: ChildProcess = spawn(process.execPath, ['bin/qingche.mjs', 'serve', '--demo'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      PORT: String(port),
      HOST: '127.0.0.1',
      QC_DATA_DIR: dataDir,
      QC_DEMO_RESIDENTS: String(opts.residents ?? 3000),
      MQTT_PORT: '0',
      MQTT_URL: '',
      DATABASE_URL: '',
      QC_LOG_LEVEL: 'warn',
      QC_PUBLIC_BASE_URL: '',
      // Browser tests log in as the administrator and the auditor without an authenticator app
      // (the one about the second factor sets a role policy itself).
      QC_MFA_REQUIRED_ROLES: '',
      // Every browser test logs in from 127.0.0.1: one address, many people.
      QC_RATE_LOGIN_ADDRESS: '600/1m',
      QC_RATE_LOGIN_ACCOUNT: '120/1m',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));

  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`the server did not start within ${(opts.timeoutMs ?? 240_000) / 1000} s:\n${out.slice(-3000)}`)), opts.timeoutMs ?? 240_000);
    const check = () => {
      const m = /is running at (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`the server exited (${code}) before it was ready:\n${out.slice(-3000)}`));
    });
  });

  return {
    url,
    dataDir,
    output: () => out,
    async stop(stopOpts = {}) {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      if (ownsDir && !stopOpts.keep) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

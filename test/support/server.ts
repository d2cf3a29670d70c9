// The real server as a child process (bin/qingche.mjs serve), for tests that kill it: start it on
// a data folder with a random port, wait for its address, talk to it over HTTP, stop it with a
// signal of the test's choosing.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(repoRoot, 'bin', 'qingche.mjs');

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  /** Sends the signal and waits for the process to end; its exit code or signal. */
  stop(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function serverEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'development', QC_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', MQTT_PORT: '0', QC_LOG_LEVEL: 'warn', QC_DEMO_RESIDENTS: '0',
    QC_JOBS_POLL_MS: '200', QC_RATE_LOGIN_ADDRESS: 'off', QC_RATE_LOGIN_ACCOUNT: 'off',
    ...extra,
  };
}

/**
 * Starts `qingche serve --demo` and resolves once it listens (or rejects with what it printed);
 * with `until`, as soon as its output matches that instead (url is then empty).
 */
export function startServer(dataDir: string, extra: Record<string, string> = {}, timeoutMs = 300_000, until = /running at (http:\/\/[^\s]+)/): Promise<ServerProcess> {
  const child = spawn(process.execPath, [bin, 'serve', '--demo'], { cwd: repoRoot, env: serverEnv(dataDir, extra), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not start within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const onData = (b: Buffer) => {
      out += b.toString('utf8');
      const m = until.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.stdout!.on('data', (more: Buffer) => (out += more.toString('utf8')));
        child.stderr!.off('data', onData);
        child.stderr!.on('data', (more: Buffer) => (out += more.toString('utf8')));
        resolve({
          child, url: m[1] ?? '', output: () => out,
          async stop(signal) {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            return ended;
          },
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void ended.then((e) => {
      clearTimeout(timer);
      reject(new Error(`the server ended before it listened (${e.code ?? e.signal}):\n${out}`));
    });
  });
}

/** Runs a `qingche` command to its end (doctor, backup, a second serve …). */
export function runCli(args: string[], dataDir: string, extra: Record<string, string> = {}, timeoutMs = 120_000): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: repoRoot, env: serverEnv(dataDir, extra), encoding: 'utf8', timeout: timeoutMs });
  return { code: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** JSON over HTTP with a bearer token. */
export async function api(url: string, method: string, path: string, opts: { token?: string; body?: unknown; form?: FormData } = {}): Promise<{ status: number; json: any }> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | FormData | undefined;
  if (opts.form) body = opts.form;
  else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  const res = await fetch(`${url}${path}`, { method, headers, body });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: res.status, json };
}

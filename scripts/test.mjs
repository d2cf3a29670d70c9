#!/usr/bin/env node
// The one test command (`npm test`, also what CI runs): check the system tools every step needs
// (installing the missing ones with apt-get when run as root), type-check, lint the module
// boundaries, check the web's generated contract, run the suites on
// embedded PGlite, the same suites on PostgreSQL when TEST_DATABASE_URL is set, then the browser
// tests in Debian's Chromium. Each step's failure fails the whole run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const steps = [];
const run = (label, cmd, args, env = {}) => {
  const started = Date.now();
  console.log(`\n== ${label}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  steps.push(`${r.status === 0 ? 'ok  ' : 'FAIL'} ${label} (${secs} s)`);
  if (r.status !== 0) {
    console.log(`\n${steps.join('\n')}`);
    process.exit(r.status ?? 1);
  }
};

// Every system tool any step below uses, with the Debian package that provides it. Checked before
// the first step, so that a new machine learns at once what it lacks rather than half-way through.
const chromium = process.env.QC_CHROMIUM ?? '/usr/bin/chromium';
const onPath = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
const cjkFont = () => (spawnSync('sh', ['-c', 'fc-list :lang=zh family 2>/dev/null | head -1'], { encoding: 'utf8' }).stdout ?? '').trim() !== '';
const requirements = [
  { what: 'pdftotext (reads certificate and handbook PDFs)', pkg: 'poppler-utils', ok: () => onPath('pdftotext') },
  { what: 'pdftoppm (renders PDF pages to read their QR codes)', pkg: 'poppler-utils', ok: () => onPath('pdftoppm') },
  { what: 'pdffonts (names the fonts a PDF embeds)', pkg: 'poppler-utils', ok: () => onPath('pdffonts') },
  { what: 'zbarimg (reads printed QR codes the way a scanner does)', pkg: 'zbar-tools', ok: () => onPath('zbarimg') },
  { what: 'base32 (decodes QR payloads in the offline-verification test)', pkg: 'coreutils', ok: () => onPath('base32') },
  { what: 'openssl (checks signatures independently)', pkg: 'openssl', ok: () => onPath('openssl') },
  { what: `Chromium at ${chromium} (browser tests)`, pkg: 'chromium', ok: () => existsSync(chromium) },
  { what: 'a CJK font (legible screenshots and PDF renders)', pkg: 'fonts-noto-cjk', ok: cjkFont },
];
const missing = requirements.filter((r) => !r.ok());
if (missing.length) {
  const pkgs = [...new Set(missing.map((m) => m.pkg))];
  console.log(`\n== system tools missing:\n${missing.map((m) => `   - ${m.what}: Debian package ${m.pkg}`).join('\n')}`);
  const canApt = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (!canApt) {
    console.error(`\nInstall them first (no test tool downloads a browser):\n\n  sudo apt-get install -y ${pkgs.join(' ')}\n`);
    process.exit(1);
  }
  run(`install ${pkgs.join(', ')} (apt-get)`, 'sh', ['-c', `apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${pkgs.join(' ')} >/dev/null`]);
  const still = requirements.filter((r) => !r.ok());
  if (still.length) {
    console.error(`\nStill missing after apt-get: ${still.map((m) => m.what).join('; ')}`);
    process.exit(1);
  }
}

run('type-check', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
if (existsSync('web/tsconfig.json')) run('type-check web', 'npx', ['tsc', '-p', 'web/tsconfig.json', '--noEmit']);
// Module boundaries and lint (docs/architecture.md), then the web's contract against the schemas.
run('lint and module boundaries', 'npm', ['run', '-s', 'lint']);
run('web contract matches the server schemas', 'npm', ['run', '-s', 'gen:api', '--', '--check']);
run('tests on PGlite', 'npx', ['vitest', 'run'], { QC_TEST_ENGINE: 'pglite' });
if (process.env.TEST_DATABASE_URL) run('tests on PostgreSQL', 'npx', ['vitest', 'run'], { QC_TEST_ENGINE: 'postgres' });
else console.log('\n(TEST_DATABASE_URL not set: the PostgreSQL pass is skipped)');

if (existsSync('test/e2e')) {
  run('build web', 'node', ['scripts/ensure-web.mjs']);
  run('browser tests (Chromium)', 'npx', ['vitest', 'run', '--config', 'vitest.e2e.config.ts'], { QC_CHROMIUM: chromium });
}
console.log(`\n${steps.join('\n')}`);

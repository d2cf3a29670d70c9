#!/usr/bin/env node
// The one test command (`npm test`, also what CI runs): type-check, the suites on embedded
// PGlite, the same suites on PostgreSQL when TEST_DATABASE_URL is set, then the browser tests in
// Debian's Chromium. Each step's failure fails the whole run.
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

run('type-check', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
if (existsSync('web/tsconfig.json')) run('type-check web', 'npx', ['tsc', '-p', 'web/tsconfig.json', '--noEmit']);
run('tests on PGlite', 'npx', ['vitest', 'run'], { QC_TEST_ENGINE: 'pglite' });
if (process.env.TEST_DATABASE_URL) run('tests on PostgreSQL', 'npx', ['vitest', 'run'], { QC_TEST_ENGINE: 'postgres' });
else console.log('\n(TEST_DATABASE_URL not set: the PostgreSQL pass is skipped)');

if (existsSync('test/e2e')) {
  const chromium = process.env.QC_CHROMIUM ?? '/usr/bin/chromium';
  // Screenshots are for people to read: Chinese text needs a CJK font on the machine.
  const cjkFont = spawnSync('sh', ['-c', 'fc-list :lang=zh family 2>/dev/null | head -1'], { encoding: 'utf8' }).stdout?.trim();
  if (!existsSync(chromium) || !cjkFont) {
    // Install Debian's Chromium when we can (root with apt-get); no test tool downloads a browser.
    const canApt = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
    if (canApt) {
      run('install Chromium (apt-get)', 'sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils fonts-noto-cjk >/dev/null']);
    } else if (!existsSync(chromium)) {
      console.error(`\nBrowser tests need Chromium at ${chromium}: run \`sudo apt-get install -y chromium\` (or set QC_CHROMIUM).`);
      process.exit(1);
    }
  }
  run('build web', 'node', ['scripts/ensure-web.mjs']);
  run('browser tests (Chromium)', 'npx', ['vitest', 'run', '--config', 'vitest.e2e.config.ts']);
}
console.log(`\n${steps.join('\n')}`);

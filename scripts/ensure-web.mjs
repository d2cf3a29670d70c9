#!/usr/bin/env node
// Builds the web app when its sources are newer than the last build (or it was never built), so
// `npm start` on a fresh clone serves the UI without a separate step.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

if (!existsSync('web/index.html')) process.exit(0);
const newest = (dir) => {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
};
const built = existsSync('web/dist/index.html') ? statSync('web/dist/index.html').mtimeMs : 0;
const sources = Math.max(newest('web/src'), statSync('web/index.html').mtimeMs, existsSync('web/vite.config.ts') ? statSync('web/vite.config.ts').mtimeMs : 0);
if (built >= sources && !process.argv.includes('--force')) process.exit(0);
console.log('building the web app …');
const r = spawnSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit' });
process.exit(r.status ?? 1);

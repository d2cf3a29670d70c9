// One server for the whole browser-test run (its address is handed to every file through
// inject('e2eUrl')); files that need a city of their own call startServer() themselves.
import type { TestProject } from 'vitest/node';
import { rmSync } from 'node:fs';
import { ensureWebBuilt, startServer, TEMPLATE_ENV } from './server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    e2eUrl: string;
  }
}

export default async function setup(project: TestProject) {
  ensureWebBuilt();
  // Seed the demo city once; every server of the run (this shared one, and those files start for
  // a city of their own) starts on a copy of it. Workers inherit the variable.
  const seeding = await startServer({ fresh: true });
  await seeding.stop({ keep: true });
  process.env[TEMPLATE_ENV] = seeding.dataDir;
  // QC_E2E_PORT pins the shared server's port (where only some ports may be used); else any free one.
  const server = await startServer({ port: process.env.QC_E2E_PORT ? Number(process.env.QC_E2E_PORT) : undefined });
  project.provide('e2eUrl', server.url);
  return async () => {
    await server.stop();
    rmSync(seeding.dataDir, { recursive: true, force: true });
  };
}

// `npm run bench [-- suite-name …] [--residents N] [--quick]`: runs the benchmark suites in
// bench/suites/ and prints one table per suite, each figure beside a same-run baseline.
import { readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { printTable, type Suite } from './lib.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { residents: { type: 'string' }, quick: { type: 'boolean' }, pg: { type: 'string' }, out: { type: 'string' } },
});
const dir = join(dirname(fileURLToPath(import.meta.url)), 'suites');
const files = readdirSync(dir).filter((f) => f.endsWith('.ts')).sort();
const quick = Boolean(values.quick);
const ctx = {
  pgUrl: values.pg ?? process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  residents: values.residents ? Number(values.residents) : quick ? 20_000 : 1_000_000,
  quick,
  log: (m: string) => console.error(`  … ${m}`),
};
const report: string[] = [`# Qingche benchmarks`, `${new Date().toISOString()} · node ${process.version} · ${process.platform}/${process.arch} · residents ${ctx.residents}`];
for (const f of files) {
  const mod = (await import(pathToFileURL(join(dir, f)).href)) as { suite: Suite };
  if (positionals.length && !positionals.some((p) => mod.suite.name.includes(p) || f.includes(p))) continue;
  console.error(`\n▶ ${mod.suite.name}`);
  try {
    const rows = await mod.suite.run(ctx);
    report.push(...printTable(mod.suite.name, rows));
  } catch (err) {
    console.error(`suite ${mod.suite.name} failed:`, err);
    report.push('', `## ${mod.suite.name}`, `FAILED: ${(err as Error).message}`);
    process.exitCode = 1;
  }
}
if (values.out) {
  mkdirSync(dirname(values.out), { recursive: true });
  writeFileSync(values.out, `${report.join('\n')}\n`);
}
process.exit(process.exitCode ?? 0);

// `qingche import <file> --kind resident --community CODE` and `qingche export --kind resident
// --node CODE`: the same services as the web, run in the terminal with a progress bar.
import { createReadStream, createWriteStream, existsSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import type { BuiltApp } from '../app.js';
import { systemContext, type RequestContext } from '../platform/context.js';
import { recordKinds, type RecordKind } from '../modules/registry/index.js';
import { kindNames, type ImportService, type ImportView } from '../modules/exchange/index.js';

export interface CliIo {
  log(msg: string): void;
  progress(label: string, total: number): { update(done: number, total?: number): void; stop(): void };
}

export const importUsage = `Usage: qingche import <file.xlsx|file.csv> --community CODE [options]
  --kind K            resident (default), household, building, house, organisation, facility
  --community CODE    the community (or one of its grids) to import into, by division/grid code
  --grid CODE         default grid for rows that name none
  --sheet NAME        the worksheet (default: the first visible one)
  --header-row N      the header row (default: found from the header names)
  --map "表头=field,…" override the proposed mapping (field keys, @grid, @householdNo, @labels, label:<code>, or - to skip)
  --blank-clears      an empty cell erases the stored value (default: empty cells change nothing)
  --create-places     create the buildings and houses the sheet names that the community lacks
                      (listed first; without it, rows naming them are refused)
  --report PATH       where to write the Excel error report (default: next to the file)
Exit status: 0 all rows imported, 3 some rows refused (see the report), 1 the file was refused.`;

export const exportUsage = `Usage: qingche export --node CODE [options]
  --kind K        resident (default) or another record kind
  --labels a,b    residents carrying any of these label codes
  --stale         only records with an overdue review
  --out PATH      output file (default: the name the export proposes, in the current folder)`;

/** Shows the header row and the mapping found, applies --map overrides, and starts the import. */
async function confirmMapping(imports: ImportService, ctx: RequestContext, view: ImportView, o: { sheet?: string; headerRow?: string; map?: string; blankClears: boolean; createPlaces: boolean }, file: string, io: CliIo): Promise<ImportView> {
  if (o.sheet || o.headerRow) view = await imports.repreview(ctx, view.id, { sheet: o.sheet, headerRow: o.headerRow ? Number(o.headerRow) : undefined });
  const p = view.preview!;
  io.log(`${file}: ${view.format}${view.encoding ? ` (${view.encoding})` : ''}, sheet ${p.sheet ?? 'CSV'}, header on row ${p.headerRow}, about ${p.totalRows} rows`);
  let mapping = view.mapping.map((m) => ({ index: m.index, target: m.target }));
  for (const pair of o.map ? o.map.split(/[,，]/) : []) {
    const [h, t] = pair.split('=').map((x) => x?.trim());
    const m = view.mapping.find((x) => x.header === h);
    if (!m || t === undefined) throw new Error(`--map: no column "${h}" (columns: ${view.mapping.map((x) => x.header).join(', ')})`);
    mapping = mapping.map((x) => (x.index === m.index ? { index: x.index, target: t === '-' || t === '' ? null : t } : x));
  }
  const names = new Map(view.targets.map((t) => [t.key, t.zh]));
  for (const m of view.mapping) {
    const target = mapping.find((x) => x.index === m.index)?.target;
    io.log(`  ${m.header || `(column ${m.index + 1})`} → ${target ? `${names.get(target) ?? target} [${target}]` : '(not imported)'}`);
  }
  const plan = await imports.placePlan(ctx, view.id, { mapping });
  if (plan.newBuildings || plan.newHouses || plan.ambiguous) {
    for (const b of plan.buildings.filter((x) => x.status !== 'exists' || x.newHouses.length)) {
      const what = b.status === 'new' ? 'new building' : b.status === 'ambiguous' ? `${b.namesakes} buildings share this name (add a 楼栋地址 column)` : 'registered';
      io.log(`  楼栋 ${b.name}${b.address ? ` (${b.address})` : ''}: ${what}${b.newHouses.length ? `, ${b.newHouses.length} new houses` : ''}`);
    }
    io.log(o.createPlaces ? `creating ${plan.newBuildings} buildings and ${plan.newHouses} houses${plan.grid ? ` in ${plan.grid.name}` : ''}` : `${plan.newBuildings} buildings and ${plan.newHouses} houses are not registered: rows naming them will be refused (add --create-places to create them)`);
  }
  return imports.start(ctx, view.id, { mapping, blankClears: o.blankClears, remember: true, createPlaces: o.createPlaces });
}

async function nodeByCode(built: BuiltApp, code: string | undefined) {
  if (!code) return undefined;
  return built.modules.tree.service.findByCode(code);
}

export async function runImportCommand(built: BuiltApp, argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      kind: { type: 'string', default: 'resident' }, community: { type: 'string' }, grid: { type: 'string' }, sheet: { type: 'string' }, 'header-row': { type: 'string' },
      map: { type: 'string' }, 'blank-clears': { type: 'boolean' }, 'create-places': { type: 'boolean' }, report: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  const file = positionals[0];
  if (values.help || !file) {
    io.log(importUsage);
    return values.help ? 0 : 2;
  }
  const kind = values.kind as RecordKind;
  if (!recordKinds.includes(kind)) throw new Error(`--kind must be one of ${recordKinds.join(', ')}`);
  if (!existsSync(file)) throw new Error(`no such file: ${file}`);
  const node = await nodeByCode(built, values.community);
  if (!node) throw new Error(`--community: no community or grid with code ${values.community ?? '(missing)'}`);
  const grid = values.grid ? await nodeByCode(built, values.grid) : undefined;
  if (values.grid && !grid) throw new Error(`--grid: no grid with code ${values.grid}`);
  const imports = built.modules.exchange.service.imports;
  const ctx = systemContext('cli', node.level === 'grid' ? node.path.replace(/\d+\/$/, '') : node.path);

  let view = await imports.upload(ctx, { filename: basename(file), stream: createReadStream(file) }, { kind, nodeId: node.id, defaultGridId: grid?.id ?? null });
  try {
    view = await confirmMapping(imports, ctx, view, { sheet: values.sheet, headerRow: values['header-row'], map: values.map, blankClears: Boolean(values['blank-clears']), createPlaces: Boolean(values['create-places']) }, file, io);
  } catch (err) {
    // Nothing will run: drop the upload (it holds ID numbers in clear) rather than leave it for the sweep.
    await imports.cancel(ctx, view.id).catch(() => undefined);
    throw err;
  }
  const p = view.preview!;

  const bar = io.progress(`importing ${kindNames[kind].en}`, Math.max(1, p.totalRows));
  // Run here under the job queue's claim and heartbeat, as a server's worker would (a server on
  // the same PostgreSQL leaves it alone while this beats; killed, the server takes it over).
  const ran = await imports.runHere(view.id, { onProgress: (done, total) => bar.update(done, total) });
  if (!ran) {
    // A server's job worker picked it up first: follow its progress.
    for (;;) {
      view = await imports.get(ctx, view.id);
      bar.update(view.processedRows, Math.max(view.totalRows, view.processedRows, 1));
      if (['done', 'failed', 'cancelled'].includes(view.status)) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  bar.stop();
  view = await imports.get(ctx, view.id);
  if (view.status === 'failed') {
    io.log(`import failed: ${view.error?.message ?? view.error?.code}`);
    return 1;
  }
  const c = view.counts;
  io.log(`${view.statusName}: ${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged, ${c.failed} refused, ${c.warned} imported with warnings, ${c.blank} blank rows`);
  if (view.issueCount) {
    const out = values.report ?? join(dirname(file), `${basename(file, extname(file))}-错误报告.xlsx`);
    const r = await imports.errorReport(ctx, view.id);
    await pipeline(r.stream, createWriteStream(out));
    io.log(`error report: ${out}`);
  }
  return c.failed ? 3 : 0;
}

export async function runExportCommand(built: BuiltApp, argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { kind: { type: 'string', default: 'resident' }, node: { type: 'string' }, labels: { type: 'string' }, stale: { type: 'boolean' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help || !values.node) {
    io.log(exportUsage);
    return values.help ? 0 : 2;
  }
  const kind = values.kind as RecordKind;
  if (!recordKinds.includes(kind)) throw new Error(`--kind must be one of ${recordKinds.join(', ')}`);
  const node = await nodeByCode(built, values.node);
  if (!node) throw new Error(`--node: no division or grid with code ${values.node}`);
  const ctx = systemContext('cli', node.path);
  const exports = built.modules.exchange.service.exports;
  const r = kind === 'resident'
    ? await exports.residents(ctx, { labels: values.labels?.split(',').map((s) => s.trim()).filter(Boolean), stale: values.stale || undefined })
    : await exports.records(ctx, kind, {});
  const out = values.out ?? r.fileName;
  await pipeline(r.stream, createWriteStream(out));
  io.log(`wrote ${out} (${statSync(out).size} bytes)`);
  return 0;
}

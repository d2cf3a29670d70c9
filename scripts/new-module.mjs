#!/usr/bin/env node
// `npm run new-module -- <kebab-name> [--zh 中文名] [--title "English title"]`: starts a domain
// module from the template in scripts/new-module/template, the skeleton every module follows
// (docs/architecture.md): server files in src/modules/<name>/, a test in test/<name>/, and web
// pages in web/src/features/<name>/. It then says the three lines to add by hand to wire it in.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { zh: { type: 'string' }, title: { type: 'string' } } });
const kebab = positionals[0];
if (!kebab || !/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(kebab)) {
  console.error('Usage: npm run new-module -- <kebab-name> [--zh 中文名] [--title "English title"]   (e.g. duty-lists)');
  process.exit(1);
}
const camel = kebab.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());
const pascal = camel[0].toUpperCase() + camel.slice(1);
const snake = kebab.replace(/-/g, '_');
const words = { __kebab__: kebab, __name__: camel, __Name__: pascal, __snake__: snake, __NAME__: snake.toUpperCase(), __title__: values.title ?? kebab.replace(/-/g, ' '), __zh__: values.zh ?? kebab };
const fill = (s) => s.replace(/__(kebab|name|Name|snake|NAME|title|zh)__/g, (m) => words[m]);

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const template = join(root, 'scripts', 'new-module', 'template');
const targets = { server: join(root, 'src', 'modules', kebab), test: join(root, 'test', kebab), web: join(root, 'web', 'src', 'features', kebab) };
for (const dir of Object.values(targets)) {
  if (existsSync(dir)) {
    console.error(`${dir} already exists: choose another name.`);
    process.exit(1);
  }
}
for (const [part, dir] of Object.entries(targets)) {
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(join(template, part))) {
    writeFileSync(join(dir, fill(f)), fill(readFileSync(join(template, part, f), 'utf8')));
    console.log(`created ${join(dir, fill(f)).slice(root.length + 1)}`);
  }
}
console.log(`
Wire it in (three lines), then generate its migration and the web contract:
  src/modules/index.ts        const ${camel} = create${pascal}Module(platform);   and add ${camel} to \`list\`
  src/db/schema.ts            export * from '../modules/${kebab}/tables.js';
  web/src/features/index.ts   import { ${camel}Feature } from './${kebab}';       and add it to \`features\`
  npx drizzle-kit generate --name ${snake}
  npm run gen:api
  npx vitest run test/${kebab}
`);

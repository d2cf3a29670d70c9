// Module boundaries, checked by `npm run lint` (part of `npm test`). See docs/architecture.md.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import loops, server or web: a loop means two files cannot be understood apart.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'module-internals',
      severity: 'error',
      comment:
        "A module is reached only through its index.ts (its face). Its other files - tables, services, routes - are its own business.",
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/([^/]+)/(?!index\\.ts$)', pathNot: ['^src/modules/$1/'] },
    },
    {
      name: 'outside-reaches-module-internals',
      severity: 'error',
      comment: 'The app, the CLI and the platform reach a module through its index.ts only.',
      // db/schema.ts gathers every module's tables for drizzle-kit, and only that.
      from: { path: '^src/(?!modules/)', pathNot: '^src/db/schema[.]ts$' },
      to: { path: '^src/modules/[^/]+/(?!index\\.ts$)' },
    },
    {
      name: 'no-schema-backdoor',
      severity: 'error',
      comment: "src/db/schema.ts gathers every module's tables for drizzle-kit and the database client; a module importing it would reach other modules' tables.",
      from: { path: '^src/(modules|platform)/' },
      to: { path: '^src/db/schema[.]ts$' },
    },
    {
      name: 'platform-knows-no-module',
      severity: 'error',
      comment: 'The platform is beneath every module: it must not import one.',
      from: { path: '^src/platform/' },
      to: { path: '^src/modules/' },
    },
    {
      name: 'platform-tables',
      severity: 'error',
      comment: "Platform tables belong to the platform: modules use the platform's services.",
      from: { path: '^src/modules/' },
      to: { path: '^src/platform/.*tables[.]ts$' },
    },
    {
      name: 'web-feature-internals',
      severity: 'error',
      comment: "A web feature reaches another only through that feature's index.ts.",
      from: { path: '^web/src/features/([^/]+)/' },
      to: { path: '^web/src/features/([^/]+)/(?!index\\.tsx?$)', pathNot: ['^web/src/features/$1/'] },
    },
    {
      name: 'web-takes-contract-only',
      severity: 'error',
      comment: 'The web may import from the server only what is shared on purpose: roles and the generated contract.',
      from: { path: '^web/src/' },
      to: { path: '^src/', pathNot: ['^src/platform/auth/roles[.]ts$'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};

// ESLint with typescript-eslint for the server and the web; module boundaries are checked by
// dependency-cruiser (.dependency-cruiser.cjs). Both run in `npm run lint`, part of `npm test`.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const noNeverCast = { selector: 'TSAsExpression > TSNeverKeyword', message: 'Do not cast to never: type the value from its schema (Static<typeof X>).' };
const registryParts = '/^(store|bulk|grants|labels|freshness|residents|matching|parts)$/';
const registryMessage = "Use the registry's ports (registry.imports, registry.lookups, registry.proposals) or its service methods, not its parts.";

export default tseslint.config(
  { ignores: ['node_modules/**', 'web/dist/**', 'web/src/api/openapi.gen.ts', 'src/db/migrations/**', 'scripts/new-module/template/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mjs', '**/*.js', '**/*.cjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', performance: 'readonly', fetch: 'readonly', structuredClone: 'readonly', AbortController: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', Blob: 'readonly', module: 'writable', require: 'readonly', __dirname: 'readonly' } },
    rules: {
      // The code base uses `_name` for deliberately unused parameters.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      // `any` is allowed only with a reason next to it (there are a few at library seams).
      '@typescript-eslint/no-explicit-any': 'off',
      'no-empty': ['error', { allowEmptyCatch: true }],
      // Full-width spaces inside Chinese strings are content (official forms use them).
      'no-irregular-whitespace': ['error', { skipStrings: true, skipTemplates: true, skipComments: true, skipRegExps: true }],
    },
  },
  {
    // Casts that silence the compiler hide a wrong shape: take the type from the schema instead.
    // (Tests may cast: they build ill-typed input on purpose to see it refused.)
    files: ['src/**/*.ts', 'web/src/**/*.ts', 'web/src/**/*.tsx', 'scripts/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', noNeverCast] },
  },
  {
    // The registry's face is its ports (imports, lookups, proposals) and its service methods:
    // other modules never drive its parts (store, bulk writer, label and grant services).
    // The demo seeder still does (bulk writes and grants of a whole city), until it has ports too.
    files: ['src/modules/**/*.ts'],
    ignores: ['src/modules/registry/**', 'src/modules/demo/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        noNeverCast,
        { selector: `MemberExpression[object.name='registry'][property.name=${registryParts}]`, message: registryMessage },
        { selector: `MemberExpression[object.property.name='registry'][property.name=${registryParts}]`, message: registryMessage },
      ],
    },
  },
  {
    files: ['web/src/**/*.tsx', 'web/src/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { window: 'readonly', document: 'readonly', navigator: 'readonly', localStorage: 'readonly', sessionStorage: 'readonly', HTMLElement: 'readonly', HTMLDivElement: 'readonly', FormData: 'readonly', File: 'readonly', FileReader: 'readonly', Response: 'readonly', RequestInit: 'readonly', BodyInit: 'readonly', AbortSignal: 'readonly', location: 'readonly', history: 'readonly', getComputedStyle: 'readonly', requestAnimationFrame: 'readonly', ResizeObserver: 'readonly', MutationObserver: 'readonly', Event: 'readonly', KeyboardEvent: 'readonly', MouseEvent: 'readonly', Node: 'readonly', Element: 'readonly', URLSearchParams: 'readonly', GeoJSON: 'readonly', React: 'readonly', JSX: 'readonly', print: 'readonly', alert: 'readonly', confirm: 'readonly', Image: 'readonly', HTMLInputElement: 'readonly', HTMLCanvasElement: 'readonly', HTMLImageElement: 'readonly', HTMLAnchorElement: 'readonly', HTMLIFrameElement: 'readonly', HTMLButtonElement: 'readonly', HTMLTextAreaElement: 'readonly', DOMRect: 'readonly', crypto: 'readonly' } },
    rules: { ...reactHooks.configs.recommended.rules, 'react-hooks/set-state-in-effect': 'off', 'react-hooks/refs': 'off', 'react-hooks/immutability': 'off', 'react-hooks/purity': 'off', 'react-hooks/static-components': 'off', 'react-hooks/preserve-manual-memoization': 'off', 'react-hooks/use-memo': 'off', 'react-hooks/incompatible-library': 'off' },
  },
  // no-undef is the compiler's job in TypeScript files.
  { files: ['**/*.ts', '**/*.tsx'], rules: { 'no-undef': 'off' } },
);

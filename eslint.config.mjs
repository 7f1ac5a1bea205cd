// @ts-check
/**
 * ESLint 9 flat config: `npm run lint` (CI) and `npm run lint:fix`. Formatting belongs to Prettier
 * (`npm run format:check`), so no stylistic rule is enabled here.
 *
 * typescript-eslint's `recommended` set, without type information. The type-aware set (`recommendedTypeChecked`)
 * builds a TypeScript program for server, admin and tests: 42 s instead of 15 s on the 2-core CI machine, and
 * about 400 findings, nearly all `no-unsafe-*` on values Strapi's own APIs type as `any` (db queries, services).
 * `npm run typecheck` (tsc, strict) already runs in `pretest`.
 */
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig([
  globalIgnores([
    '**/node_modules/',
    'dist/',
    'coverage/',
    'test-artifacts/',
    'bench/results/',
    'playground/build/',
    'playground/dist/',
    'playground/.strapi/',
    'playground/.tmp/',
    'playground/types/',
    // Uploaded media; the example frontend (playground/public/example) is linted as browser code below.
    'playground/public/uploads/',
    'playground/src/extensions/documentation/',
  ]),

  js.configs.recommended,
  tseslint.configs.recommended,

  {
    name: 'project/all',
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `_`-prefixed names are deliberately unused (a callback's leading parameters, a destructured rest).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // `any` stays rare: each one needs an `eslint-disable-next-line ... -- why` on its line.
      '@typescript-eslint/no-explicit-any': 'error',
      // An `@ts-expect-error` must say why; `@ts-ignore` and `@ts-nocheck` are not used.
      '@typescript-eslint/ban-ts-comment': ['error', { 'ts-expect-error': 'allow-with-description', 'ts-check': false }],
      // The plugin reports through `strapi.log` (levels, redaction, the app's transports), never the console.
      'no-console': 'error',
    },
  },

  // Node: the server, the JavaScript tools (simulator, benchmark, playground app and scripts) and the tests.
  {
    name: 'project/node',
    files: ['server/**', 'simulator/**', 'bench/**', 'playground/**', 'tests/**', '.changeset/**', '*.js', '*.mjs'],
    ignores: ['playground/public/**'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    name: 'project/commonjs',
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    // Plain CommonJS files (no build step): `require` is how they import.
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    name: 'project/jest',
    files: ['tests/**'],
    languageOptions: { globals: { ...globals.jest } },
  },
  {
    // Development tools and tests report on their own terminal; only the plugin itself must go through the logger.
    name: 'project/console-allowed',
    files: ['simulator/**', 'bench/**', 'playground/**', 'tests/**'],
    rules: { 'no-console': 'off' },
  },

  // The playground's example frontend: a plain ES module loaded by the browser (no build step).
  {
    name: 'project/example-frontend',
    files: ['playground/public/**/*.js'],
    languageOptions: { sourceType: 'module', globals: { ...globals.browser } },
  },

  // The admin panel: React in the browser.
  {
    name: 'project/admin',
    files: ['admin/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    ...reactHooks.configs.flat.recommended,
  },
]);

import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'coverage/**', 'test/global-setup.js', 'jest.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, and no
    // activity values (only their types).
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'Workflow code must not use Node built-ins.' })),
          patterns: [
            { regex: '(^|/)activities(/(?!types$)[^/]+)?$', message: 'Workflows import only activity types (activities/types).' },
            { regex: '(^|/)register/', message: 'Workflows reach the register only through their activities.' },
            // The key ring and the codec use node:crypto and hold keys: the worker and clients only.
            { regex: '(^|/)config/(key-ring|payload-codec|data-converter)$', message: 'Workflow code must not load the key ring or the payload codec.' },
          ],
        },
      ],
    },
  },
  {
    // The API stands on domain/, register/, config/ and the workflows' contract: it never reaches
    // into the worker's process or its activities (docs/ARCHITECTURE.md).
    files: ['api/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '(^|/)(activities|workers)(/|$)', message: 'The API imports neither workers/ nor activities/.' }] }],
    },
  },
  {
    // The case service is what the API and the staff pages stand on: it never imports either.
    files: ['services/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '(^|/)(api|web|activities|workers)(/|$)', message: 'The case service imports none of api/, web/, activities/, workers/.' }] }],
    },
  },
);

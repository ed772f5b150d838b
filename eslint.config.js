import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'data/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-confusing-void-expression': 'off',
    },
  },
  // Layers, lowest first: mail, catalog < query < store < render < domain < pages, sftp, controls < http < cli.
  // A module imports only from its own layer and those below it (docs/architecture.md). sync/ is a Coupa
  // client beside them: it imports only mail/, so it runs against a real Coupa unchanged.
  ...[
    ['mail', ['catalog', 'query', 'store', 'render', 'domain', 'http', 'sftp', 'pages', 'controls', 'cli', 'sync']],
    ['catalog', ['mail', 'query', 'store', 'render', 'domain', 'http', 'sftp', 'pages', 'controls', 'cli', 'sync']],
    ['query', ['store', 'render', 'domain', 'http', 'sftp', 'pages', 'controls', 'cli', 'sync']],
    ['store', ['render', 'domain', 'http', 'sftp', 'pages', 'controls', 'cli', 'sync']],
    ['render', ['domain', 'http', 'sftp', 'pages', 'controls', 'cli', 'sync']],
    ['domain', ['http', 'sftp', 'pages', 'controls', 'cli', 'sync']],
    ['http', ['cli', 'sync']],
    ['sftp', ['http', 'pages', 'controls', 'cli', 'sync']],
    ['pages', ['http', 'sftp', 'controls', 'cli', 'sync']],
    ['controls', ['http', 'sftp', 'pages', 'cli', 'sync']],
    ['sync', ['catalog', 'query', 'store', 'render', 'domain', 'http', 'sftp', 'pages', 'controls', 'cli']],
  ].map(([layer, above]) => ({
    files: [`src/${layer}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: above.map((upper) => ({
            group: [`**/${upper}/*`],
            message: `src/${layer} is below src/${upper}: it may not import from it (docs/architecture.md).`,
          })),
        },
      ],
    },
  })),
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    // Plain scripts are linted without types: no project service for them (it would open a default project each).
    languageOptions: {
      parserOptions: { projectService: false },
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly' },
    },
  },
);

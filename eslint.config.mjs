// Shared lint setup for every workspace package.
import js from '@eslint/js';
import pluginSecurity from 'eslint-plugin-security';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'coverage/**',
      '.gameday/**',
      '.exp/**',
      'dashboards/generated/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // eslint-plugin-security: every rule of its recommended set is an error (--max-warnings=0), less
  // the ones switched off below, each with its reason.
  pluginSecurity.configs.recommended,
  {
    rules: {
      // Flags every obj[key] with a non-literal key: hundreds of lookups in typed records and arrays
      // whose keys TypeScript already limits to known literals or numbers. The injection sinks that
      // matter (SQL, shell, eval, HTML responses) are checked by semgrep (security/semgrep/).
      'security/detect-object-injection': 'off',
    },
  },
  {
    // Tooling and tests: the build and image scripts, the local stack, benchmarks, the CLI, the chaos
    // harness, the SLO and dashboard generators, the load scripts and test code read and write paths
    // of this repository, of their own state folders and of files a developer names on the command
    // line, and run regexes on their own specs and tools' output: no request from outside reaches
    // them. The services (apps/*/src) and the libraries they run (platform, telemetry, signals,
    // outbox) keep both rules on.
    files: [
      'scripts/**',
      'stack/**',
      'bench/**',
      'cli/**',
      'chaos/**',
      'testing/**',
      'images/**',
      'deploy/**',
      'slo/**',
      'dashboards/**',
      'load/**',
      '**/test/**',
      '**/*.test.ts',
    ],
    rules: {
      'security/detect-non-literal-fs-filename': 'off',
      'security/detect-unsafe-regex': 'off',
      'security/detect-non-literal-regexp': 'off',
    },
  },
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
        require: 'readonly',
        module: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    // Plain CommonJS files loaded by tools (jest reporters and config).
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.test.ts', '**/test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);

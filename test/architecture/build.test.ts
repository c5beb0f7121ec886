import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

/** The project's own files `npm run build` compiles into dist/ (what is deployed to Azure). */
function shipped(): string[] {
  const out = execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--listFilesOnly'], {
    cwd: root,
    encoding: 'utf8',
  });
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.includes('node_modules'))
    .map((l) => path.relative(root, l));
}

describe('what npm run build ships', () => {
  const files = shipped();

  it('ships every function and what it imports, and no tool, script, test or test helper', () => {
    const functions = readdirSync(path.join(root, 'functions'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => path.join('functions', f));
    expect(functions.filter((f) => !files.includes(f))).toEqual([]);
    expect(
      files.filter(
        (f) =>
          /^(local|bench|test)\//.test(f) ||
          /(\.test|\/cli|test-support|test-util|fixtures|generate-[a-z-]+)\.ts$/.test(f),
      ),
    ).toEqual([]);
  });
});

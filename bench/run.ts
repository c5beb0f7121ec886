/**
 * `npm run bench -- <suite> [...]` runs benchmark suites and prints one JSON document per suite.
 * Each suite is a module bench/<suite>.ts (helpers live in bench/support/) exporting `run(args: string[]): Promise<Record<string, unknown>>`.
 */
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'run.ts')
  .map((f) => f.replace(/\.ts$/, ''));

const [suiteArg, ...rest] = process.argv.slice(2);
const suites = suiteArg && suiteArg !== 'all' ? [suiteArg] : available;
for (const suite of suites) {
  if (!available.includes(suite)) {
    console.error(`Unknown benchmark suite "${suite}". Available: ${available.join(', ')}`);
    process.exit(2);
  }
  const mod = (await import(pathToFileURL(path.join(here, `${suite}.ts`)).href)) as {
    run: (args: string[]) => Promise<Record<string, unknown>>;
  };
  const figures = await mod.run(rest);
  const machine = {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
  };
  console.log(JSON.stringify({ suite, machine, ...figures }, null, 2));
}

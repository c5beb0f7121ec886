/**
 * `npm run --silent optimize -- run <problem.json> [--constraints <user-constraints.json>] [--explain]`
 *   prints the recommendation as JSON (or, with --explain, as tables). The file holds one line problem or a
 *   potline `{ "potlineId", "lines": [...] }`.
 * `npm run --silent optimize -- example [--lines 3] [--cells 100] [--seed 1]` prints the default potline problem.
 * Invalid input exits with code 2 and a message naming the field; other failures exit 1.
 */
import { readFileSync } from 'node:fs';
import { OptimizeError } from './errors.js';
import { defaultPotline } from './default-potline.js';
import { explainRecommendation } from './explain.js';
import { optimizePotline, parseUserConstraints } from './potline.js';

function readJson(path: string, field: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new OptimizeError('ERR-OPT-INPUT', field, `cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new OptimizeError('ERR-OPT-INPUT', field, `${path} is not valid JSON: ${(err as Error).message}`);
  }
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (value === undefined || value.startsWith('--'))
    throw new OptimizeError('ERR-OPT-INPUT', name, `${name} needs a value`);
  return value;
}

function intOption(args: string[], name: string, fallback: number): number {
  const raw = option(args, name);
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 1)
    throw new OptimizeError('ERR-OPT-INPUT', name, `${name} must be a positive integer, got ${raw}`);
  return v;
}

async function main(args: string[]): Promise<void> {
  const [command, ...rest] = args;
  if (command === 'example') {
    console.log(
      JSON.stringify(
        defaultPotline(intOption(rest, '--seed', 1), intOption(rest, '--lines', 3), intOption(rest, '--cells', 100)),
        null,
        1,
      ),
    );
    return;
  }
  if (command !== 'run')
    throw new OptimizeError(
      'ERR-OPT-INPUT',
      'command',
      'usage: optimize run <problem.json> [--constraints <file.json>] [--explain] | optimize example [--lines N] [--cells N] [--seed N]',
    );
  const file = rest.find((a, i) => !a.startsWith('--') && rest[i - 1] !== '--constraints');
  if (!file) throw new OptimizeError('ERR-OPT-INPUT', 'problem', 'give the problem file: optimize run <problem.json>');
  const raw = readJson(file, 'problem');
  const constraintsFile = option(rest, '--constraints');
  const extra = constraintsFile ? parseUserConstraints(readJson(constraintsFile, 'userConstraints')) : [];
  const isPotline = typeof raw === 'object' && raw !== null && 'lines' in raw;
  const potline = (
    isPotline ? raw : { potlineId: (raw as { lineId?: unknown } | null)?.lineId ?? 'line', lines: [raw] }
  ) as { lines: unknown[] };
  if (extra.length > 0 && Array.isArray(potline.lines)) {
    potline.lines = potline.lines.map((l) => {
      const line = l as { lineId?: string; userConstraints?: unknown[]; cells?: { cellId?: string }[] };
      const mine = extra.filter((u) =>
        u.scope === 'line' ? true : (line.cells ?? []).some((c) => c.cellId === u.cellId),
      );
      return { ...line, userConstraints: [...(line.userConstraints ?? []), ...mine] };
    });
  }
  const result = await optimizePotline(potline);
  if (rest.includes('--explain')) {
    console.log(result.lines.map((r) => explainRecommendation(r)).join('\n\n'));
    if (isPotline) {
      const s = result.summary;
      console.log(
        `\nPotline ${result.potlineId}: SEC ${s.secKWhPerKg.before.toFixed(4)} → ${s.secKWhPerKg.after.toFixed(4)} kWh/kg (${s.secKWhPerKg.changePct.toFixed(2)} %), production ${s.productionKgPerDay.changePct.toFixed(2)} %`,
      );
    }
    return;
  }
  console.log(JSON.stringify(isPotline ? result : result.lines[0], null, 1));
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof OptimizeError) {
    console.error(`${err.code} ${err.field}: ${err.message}`);
    process.exit(err.code === 'ERR-OPT-INPUT' ? 2 : 1);
  }
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});

import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { defaultPotline } from './default-potline.js';
import { optimizeLine } from './optimize-line.js';

describe('default potline', () => {
  it('lowers the predicted SEC of a 100-cell line with production within ±2 % of baseline', async () => {
    const line = defaultPotline().lines[0]!;
    const r = await optimizeLine(line);
    expect(r.status).toBe('optimal');
    expect(r.secKWhPerKg.after).toBeLessThan(r.secKWhPerKg.before);
    expect(r.secKWhPerKg.changePct).toBeLessThan(-1);
    expect(Math.abs(r.productionKgPerDay.after / r.productionKgPerDay.baseline - 1)).toBeLessThanOrEqual(0.02);
  });

  it('draws the documented ranges, with every cell above its liquidus', () => {
    const cells = defaultPotline().lines.flatMap((l) => l.cells);
    expect(cells).toHaveLength(300);
    for (const c of cells) {
      expect(c.state.acdCm).toBeGreaterThanOrEqual(2.7);
      expect(c.state.acdCm).toBeLessThanOrEqual(3.3);
      expect(c.state.alf3Pct).toBeGreaterThanOrEqual(10);
      expect(c.state.alf3Pct).toBeLessThanOrEqual(13);
    }
  });
});

describe('optimize CLI', () => {
  it('exits non-zero naming the field of an invalid problem', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'optimize-cli-'));
    const file = path.join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        lineId: 'X',
        lineCurrentKA: 126,
        rectifier: { minCurrentKA: 100, maxCurrentKA: 130, maxVoltageV: 500 },
        cells: [{ cellId: 'X1', state: { acdCm: 'wide' } }],
      }),
    );
    const run = promisify(execFile);
    const err = await run(process.execPath, [
      '--import',
      'tsx',
      path.join(import.meta.dirname, 'cli.ts'),
      'run',
      file,
    ]).catch((e: { code: number; stderr: string }) => e);
    expect(err).toMatchObject({ code: 2 });
    expect((err as { stderr: string }).stderr).toContain('problem.lines.0.cells.0.state.acdCm');
  });
});
